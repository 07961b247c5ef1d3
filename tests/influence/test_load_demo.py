"""The demo organisation: a realistic tree of teams and managers, three working logins, and a
second run that changes nothing."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import models

from teams.demo import (
    DEMO_PASSWORD,
    demo_login_emails,
    demo_roster_csv,
    demo_roster_rows,
)
from teams.models import Organization, Person, Role, Team, User
from teams.roster_import import roster_import
from tests.factories import OrganizationFactory


def load_demo(*args: str) -> str:
    out = StringIO()
    call_command("load_demo", *args, stdout=out)
    return out.getvalue()


def test_the_roster_is_deterministic_and_has_unique_emails():
    rows = demo_roster_rows()
    assert rows == demo_roster_rows(seed=7)
    assert rows != demo_roster_rows(seed=8)
    emails = [row["email"] for row in rows]
    assert len(set(emails)) == len(emails)
    assert all(email.endswith("@northwind.example") and email.isascii() for email in emails)
    assert len({row["employee_id"] for row in rows}) == len(rows)
    assert {"location", "start_year"} <= rows[0].keys()


@pytest.mark.django_db
def test_the_csv_passes_the_roster_import_checks():
    organization = OrganizationFactory(slug="check")
    report = roster_import(
        organization=organization, file_name="demo.csv", content=demo_roster_csv(), dry_run=True
    )
    assert report.ok, report.problems
    assert report.created == len(demo_roster_rows())


@pytest.mark.django_db
def test_load_demo_builds_an_organisation_with_a_team_tree_and_a_management_tree():
    output = load_demo()

    organization = Organization.objects.get(slug="demo")
    assert organization.name == "Northwind Labs"
    people = list(Person.objects.filter(organization=organization).select_related("team"))
    teams = list(Team.objects.filter(organization=organization))
    assert 140 <= len(people) <= 160
    assert 13 <= len(teams) <= 17
    assert "150 people were created" in output

    # Teams: one root, every other team under it.
    team_parent = {team.id: team.parent_id for team in teams}
    assert [t for t, parent in team_parent.items() if parent is None] == [
        next(team.id for team in teams if team.name == "Leadership")
    ]
    # People: exactly one person without a manager (the CEO), every chain ends with them.
    (ceo,) = [p for p in people if p.manager_id is None]
    assert ceo.title == "Chief Executive Officer"
    manager_of = {p.id: p.manager_id for p in people}
    for person in people:
        seen, current = set(), person.id
        while manager_of[current] is not None:
            assert current not in seen, "manager cycle"
            seen.add(current)
            current = manager_of[current]
        assert current == ceo.id

    # One lead per team, reporting to the lead of the parent team; the rest report to their lead.
    lead_of = {}
    for person in people:
        if person.role == Role.LEAD:
            assert person.team_id not in lead_of, f"two leads in {person.team.name}"
            lead_of[person.team_id] = person.id
    assert lead_of.keys() == team_parent.keys()
    for person in people:
        if person.role == Role.LEAD and person.team.parent_id is not None:
            assert person.manager_id == lead_of[person.team.parent_id]
        elif person.role != Role.LEAD:
            assert person.manager_id == lead_of[person.team_id], person
    hr = [p for p in people if p.role == Role.HR]
    assert len(hr) == 2 and {p.team.name for p in hr} == {"People"}
    assert all(p.attributes.get("location") and p.attributes.get("start_year") for p in people)


@pytest.mark.django_db
def test_the_three_demo_logins_can_sign_in(client):
    output = load_demo()

    logins = demo_login_emails(demo_roster_rows())
    assert "Demo logins" in output and "http://127.0.0.1:8000" in output
    for role, email in logins:
        assert email in output
        person = Person.objects.get(organization__slug="demo", email=email)
        assert person.role == role and person.user is not None
        assert client.login(email=email, password=DEMO_PASSWORD), email
        client.logout()
    assert DEMO_PASSWORD in output
    (_, lead_email), (_, employee_email) = logins[1], logins[2]
    employee = Person.objects.get(organization__slug="demo", email=employee_email)
    assert employee.manager.email == lead_email
    assert employee.team_id == employee.manager.team_id
    assert not client.login(email=logins[0][1], password="wrong-password-2026")


@pytest.mark.django_db
def test_running_it_twice_changes_nothing():
    load_demo()
    counts = (
        Person.objects.count(),
        Team.objects.count(),
        User.objects.count(),
        Organization.objects.count(),
    )
    people_before = set(
        Person.objects.values_list(
            "email", "manager__email", "team__name", "role", "title", "is_active"
        )
    )

    output = load_demo()

    assert (
        Person.objects.count(),
        Team.objects.count(),
        User.objects.count(),
        Organization.objects.count(),
    ) == counts
    assert (
        set(
            Person.objects.values_list(
                "email", "manager__email", "team__name", "role", "title", "is_active"
            )
        )
        == people_before
    )
    assert "Reusing organisation Northwind Labs (demo)" in output
    assert "0 people were created, 0 updated" in output
    assert "Logins: 0 created" in output


@pytest.mark.django_db
def test_password_option_and_weak_passwords(client):
    load_demo("--password", "another-demo-secret-77")
    _, email = demo_login_emails(demo_roster_rows())[0]
    assert client.login(email=email, password="another-demo-secret-77")

    with pytest.raises(CommandError, match="--password"):
        load_demo("--password", "12345678")


@pytest.mark.django_db
def test_it_refuses_to_write_into_a_real_organisation_called_demo():
    OrganizationFactory(slug="demo", name="Demo GmbH")
    with pytest.raises(CommandError, match="not the demo organisation"):
        load_demo()
    assert not Person.objects.exists()


@pytest.mark.django_db
def test_the_demo_survey_has_two_answered_waves_and_an_open_wave_the_employee_can_answer(client):
    from surveys.demo import DEMO_SURVEY_TITLE
    from surveys.models import Nomination, Survey, Wave

    output = load_demo()
    survey = Survey.objects.get(title=DEMO_SURVEY_TITLE)
    assert sorted(survey.questions.values_list("relation", flat=True)) == [
        "advice",
        "decision",
        "help",
    ]
    earlier, closed = survey.waves.filter(status=Wave.Status.CLOSED).order_by("number")
    assert earlier.closed_at < closed.closed_at
    earlier_answered = earlier.invitations.filter(answered_at__isnull=False).count()
    assert 0.6 <= earlier_answered / earlier.invitations.count() <= 0.8
    invited = closed.invitations.count()
    answered = closed.invitations.filter(answered_at__isnull=False).count()
    assert invited == 150 and 0.75 <= answered / invited <= 0.85
    nominations = Nomination.objects.filter(response__invitation__wave=closed)
    # Structure: most ties stay inside a team, and a few people are named far more than others.
    same_team = nominations.filter(nominee__team=models.F("response__invitation__person__team"))
    assert same_team.count() / nominations.count() > 0.5
    opened = survey.waves.get(status=Wave.Status.OPEN)
    link = output.split("no sign-in needed):", 1)[1].split()[0]
    page = client.get(link.replace("http://127.0.0.1:8000", ""))
    assert page.status_code == 200 and DEMO_SURVEY_TITLE.encode() in page.content
    assert opened.invitations.count() == 150

    load_demo()  # again: no new waves, still one open
    assert survey.waves.count() == 3
