"""Roster pages: who may see what. Each case has the owner, a colleague allowed to see, and an
outsider who gets 404 (including HR of another organisation)."""

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from teams.models import Person, Role
from tests.factories import PASSWORD, PersonFactory

pytestmark = pytest.mark.django_db


def get(client_for, person, name, **kwargs):
    return client_for(person).get(reverse(name, kwargs=kwargs))


# --- home sends each role to its page ---------------------------------------------------------


def test_home_sends_each_role_to_its_own_page(world, client_for):
    assert get(client_for, world.hr, "home").url == reverse("organization")
    assert get(client_for, world.lead, "home").url == reverse(
        "team-detail", kwargs={"team_id": world.engineering.id}
    )
    assert get(client_for, world.engineer, "home").url == reverse("me")


def test_pages_need_a_sign_in(client, world):
    for url in (
        reverse("home"),
        reverse("organization"),
        reverse("me"),
        reverse("person-detail", kwargs={"person_id": world.engineer.id}),
    ):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login"))


# --- organisation overview: HR only -----------------------------------------------------------


def test_hr_sees_the_teams_tree_with_headcounts_and_the_people(world, client_for):
    response = get(client_for, world.hr, "organization")
    assert response.status_code == 200
    tree = {node.name: node for node in response.context["tree"]}
    assert (tree["Engineering"].members, tree["Engineering"].total) == (2, 3)
    assert tree["Platform"].depth == 1
    names = {p.name for p in response.context["people"]}
    assert names == {"Hana Reyes", "Lea Dorn", "Eli Ng", "Pia Torres", "Sam Ode"}
    assert b"Gil Bex" not in response.content  # nothing from the other organisation


@pytest.mark.parametrize("who", ["lead", "engineer"])
def test_organization_overview_is_not_found_for_anyone_but_hr(world, client_for, who):
    response = get(client_for, getattr(world, who), "organization")
    assert response.status_code == 404


def test_hr_of_another_organisation_sees_only_their_own(world, client_for):
    response = get(client_for, world.other_hr, "organization")
    assert response.context["organization"] == world.other_org
    assert {p.name for p in response.context["people"]} == {"Gil Bex", "Dee Vu"}
    assert b"Acme" not in response.content and b"Hana Reyes" not in response.content
    for person in (world.hr, world.engineer):
        assert (
            get(client_for, world.other_hr, "person-detail", person_id=person.id).status_code == 404
        )


def test_people_search_and_paging(world, client_for):
    PersonFactory.create_batch(120, team=world.sales, title="Account Executive")
    client = client_for(world.hr)
    page = client.get(reverse("organization"), {"q": "Pia"}).context["people"]
    assert [p.name for p in page] == ["Pia Torres"]
    by_email = client.get(reverse("organization"), {"q": "eng@"}).context["people"]
    assert [p.email for p in by_email] == ["eng@acme.test"]
    page3 = client.get(reverse("organization"), {"page": 3}).context["people"]
    assert page3.paginator.count == 125 and page3.number == 3 and len(page3) == 25
    beyond = client.get(reverse("organization"), {"page": 99}).context["people"]
    assert beyond.number == 3  # past the end shows the last page, not an error


def test_organization_page_queries_do_not_grow_with_people(
    world, client_for, django_assert_max_num_queries
):
    PersonFactory.create_batch(60, team=world.sales, manager=world.seller)
    client = client_for(world.hr)
    with django_assert_max_num_queries(10):
        assert client.get(reverse("organization")).status_code == 200


def test_deactivated_people_are_hidden_unless_asked_for(world, client_for):
    world.seller.is_active = False
    world.seller.save()
    client = client_for(world.hr)
    assert "Sam Ode" not in {p.name for p in client.get(reverse("organization")).context["people"]}
    shown = client.get(reverse("organization"), {"inactive": "1"}).context["people"]
    assert "Sam Ode" in {p.name for p in shown}


# --- team page: its lead (with sub-teams) and HR ----------------------------------------------


