"""Importing nominations from a file as one closed wave: `responses_import` and
`manage.py import_responses`. A bad row means nothing is stored, and it is named by its row
as a spreadsheet shows it (header = row 1)."""

import time
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from surveys.models import (
    QUESTION_BANK,
    Invitation,
    InvitationEvent,
    InvitationLink,
    Nomination,
    Question,
    Response,
    Survey,
    Wave,
)
from surveys.responses_import import responses_import
from surveys.services import QuestionSpec, survey_create
from teams.models import Person, Team
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

HEADER = "respondent_email,relation,nominee_email,strength\n"
GOOD = HEADER + (
    "eng@acme.test,advice,lead@acme.test,4\n"  # row 2
    "eng@acme.test,advice,plat@acme.test,\n"
    "ENG@acme.test,Decision,Lead@Acme.test,\n"
    "plat@acme.test,advice,eng@acme.test,2\n"
    "plat@acme.test,advice,eng@acme.test,2\n"  # row 6: repeated, collapses
    "sales@acme.test,help,hr@acme.test,\n"
    "sales@acme.test,mentoring,eng@acme.test,\n"
    "lead@acme.test,decision,,\n"  # row 9: answered, named nobody
)


def run(world, text: str | bytes, title: str = "Imported pulse", name: str = "answers.csv"):
    content = text.encode() if isinstance(text, str) else text
    return responses_import(
        organization=world.org, survey_title=title, file_name=name, content=content
    )


def problems(report) -> list[tuple[int | None, str, str]]:
    return [(p.row, p.column, p.message) for p in report.problems]


def nothing_stored():
    return not (
        Survey.objects.exists()
        or Wave.objects.exists()
        or Invitation.objects.exists()
        or Response.objects.exists()
        or Nomination.objects.exists()
    )


@pytest.fixture
def retired(world) -> Person:
    return PersonFactory(team=world.sales, email="old@acme.test", name="Old Timer", is_active=False)


def test_good_file_becomes_one_closed_wave(world, retired):
    report = run(world, GOOD)
    assert report.ok, report.problems
    assert report.summary() == (
        "'Imported pulse' (new survey), wave 1: 5 invited, 4 answered, 6 nominations from 8 rows; "
        "1 repeated rows collapsed."
    )

    survey = Survey.objects.get()
    assert survey.organization == world.org
    asked = [(q.relation, q.prompt, q.ask_strength) for q in survey.questions.all()]
    assert asked == [
        ("advice", QUESTION_BANK["advice"], True),
        ("decision", QUESTION_BANK["decision"], False),
        ("help", QUESTION_BANK["help"], False),
        ("mentoring", "Who do you go to for mentoring?", False),
    ]

    wave = Wave.objects.get()
    assert (report.wave_id, wave.number, wave.status) == (wave.pk, 1, Wave.Status.CLOSED)
    assert wave.opens_at < wave.closes_at
    assert wave.closed_at is not None and wave.analysis_requested_at is not None

    invited = set(wave.invitations.values_list("person__email", flat=True))
    assert invited == {
        "hr@acme.test",
        "lead@acme.test",
        "eng@acme.test",
        "plat@acme.test",
        "sales@acme.test",
    }  # every active person of Acme, not the retired one, not Globex
    answered = set(
        wave.invitations.filter(answered_at__isnull=False).values_list("person__email", flat=True)
    )
    assert answered == {"eng@acme.test", "plat@acme.test", "sales@acme.test", "lead@acme.test"}
    assert not InvitationLink.objects.exists()  # no links, no e-mails
    assert not InvitationEvent.objects.exists()
    assert not wave.invitations.filter(sent_at__isnull=False).exists()

    responses = Response.objects.filter(invitation__wave=wave)
    assert responses.count() == 4
    assert not responses.filter(submitted_at__isnull=True).exists()
    rows = set(
        Nomination.objects.values_list(
            "response__invitation__person__email",
            "question__relation",
            "nominee__email",
            "strength",
        )
    )
    assert rows == {
        ("eng@acme.test", "advice", "lead@acme.test", 4),
        ("eng@acme.test", "advice", "plat@acme.test", None),
        ("eng@acme.test", "decision", "lead@acme.test", None),
        ("plat@acme.test", "advice", "eng@acme.test", 2),
        ("sales@acme.test", "help", "hr@acme.test", None),
        ("sales@acme.test", "mentoring", "eng@acme.test", None),
    }
    lead = responses.get(invitation__person=world.lead)
    assert not lead.nominations.exists()  # answered, named nobody


