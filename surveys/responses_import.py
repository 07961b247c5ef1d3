"""Importing nominations gathered elsewhere (a spreadsheet, another survey tool) as one closed
wave, ready for the analysis. Used by `manage.py import_responses`.

The file is CSV with the columns respondent_email, relation, nominee_email and optionally
strength (1 monthly … 4 daily, or empty). A row with an empty nominee_email records that the
respondent answered the question and named nobody. Every row is checked the way the answering
page checks answers before anything is written; one bad row means nothing is stored, and every
problem is reported with its row as a spreadsheet shows it (header = row 1) and its column.

A good file is written in one transaction: the survey (created if missing, with a nomination
question per relation), one closed wave inviting every active person of the organisation
(without links or e-mails), and a submitted response with its nominations per respondent.
"""

import csv
import io
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import lru_cache
from itertools import islice

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify

from surveys import hooks
from surveys.models import QUESTION_BANK, Invitation, Nomination, Question, Response, Survey, Wave
from surveys.services import QuestionSpec, survey_create, survey_update
from teams.models import Organization, Person
from teams.roster_files import normalise_column

REQUIRED_COLUMNS = ("respondent_email", "relation", "nominee_email")
OPTIONAL_COLUMNS = ("strength",)
BATCH = 1000
STRENGTH_SCALE = "1 (monthly), 2 (weekly), 3 (several times a week) or 4 (daily)"
NOT_CSV = (
    "'{name}' is not a CSV file. Save the answers as CSV (UTF-8) with the columns "
    + ", ".join(REQUIRED_COLUMNS)
    + " and optionally strength."
)


@dataclass(frozen=True)
class ResponsesImportProblem:
    """One thing to fix: row as a spreadsheet shows it (header = 1; None = the whole file),
    column (empty for the whole row or file), what is wrong."""

    row: int | None
    column: str
    message: str


@dataclass
class ResponsesImportReport:
    problems: list[ResponsesImportProblem] = field(default_factory=list)
    survey_title: str = ""
    survey_created: bool = False
    questions_added: list[str] = field(default_factory=list)
    wave_id: int | None = None
    wave_number: int | None = None
    invited: int = 0
    respondents: int = 0
    nominations: int = 0
    rows: int = 0
    repeated_rows: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        new = " (new survey)" if self.survey_created else ""
        added = (
            f"; questions added: {', '.join(self.questions_added)}"
            if self.questions_added and not self.survey_created
            else ""
        )
        repeated = f"; {self.repeated_rows} repeated rows collapsed" if self.repeated_rows else ""
        return (
            f"'{self.survey_title}'{new}, wave {self.wave_number}: {self.invited} invited, "
            f"{self.respondents} answered, {self.nominations} nominations from {self.rows} rows"
            f"{repeated}{added}."
        )


class _FileError(Exception):
    def __init__(self, problems: list[ResponsesImportProblem]):
        super().__init__(problems[0].message)
        self.problems = problems


@dataclass(frozen=True)
class _Row:
    number: int
    respondent: str
    relation: str
    nominee: str
    strength: str


@dataclass
class _Answers:
    """The checked file: who named whom, per respondent and relation."""

    relations: list[str] = field(default_factory=list)  # in order of first appearance
    with_strength: set[str] = field(default_factory=set)
    picks: dict[tuple[int, str], dict[int, int | None]] = field(default_factory=dict)
    repeated: int = 0


