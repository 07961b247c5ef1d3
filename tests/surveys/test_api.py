"""The survey API: each case has HR (the owner), a colleague who may or may not, and outsiders
(an employee, HR of another organisation) who get 404. Answering works by secret link alone."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient
from rest_framework.throttling import ScopedRateThrottle

from surveys.answering import LINK_REVOKED, LINK_UNKNOWN, AnswerSet, response_save
from surveys.models import QUESTION_BANK, Invitation, Nomination, Response, Survey, Wave
from surveys.services import survey_create, wave_close, wave_create
from tests.factories import PersonFactory
from tests.surveys.conftest import questions

pytestmark = pytest.mark.django_db

SURVEYS_URL = "/api/surveys/"
BANK_URL = "/api/question-bank/"
OUTSIDERS = ["engineer", "seller", "other_hr"]  # no HR role here, or HR elsewhere


def survey_url(survey, action: str = "") -> str:
    return f"/api/surveys/{survey.pk}/" + (f"{action}/" if action else "")


def wave_url(wave, action: str = "") -> str:
    return f"/api/waves/{wave.pk}/" + (f"{action}/" if action else "")


def answer_url(token: str, people: bool = False) -> str:
    return f"/api/answer/{token}/" + ("people/" if people else "")


def titles(response) -> list[str]:
    return [row["title"] for row in response.json()["results"]]


def invitation_of(survey_world, person) -> Invitation:
    return survey_world.wave.invitations.get(person=person)


NEW_SURVEY = {
    "title": "Spring pulse",
    "description": "Two minutes.",
    "bank": ["advice", "decision"],
    "questions": [
        {"kind": "nomination", "relation": "mentoring", "prompt": "Who mentors you?"},
        {"kind": "rating", "prompt": "How is it going?", "required": True},
    ],
    "reminder_days": [6, 3],
}


def test_urls_are_named():
    assert reverse("api-survey-list") == SURVEYS_URL
    assert reverse("api-question-bank") == BANK_URL
    assert reverse("api-answer", kwargs={"token": "abc"}) == "/api/answer/abc/"
    assert reverse("api-wave-response-rates", kwargs={"wave_id": 7}) == (
        "/api/waves/7/response-rates/"
    )


# --- surveys -------------------------------------------------------------------------------------


def test_hr_creates_a_survey_from_the_bank_and_own_questions(world, api_for):
    body = {**NEW_SURVEY, "audience_team_ids": [world.engineering.pk]}
    response = api_for(world.hr).post(SURVEYS_URL, body, format="json")
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["title"] == "Spring pulse"
    assert data["status"] == "active"
    assert data["reminder_days"] == [3, 6]
    assert data["audience_team_ids"] == [world.engineering.pk]
    asked = [(q["kind"], q["relation"], q["prompt"]) for q in data["questions"]]
    assert asked == [
        ("nomination", "advice", QUESTION_BANK["advice"]),
        ("nomination", "decision", QUESTION_BANK["decision"]),
        ("nomination", "mentoring", "Who mentors you?"),
        ("rating", "", "How is it going?"),
    ]
    survey = Survey.objects.get(pk=data["id"])
    assert survey.organization == world.org
    assert survey.created_by == world.hr


@pytest.mark.parametrize("who", ["lead", "engineer"])
def test_create_by_anyone_but_hr_is_404_and_stores_nothing(world, api_for, who):
    response = api_for(getattr(world, who)).post(SURVEYS_URL, NEW_SURVEY, format="json")
    assert response.status_code == 404
    assert not Survey.objects.exists()


def test_create_by_another_organisations_hr_stays_in_their_organisation(world, api_for):
    body = {**NEW_SURVEY, "audience_team_ids": [world.engineering.pk]}  # an Acme team
    response = api_for(world.other_hr).post(SURVEYS_URL, body, format="json")
    assert response.status_code == 400
    assert "audience_teams" in response.json()["errors"]
    response = api_for(world.other_hr).post(SURVEYS_URL, NEW_SURVEY, format="json")
    assert response.status_code == 201
    assert Survey.objects.get().organization == world.other_org


def test_create_refusals_are_400_with_clear_messages(world, api_for):
    api = api_for(world.hr)
    assert api.post(SURVEYS_URL, NEW_SURVEY, format="json").status_code == 201

    again = api.post(SURVEYS_URL, {**NEW_SURVEY, "title": "spring PULSE"}, format="json")
    assert again.status_code == 400
    assert again.json()["errors"]["title"] == "A survey called 'spring PULSE' already exists."

    unknown = api.post(SURVEYS_URL, {"title": "X", "bank": ["gossip"]}, format="json")
    assert unknown.status_code == 400
    assert "Not in the question bank: gossip" in unknown.json()["detail"]

    empty = api.post(SURVEYS_URL, {"title": "Y"}, format="json")
    assert empty.status_code == 400
    assert empty.json() == {
        "detail": "A survey needs at least one question.",
        "errors": {"questions": "A survey needs at least one question."},
    }

    shape = api.post(SURVEYS_URL, {"title": "Z", "reminder_days": [0]}, format="json")
    assert shape.status_code == 400
    assert shape.json()["errors"] == {
        "reminder_days.0": "Ensure this value is greater than or equal to 1."
    }
    assert Survey.objects.count() == 1


def test_survey_list_is_scoped_to_the_role(survey_world, world, api_for):
    survey_create(organization=world.org, title="Draft only", questions=questions())
    survey_create(organization=world.other_org, title="Globex pulse", questions=questions())
    hr = api_for(world.hr).get(SURVEYS_URL)
    assert hr.status_code == 200
    assert hr.json()["count"] == 2
    assert titles(hr) == ["Draft only", "Pulse"]
    # The lead sees the survey that reached their teams, for its response rates.
    assert titles(api_for(world.lead).get(SURVEYS_URL)) == ["Pulse"]
    assert titles(api_for(world.engineer).get(SURVEYS_URL)) == []
    assert titles(api_for(world.other_hr).get(SURVEYS_URL)) == ["Globex pulse"]


def test_survey_list_leaves_out_archived_surveys_unless_asked(world, api_for):
    survey = survey_create(organization=world.org, title="Old", questions=questions())
    api = api_for(world.hr)
    assert api.post(survey_url(survey, "archive")).status_code == 200
    assert titles(api.get(SURVEYS_URL)) == []
    assert titles(api.get(SURVEYS_URL, {"include_archived": "true"})) == ["Old"]


@pytest.mark.parametrize("who", ["hr", "lead"])
def test_survey_detail_allowed(survey_world, world, api_for, who):
    response = api_for(getattr(world, who)).get(survey_url(survey_world.survey))
    assert response.status_code == 200
    assert [q["id"] for q in response.json()["questions"]] == [
        survey_world.advice.pk,
        survey_world.decision.pk,
        survey_world.rating.pk,
        survey_world.text.pk,
    ]


@pytest.mark.parametrize("who", OUTSIDERS)
def test_survey_detail_out_of_scope_is_404(survey_world, world, api_for, who):
    assert api_for(getattr(world, who)).get(survey_url(survey_world.survey)).status_code == 404


def test_lead_cannot_see_a_survey_that_never_reached_their_teams(world, api_for):
    survey = survey_create(organization=world.org, title="Sales only", questions=questions())
    assert api_for(world.lead).get(survey_url(survey)).status_code == 404


def test_hr_patches_fields_and_questions_until_a_wave_opens(world, api_for):
    survey = survey_create(organization=world.org, title="Draft", questions=questions())
    api = api_for(world.hr)
    response = api.patch(
        survey_url(survey),
        {"title": "Autumn", "bank": ["help"], "audience_team_ids": [world.sales.pk]},
        format="json",
    )
    assert response.status_code == 200, response.json()
    data = response.json()
    assert data["title"] == "Autumn"
    assert data["description"] == ""  # untouched
    assert [q["relation"] for q in data["questions"]] == ["help"]
    assert data["audience_team_ids"] == [world.sales.pk]

    now = timezone.now()
    wave = wave_create(survey=survey, opens_at=now, closes_at=now + timedelta(days=2))
    assert api.post(wave_url(wave, "open")).status_code == 200
    refused = api.patch(survey_url(survey), {"bank": ["advice"]}, format="json")
    assert refused.status_code == 400
    assert "cannot change once a wave has opened" in refused.json()["detail"]
    fine = api.patch(survey_url(survey), {"description": "Still editable"}, format="json")
    assert fine.status_code == 200
    assert [q["relation"] for q in fine.json()["questions"]] == ["help"]


@pytest.mark.parametrize("who", ["lead", *OUTSIDERS])
def test_patch_by_anyone_but_the_organisations_hr_is_404(survey_world, world, api_for, who):
    response = api_for(getattr(world, who)).patch(
        survey_url(survey_world.survey), {"title": "Hacked"}, format="json"
    )
    assert response.status_code == 404
    assert Survey.objects.get(pk=survey_world.survey.pk).title == "Pulse"


def test_hr_copies_a_survey(survey_world, world, api_for):
    api = api_for(world.hr)
    response = api.post(survey_url(survey_world.survey, "copy"), {}, format="json")
    assert response.status_code == 201
    copy = response.json()
    assert copy["title"] == "Pulse (copy)"
    assert [q["prompt"] for q in copy["questions"]] == [
        q.prompt for q in survey_world.survey.questions.all()
    ]
    assert not Wave.objects.filter(survey_id=copy["id"]).exists()
    named = api.post(survey_url(survey_world.survey, "copy"), {"title": "Pulse 2"}, format="json")
    assert named.json()["title"] == "Pulse 2"
    clash = api.post(survey_url(survey_world.survey, "copy"), {"title": "pulse"}, format="json")
    assert clash.status_code == 400


@pytest.mark.parametrize("who", ["lead", *OUTSIDERS])
def test_copy_and_archive_by_anyone_but_hr_is_404(survey_world, world, api_for, who):
    api = api_for(getattr(world, who))
    assert api.post(survey_url(survey_world.survey, "copy")).status_code == 404
    assert api.post(survey_url(survey_world.survey, "archive")).status_code == 404
    assert Survey.objects.count() == 1
    assert Survey.objects.get().status == Survey.Status.ACTIVE


def test_archive_needs_the_open_wave_closed_first(survey_world, world, api_for):
    api = api_for(world.hr)
    refused = api.post(survey_url(survey_world.survey, "archive"))
    assert refused.status_code == 400
    assert refused.json()["detail"] == "Close the open wave before archiving the survey."
    assert api.post(wave_url(survey_world.wave, "close")).status_code == 200
    archived = api.post(survey_url(survey_world.survey, "archive"))
    assert archived.status_code == 200
    assert archived.json()["status"] == "archived"


def test_question_bank_for_hr_only(world, api_for):
    response = api_for(world.hr).get(BANK_URL)
    assert response.status_code == 200
    assert response.json() == [{"relation": r, "prompt": p} for r, p in QUESTION_BANK.items()]
    for who in ("lead", "engineer"):
        assert api_for(getattr(world, who)).get(BANK_URL).status_code == 404


# --- waves ---------------------------------------------------------------------------------------


def test_hr_plans_opens_and_closes_a_wave(world, api_for, django_capture_on_commit_callbacks):
    survey = survey_create(organization=world.org, title="Draft", questions=questions())
    api = api_for(world.hr)
    closes = (timezone.now() + timedelta(days=5)).isoformat()
    created = api.post(survey_url(survey, "waves"), {"closes_at": closes}, format="json")
    assert created.status_code == 201, created.json()
    wave = Wave.objects.get(pk=created.json()["id"])
    assert created.json()["status"] == "draft"
    assert created.json()["number"] == 1

    with django_capture_on_commit_callbacks(execute=True):
        opened = api.post(wave_url(wave, "open"))
    assert opened.status_code == 200
    assert opened.json()["status"] == "open"
    assert wave.invitations.count() == 5
    assert len(mail.outbox) == 5
    again = api.post(wave_url(wave, "open"))
    assert again.status_code == 409
    assert again.json() == {"detail": "Only a planned wave can be opened; this one is open."}

    closed = api.post(wave_url(wave, "close"))
    assert closed.status_code == 200
    assert closed.json()["status"] == "closed"
    assert closed.json()["analysis_requested_at"] is not None
    assert api.post(wave_url(wave, "close")).status_code == 409


def test_open_now_invites_at_once_and_a_second_wave_waits(
    world, api_for, django_capture_on_commit_callbacks
):
    survey = survey_create(organization=world.org, title="Now", questions=questions())
    api = api_for(world.hr)
    closes = (timezone.now() + timedelta(days=5)).isoformat()
    with django_capture_on_commit_callbacks(execute=True):
        created = api.post(
            survey_url(survey, "waves"), {"closes_at": closes, "open_now": True}, format="json"
        )
    assert created.status_code == 201
    assert created.json()["status"] == "open"
    assert len(mail.outbox) == 5
    second = api.post(survey_url(survey, "waves"), {"closes_at": closes}, format="json")
    assert second.status_code == 400
    assert second.json()["detail"] == "This survey already has a wave that is planned or open."
    past = api.post(
        survey_url(survey, "waves"),
        {"closes_at": (timezone.now() - timedelta(days=1)).isoformat()},
        format="json",
    )
    assert past.status_code == 400
    assert "closes_at" in past.json()["errors"]


@pytest.mark.parametrize("who", ["hr", "lead"])
def test_wave_list_and_detail_allowed(survey_world, world, api_for, who):
    api = api_for(getattr(world, who))
    waves = api.get(survey_url(survey_world.survey, "waves"))
    assert waves.status_code == 200
    assert [w["id"] for w in waves.json()] == [survey_world.wave.pk]
    detail = api.get(wave_url(survey_world.wave))
    assert detail.status_code == 200
    assert detail.json()["survey_title"] == "Pulse"


@pytest.mark.parametrize("who", OUTSIDERS)
def test_wave_list_and_detail_out_of_scope_is_404(survey_world, world, api_for, who):
    api = api_for(getattr(world, who))
    assert api.get(survey_url(survey_world.survey, "waves")).status_code == 404
    assert api.get(wave_url(survey_world.wave)).status_code == 404


@pytest.mark.parametrize("who", ["lead", *OUTSIDERS])
def test_wave_actions_by_anyone_but_hr_are_404(survey_world, world, api_for, who):
    api = api_for(getattr(world, who))
    closes = (timezone.now() + timedelta(days=5)).isoformat()
    assert (
        api.post(survey_url(survey_world.survey, "waves"), {"closes_at": closes}).status_code == 404
    )
    assert api.post(wave_url(survey_world.wave, "close")).status_code == 404
    assert api.post(wave_url(survey_world.wave, "open")).status_code == 404
    assert api.get(wave_url(survey_world.wave, "invitations")).status_code == 404
    invitation = invitation_of(survey_world, world.engineer)
    assert api.post(f"/api/invitations/{invitation.pk}/resend/").status_code == 404
    survey_world.wave.refresh_from_db()
    assert survey_world.wave.status == Wave.Status.OPEN
    assert Wave.objects.count() == 1


# --- invitations ---------------------------------------------------------------------------------


def _answer(survey_world, person):
    invitation = invitation_of(survey_world, person)
    Invitation.objects.filter(pk=invitation.pk).update(opened_at=timezone.now())
    response_save(invitation=invitation, answers=AnswerSet(), submit=True)


def test_invitations_withhold_who_answered_in_small_teams(survey_world, world, api_for, settings):
    _answer(survey_world, world.engineer)
    _answer(survey_world, world.seller)
    settings.ANONYMITY_THRESHOLD = 2  # engineering has 2 invited; every other team 1
    response = api_for(world.hr).get(wave_url(survey_world.wave, "invitations"))
    assert response.status_code == 200
    data = response.json()
    assert data["count"] == 5
    rows = {row["person"]["email"]: row for row in data["results"]}
    assert [row["person"]["name"] for row in data["results"]] == sorted(
        row["person"]["name"] for row in data["results"]
    )

    engineer = rows["eng@acme.test"]
    assert engineer["withheld"] is False
    assert engineer["answered_at"] is not None
    assert engineer["opened_at"] is not None
    assert engineer["sent_at"] is not None
    assert [e["kind"] for e in engineer["events"]] == ["sent", "answered"]
    assert rows["lead@acme.test"]["answered_at"] is None

    seller = rows["sales@acme.test"]
    assert seller["withheld"] is True
    assert seller["answered_at"] is None and seller["opened_at"] is None
    assert "events" not in seller
    assert seller["sent_at"] is not None  # delivery is not an answer

    settings.ANONYMITY_THRESHOLD = 5
    response = api_for(world.hr).get(wave_url(survey_world.wave, "invitations"))
    assert all(row["withheld"] for row in response.json()["results"])
    assert all(row["answered_at"] is None for row in response.json()["results"])


def test_invitations_queries_do_not_grow_with_people(
    survey_world, world, api_for, django_assert_max_num_queries
):
    for person in PersonFactory.create_batch(30, team=world.sales):
        Invitation.objects.create(wave=survey_world.wave, person=person)
    api = api_for(world.hr)
    with django_assert_max_num_queries(8):
        response = api.get(wave_url(survey_world.wave, "invitations"))
    assert response.json()["count"] == 35


def test_hr_resends_an_invitation_and_can_revoke_older_links(
    survey_world, world, api_for, link_for
):
    invitation = invitation_of(survey_world, world.engineer)
    old_token = link_for(invitation)
    mail.outbox.clear()
    api = api_for(world.hr)
    url = f"/api/invitations/{invitation.pk}/resend/"
    response = api.post(url, {"revoke_previous": True}, format="json")
    assert response.status_code == 200
    assert response.json()["person"]["email"] == "eng@acme.test"
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["eng@acme.test"]
    new_token = mail.outbox[0].body.split("/s/", 1)[1].split("/", 1)[0]
    assert APIClient().get(answer_url(old_token)).json() == {"detail": LINK_REVOKED}
    assert APIClient().get(answer_url(new_token)).status_code == 200

    wave_close(wave=survey_world.wave)
    refused = api.post(url, {}, format="json")
    assert refused.status_code == 400
    assert refused.json()["detail"] == "Only invitations of an open wave can be resent."


# --- response rates ------------------------------------------------------------------------------


def test_response_rates_for_hr_cover_the_organisation(survey_world, world, api_for):
    _answer(survey_world, world.engineer)
    response = api_for(world.hr).get(wave_url(survey_world.wave, "response-rates"))
    assert response.status_code == 200
    rows = {row["name"]: row for row in response.json()}
    assert rows["Whole organisation"] == {
        "name": "Whole organisation",
        "team_id": None,
        "depth": 0,
        "invited": 5,
        "answered": 1,
        "rate": 0.2,
        "below_threshold": False,
    }
    assert rows["Engineering"]["invited"] == 3  # with Platform
    assert rows["Engineering"]["answered"] == 1
    assert rows["Engineering"]["below_threshold"] is True
    assert set(rows) == {"Whole organisation", "Engineering", "Platform", "People", "Sales"}


def test_response_rates_for_a_lead_are_their_teams(survey_world, world, api_for):
    response = api_for(world.lead).get(wave_url(survey_world.wave, "response-rates"))
    assert response.status_code == 200
    assert [(r["name"], r["depth"]) for r in response.json()] == [
        ("Engineering", 0),
        ("Platform", 1),
    ]


@pytest.mark.parametrize("who", OUTSIDERS)
def test_response_rates_out_of_scope_are_404(survey_world, world, api_for, who):
    api = api_for(getattr(world, who))
    assert api.get(wave_url(survey_world.wave, "response-rates")).status_code == 404


# --- answering by link ---------------------------------------------------------------------------


@pytest.fixture
def engineer_link(survey_world, world, link_for) -> str:
    return link_for(invitation_of(survey_world, world.engineer))


def test_answer_page_by_link_needs_no_sign_in(survey_world, world, engineer_link):
    response = APIClient().get(answer_url(engineer_link))
    assert response.status_code == 200
    data = response.json()
    assert data["survey_title"] == "Pulse"
    assert data["organization_name"] == "Acme"
    assert data["submitted"] is False
    assert [q["id"] for q in data["questions"]] == [
        survey_world.advice.pk,
        survey_world.decision.pk,
        survey_world.rating.pk,
        survey_world.text.pk,
    ]
    assert data["questions"][0]["max_nominees"] == 3
    assert data["answers"][0] == {
        "question": survey_world.advice.pk,
        "nominees": [],
        "rating": None,
        "text": "",
    }
    assert invitation_of(survey_world, world.engineer).opened_at is not None


def test_answering_end_to_end(survey_world, world, engineer_link):
    api = APIClient()
    answers = [
        {
            "question": survey_world.advice.pk,
            "nominees": [
                {"person": world.lead.pk, "strength": 4},
                {"person": world.platform_engineer.pk, "strength": None},
            ],
        },
        {"question": survey_world.decision.pk, "nominees": [{"person": world.lead.pk}]},
        {"question": survey_world.rating.pk, "rating": 4},
        {"question": survey_world.text.pk, "text": "All good."},
    ]
    saved = api.put(answer_url(engineer_link), {"answers": answers}, format="json")
    assert saved.status_code == 200, saved.json()
    assert saved.json()["submitted"] is False
    invitation = invitation_of(survey_world, world.engineer)
    assert invitation.answered_at is None

    state = api.get(answer_url(engineer_link)).json()
    advice = state["answers"][0]
    assert advice["nominees"] == [
        {
            "person": {
                "id": world.lead.pk,
                "name": "Lea Dorn",
                "title": "Engineer",
                "team": "Engineering",
            },
            "strength": 4,
        },
        {
            "person": {
                "id": world.platform_engineer.pk,
                "name": "Pia Torres",
                "title": "Engineer",
                "team": "Platform",
            },
            "strength": None,
        },
    ]
    assert state["answers"][2]["rating"] == 4
    assert state["answers"][3]["text"] == "All good."

    for _ in range(2):  # a double click sends twice
        sent = api.put(answer_url(engineer_link), {"answers": answers, "submit": True}, "json")
        assert sent.status_code == 200
        assert sent.json()["submitted"] is True
    assert Response.objects.filter(invitation__person=world.engineer).count() == 1
    assert Nomination.objects.count() == 3
    assert invitation_of(survey_world, world.engineer).answered_at is not None
    assert api.get(answer_url(engineer_link)).json()["submitted"] is True


def test_bad_answers_get_a_message_per_question_and_nothing_is_saved(
    survey_world, world, engineer_link
):
    answers = [
        {"question": survey_world.advice.pk, "nominees": [{"person": world.other_employee.pk}]},
        {"question": survey_world.decision.pk, "nominees": [{"person": world.engineer.pk}]},
        {"question": survey_world.rating.pk, "rating": 9},
    ]
    response = APIClient().put(
        answer_url(engineer_link), {"answers": answers, "submit": True}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {
        "detail": "Some answers need attention: see the message for each question.",
        "errors": {
            str(survey_world.advice.pk): (
                "Pick colleagues from the list: someone chosen is not an active colleague."
            ),
            str(survey_world.decision.pk): "You cannot name yourself.",
            str(survey_world.rating.pk): "Choose a rating from 1 to 5.",
        },
    }
    assert not Response.objects.exists()

    too_many = [
        {
            "question": survey_world.advice.pk,
            "nominees": [
                {"person": p.pk}
                for p in (world.lead, world.platform_engineer, world.seller, world.hr)
            ],
        }
    ]
    response = APIClient().put(answer_url(engineer_link), {"answers": too_many}, format="json")
    assert response.json()["errors"] == {
        str(survey_world.advice.pk): "Choose at most 3 people (you chose 4)."
    }
    unknown = [{"question": 999999, "rating": 3}]
    response = APIClient().put(answer_url(engineer_link), {"answers": unknown}, format="json")
    assert response.status_code == 400
    assert response.json()["detail"] == (
        "Some answers are for questions that are not in this survey."
    )


def test_closed_survey_link_is_410(survey_world, engineer_link):
    wave_close(wave=survey_world.wave)
    api = APIClient()
    for response in (
        api.get(answer_url(engineer_link)),
        api.put(answer_url(engineer_link), {"answers": []}, format="json"),
        api.get(answer_url(engineer_link, people=True), {"q": "lea"}),
    ):
        assert response.status_code == 410
        assert "This survey closed on" in response.json()["detail"]


def test_not_yet_open_survey_link_is_409(world, link_for):
    survey = survey_create(organization=world.org, title="Later", questions=questions())
    now = timezone.now()
    wave = wave_create(
        survey=survey, opens_at=now + timedelta(days=1), closes_at=now + timedelta(2)
    )
    invitation = Invitation.objects.create(wave=wave, person=world.engineer)
    response = APIClient().get(answer_url(link_for(invitation)))
    assert response.status_code == 409
    assert response.json()["detail"] == (
        "This survey has not opened yet. The link will work once it opens."
    )


def test_unknown_link_is_404_and_names_nobody(survey_world, world, engineer_link):
    api = APIClient()
    for response in (
        api.get(answer_url("not-a-real-token")),
        api.put(answer_url(engineer_link[:-2] + "xx"), {"answers": []}, format="json"),
        api.get(answer_url("nope", people=True), {"q": "lea"}),
    ):
        assert response.status_code == 404
        assert response.json() == {"detail": LINK_UNKNOWN}
        text = response.content.decode()
        assert "eng@acme.test" not in text and "Eli" not in text


def test_people_search_by_link(survey_world, world, engineer_link):
    api = APIClient()
    found = api.get(answer_url(engineer_link, people=True), {"q": "p"})
    assert found.status_code == 200
    assert found.json() == [
        {
            "id": world.platform_engineer.pk,
            "name": "Pia Torres",
            "title": "Engineer",
            "team": "Platform",
        }
    ]
    people_url = answer_url(engineer_link, people=True)
    assert [p["name"] for p in api.get(people_url, {"q": "LE"}).json()] == ["Lea Dorn"]
    assert api.get(people_url, {"q": "eli"}).json() == []  # never oneself
    assert api.get(people_url, {"q": "dee"}).json() == []  # Globex
    assert api.get(people_url).json() == []


@pytest.fixture
def answer_rate_of_three(monkeypatch):
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {"answer": "3/min"})
    cache.clear()
    yield
    cache.clear()


def test_answering_is_throttled_once_a_rate_is_set(
    survey_world, engineer_link, answer_rate_of_three
):
    api = APIClient()
    for _ in range(3):
        assert api.get(answer_url(engineer_link, people=True), {"q": "l"}).status_code == 200
    assert api.get(answer_url(engineer_link)).status_code == 429


# --- schema --------------------------------------------------------------------------------------


def test_schema_describes_the_survey_endpoints(client):
    response = client.get("/api/schema/")
    assert response.status_code == 200
    schema = response.content.decode()
    for path in (
        "/api/surveys/",
        "/api/surveys/{survey_id}/",
        "/api/surveys/{survey_id}/copy/",
        "/api/surveys/{survey_id}/archive/",
        "/api/surveys/{survey_id}/waves/",
        "/api/question-bank/",
        "/api/waves/{wave_id}/",
        "/api/waves/{wave_id}/open/",
        "/api/waves/{wave_id}/close/",
        "/api/waves/{wave_id}/invitations/",
        "/api/waves/{wave_id}/response-rates/",
        "/api/invitations/{invitation_id}/resend/",
        "/api/answer/{token}/",
        "/api/answer/{token}/people/",
    ):
        assert f"{path}:" in schema