def test_running_again_with_the_same_title_adds_a_second_wave(world):
    assert run(world, GOOD).ok
    again = run(world, GOOD, title="imported  PULSE")
    assert again.ok, again.problems
    assert again.wave_number == 2
    assert not again.survey_created
    assert again.survey_title == "Imported pulse"
    assert Survey.objects.count() == 1
    assert Question.objects.count() == 4  # not duplicated
    assert [w.number for w in Wave.objects.order_by("number")] == [1, 2]
    assert Invitation.objects.filter(wave_id=again.wave_id).count() == 5
    assert Nomination.objects.filter(response__invitation__wave_id=again.wave_id).count() == 6


def test_after_a_wave_a_new_relation_is_refused_but_before_one_it_is_added(world):
    assert run(world, GOOD).ok
    report = run(world, HEADER + "eng@acme.test,energy,lead@acme.test,\n")
    assert problems(report) == [
        (
            2,
            "relation",
            "The survey 'Imported pulse' has no question about 'energy' (it asks about advice, "
            "decision, help, mentoring), and no questions can be added after a wave has opened. "
            "Import into a new survey title, or leave these rows out.",
        )
    ]
    assert Wave.objects.count() == 1

    survey_create(
        organization=world.org,
        title="Planned",
        questions=[QuestionSpec(kind="rating", prompt="How is it going?")],
    )
    added = run(world, HEADER + "eng@acme.test,energy,lead@acme.test,3\n", title="Planned")
    assert added.ok, added.problems
    assert added.questions_added == ["energy"]
    survey = Survey.objects.get(title="Planned")
    assert [(q.kind, q.relation, q.ask_strength) for q in survey.questions.all()] == [
        ("rating", "", False),
        ("nomination", "energy", True),
    ]


def test_every_bad_row_is_reported_with_its_row_and_nothing_is_stored(world, retired):
    text = HEADER + (
        "nobody@acme.test,advice,lead@acme.test,\n"  # 2
        "eng@acme.test,advice,dev@globex.test,\n"  # 3: another organisation
        "old@acme.test,advice,lead@acme.test,\n"  # 4
        "eng@acme.test,advice,old@acme.test,\n"  # 5
        "eng@acme.test,advice,eng@acme.test,\n"  # 6
        "eng@acme.test,advice,lead@acme.test,often\n"  # 7
        "eng@acme.test,advice,lead@acme.test,5\n"  # 8
        "eng@acme.test,,lead@acme.test,\n"  # 9
        ",advice,lead@acme.test,\n"  # 10
        "\n"  # 11: blank, skipped
        "eng@acme.test,help,lead@acme.test,1\n"  # 12
        "eng@acme.test,help,lead@acme.test,3\n"  # 13: same nomination, other strength
    )
    report = run(world, text)
    assert problems(report) == [
        (
            2,
            "respondent_email",
            "No one with the e-mail nobody@acme.test is in the roster; import the roster first "
            "or correct the e-mail.",
        ),
        (
            3,
            "nominee_email",
            "No one with the e-mail dev@globex.test is in the roster; import the roster first "
            "or correct the e-mail.",
        ),
        (
            4,
            "respondent_email",
            "old@acme.test is deactivated in the roster, so cannot be a respondent.",
        ),
        (5, "nominee_email", "old@acme.test is deactivated in the roster, so cannot be a nominee."),
        (6, "nominee_email", "A person cannot name themselves."),
        (
            7,
            "strength",
            "Strength 'often' is not a number: use 1 (monthly), 2 (weekly), 3 (several times a "
            "week) or 4 (daily) or nothing.",
        ),
        (
            8,
            "strength",
            "Strength 5 is off the scale: use 1 (monthly), 2 (weekly), 3 (several times a week) "
            "or 4 (daily) or nothing.",
        ),
        (
            9,
            "relation",
            "Relation is missing; e.g. advice, decision, help, information, energy, trust.",
        ),
        (10, "respondent_email", "Respondent e-mail is missing."),
        (13, "strength", "The same nomination is on row 12 with strength 1; keep one row."),
    ]
    assert nothing_stored()


