"""The analysis through the database: load a wave, compute, store, as a closed wave triggers it.

    .venv/bin/python bench/analysis_db.py [--people 10000]

Imports the organisation bench/analysis.py generates (influence.simulation is too slow to
build 10,000 people) through the roster and answer imports (influence.simulation's row helpers),
which close a wave and, with Celery eager, run the analysis at once. Prints the run's stage
timings (load from the database, graphs, metrics, groups, flags, layout, store) and, in the same
run, `analyse` on the same input without the database, so the database share is visible.
Runs on in-memory SQLite, or on PostgreSQL in a throwaway database when DATABASE_URL is set.
"""

import argparse
import csv
import io
import os
import sys
import time
from pathlib import Path

from throwaway_db import create_bench_database, drop_bench_database

ROOT = Path(__file__).resolve().parent.parent
BENCH_DB = "influence_bench_analysis"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=3)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    admin_url = create_bench_database(os.environ.get("DATABASE_URL", ""), BENCH_DB)
    try:
        import django

        django.setup()
        _run(args.people, args.seed)
    finally:
        if admin_url:
            drop_bench_database(admin_url, BENCH_DB)


def _csv(rows: list[dict[str, str]]) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def _run(people: int, seed: int) -> None:
    from analysis import analysis_input
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from influence.analysis.pipeline import analyse
    from influence.models import AnalysisRun
    from influence.selectors import analysis_input_for_wave
    from influence.simulation import answer_rows, roster_rows
    from surveys.models import QUESTION_BANK
    from surveys.responses_import import responses_import
    from surveys.services import QuestionSpec, survey_create
    from teams.roster_import import roster_import
    from teams.services import organization_get_or_create

    call_command("migrate", verbosity=0)
    data = analysis_input(people, seed)
    settings.ROSTER_IMPORT_MAX_BYTES = 200 * 1024 * 1024
    organization, _ = organization_get_or_create(slug="bench", name="Bench")
    start = time.perf_counter()
    report = roster_import(
        organization=organization, file_name="r.csv", content=_csv(roster_rows(data))
    )
    assert report.ok, report.problems[:3]
    roster_seconds = time.perf_counter() - start
    # The generator lets people name up to 8 (and, rarely, themselves): ask for up to 10.
    questions = [
        QuestionSpec(relation=r, prompt=QUESTION_BANK[r], max_nominees=10, ask_strength=True)
        for r in data.relations
    ]
    survey_create(organization=organization, title="Bench", questions=questions)
    unique = {
        (r["respondent_email"], r["relation"], r["nominee_email"]): r
        for r in reversed(answer_rows(data))
        if r["respondent_email"] != r["nominee_email"]
    }
    rows = list(reversed(unique.values()))
    start = time.perf_counter()
    answers = responses_import(
        organization=organization, survey_title="Bench", file_name="a.csv", content=_csv(rows)
    )
    assert answers.ok, answers.problems[:3]
    import_and_analysis = time.perf_counter() - start
    run = AnalysisRun.objects.get(wave_id=answers.wave_id)
    print(
        f"{people:,} people, {answers.nominations:,} nominations, {connection.vendor}: "
        f"run {run.status}{' — ' + run.error if run.error else ''}"
    )
    print(
        f"roster import {roster_seconds:.1f}s; answers import + analysis {import_and_analysis:.1f}s"
    )
    print(
        "stage timings of the run (s): "
        + ", ".join(f"{stage} {seconds:.2f}" for stage, seconds in run.timings.items())
    )
    start = time.perf_counter()
    analyse(analysis_input_for_wave(run.wave))
    print(
        f"same analysis without the database: {time.perf_counter() - start:.2f}s "
        "(load + analyse in memory, nothing stored)"
    )


if __name__ == "__main__":
    main()
