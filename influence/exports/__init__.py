"""Report files of a run: JSON, CSV (zip), XLSX, PDF, GraphML, GEXF and an edge-list CSV.

Contract used by the export jobs, the pages, the API and `manage.py export_report`:
`export_render(run=, team_ids=, fmt=, pseudonymise=, progress=)` → ExportFile. Same data and
scope as the pages: `team_ids` None is the whole organisation (HR), else a lead's teams.
"""

import json
from collections.abc import Callable
from dataclasses import dataclass

from influence.models import AnalysisRun
from influence.reports import report_build

FORMATS: dict[str, str] = {"json": "JSON"}


@dataclass(frozen=True)
class ExportFile:
    filename: str
    content_type: str
    content: bytes


def export_render(
    *,
    run: AnalysisRun,
    team_ids: set[int] | None,
    fmt: str,
    pseudonymise: bool = False,
    progress: Callable[[int, str], None] | None = None,
) -> ExportFile:
    """The report of `run` in `fmt` (a key of FORMATS); progress(percent, stage) as it goes."""
    if fmt not in FORMATS:
        raise ValueError(f"Unknown format '{fmt}'. Available: {', '.join(FORMATS)}.")
    report = report_build(run=run, team_ids=team_ids)
    content = (json.dumps(report, indent=2, ensure_ascii=False) + "\n").encode()
    return ExportFile(
        filename=f"influence-wave-{run.wave_id}.json",
        content_type="application/json",
        content=content,
    )


def export_people_count(*, run: AnalysisRun, team_ids: set[int] | None) -> int:
    """How many people an export would list: decides streaming against a background job."""
    from influence.models import PersonPosition

    positions = PersonPosition.objects.filter(run=run)
    if team_ids is not None:
        positions = positions.filter(person__team_id__in=team_ids)
    return positions.count()