def responses_import(
    *,
    organization: Organization,
    survey_title: str,
    file_name: str,
    content: bytes,
    window: tuple[datetime, datetime] | None = None,
) -> ResponsesImportReport:
    """Check a file of nominations and (unless anything is wrong) store it as one closed wave.

    `window` (opens, closes) dates the wave when the answers were collected; default: now.
    """
    title = " ".join(survey_title.split())
    report = ResponsesImportReport(survey_title=title)
    if window is not None and not window[0] < window[1] <= timezone.now():
        report.problems.append(
            ResponsesImportProblem(
                None, "", "The wave's window must open before it closes, and close in the past."
            )
        )
        return report
    if not title:
        report.problems.append(ResponsesImportProblem(None, "", "Give the survey a title."))
        return report
    try:
        rows = _read_rows(file_name, content)
    except _FileError as exc:
        report.problems = exc.problems
        return report
    report.rows = len(rows)
    with transaction.atomic():
        # Serialises imports of one organisation: wave numbers and new questions stay consistent.
        Organization.objects.select_for_update().filter(pk=organization.pk).first()
        survey = Survey.objects.filter(organization=organization, title__iexact=title).first()
        questions = _nomination_questions(survey)
        frozen = survey is not None and survey.waves.exclude(status=Wave.Status.DRAFT).exists()
        people = {
            email: (pk, active)
            for email, pk, active in Person.objects.filter(organization=organization).values_list(
                "email", "id", "is_active"
            )
        }
        answers, problems = _check_rows(rows, people, questions, frozen, survey)
        if survey is not None and survey.status == Survey.Status.ARCHIVED:
            problems.insert(0, _archived(survey))
        if problems:
            report.problems = sorted(problems, key=lambda p: p.row or 0)
            return report
        try:
            survey = _survey_ready(organization, survey, title, answers, questions, report)
        except ValidationError as exc:
            transaction.set_rollback(True)
            report.problems = [ResponsesImportProblem(None, "", m) for m in exc.messages]
            return report
        active = sorted(pk for pk, is_active in people.values() if is_active)
        _store(survey, active, answers, report, window)
        report.survey_title = survey.title
    return report


# --- reading the file ----------------------------------------------------------------------------


def _read_rows(file_name: str, content: bytes) -> list[_Row]:
    if not content.strip():
        raise _FileError([_whole_file("The file is empty. Upload a CSV file with a header row.")])
    looks_binary = content[:4] == b"PK\x03\x04" or b"\x00" in content[:4096]
    if looks_binary or file_name.lower().endswith((".xlsx", ".xls", ".ods", ".numbers", ".pdf")):
        raise _FileError([_whole_file(NOT_CSV.format(name=file_name))])
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = content[: exc.start].count(b"\n") + 1
        raise _FileError(
            [
                _whole_file(
                    f"The file is not UTF-8 text (first unreadable byte on row {line}). In Excel "
                    "choose 'Save as… CSV UTF-8'."
                )
            ]
        ) from None
    try:
        cells = list(csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text)))
    except csv.Error as exc:
        raise _FileError([_whole_file(f"The CSV file cannot be read: {exc}.")]) from None
    start = next((i for i, row in enumerate(cells) if any(c.strip() for c in row)), None)
    if start is None:
        raise _FileError([_whole_file("The file is empty. Upload a CSV file with a header row.")])
    header = [normalise_column(c) for c in cells[start]]
    _check_header(header, header_row=start + 1)
    rows = []
    for index in range(start + 1, len(cells)):
        values = dict(zip(header, (c.strip() for c in cells[index]), strict=False))
        if any(values.values()):
            rows.append(
                _Row(
                    number=index + 1,
                    respondent=values.get("respondent_email", "").lower(),
                    relation=values.get("relation", ""),
                    nominee=values.get("nominee_email", "").lower(),
                    strength=values.get("strength", ""),
                )
            )
    if not rows:
        raise _FileError([_whole_file("The file has a header row but no answers below it.")])
    return rows


