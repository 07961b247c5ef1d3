"""How well the flags find what was planted: simulate → analyse → compare, over several seeds.

Pure Python, no Django; `manage.py evaluate_flags` prints the table. Precision and recall are
micro-averaged: true positives, flags and planted people are summed over the seeds first.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

from influence.analysis.types import AnalysisInput, AnalysisResult, Thresholds
from influence.simulation import KINDS, simulate

COLUMNS = ("kind", "planted", "flagged", "true_positives", "precision", "recall")
# What the flags need to reach 0.9 precision and recall on the simulation where the defaults in
# types.py fall short; passed explicitly until the defaults there are changed.
# The defaults of types.py are the thresholds this evaluation recommends.
RECOMMENDED_THRESHOLDS = Thresholds()


def changed_thresholds(thresholds: Thresholds) -> dict[str, object]:
    """The thresholds that differ from the defaults in types.py."""
    default = Thresholds()
    return {
        name: value for name, value in vars(thresholds).items() if getattr(default, name) != value
    }


@dataclass(frozen=True)
class EvaluationRow:
    kind: str
    planted: int  # planted people, summed over seeds
    flagged: int  # people flagged with this kind, summed over seeds
    true_positives: int  # flagged and planted

    @property
    def precision(self) -> float | None:
        return self.true_positives / self.flagged if self.flagged else None

    @property
    def recall(self) -> float | None:
        return self.true_positives / self.planted if self.planted else None


def evaluate(
    *,
    people: int,
    response_rate: float,
    seeds: Iterable[int],
    thresholds: Thresholds | None = None,
    analyse: Callable[[AnalysisInput], AnalysisResult] | None = None,
    noise: float | None = None,
) -> list[EvaluationRow]:
    """Per flag kind (sorted), planted / flagged / true positives summed over the seeds."""
    if analyse is None:
        from influence.analysis.pipeline import analyse  # lazily: the pipeline is optional here
    totals = {kind: [0, 0, 0] for kind in KINDS}
    options = {} if noise is None else {"noise": noise}
    for seed in seeds:
        data, truth = simulate(people=people, response_rate=response_rate, seed=seed, **options)
        if thresholds is not None:
            data = replace(data, thresholds=thresholds)
        result = analyse(data)
        for kind, planted in truth.by_kind().items():
            flagged = {flag.person_id for flag in result.flags if flag.kind == kind}
            totals[kind][0] += len(planted)
            totals[kind][1] += len(flagged)
            totals[kind][2] += len(flagged & planted)
    return [EvaluationRow(kind, *totals[kind]) for kind in sorted(totals)]


def format_table(rows: Iterable[EvaluationRow]) -> str:
    """A plain-text table: kind, planted, flagged, true_positives, precision, recall."""
    lines = [
        (
            row.kind,
            str(row.planted),
            str(row.flagged),
            str(row.true_positives),
            _ratio(row.precision),
            _ratio(row.recall),
        )
        for row in rows
    ]
    widths = [max(len(cell) for cell in column) for column in zip(COLUMNS, *lines, strict=True)]
    return "\n".join(
        "  ".join(
            cell.ljust(width) if i == 0 else cell.rjust(width)
            for i, (cell, width) in enumerate(zip(cells, widths, strict=True))
        ).rstrip()
        for cells in (COLUMNS, *lines)
    )


def _ratio(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}"
