"""The roster API: each case has someone allowed, a colleague who may see, and an outsider (404)."""

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient
from rest_framework.throttling import ScopedRateThrottle

from teams.api.views import IMPORT_REFUSED, NO_ROSTER_PERSON, WRONG_CREDENTIALS
from teams.models import Person, Role, Team, User
from tests.factories import PASSWORD, PersonFactory, login_for

TOKEN_URL = "/api/auth/token/"
ME_URL = "/api/me/"
PEOPLE_URL = "/api/people/"
TEAMS_URL = "/api/teams/"
IMPORT_URL = "/api/roster/import/"


def person_url(person) -> str:
    return f"/api/people/{person.pk}/"


def access_url(person) -> str:
    return f"/api/people/{person.pk}/access/"


def team_url(team) -> str:
    return f"/api/teams/{team.pk}/"


def emails(response) -> list[str]:
    return [row["email"] for row in response.json()["results"]]


def fresh_api(person) -> APIClient:
    """A client for a freshly loaded login, so nothing cached on a user object is reused."""
    api = APIClient()
    api.force_authenticate(User.objects.get(pk=person.user_id))
    return api


def csv_upload(text: str, name: str = "roster.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


GOOD_CSV = (
    "email,name,team,manager_email,title\n"
    "nia@acme.test,Nia Berg,Design,,Design lead\n"
    "oto@acme.test,Oto Park,Design,nia@acme.test,Designer\n"
)
BAD_CSV = (
    "email,name,team,manager_email,title\n"
    "not-an-email,Nia Berg,Design,,Design lead\n"
    "oto@acme.test,,Design,,Designer\n"
)


# --- token ---------------------------------------------------------------------------------------


def test_token_url_is_named():
    assert reverse("api-token") == TOKEN_URL


@pytest.mark.parametrize("who", ["engineer", "hr", "other_employee"])
def test_token_from_correct_credentials_signs_in_as_that_person(world, who):
    person = getattr(world, who)
    response = APIClient().post(TOKEN_URL, {"email": person.email, "password": PASSWORD})
    assert response.status_code == 200
    token = response.json()["token"]

    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    me = api.get(ME_URL)
    assert me.status_code == 200
    assert me.json()["email"] == person.email


def test_token_is_the_same_on_a_second_sign_in_and_differs_between_people(world):
    def token_for(person):
        return APIClient().post(TOKEN_URL, {"email": person.email, "password": PASSWORD}).json()

    assert token_for(world.engineer) == token_for(world.engineer)
    assert token_for(world.engineer) != token_for(world.lead)


def test_token_email_ignores_case(world):
    response = APIClient().post(TOKEN_URL, {"email": "ENG@Acme.Test", "password": PASSWORD})
    assert response.status_code == 200
    assert response.json()["token"]


def test_token_wrong_password_and_unknown_email_get_the_same_refusal(world):
    wrong_password = APIClient().post(
        TOKEN_URL, {"email": world.engineer.email, "password": "not-the-password"}
    )
    unknown_email = APIClient().post(TOKEN_URL, {"email": "nobody@acme.test", "password": PASSWORD})
    assert wrong_password.status_code == 400
    assert unknown_email.status_code == 400
    assert wrong_password.json() == unknown_email.json() == {"detail": WRONG_CREDENTIALS}


def test_token_refused_for_a_deactivated_login(world):
    User.objects.filter(pk=world.seller.user_id).update(is_active=False)
    response = APIClient().post(TOKEN_URL, {"email": world.seller.email, "password": PASSWORD})
    assert response.status_code == 400
    assert response.json() == {"detail": WRONG_CREDENTIALS}


def test_token_missing_fields_are_named(world):
    response = APIClient().post(TOKEN_URL, {"email": world.engineer.email}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == {"password": "This field is required."}
    assert "'password'" in response.json()["detail"]


def test_a_bad_token_does_not_authenticate(world):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    response = api.get(ME_URL)
    # 401 with a WWW-Authenticate header: token authentication comes first in the settings.
    assert response.status_code == 401
    assert response.json() == {
        "detail": "Invalid token. Get a new token from POST /api/auth/token/."
    }


@pytest.fixture
def auth_rate_of_three(monkeypatch):
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {"auth": "3/min"})
    cache.clear()
    yield
    cache.clear()


def test_token_attempts_are_throttled(world, auth_rate_of_three):
    api = APIClient()
    for _ in range(3):
        response = api.post(TOKEN_URL, {"email": world.engineer.email, "password": "guess"})
        assert response.status_code == 400
    response = api.post(TOKEN_URL, {"email": world.engineer.email, "password": PASSWORD})
    assert response.status_code == 429


# --- me ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["engineer", "lead", "other_hr"])
def test_me_is_the_callers_own_record(world, api_for, who):
    person = getattr(world, who)
    response = api_for(person).get(ME_URL)
    assert response.status_code == 200
    assert response.json()["id"] == person.pk
    assert response.json()["email"] == person.email


def test_me_for_a_login_without_a_roster_person_is_404_with_a_reason(world):
    api = APIClient()
    api.force_authenticate(User.objects.create_user("admin@acme.test", PASSWORD))
    response = api.get(ME_URL)
    assert response.status_code == 404
    assert response.json() == {"detail": NO_ROSTER_PERSON}


def test_me_for_a_deactivated_roster_person_is_404(world):
    Person.objects.filter(pk=world.seller.pk).update(is_active=False)
    response = fresh_api(world.seller).get(ME_URL)
    assert response.status_code == 404


def test_api_needs_a_sign_in(world):
    for url in (ME_URL, PEOPLE_URL, TEAMS_URL, person_url(world.engineer)):
        assert APIClient().get(url).status_code in (401, 403)


# --- people --------------------------------------------------------------------------------------


def test_person_fields(world, api_for):
    response = api_for(world.hr).get(person_url(world.engineer))
    assert response.status_code == 200
    assert response.json() == {
        "id": world.engineer.pk,
        "email": "eng@acme.test",
        "name": "Eli Ng",
        "title": "Engineer",
        "team": {"id": world.engineering.pk, "name": "Engineering"},
        "manager": {"id": world.lead.pk, "name": "Lea Dorn", "email": "lead@acme.test"},
        "role": "employee",
        "is_active": True,
        "employee_id": "",
        "attributes": {},
        "has_login": True,
    }


def test_person_without_manager_or_login(world, api_for):
    newcomer = PersonFactory(team=world.sales, email="new@acme.test")
    body = api_for(world.hr).get(person_url(newcomer)).json()
    assert body["manager"] is None
    assert body["has_login"] is False


def test_people_list_for_hr_is_the_whole_organisation(world, api_for):
    response = api_for(world.hr).get(PEOPLE_URL)
    assert response.status_code == 200
    assert emails(response) == [
        "eng@acme.test",
        "hr@acme.test",
        "lead@acme.test",
        "plat@acme.test",
        "sales@acme.test",
    ]


def test_people_list_for_a_lead_is_their_teams_and_sub_teams(world, api_for):
    response = api_for(world.lead).get(PEOPLE_URL)
    assert emails(response) == ["eng@acme.test", "lead@acme.test", "plat@acme.test"]


def test_people_list_for_an_employee_is_only_themselves(world, api_for):
    assert emails(api_for(world.engineer).get(PEOPLE_URL)) == ["eng@acme.test"]


def test_people_list_never_crosses_organisations(world, api_for):
    assert emails(api_for(world.other_hr).get(PEOPLE_URL)) == ["dev@globex.test", "hr@globex.test"]


def test_people_list_search(world, api_for):
    assert emails(api_for(world.hr).get(PEOPLE_URL, {"search": "torres"})) == ["plat@acme.test"]
    # The lead's search never reaches outside their teams.
    assert emails(api_for(world.lead).get(PEOPLE_URL, {"search": "sam"})) == []


def test_people_list_by_team_includes_sub_teams(world, api_for):
    lead = api_for(world.lead)
    in_engineering = lead.get(PEOPLE_URL, {"team": world.engineering.pk})
    assert emails(in_engineering) == ["eng@acme.test", "lead@acme.test", "plat@acme.test"]
    assert emails(lead.get(PEOPLE_URL, {"team": world.platform.pk})) == ["plat@acme.test"]


def test_people_list_by_a_team_out_of_scope_is_404(world, api_for):
    assert api_for(world.lead).get(PEOPLE_URL, {"team": world.sales.pk}).status_code == 404
    assert api_for(world.other_hr).get(PEOPLE_URL, {"team": world.sales.pk}).status_code == 404


def test_people_list_bad_team_parameter_is_400(world, api_for):
    response = api_for(world.hr).get(PEOPLE_URL, {"team": "sales"})
    assert response.status_code == 400
    assert response.json()["errors"] == {"team": "A valid integer is required."}


def test_people_list_hides_deactivated_people_unless_asked(world, api_for):
    Person.objects.filter(pk=world.platform_engineer.pk).update(is_active=False)
    lead = api_for(world.lead)
    assert "plat@acme.test" not in emails(lead.get(PEOPLE_URL))
    with_inactive = lead.get(PEOPLE_URL, {"include_inactive": "true"})
    assert "plat@acme.test" in emails(with_inactive)


def test_people_list_is_paginated(world, api_for):
    PersonFactory.create_batch(60, team=world.sales)
    body = api_for(world.hr).get(PEOPLE_URL).json()
    assert body["count"] == 65
    assert len(body["results"]) == 50
    assert body["next"].endswith("?page=2")
    second = api_for(world.hr).get(PEOPLE_URL, {"page": 2}).json()
    assert len(second["results"]) == 15
    assert second["previous"] is not None


@pytest.mark.parametrize("who", ["hr", "lead"])
def test_people_list_queries_do_not_grow_with_people(world, who, django_assert_max_num_queries):
    person = getattr(world, who)
    with CaptureQueriesContext(connection) as few_people:
        assert fresh_api(person).get(PEOPLE_URL).status_code == 200
    PersonFactory.create_batch(60, team=world.engineering, manager=world.lead)
    for extra in Person.objects.filter(email__startswith="person")[:30]:
        login_for(extra)
    with django_assert_max_num_queries(len(few_people)):
        response = fresh_api(person).get(PEOPLE_URL)
    assert response.json()["count"] > 60
    assert len(few_people) <= 5  # sign-in person, lead's teams, count, page


@pytest.mark.parametrize(
    ("who", "whom"),
    [
        ("engineer", "engineer"),  # themselves
        ("lead", "platform_engineer"),  # in a sub-team the lead leads
        ("hr", "seller"),  # anyone in HR's organisation
    ],
)
def test_person_detail_allowed(world, api_for, who, whom):
    response = api_for(getattr(world, who)).get(person_url(getattr(world, whom)))
    assert response.status_code == 200
    assert response.json()["email"] == getattr(world, whom).email


@pytest.mark.parametrize(
    ("who", "whom"),
    [
        ("engineer", "lead"),  # an employee sees only themselves
        ("lead", "seller"),  # outside the lead's teams
        ("other_hr", "engineer"),  # another organisation
    ],
)
def test_person_detail_out_of_scope_is_404(world, api_for, who, whom):
    response = api_for(getattr(world, who)).get(person_url(getattr(world, whom)))
    assert response.status_code == 404
    assert "email" not in response.json()


def test_person_detail_shows_deactivated_people_in_scope(world, api_for):
    Person.objects.filter(pk=world.platform_engineer.pk).update(is_active=False)
    response = api_for(world.lead).get(person_url(world.platform_engineer))
    assert response.status_code == 200
    assert response.json()["is_active"] is False


# --- teams ---------------------------------------------------------------------------------------


def test_team_list_for_hr_is_every_team_with_head_counts(world, api_for):
    response = api_for(world.hr).get(TEAMS_URL)
    assert response.status_code == 200
    assert response.json() == [
        {"id": world.engineering.pk, "name": "Engineering", "parent_id": None, "depth": 0,
         "head_count": 2, "head_count_with_subteams": 3},
        {"id": world.platform.pk, "name": "Platform", "parent_id": world.engineering.pk,
         "depth": 1, "head_count": 1, "head_count_with_subteams": 1},
        {"id": Team.objects.get(organization=world.org, name="People").pk, "name": "People",
         "parent_id": None, "depth": 0, "head_count": 1, "head_count_with_subteams": 1},
        {"id": world.sales.pk, "name": "Sales", "parent_id": None, "depth": 0,
         "head_count": 1, "head_count_with_subteams": 1},
    ]  # fmt: skip


def test_team_list_for_a_lead_is_their_team_and_sub_teams(world, api_for):
    names = [team["name"] for team in api_for(world.lead).get(TEAMS_URL).json()]
    assert names == ["Engineering", "Platform"]


def test_team_list_for_an_employee_and_another_organisation(world, api_for):
    assert api_for(world.engineer).get(TEAMS_URL).json() == []
    other = api_for(world.other_hr).get(TEAMS_URL).json()
    assert [(team["name"], team["head_count"]) for team in other] == [("Engineering", 2)]


def test_team_list_hides_a_parent_the_lead_may_not_see(world, api_for):
    platform_lead = PersonFactory(team=world.platform, email="pl@acme.test", role=Role.LEAD)
    login_for(platform_lead)
    teams = api_for(platform_lead).get(TEAMS_URL).json()
    assert [(team["name"], team["parent_id"]) for team in teams] == [("Platform", None)]


def test_head_counts_leave_out_deactivated_people(world, api_for):
    Person.objects.filter(pk=world.platform_engineer.pk).update(is_active=False)
    engineering = api_for(world.lead).get(team_url(world.engineering)).json()
    assert engineering["head_count_with_subteams"] == 2


@pytest.mark.parametrize(
    ("who", "team"),
    [("lead", "engineering"), ("lead", "platform"), ("hr", "sales")],
)
def test_team_detail_allowed(world, api_for, who, team):
    response = api_for(getattr(world, who)).get(team_url(getattr(world, team)))
    assert response.status_code == 200
    assert response.json()["name"] == getattr(world, team).name


@pytest.mark.parametrize(
    ("who", "team"),
    [("engineer", "engineering"), ("lead", "sales"), ("other_hr", "engineering")],
)
def test_team_detail_out_of_scope_is_404(world, api_for, who, team):
    response = api_for(getattr(world, who)).get(team_url(getattr(world, team)))
    assert response.status_code == 404
    assert "name" not in response.json()


# --- roster import -------------------------------------------------------------------------------


def test_import_good_file_creates_people(world, api_for):
    response = api_for(world.hr).post(IMPORT_URL, {"file": csv_upload(GOOD_CSV)})
    assert response.status_code == 200
    assert response.json() == {
        "created": 2, "updated": 0, "unchanged": 0, "deactivated": 0, "teams_created": 1,
        "dry_run": False,
        "summary": "2 people were created, 0 updated, 0 unchanged, 0 deactivated; 1 new teams.",
    }  # fmt: skip
    oto = Person.objects.get(organization=world.org, email="oto@acme.test")
    assert oto.team.name == "Design"
    assert oto.manager.email == "nia@acme.test"


def test_import_by_another_organisations_hr_stays_in_their_organisation(world, api_for):
    response = api_for(world.other_hr).post(IMPORT_URL, {"file": csv_upload(GOOD_CSV)})
    assert response.status_code == 200
    assert Person.objects.get(email="nia@acme.test").organization == world.other_org
    assert not Team.objects.filter(organization=world.org, name="Design").exists()


@pytest.mark.parametrize("who", ["lead", "engineer"])
def test_import_by_anyone_but_hr_is_404_and_stores_nothing(world, api_for, who):
    response = api_for(getattr(world, who)).post(IMPORT_URL, {"file": csv_upload(GOOD_CSV)})
    assert response.status_code == 404
    assert not Person.objects.filter(email="nia@acme.test").exists()


def test_import_bad_file_lists_problems_and_stores_nothing(world, api_for):
    people_before = Person.objects.count()
    response = api_for(world.hr).post(IMPORT_URL, {"file": csv_upload(BAD_CSV)})
    assert response.status_code == 400
    body = response.json()
    assert body["detail"] == IMPORT_REFUSED
    assert [(p["row"], p["column"]) for p in body["problems"]] == [(2, "email"), (3, "name")]
    assert "not-an-email" in body["problems"][0]["message"]
    assert Person.objects.count() == people_before
    assert not Team.objects.filter(name="Design").exists()


def test_import_unreadable_file_is_a_problem_for_the_whole_file(world, api_for):
    upload = SimpleUploadedFile("roster.pdf", b"%PDF-1.4 ...", content_type="application/pdf")
    response = api_for(world.hr).post(IMPORT_URL, {"file": upload})
    assert response.status_code == 400
    assert response.json()["problems"][0]["row"] is None
    assert "CSV or XLSX" in response.json()["problems"][0]["message"]


def test_import_dry_run_reports_and_changes_nothing(world, api_for):
    response = api_for(world.hr).post(IMPORT_URL, {"file": csv_upload(GOOD_CSV), "dry_run": "true"})
    assert response.status_code == 200
    assert response.json()["dry_run"] is True
    assert response.json()["created"] == 2
    assert "would be created" in response.json()["summary"]
    assert not Person.objects.filter(email__in=["nia@acme.test", "oto@acme.test"]).exists()
    assert not Team.objects.filter(name="Design").exists()


def test_import_deactivate_missing(world, api_for):
    roster = GOOD_CSV + "hr@acme.test,Hana Reyes,People,,HR\n"
    response = api_for(world.hr).post(
        IMPORT_URL, {"file": csv_upload(roster), "deactivate_missing": "true"}
    )
    assert response.status_code == 200
    assert response.json()["deactivated"] == 4
    assert not Person.objects.get(pk=world.seller.pk).is_active


def test_import_without_a_file_says_so(world, api_for):
    response = api_for(world.hr).post(IMPORT_URL, {"dry_run": "true"})
    assert response.status_code == 400
    message = "Attach the roster file (CSV or XLSX) as the form field 'file'."
    assert response.json() == {
        "detail": f"Not accepted: fix 'file'. {message}",
        "errors": {"file": message},
    }


# --- access --------------------------------------------------------------------------------------


def test_hr_grants_the_lead_role(world, api_for):
    response = api_for(world.hr).post(access_url(world.engineer), {"role": "lead"}, format="json")
    assert response.status_code == 200
    assert response.json()["role"] == "lead"
    assert response.json()["email"] == world.engineer.email
    # The new lead now sees their team.
    teams = fresh_api(world.engineer).get(TEAMS_URL).json()
    assert [team["name"] for team in teams] == ["Engineering", "Platform"]


def test_hr_gives_a_newcomer_a_login_with_a_password(world, api_for):
    newcomer = PersonFactory(team=world.sales, email="new@acme.test")
    password = "a-long-and-unusual-passphrase"
    response = api_for(world.hr).post(
        access_url(newcomer), {"role": "employee", "password": password}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["has_login"] is True
    token = APIClient().post(TOKEN_URL, {"email": "new@acme.test", "password": password})
    assert token.status_code == 200


def test_hr_can_send_an_invitation(world, api_for, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = api_for(world.hr).post(
            access_url(world.seller), {"role": "employee", "send_invitation": True}, format="json"
        )
    assert response.status_code == 200
    assert [mail.to for mail in mailoutbox] == [["sales@acme.test"]]


@pytest.mark.parametrize(
    ("who", "whom"),
    [
        ("lead", "engineer"),  # a lead cannot hand out roles, even in their own team
        ("engineer", "engineer"),  # nor can an employee promote themselves
        ("other_hr", "engineer"),  # HR of another organisation
    ],
)
def test_access_by_anyone_but_the_organisations_hr_is_404(world, api_for, who, whom):
    target = getattr(world, whom)
    response = api_for(getattr(world, who)).post(access_url(target), {"role": "hr"}, format="json")
    assert response.status_code == 404
    target.refresh_from_db()
    assert target.role == Role.EMPLOYEE


def test_access_refused_by_the_service_is_400_with_the_reason(world, api_for):
    Person.objects.filter(pk=world.seller.pk).update(is_active=False)
    response = api_for(world.hr).post(access_url(world.seller), {"role": "lead"}, format="json")
    assert response.status_code == 400
    assert "deactivated" in response.json()["detail"]


def test_access_weak_password_is_400(world, api_for):
    response = api_for(world.hr).post(
        access_url(world.seller), {"role": "employee", "password": "123"}, format="json"
    )
    assert response.status_code == 400
    assert "too short" in response.json()["detail"]


def test_access_unknown_role_is_400(world, api_for):
    response = api_for(world.hr).post(access_url(world.seller), {"role": "boss"}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == {"role": '"boss" is not a valid choice.'}


# --- schema and docs -----------------------------------------------------------------------------


def test_schema_describes_every_endpoint(client):
    response = client.get("/api/schema/")
    assert response.status_code == 200
    schema = response.content.decode()
    for path in (
        "/api/auth/token/",
        "/api/me/",
        "/api/people/",
        "/api/people/{person_id}/",
        "/api/people/{person_id}/access/",
        "/api/teams/",
        "/api/teams/{team_id}/",
        "/api/roster/import/",
    ):
        assert f"{path}:" in schema


def test_docs_page_loads_without_any_cdn(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode().lower()
    assert "swagger" in html
    for cdn in ("cdn.", "unpkg", "jsdelivr"):
        assert cdn not in html