def test_more_nominees_than_allowed_is_reported_at_the_first_row_over_the_limit(world):
    extra = PersonFactory.create_batch(5, team=world.sales)
    rows = [f"eng@acme.test,advice,{p.email},\n" for p in [world.lead, *extra]]  # rows 2-7
    rows.append(f"plat@acme.test,advice,{world.lead.email},\n")  # row 8: another respondent
    report = run(world, HEADER + "".join(rows))
    assert problems(report) == [
        (
            7,
            "nominee_email",
            "eng@acme.test names more than 5 people for 'advice' (the question allows at most 5); "
            "this row is one too many.",
        )
    ]
    assert nothing_stored()


def test_the_limit_of_an_existing_question_applies(world):
    survey_create(
        organization=world.org,
        title="Tight",
        questions=[QuestionSpec(relation="advice", prompt="Advice?", max_nominees=1)],
    )
    report = run(
        world,
        HEADER + "eng@acme.test,advice,lead@acme.test,\neng@acme.test,advice,hr@acme.test,\n",
        title="Tight",
    )
    assert [(p.row, p.column) for p in report.problems] == [(3, "nominee_email")]
    strength = run(world, HEADER + "eng@acme.test,advice,lead@acme.test,2\n", title="Tight")
    assert problems(strength) == [
        (
            2,
            "strength",
            "The survey's question about 'advice' does not ask how often; leave strength empty.",
        )
    ]
    assert not Wave.objects.exists()


@pytest.mark.parametrize(
    "content, expected",
    [
        (b"", [(None, "", "The file is empty. Upload a CSV file with a header row.")]),
        (b"\n \n", [(None, "", "The file is empty. Upload a CSV file with a header row.")]),
        (HEADER.encode(), [(None, "", "The file has a header row but no answers below it.")]),
        (
            HEADER.encode()
            + "eng@acme.test,advice,lead@acme.test,\nJos\xe9,x,y,\n".encode("latin-1"),
            [
                (
                    None,
                    "",
                    "The file is not UTF-8 text (first unreadable byte on row 3). In Excel choose "
                    "'Save as… CSV UTF-8'.",
                )
            ],
        ),
        (
            b"PK\x03\x04rest-of-a-workbook",
            [
                (
                    None,
                    "",
                    "'answers.csv' is not a CSV file. Save the answers as CSV (UTF-8) with the "
                    "columns respondent_email, relation, nominee_email and optionally strength.",
                )
            ],
        ),
        (
            b"\nrespondent,relation,relation\neng@acme.test,advice,x\n",
            [
                (2, "relation", "Column 'relation' appears more than once."),
                (
                    2,
                    "respondent_email",
                    "Required column 'respondent_email' is missing from the header. Required: "
                    "respondent_email, relation, nominee_email; optional: strength.",
                ),
                (
                    2,
                    "nominee_email",
                    "Required column 'nominee_email' is missing from the header. Required: "
                    "respondent_email, relation, nominee_email; optional: strength.",
                ),
            ],
        ),
    ],
    ids=["empty", "blank", "header-only", "latin-1", "xlsx", "columns"],
)
def test_unreadable_files_are_refused_as_a_whole(world, content, expected):
    assert problems(run(world, content)) == expected
    assert nothing_stored()


