"""A synthetic organisation in the database, analysed: the organisation bench/analysis.py
generates, imported through the roster and answer imports (influence.simulation's row helpers),
which close a wave and, with Celery eager, run the analysis at once."""

import csv
import io
import time
from dataclasses import dataclass


@dataclass
class BenchOrganization:
    organization: object
    wave_id: int
    nominations: int
    roster_seconds: float
    answers_and_analysis_seconds: float


def _csv(rows: list[dict[str, str]]) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def bench_organization(
    people: int, seed: int, *, slug: str = "bench", name: str = "Bench"
) -> BenchOrganization:
    from analysis import analysis_input
    from django.conf import settings

    from influence.simulation import answer_rows, roster_rows
    from surveys.models import QUESTION_BANK
    from surveys.responses_import import responses_import
    from surveys.services import QuestionSpec, survey_create
    from teams.roster_import import roster_import
    from teams.services import organization_get_or_create

    data = analysis_input(people, seed)
    settings.ROSTER_IMPORT_MAX_BYTES = 200 * 1024 * 1024
    organization, _ = organization_get_or_create(slug=slug, name=name)
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
    start = time.perf_counter()
    answers = responses_import(
        organization=organization,
        survey_title="Bench",
        file_name="a.csv",
        content=_csv(list(reversed(unique.values()))),
    )
    assert answers.ok, answers.problems[:3]
    return BenchOrganization(
        organization,
        answers.wave_id,
        answers.nominations,
        roster_seconds,
        time.perf_counter() - start,
    )