def test_lead_sees_their_team_and_sub_teams(world, client_for):
    response = get(client_for, world.lead, "team-detail", team_id=world.engineering.id)
    assert response.status_code == 200
    assert {p.name for p in response.context["people"]} == {"Lea Dorn", "Eli Ng", "Pia Torres"}
    sub = get(client_for, world.lead, "team-detail", team_id=world.platform.id)
    assert {p.name for p in sub.context["people"]} == {"Pia Torres"}


def test_hr_sees_any_team_of_their_organisation(world, client_for):
    assert get(client_for, world.hr, "team-detail", team_id=world.sales.id).status_code == 200


@pytest.mark.parametrize("who", ["engineer", "seller", "other_hr", "other_employee"])
def test_team_page_is_not_found_for_people_outside_its_scope(world, client_for, who):
    response = get(client_for, getattr(world, who), "team-detail", team_id=world.engineering.id)
    assert response.status_code == 404


def test_a_lead_cannot_open_another_team(world, client_for):
    assert get(client_for, world.lead, "team-detail", team_id=world.sales.id).status_code == 404


# --- person page and "me" ----------------------------------------------------------------------


def test_employee_sees_only_themselves(world, client_for):
    response = get(client_for, world.engineer, "me")
    assert response.status_code == 200 and b"Eli Ng" in response.content
    own = get(client_for, world.engineer, "person-detail", person_id=world.engineer.id)
    assert own.status_code == 200
    for other in (world.lead, world.platform_engineer, world.other_employee):
        assert (
            get(client_for, world.engineer, "person-detail", person_id=other.id).status_code == 404
        )
    people = get(client_for, world.engineer, "person-list").context["people"]
    assert [p.name for p in people] == ["Eli Ng"]


@pytest.mark.parametrize(
    ("viewer", "target", "status"),
    [
        ("lead", "platform_engineer", 200),  # colleague in a led sub-team
        ("hr", "platform_engineer", 200),
        ("platform_engineer", "platform_engineer", 200),  # the owner
        ("lead", "seller", 404),  # another team
        ("engineer", "platform_engineer", 404),  # a teammate is not a viewer
        ("other_hr", "platform_engineer", 404),  # HR of another organisation
    ],
)
def test_person_page_scope(world, client_for, viewer, target, status):
    response = get(
        client_for, getattr(world, viewer), "person-detail", person_id=getattr(world, target).id
    )
    assert response.status_code == status


def test_login_without_active_roster_record_sees_why(world, client_for):
    world.engineer.is_active = False
    world.engineer.save()
    response = get(client_for, world.engineer, "home")
    assert b"not linked to an active roster record" in response.content
    assert (
        get(client_for, world.engineer, "person-detail", person_id=world.engineer.id).status_code
        == 404
    )


# --- roster upload page -------------------------------------------------------------------------

CSV = b"email,name,team,manager_email,title\nnew@acme.test,Nia Lowe,Sales,sales@acme.test,Rep\n"


def upload(client, content, **data):
    file = SimpleUploadedFile("roster.csv", content, content_type="text/csv")
    return client.post(reverse("roster-import"), {"file": file, **data})


def test_hr_uploads_a_roster_and_sees_the_counts(world, client_for):
    response = upload(client_for(world.hr), CSV)
    assert response.status_code == 200
    assert b"Roster imported." in response.content
    assert b"1 people were created" in response.content
    assert Person.objects.get(email="new@acme.test").manager == world.seller


def test_hr_sees_every_problem_with_row_and_column_and_nothing_changes(world, client_for):
    bad = CSV + b"broken,Bo,Sales,,Rep\nx@acme.test,X,Sales,ghost@acme.test,Rep\n"
    response = upload(client_for(world.hr), bad)
    assert response.status_code == 400
    text = response.content.decode()
    assert "Nothing was imported: 2 problems to fix" in text
    assert "&#x27;broken&#x27; is not a valid e-mail address" in text
    assert "Manager ghost@acme.test is not in the roster" in text
    assert not Person.objects.filter(email="new@acme.test").exists()


def test_roster_page_with_dry_run_changes_nothing(world, client_for):
    response = upload(client_for(world.hr), CSV, dry_run="on")
    assert b"nothing was changed" in response.content
    assert not Person.objects.filter(email="new@acme.test").exists()


