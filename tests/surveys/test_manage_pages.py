"""HR survey pages and the response rates leads may watch. Each case has the owner (HR), a
colleague allowed to see (the lead, on wave pages) and outsiders who get 404 (an employee, and
HR of another organisation). Pages show how many answered, never who."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from surveys.answering import AnswerSet, response_save
from surveys.models import (
    QUESTION_BANK,
    Invitation,
    InvitationEvent,
    InvitationLink,
    Question,
    Survey,
    Wave,
)
from surveys.services import survey_create, wave_close, wave_create, wave_open
from tests.factories import PersonFactory
from tests.surveys.conftest import questions

pytestmark = pytest.mark.django_db


def url(name, **kwargs):
    return reverse(name, kwargs=kwargs)


def local(dt) -> str:
    """A datetime as a datetime-local input sends it."""
    return timezone.localtime(dt).strftime("%Y-%m-%dT%H:%M")


def new_survey(world, title="Draft pulse", **kwargs):
    return survey_create(organization=world.org, title=title, questions=questions(), **kwargs)


def survey_post(world, **overrides) -> dict:
    data = {
        "title": "Spring pulse",
        "description": "Two minutes of your view.",
        "bank_advice": "on",
        "bank_advice_prompt": "Whom do you ask for advice on your code?",
        "bank_advice_max": "3",
        "bank_advice_strength": "on",
        "bank_decision": "on",
        "bank_decision_prompt": QUESTION_BANK["decision"],
        "bank_decision_max": "5",
        "bank_help_prompt": "Ignored: not ticked",
        "custom_1_kind": "rating",
        "custom_1_prompt": "How is trust in your team going?",
        "custom_2_kind": "nomination",
        "custom_2_relation": "mentoring",
        "custom_2_prompt": "Who mentors you?",
        "custom_2_max": "2",
        "audience": "teams",
        "teams": [world.engineering.id],
        "schedule": "once",
        "opens_at": "2030-03-02T09:00",
        "closes_at": "2030-03-09T17:00",
        "reminder_days": "3, 6",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def answer(invitation: Invitation) -> None:
    response_save(invitation=invitation, answers=AnswerSet(), submit=True)


def invitation_of(wave, person) -> Invitation:
    return wave.invitations.get(person=person)


# --- sign-in and the survey list ------------------------------------------------------------


def test_pages_need_a_sign_in(client, survey_world):
    for page in (
        url("survey-list"),
        url("survey-create"),
        url("survey-detail", survey_id=survey_world.survey.id),
        url("wave-detail", wave_id=survey_world.wave.id),
        url("wave-invitations", wave_id=survey_world.wave.id),
    ):
        response = client.get(page)
        assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_hr_lists_active_surveys_with_the_latest_wave_rate(world, survey_world, client_for):
    answer(invitation_of(survey_world.wave, world.engineer))
    archived = new_survey(world, title="Old pulse")
    archived.status = Survey.Status.ARCHIVED
    archived.save()
    client = client_for(world.hr)
    response = client.get(url("survey-list"))
    assert response.status_code == 200
    assert [s.title for s in response.context["surveys"]] == ["Pulse"]
    assert "1 of 5 (20 %)" in response.content.decode()
    assert "New survey" in response.content.decode()
    shown = client.get(url("survey-list"), {"archived": "1"}).context["surveys"]
    assert {s.title for s in shown} == {"Pulse", "Old pulse"}


def test_lead_lists_surveys_of_their_teams_with_links_to_waves_only(
    world, survey_world, client_for
):
    response = client_for(world.lead).get(url("survey-list"))
    assert response.status_code == 200
    html = response.content.decode()
    assert [s.title for s in response.context["surveys"]] == ["Pulse"]
    assert url("wave-detail", wave_id=survey_world.wave.id) in html
    assert url("survey-detail", survey_id=survey_world.survey.id) not in html
    assert "New survey" not in html and "of 5" not in html


def test_survey_list_is_not_for_employees_nor_other_organisations(world, survey_world, client_for):
    assert client_for(world.engineer).get(url("survey-list")).status_code == 404
    other = client_for(world.other_hr).get(url("survey-list"))
    assert list(other.context["surveys"]) == [] and b"Pulse</a>" not in other.content


# --- create -----------------------------------------------------------------------------------


def test_hr_creates_a_survey_from_the_bank(world, client_for):
    response = client_for(world.hr).post(url("survey-create"), survey_post(world))
    survey = Survey.objects.get(title="Spring pulse")
    assert response.status_code == 302
    assert response.url == url("survey-detail", survey_id=survey.id)
    got = [
        (q.kind, q.relation, q.prompt, q.max_nominees, q.ask_strength)
        for q in survey.questions.all()
    ]
    assert got == [
        ("nomination", "advice", "Whom do you ask for advice on your code?", 3, True),
        ("nomination", "decision", QUESTION_BANK["decision"], 5, False),
        ("rating", "", "How is trust in your team going?", 5, False),
        ("nomination", "mentoring", "Who mentors you?", 2, False),
    ]
    assert list(survey.audience_teams.all()) == [world.engineering]
    assert survey.reminder_days == [3, 6]
    assert survey.organization == world.org and survey.created_by == world.hr
    assert timezone.localtime(survey.opens_at).strftime("%Y-%m-%d %H:%M") == "2030-03-02 09:00"


def test_create_form_shows_the_bank_with_default_prompts(world, client_for):
    response = client_for(world.hr).get(url("survey-create"))
    assert response.status_code == 200
    html = response.content.decode()
    for relation in QUESTION_BANK:
        assert f'name="bank_{relation}"' in html
    assert "include all their sub-teams" in html
    assert "Platform" in html


def test_a_recurring_pulse_is_created_with_its_rhythm(world, client_for):
    data = survey_post(
        world,
        schedule="recurring",
        every_weeks="2",
        window_days="5",
        first_opens_at="2030-01-06T08:00",
        audience="organization",
        teams=None,
    )
    assert client_for(world.hr).post(url("survey-create"), data).status_code == 302
    survey = Survey.objects.get(title="Spring pulse")
    assert (survey.schedule, survey.every_weeks, survey.window_days) == ("recurring", 2, 5)
    assert survey.closes_at is None and survey.opens_at is not None
    assert not survey.audience_teams.exists()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            {
                "bank_advice": None,
                "bank_decision": None,
                "custom_1_kind": "",
                "custom_1_prompt": "",
                "custom_2_kind": "",
                "custom_2_prompt": "",
            },
            "A survey needs at least one question.",
        ),
        ({"closes_at": "2030-03-01T09:00"}, "The survey must close after it opens."),
        ({"title": "pulse"}, "already exists"),
        ({"reminder_days": "three"}, "Write whole days"),
        ({"audience": "teams", "teams": None}, "Choose at least one team"),
        ({"schedule": "recurring", "every_weeks": ""}, "every N weeks"),
        ({"custom_1_kind": "", "custom_1_prompt": "Orphan prompt"}, "Choose what kind"),
    ],
    ids=["no-question", "closes-first", "duplicate-title", "days", "teams", "rhythm", "kind"],
)
def test_bad_input_is_refused_with_a_message_and_nothing_is_stored(
    world, survey_world, client_for, overrides, message
):
    before = Survey.objects.count(), Question.objects.count()
    response = client_for(world.hr).post(url("survey-create"), survey_post(world, **overrides))
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html and "Nothing was saved" in html
    assert (Survey.objects.count(), Question.objects.count()) == before


@pytest.mark.parametrize("who", ["lead", "engineer"])
def test_only_hr_may_create_surveys(world, client_for, who):
    client = client_for(getattr(world, who))
    assert client.get(url("survey-create")).status_code == 404
    assert client.post(url("survey-create"), survey_post(world)).status_code == 404
    assert not Survey.objects.exists()


def test_hr_of_another_organisation_creates_in_their_own(world, client_for):
    data = survey_post(world, audience="organization", teams=None)
    assert client_for(world.other_hr).post(url("survey-create"), data).status_code == 302
    assert Survey.objects.get(title="Spring pulse").organization == world.other_org
    # A team of another organisation is not a choice.
    data = survey_post(world, title="Sneaky", teams=[world.engineering.id])
    assert client_for(world.other_hr).post(url("survey-create"), data).status_code == 400
    assert not Survey.objects.filter(title="Sneaky").exists()


# --- edit -------------------------------------------------------------------------------------


def test_hr_edits_a_survey_before_its_first_wave(world, client_for):
    survey = new_survey(world, audience_team_ids=[world.sales.id])
    client = client_for(world.hr)
    form = client.get(url("survey-edit", survey_id=survey.id))
    assert form.status_code == 200
    initial = form.context["form"].initial
    assert initial["bank_advice"] and initial["bank_advice_max"] == 3
    assert initial["custom_1_kind"] == "rating" and initial["teams"] == [world.sales.id]
    data = survey_post(
        world, title="Draft pulse, v2", bank_decision=None, custom_2_kind="", custom_2_prompt=""
    )
    response = client.post(url("survey-edit", survey_id=survey.id), data)
    assert response.status_code == 302
    survey.refresh_from_db()
    assert survey.title == "Draft pulse, v2"
    assert [q.relation or q.kind for q in survey.questions.all()] == ["advice", "rating"]
    assert list(survey.audience_teams.all()) == [world.engineering]


def test_questions_are_read_only_once_a_wave_opened(world, survey_world, client_for):
    client = client_for(world.hr)
    page = client.get(url("survey-edit", survey_id=survey_world.survey.id))
    html = page.content.decode()
    assert "can no longer change" in html and "Copy survey" in html
    assert 'name="bank_advice"' not in html
    assert url("survey-copy", survey_id=survey_world.survey.id) in html
    data = survey_post(world, title="Pulse renamed", audience="organization", teams=None)
    edit = url("survey-edit", survey_id=survey_world.survey.id)
    assert client.post(edit, data).status_code == 302
    survey_world.survey.refresh_from_db()
    assert survey_world.survey.title == "Pulse renamed"
    prompts = [q.prompt for q in survey_world.survey.questions.all()]
    assert prompts == [q.prompt for q in questions()]  # untouched


def test_edit_errors_are_shown_with_status_400(world, survey_world, client_for):
    survey = new_survey(world)
    data = survey_post(world, title="Pulse")
    response = client_for(world.hr).post(url("survey-edit", survey_id=survey.id), data)
    assert response.status_code == 400 and "already exists" in response.content.decode()
    survey.refresh_from_db()
    assert survey.title == "Draft pulse"


@pytest.mark.parametrize("who", ["lead", "engineer", "other_hr"])
def test_survey_pages_are_not_found_for_anyone_but_its_hr(world, survey_world, client_for, who):
    client = client_for(getattr(world, who))
    survey_id = survey_world.survey.id
    assert client.get(url("survey-detail", survey_id=survey_id)).status_code == 404
    assert client.get(url("survey-edit", survey_id=survey_id)).status_code == 404
    data = survey_post(world, title="Taken over")
    assert client.post(url("survey-edit", survey_id=survey_id), data).status_code == 404
    for action in ("survey-copy", "survey-archive", "wave-create"):
        assert client.post(url(action, survey_id=survey_id), {"mode": "now"}).status_code == 404
    assert Survey.objects.filter(organization=world.org).count() == 1
    assert Survey.objects.get().status == Survey.Status.ACTIVE


# --- detail, copy, archive --------------------------------------------------------------------


def test_survey_detail_shows_questions_audience_and_waves(world, survey_world, client_for):
    answer(invitation_of(survey_world.wave, world.engineer))
    response = client_for(world.hr).get(url("survey-detail", survey_id=survey_world.survey.id))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Who do you go to for advice?" in html and "The whole organisation" in html
    (wave,) = response.context["waves"]
    assert (wave.number, wave.invited, wave.answered) == (1, 5, 1)
    assert not response.context["can_start"]  # a wave is open
    assert "20 %" in html and "close it first" in html


def test_copy_makes_a_new_survey_with_the_same_questions(world, survey_world, client_for):
    client = client_for(world.hr)
    assert client.get(url("survey-copy", survey_id=survey_world.survey.id)).status_code == 405
    response = client.post(url("survey-copy", survey_id=survey_world.survey.id))
    copy = Survey.objects.get(title="Pulse (copy)")
    assert response.url == url("survey-edit", survey_id=copy.id)
    assert [q.prompt for q in copy.questions.all()] == [q.prompt for q in questions()]
    assert not copy.waves.exists()


def test_archive_is_refused_while_a_wave_is_open_and_allowed_after_close(
    world, survey_world, client_for
):
    client = client_for(world.hr)
    archive = url("survey-archive", survey_id=survey_world.survey.id)
    response = client.post(archive, follow=True)
    assert "Close the open wave before archiving" in response.content.decode()
    survey_world.survey.refresh_from_db()
    assert survey_world.survey.status == Survey.Status.ACTIVE
    wave_close(wave=survey_world.wave)
    response = client.post(archive)
    assert response.status_code == 302 and response.url == url("survey-list")
    survey_world.survey.refresh_from_db()
    assert survey_world.survey.status == Survey.Status.ARCHIVED


# --- waves: start, plan, open, close ----------------------------------------------------------


def test_start_a_wave_now_invites_the_audience_by_email(
    world, client_for, django_capture_on_commit_callbacks
):
    survey = new_survey(world)
    closes = timezone.now() + timedelta(days=7)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(world.hr).post(
            url("wave-create", survey_id=survey.id), {"mode": "now", "closes_at": local(closes)}
        )
    wave = survey.waves.get()
    assert response.url == url("wave-detail", wave_id=wave.id)
    assert wave.status == Wave.Status.OPEN and wave.invitations.count() == 5
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        wave.invitations.values_list("person__email", flat=True)
    )
    assert InvitationEvent.objects.filter(kind="sent").count() == 5


def test_plan_a_wave_opens_later_and_sends_nothing(world, client_for):
    survey = new_survey(world)
    opens = timezone.now() + timedelta(days=2)
    client = client_for(world.hr)
    data = {"mode": "plan", "opens_at": local(opens), "closes_at": local(opens + timedelta(days=5))}
    response = client.post(url("wave-create", survey_id=survey.id), data, follow=True)
    wave = survey.waves.get()
    assert wave.status == Wave.Status.DRAFT and not wave.invitations.exists()
    assert not mail.outbox and "is planned to open" in response.content.decode()
    assert "Open now" in response.content.decode()


def test_open_a_planned_wave_now(world, client_for, django_capture_on_commit_callbacks):
    survey = new_survey(world)
    opens = timezone.now() + timedelta(days=2)
    wave = wave_create(survey=survey, opens_at=opens, closes_at=opens + timedelta(days=5))
    assert client_for(world.lead).post(url("wave-open", wave_id=wave.id)).status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        client_for(world.hr).post(url("wave-open", wave_id=wave.id))
    wave.refresh_from_db()
    assert wave.status == Wave.Status.OPEN and len(mail.outbox) == 5


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"mode": "now", "closes_at": "2001-01-01T00:00"}, "must close after it opens"),
        (
            {"mode": "plan", "opens_at": "2000-01-01T00:00", "closes_at": "2001-01-01T00:00"},
            "would already be closed",
        ),
        ({"mode": "now"}, "Closes: This field is required."),
        ({"mode": "plan", "closes_at": "2030-01-01T00:00"}, "Choose when the wave opens."),
    ],
)
def test_bad_wave_input_creates_nothing(world, client_for, data, message):
    survey = new_survey(world)
    response = client_for(world.hr).post(url("wave-create", survey_id=survey.id), data, follow=True)
    assert message in response.content.decode()
    assert not survey.waves.exists() and not mail.outbox


def test_a_second_wave_waits_for_the_open_one(world, survey_world, client_for):
    closes = local(timezone.now() + timedelta(days=9))
    response = client_for(world.hr).post(
        url("wave-create", survey_id=survey_world.survey.id),
        {"mode": "now", "closes_at": closes},
        follow=True,
    )
    assert "already has a wave that is planned or open" in response.content.decode()
    assert survey_world.survey.waves.count() == 1


def test_closing_a_wave_requests_the_analysis(world, survey_world, client_for):
    close = url("wave-close", wave_id=survey_world.wave.id)
    for who in (world.lead, world.engineer, world.other_hr):
        assert client_for(who).post(close).status_code == 404
    assert client_for(world.hr).get(close).status_code == 405
    response = client_for(world.hr).post(close, follow=True)
    survey_world.wave.refresh_from_db()
    assert survey_world.wave.status == Wave.Status.CLOSED
    assert survey_world.wave.analysis_requested_at is not None
    assert "the analysis has been requested" in response.content.decode()


# --- wave page: response rates ----------------------------------------------------------------


def test_hr_sees_the_rates_of_the_organisation_and_every_team(world, survey_world, client_for):
    answer(invitation_of(survey_world.wave, world.engineer))
    response = client_for(world.hr).get(url("wave-detail", wave_id=survey_world.wave.id))
    assert response.status_code == 200
    rows = {r.name: (r.depth, r.invited, r.answered) for r in response.context["rows"]}
    assert rows == {
        "Whole organisation": (0, 5, 1),
        "Engineering": (1, 3, 1),
        "Platform": (2, 1, 0),
        "People": (1, 1, 0),
        "Sales": (1, 1, 0),
    }
    html = response.content.decode()
    assert '<meta http-equiv="refresh" content="30">' in html
    assert "Close the wave" in html and "analysis of this wave is requested" in html
    assert "Eli Ng" not in html  # who answered is never shown


def test_a_team_below_the_threshold_says_who_answered_is_never_shown(
    world, survey_world, client_for
):
    html = client_for(world.hr).get(url("wave-detail", wave_id=survey_world.wave.id))
    assert "Fewer than 5 invited: who answered is never shown." in html.content.decode()


def test_lead_sees_only_their_teams_and_no_buttons(world, survey_world, client_for):
    answer(invitation_of(survey_world.wave, world.seller))
    response = client_for(world.lead).get(url("wave-detail", wave_id=survey_world.wave.id))
    assert response.status_code == 200
    assert [r.name for r in response.context["rows"]] == ["Engineering", "Platform"]
    html = response.content.decode()
    assert "Sales" not in html and "Whole organisation" not in html
    assert "Close the wave" not in html and "Invitations and delivery" not in html


@pytest.mark.parametrize("who", ["seller", "engineer", "other_hr", "other_employee"])
def test_wave_pages_are_not_found_for_outsiders(world, survey_world, client_for, who):
    client = client_for(getattr(world, who))
    for name in ("wave-detail", "wave-rates", "wave-invitations"):
        assert client.get(url(name, wave_id=survey_world.wave.id)).status_code == 404


def test_rates_fragment_is_just_the_table(world, survey_world, client_for):
    response = client_for(world.lead).get(url("wave-rates", wave_id=survey_world.wave.id))
    html = response.content.decode()
    assert response.status_code == 200 and 'id="wave-rates"' in html
    assert "<html" not in html and "Platform" in html and "Sales" not in html


def test_a_closed_wave_page_does_not_refresh(world, survey_world, client_for):
    wave_close(wave=survey_world.wave)
    html = client_for(world.hr).get(url("wave-detail", wave_id=survey_world.wave.id))
    assert b"http-equiv" not in html.content and b"Close the wave" not in html.content


# --- invitations page -------------------------------------------------------------------------


def test_invitations_hide_status_for_small_teams_only(world, survey_world, client_for, settings):
    settings.ANONYMITY_THRESHOLD = 2  # Engineering has 2 invited, Platform and Sales 1 each
    wave = survey_world.wave
    for person in (world.engineer, world.platform_engineer):
        answer(invitation_of(wave, person))
    response = client_for(world.hr).get(url("wave-invitations", wave_id=wave.id))
    assert response.status_code == 200
    rows = {r.invitation.person.name: r for r in response.context["rows"]}
    assert len(rows) == 5
    shown, hidden = rows["Eli Ng"], rows["Pia Torres"]
    assert not shown.withheld and [e.kind for e in shown.events] == ["sent", "answered"]
    assert hidden.withheld and [e.kind for e in hidden.events] == ["sent"]
    assert rows["Sam Ode"].withheld and not rows["Lea Dorn"].withheld
    html = response.content.decode()
    assert html.count("withheld: small team") == 3  # Pia, Sam, Hana
    assert html.count("Answered ·") == 1  # only Eli's event is listed
    assert "Resend link" in html


@pytest.mark.parametrize("who", ["lead", "engineer", "other_hr"])
def test_invitations_page_is_hr_only(world, survey_world, client_for, who):
    response = client_for(getattr(world, who)).get(
        url("wave-invitations", wave_id=survey_world.wave.id)
    )
    assert response.status_code == 404


def test_resend_sends_one_email_and_records_it(world, survey_world, client_for, link_for):
    invitation = invitation_of(survey_world.wave, world.engineer)
    old = link_for(invitation)
    mail.outbox.clear()
    resend = url("invitation-resend", invitation_id=invitation.id)
    for who in (world.lead, world.engineer, world.other_hr):
        assert client_for(who).post(resend).status_code == 404
    assert not mail.outbox
    response = client_for(world.hr).post(resend, {"revoke_previous": "on", "page": "1"})
    assert response.url == url("wave-invitations", wave_id=survey_world.wave.id) + "?page=1"
    assert [m.to for m in mail.outbox] == [["eng@acme.test"]]
    assert invitation.events.filter(kind=InvitationEvent.Kind.RESENT).count() == 1
    links = InvitationLink.objects.filter(invitation=invitation)
    assert links.count() == 3 and links.filter(revoked_at__isnull=True).count() == 1
    assert old not in mail.outbox[0].body


def test_resend_is_refused_once_the_wave_closed(world, survey_world, client_for):
    wave_close(wave=survey_world.wave)
    mail.outbox.clear()
    invitation = invitation_of(survey_world.wave, world.engineer)
    response = client_for(world.hr).post(
        url("invitation-resend", invitation_id=invitation.id), follow=True
    )
    assert "Only invitations of an open wave can be resent." in response.content.decode()
    assert not mail.outbox and b"Resend link" not in response.content


# --- queries do not grow with the number of people --------------------------------------------


@pytest.fixture
def big_wave(world, django_capture_on_commit_callbacks):
    PersonFactory.create_batch(70, team=world.sales)
    PersonFactory.create_batch(30, team=world.platform)
    survey = new_survey(world, title="Big pulse")
    now = timezone.now()
    wave = wave_create(survey=survey, opens_at=now, closes_at=now + timedelta(days=7))
    with django_capture_on_commit_callbacks(execute=True):
        wave_open(wave=wave)
    for invitation in wave.invitations.all()[:20]:
        answer(invitation)
    return wave


def test_invitations_page_queries_do_not_grow_with_people(
    world, big_wave, client_for, django_assert_max_num_queries
):
    client = client_for(world.hr)
    with django_assert_max_num_queries(10):
        response = client.get(url("wave-invitations", wave_id=big_wave.id))
    assert response.status_code == 200 and len(response.context["rows"]) == 50
    with django_assert_max_num_queries(10):
        page3 = client.get(url("wave-invitations", wave_id=big_wave.id), {"page": 3})
    assert page3.status_code == 200 and len(page3.context["rows"]) == 5  # 105 invited


def test_wave_page_queries_do_not_grow_with_people(
    world, big_wave, client_for, django_assert_max_num_queries
):
    for person in (world.hr, world.lead):
        client = client_for(person)
        with django_assert_max_num_queries(8):
            assert client.get(url("wave-detail", wave_id=big_wave.id)).status_code == 200