def _delimiter(text: str) -> str:
    """Comma, or the semicolon or tab a spreadsheet in another locale writes."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    return max(",;\t", key=first.count) if first else ","


def _check_header(header: list[str], *, header_row: int) -> None:
    problems = [
        ResponsesImportProblem(header_row, name, f"Column '{name}' appears more than once.")
        for name in sorted({n for n in header if n and header.count(n) > 1})
    ]
    problems += [
        ResponsesImportProblem(
            header_row,
            name,
            f"Required column '{name}' is missing from the header. Required: "
            f"{', '.join(REQUIRED_COLUMNS)}; optional: {', '.join(OPTIONAL_COLUMNS)}.",
        )
        for name in REQUIRED_COLUMNS
        if name not in header
    ]
    if problems:
        raise _FileError(problems)


def _whole_file(message: str) -> ResponsesImportProblem:
    return ResponsesImportProblem(None, "", message)


# --- checking the rows ---------------------------------------------------------------------------


def _nomination_questions(survey: Survey | None) -> dict[str, Question]:
    if survey is None:
        return {}
    return {q.relation: q for q in survey.questions.filter(kind=Question.Kind.NOMINATION)}


@lru_cache(maxsize=256)  # a file repeats a handful of relations on every row
def _relation_slug(text: str) -> str:
    return slugify(text).replace("-", "_")


def _check_rows(rows, people, questions, frozen, survey) -> tuple[_Answers, list]:
    answers, problems = _Answers(), []
    over_limit: set[tuple[int, str]] = set()
    first_row: dict[tuple[int, str, int], tuple[int, int | None]] = {}
    for row in rows:
        found = [
            *_check_people(row, people),
            *_check_relation(row, questions, frozen, survey),
        ]
        strength, problem = _strength(row, questions)
        found += [problem] if problem else []
        problems += found
        if found:
            continue
        respondent, relation = people[row.respondent][0], _relation_slug(row.relation)
        if relation not in answers.relations:
            answers.relations.append(relation)
        if strength is not None:
            answers.with_strength.add(relation)
        picks = answers.picks.setdefault((respondent, relation), {})
        if not row.nominee:
            continue
        nominee = people[row.nominee][0]
        if nominee in picks:
            number, earlier = first_row[(respondent, relation, nominee)]
            if earlier == strength:
                answers.repeated += 1
            else:
                problems.append(_strength_clash(row, number, earlier))
            continue
        question = questions.get(relation)
        limit = question.max_nominees if question else QuestionSpec.max_nominees
        if len(picks) >= limit:
            if (respondent, relation) not in over_limit:  # reported at the first row over it
                over_limit.add((respondent, relation))
                problems.append(_too_many(row, relation, limit))
            continue
        picks[nominee] = strength
        first_row[(respondent, relation, nominee)] = (row.number, strength)
    return answers, problems


def _check_people(row: _Row, people) -> list[ResponsesImportProblem]:
    problems = []
    for column, email, who in (
        ("respondent_email", row.respondent, "respondent"),
        ("nominee_email", row.nominee, "nominee"),
    ):
        if not email:
            if who == "respondent":
                problems.append(
                    ResponsesImportProblem(row.number, column, "Respondent e-mail is missing.")
                )
        elif email not in people:
            problems.append(
                ResponsesImportProblem(
                    row.number,
                    column,
                    f"No one with the e-mail {email} is in the roster; import the roster first "
                    "or correct the e-mail.",
                )
            )
        elif not people[email][1]:
            problems.append(
                ResponsesImportProblem(
                    row.number,
                    column,
                    f"{email} is deactivated in the roster, so cannot be a {who}.",
                )
            )
    if row.nominee and row.nominee == row.respondent:
        problems.append(
            ResponsesImportProblem(row.number, "nominee_email", "A person cannot name themselves.")
        )
    return problems


def _check_relation(row: _Row, questions, frozen, survey) -> list[ResponsesImportProblem]:
    relation = _relation_slug(row.relation)
    if not relation:
        message = "Relation is missing; e.g. " + ", ".join(QUESTION_BANK) + "."
    elif len(relation) > 40:
        message = "The relation is longer than 40 characters; shorten it."
    elif frozen and relation not in questions:
        asked = ", ".join(sorted(questions)) or "no relation"
        message = (
            f"The survey '{survey.title}' has no question about '{relation}' (it asks about "
            f"{asked}), and no questions can be added after a wave has opened. Import into a "
            "new survey title, or leave these rows out."
        )
    else:
        return []
    return [ResponsesImportProblem(row.number, "relation", message)]


def _strength(row: _Row, questions) -> tuple[int | None, ResponsesImportProblem | None]:
    if not row.strength:
        return None, None
    try:
        value = float(row.strength)
    except ValueError:
        value = None
    if value is None:
        message = f"Strength '{row.strength}' is not a number: use {STRENGTH_SCALE} or nothing."
    elif not value.is_integer() or not 1 <= value <= 4:
        message = f"Strength {row.strength} is off the scale: use {STRENGTH_SCALE} or nothing."
    elif not row.nominee:
        message = "A strength needs a nominee_email on the same row."
    else:
        question = questions.get(_relation_slug(row.relation))
        if question is None or question.ask_strength:
            return int(value), None
        message = (
            f"The survey's question about '{question.relation}' does not ask how often; leave "
            "strength empty."
        )
    return None, ResponsesImportProblem(row.number, "strength", message)


def _strength_clash(row: _Row, number: int, earlier: int | None) -> ResponsesImportProblem:
    def shown(value):
        return "no strength" if value is None else f"strength {value}"

    return ResponsesImportProblem(
        row.number,
        "strength",
        f"The same nomination is on row {number} with {shown(earlier)}; keep one row.",
    )


def _too_many(row: _Row, relation: str, limit: int) -> ResponsesImportProblem:
    return ResponsesImportProblem(
        row.number,
        "nominee_email",
        f"{row.respondent} names more than {limit} people for '{relation}' (the question allows "
        f"at most {limit}); this row is one too many.",
    )


def _archived(survey: Survey) -> ResponsesImportProblem:
    return ResponsesImportProblem(
        None, "", f"The survey '{survey.title}' is archived; import into a new survey title."
    )


# --- writing -------------------------------------------------------------------------------------


def _survey_ready(organization, survey, title, answers: _Answers, questions, report) -> Survey:
    """The survey with a nomination question for every relation of the file."""
    new = [
        QuestionSpec(
            relation=relation,
            prompt=QUESTION_BANK.get(relation)
            or f"Who do you go to for {relation.replace('_', ' ')}?",
            ask_strength=relation in answers.with_strength,
        )
        for relation in answers.relations
        if relation not in questions
    ]
    report.questions_added = [spec.relation for spec in new]
    if survey is None:
        report.survey_created = True
        return survey_create(organization=organization, title=title, questions=new)
    if new:  # only reached while no wave has opened: there are no answers to keep
        kept = [
            QuestionSpec(q.kind, q.relation, q.prompt, q.max_nominees, q.ask_strength, q.required)
            for q in survey.questions.all()
        ]
        survey = survey_update(survey=survey, questions=kept + new)
    return survey


def _store(survey: Survey, active: list[int], answers: _Answers, report, window=None) -> None:
    opened, now = window or (timezone.now() - timedelta(seconds=1), timezone.now())
    number = (survey.waves.aggregate(n=Max("number"))["n"] or 0) + 1
    wave = Wave.objects.create(
        survey=survey,
        number=number,
        status=Wave.Status.CLOSED,
        opens_at=opened,
        closes_at=now,
        opened_at=opened,
        closed_at=now,
        analysis_requested_at=now,
    )
    transaction.on_commit(lambda: hooks.wave_closed(wave.pk))
    respondents = {respondent for respondent, _ in answers.picks}
    invitations = _created(
        [
            Invitation(wave=wave, person_id=pk, answered_at=now if pk in respondents else None)
            for pk in active
        ],
        refetch=lambda: Invitation.objects.filter(wave=wave),
    )
    invitation_of = {i.person_id: i.pk for i in invitations}
    responses = _created(
        [Response(invitation_id=invitation_of[pk], submitted_at=now) for pk in sorted(respondents)],
        refetch=lambda: Response.objects.filter(invitation__wave=wave),
    )
    response_of = {r.invitation_id: r.pk for r in responses}
    question_of = {q.relation: q.pk for q in _nomination_questions(survey).values()}
    nominations = (
        Nomination(
            response_id=response_of[invitation_of[respondent]],
            question_id=question_of[relation],
            nominee_id=nominee,
            strength=strength,
        )
        for (respondent, relation), picks in answers.picks.items()
        for nominee, strength in picks.items()
    )
    report.nominations = 0
    while batch := list(islice(nominations, BATCH)):  # a batch at a time in memory
        Nomination.objects.bulk_create(batch)
        report.nominations += len(batch)
    report.wave_id, report.wave_number = wave.pk, wave.number
    report.invited, report.respondents = len(active), len(respondents)
    report.repeated_rows = answers.repeated


def _created(objects: list, *, refetch) -> list:
    """bulk_create in batches; the stored rows with their ids, also on databases that do not
    return ids from a bulk insert."""
    if not objects:
        return []
    model = type(objects[0])
    model.objects.bulk_create(objects, batch_size=BATCH)
    if all(obj.pk for obj in objects):
        return objects
    return list(refetch())