@pytest.mark.parametrize("who", ["lead", "engineer"])
def test_roster_upload_is_not_found_for_non_hr(world, client_for, who):
    client = client_for(getattr(world, who))
    assert client.get(reverse("roster-import")).status_code == 404
    assert upload(client, CSV).status_code == 404
    assert not Person.objects.filter(email="new@acme.test").exists()


def test_hr_of_another_organisation_imports_only_into_their_own(world, client_for):
    response = upload(client_for(world.other_hr), CSV.replace(b"sales@acme.test", b""))
    assert response.status_code == 200
    assert Person.objects.get(email="new@acme.test").organization == world.other_org
    assert not world.org.people.filter(email="new@acme.test").exists()


def test_roster_page_refuses_a_missing_file(world, client_for):
    response = client_for(world.hr).post(reverse("roster-import"), {})
    assert response.status_code == 400 and b"This field is required" in response.content


# --- giving access -----------------------------------------------------------------------------


def test_hr_gives_access_and_the_person_gets_an_invitation(
    world, client_for, django_capture_on_commit_callbacks
):
    newcomer = PersonFactory(team=world.sales, email="newbie@acme.test", name="New Bie")
    client = client_for(world.hr)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("person-access", kwargs={"person_id": newcomer.id}),
            {"role": "lead", "send_invitation": "on"},
        )
    assert response.status_code == 302
    newcomer.refresh_from_db()
    assert newcomer.user is not None and newcomer.role == Role.LEAD
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["newbie@acme.test"]
    link = next(line for line in mail.outbox[0].body.splitlines() if "/accounts/reset/" in line)
    path = link.split("127.0.0.1:8000", 1)[1]
    client.logout()
    form = client.get(path, follow=True)
    assert b"Choose a password" in form.content
    client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "a-fresh-pass-42!", "new_password2": "a-fresh-pass-42!"},
    )
    assert client.login(email="newbie@acme.test", password="a-fresh-pass-42!")


@pytest.mark.parametrize("who", ["lead", "engineer", "other_hr"])
def test_only_hr_of_the_organisation_can_give_access(world, client_for, who):
    client = client_for(getattr(world, who))
    response = client.post(
        reverse("person-access", kwargs={"person_id": world.seller.id}), {"role": "hr"}
    )
    assert response.status_code == 404
    world.seller.refresh_from_db()
    assert world.seller.role == Role.EMPLOYEE


# --- sign-in, sign-out, password reset -------------------------------------------------------


def test_sign_in_with_email_any_case_and_sign_out(world, client):
    response = client.post(reverse("login"), {"username": "LEAD@acme.test", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("me")).status_code == 200
    client.post(reverse("logout"))
    assert client.get(reverse("me")).status_code == 302


def test_wrong_password_says_so_without_naming_the_account(world, client):
    response = client.post(reverse("login"), {"username": "lead@acme.test", "password": "nope"})
    assert response.status_code == 200
    assert b"do not match an active login" in response.content


def test_deactivated_person_cannot_sign_in_after_roster_import(world, client):
    from teams.roster_import import roster_import

    keep = [world.hr, world.lead, world.platform_engineer, world.seller]
    rows = "\n".join(f"{p.email},{p.name},{p.team.name},,{p.title}" for p in keep)
    report = roster_import(
        organization=world.org,
        file_name="r.csv",
        content=f"email,name,team,manager_email,title\n{rows}\n".encode(),
        deactivate_missing=True,
    )
    assert report.ok and report.deactivated == 1
    assert not client.login(email="eng@acme.test", password=PASSWORD)


def test_password_reset_mails_a_working_link(world, client):
    client.post(reverse("password_reset"), {"email": "eng@acme.test"})
    assert len(mail.outbox) == 1
    unknown = client.post(reverse("password_reset"), {"email": "nobody@acme.test"})
    assert unknown.status_code == 302 and len(mail.outbox) == 1  # same answer, no mail


def test_hr_cannot_take_away_their_own_hr_access(world, client_for):
    client = client_for(world.hr)
    response = client.post(
        reverse("person-access", kwargs={"person_id": world.hr.id}),
        {"role": "employee"},
        follow=True,
    )
    assert b"cannot take away your own HR access" in response.content
    world.hr.refresh_from_db()
    assert world.hr.role == Role.HR