def test_bom_semicolons_spaces_and_no_strength_column_are_fine(world):
    text = (
        "\ufeffRespondent Email;Relation;Nominee-Email\n eng@acme.test ; advice ; lead@acme.test\n"
    )
    report = run(world, text.encode("utf-8"))
    assert report.ok, report.problems
    assert Nomination.objects.get().nominee == world.lead
    assert not Question.objects.get().ask_strength


def test_an_archived_survey_takes_no_import(world):
    survey = survey_create(
        organization=world.org,
        title="Old",
        questions=[QuestionSpec(relation="advice", prompt="A?")],
    )
    Survey.objects.filter(pk=survey.pk).update(status=Survey.Status.ARCHIVED)
    report = run(world, HEADER + "eng@acme.test,advice,lead@acme.test,\n", title="Old")
    assert problems(report) == [
        (None, "", "The survey 'Old' is archived; import into a new survey title.")
    ]


def test_a_survey_title_is_needed(world):
    assert problems(run(world, GOOD, title="  ")) == [(None, "", "Give the survey a title.")]


def test_150_people_with_3_relations_and_5_nominees_is_quick(world, django_assert_max_num_queries):
    team = Team.objects.create(organization=world.org, name="Big")
    Person.objects.bulk_create(
        Person(organization=world.org, team=team, email=f"p{i}@acme.test", name=f"P {i}")
        for i in range(150)
    )
    lines = [
        f"p{i}@acme.test,{relation},p{(i + k) % 150}@acme.test,{k % 4 + 1}\n"
        for i in range(150)
        for relation in ("advice", "decision", "help")
        for k in range(1, 6)
    ]
    started = time.monotonic()
    # Constant queries per batch of rows: SQLite inserts 999 values per statement.
    with django_assert_max_num_queries(60):
        report = run(world, HEADER + "".join(lines))
    assert report.ok, report.problems[:3]
    assert time.monotonic() - started < 10
    assert (report.invited, report.respondents, report.nominations) == (155, 150, 2250)
    assert Nomination.objects.count() == 2250


# --- the command ---------------------------------------------------------------------------------


@pytest.fixture
def answers_file(tmp_path):
    def write(text: str, name: str = "answers.csv"):
        path = tmp_path / name
        path.write_text(text)
        return path

    return write


def test_command_prints_the_wave(world, answers_file):
    out, err = StringIO(), StringIO()
    call_command(
        "import_responses",
        str(answers_file(GOOD)),
        "--org",
        "acme",
        "--survey",
        "Imported pulse",
        stdout=out,
        stderr=err,
    )
    wave = Wave.objects.get()
    assert out.getvalue() == f"wave {wave.pk}\n"
    assert "wave 1: 5 invited, 4 answered, 6 nominations from 8 rows" in err.getvalue()


def test_command_lists_the_problems_and_stores_nothing(world, answers_file):
    path = answers_file(HEADER + "eng@acme.test,advice,eng@acme.test,\n", name="bad.csv")
    with pytest.raises(CommandError) as refused:
        call_command("import_responses", str(path), "--org", "acme", "--survey", "X")
    assert str(refused.value) == (
        "Nothing was imported: 1 problem(s) to fix in bad.csv.\n"
        "bad.csv: row 2, column nominee_email: A person cannot name themselves."
    )
    assert nothing_stored()


def test_command_refuses_a_missing_file_and_an_unknown_organisation(world, answers_file, tmp_path):
    with pytest.raises(CommandError, match="does not exist"):
        call_command(
            "import_responses", str(tmp_path / "nope.csv"), "--org", "acme", "--survey", "X"
        )
    with pytest.raises(CommandError, match="No organisation 'initech'"):
        call_command(
            "import_responses", str(answers_file(GOOD)), "--org", "initech", "--survey", "X"
        )
