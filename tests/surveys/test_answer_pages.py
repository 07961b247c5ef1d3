"""Answering a survey as a person does: by the e-mailed link (no sign-in) or from My surveys.

The respondent is the lead (team Engineering); Eli is a teammate, Pia is in the sub-team
Platform, Sam is in Sales, Dee is in another organisation.
"""

import json
from datetime import timedelta

import factory
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from surveys.models import Answer, Invitation, InvitationEvent, Nomination, Response
from surveys.services import wave_close, wave_create
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def mine(survey_world, world):
    """The lead's invitation in the open wave."""
    return survey_world.wave.invitations.get(person=world.lead)


@pytest.fixture
def url(mine, link_for):
    return reverse("survey-answer", kwargs={"token": link_for(mine)})


def answers(sw, *, advice=(), decision=(), rating="", text="", action="submit", **extra):
    """The form as the page sends it; advice is [(person, strength)], decision [person]."""
    data = {
        "action": action,
        f"q{sw.advice.id}_nominee": [str(p.id) for p, _ in advice],
        f"q{sw.decision.id}_nominee": [str(p.id) for p in decision],
        f"q{sw.rating.id}_rating": str(rating),
        f"q{sw.text.id}_text": text,
    }
    data.update({f"q{sw.advice.id}_strength_{p.id}": str(s) for p, s in advice})
    data.update(extra)
    return data


def text_of(response) -> str:
    return response.content.decode()


# --- answering by link, end to end ------------------------------------------------------------


def test_answering_by_link_from_first_look_to_thank_you(client, survey_world, world, mine, url):
    sw = survey_world
    page = client.get(url)
    assert page.status_code == 200
    html = text_of(page)
    for question in (sw.advice, sw.decision, sw.rating, sw.text):
        assert question.prompt in html
    assert "Choose up to 3 people" in html and "Choose up to 5 people" in html
    assert "Acme" in html and "you can change them until" in html
    assert 'role="combobox"' in html and "js/answer.js" in html and "css/answer.css" in html
    assert "Picking people needs JavaScript" in html  # inside <noscript>

    done = client.post(
        url,
        answers(
            sw,
            advice=[(world.engineer, 4), (world.platform_engineer, 2)],
            decision=[world.seller],
            rating=4,
            text="More pairing, please.",
        ),
        follow=True,
    )
    assert done.status_code == 200
    assert "Thank you — your answers are in." in text_of(done)
    assert "You can change them until" in text_of(done) and "with the same link" in text_of(done)

    response = Response.objects.get(invitation=mine)
    assert response.submitted_at is not None
    assert set(response.nominations.values_list("question_id", "nominee_id", "strength")) == {
        (sw.advice.id, world.engineer.id, 4),
        (sw.advice.id, world.platform_engineer.id, 2),
        (sw.decision.id, world.seller.id, None),
    }
    assert set(response.answers.values_list("question_id", "rating", "text")) == {
        (sw.rating.id, 4, ""),
        (sw.text.id, None, "More pairing, please."),
    }
    mine.refresh_from_db()
    assert mine.opened_at is not None and mine.answered_at is not None
    assert list(mine.events.values_list("kind", flat=True)) == ["sent", "opened", "answered"]


def test_saving_a_draft_and_coming_back_shows_the_people_chosen(
    client, survey_world, world, mine, url
):
    sw = survey_world
    saved = client.post(
        url, answers(sw, advice=[(world.engineer, 3)], text="Later", action="save"), follow=True
    )
    assert saved.status_code == 200
    assert "Saved." in text_of(saved)
    mine.refresh_from_db()
    assert mine.answered_at is None  # a draft is not an answer
    assert Response.objects.get(invitation=mine).submitted_at is None

    again = text_of(Client().get(url))  # a new visit with the same link
    assert "Eli Ng" in again and "Engineer · Engineering" in again
    assert f'name="q{sw.advice.id}_nominee" value="{world.engineer.id}"' in again
    assert 'aria-label="Remove Eli Ng"' in again
    assert '<option value="3" selected>Several times a week</option>' in again
    assert ">Later</textarea>" in again
    assert "saved" in mine.events.values_list("kind", flat=True)


def test_changing_answers_after_submitting_replaces_them(client, survey_world, world, mine, url):
    sw = survey_world
    client.post(url, answers(sw, decision=[world.engineer, world.seller], rating=2))
    mine.refresh_from_db()
    first_answered = mine.answered_at
    page = text_of(client.get(url))
    assert "Sam Ode" in page and "Eli Ng" in page

    client.post(url, answers(sw, decision=[world.platform_engineer], rating=5))
    assert Response.objects.filter(invitation=mine).count() == 1
    assert list(Nomination.objects.values_list("nominee_id", flat=True)) == [
        world.platform_engineer.id
    ]
    assert list(Answer.objects.values_list("rating", flat=True)) == [5]
    mine.refresh_from_db()
    assert mine.answered_at == first_answered


def test_submitting_twice_leaves_one_response(client, survey_world, world, mine, url):
    form = answers(survey_world, decision=[world.engineer])
    assert client.post(url, form).status_code == 302
    assert client.post(url, form).status_code == 302
    assert Response.objects.filter(invitation=mine).count() == 1
    assert Nomination.objects.count() == 1
    assert mine.events.filter(kind=InvitationEvent.Kind.ANSWERED).count() == 1


def test_the_link_page_keeps_csrf_protection_without_a_sign_in(survey_world, world, url):
    browser = Client(enforce_csrf_checks=True)
    browser.get(url)
    form = answers(survey_world, decision=[world.engineer])
    assert browser.post(url, form).status_code == 403
    token = browser.cookies["csrftoken"].value
    assert browser.post(url, {**form, "csrfmiddlewaretoken": token}).status_code == 302
    assert Nomination.objects.count() == 1


# --- answers that cannot be stored ------------------------------------------------------------


def refused_cases(world, sw):
    inactive = PersonFactory(team=world.engineering, name="Ina Gone", is_active=False)
    extra = PersonFactory.create_batch(2, team=world.sales)
    return {
        "self": (answers(sw, decision=[world.lead]), sw.decision, "You cannot name yourself."),
        "inactive": (
            answers(sw, decision=[inactive]),
            sw.decision,
            "someone chosen is not an active colleague",
        ),
        "other organisation": (
            answers(sw, decision=[world.other_employee]),
            sw.decision,
            "someone chosen is not an active colleague",
        ),
        "too many": (
            answers(sw, advice=[(p, 1) for p in [world.engineer, world.seller, *extra]]),
            sw.advice,
            "Choose at most 3 people (you chose 4).",
        ),
        "strength 9": (
            answers(sw, advice=[(world.engineer, 9)]),
            sw.advice,
            "How often must be monthly, weekly, several times a week or daily.",
        ),
        "strength not a number": (
            answers(sw, advice=[(world.engineer, "often")]),
            sw.advice,
            "How often must be monthly, weekly, several times a week or daily.",
        ),
        "rating 7": (answers(sw, rating=7), sw.rating, "Choose a rating from 1 to 5."),
        "rating not a number": (answers(sw, rating="five"), sw.rating, "Choose a rating"),
        "id not a number": (
            answers(sw, **{f"q{sw.decision.id}_nominee": ["12abc"]}),
            sw.decision,
            "one choice was not understood",
        ),
        "huge id": (
            answers(sw, **{f"q{sw.decision.id}_nominee": ["9" * 40]}),
            sw.decision,
            "one choice was not understood",
        ),
    }


@pytest.mark.parametrize(
    "case",
    [
        "self",
        "inactive",
        "other organisation",
        "too many",
        "strength 9",
        "strength not a number",
        "rating 7",
        "rating not a number",
        "id not a number",
        "huge id",
    ],
)
@pytest.mark.parametrize("action", ["submit", "save"])
def test_refused_answers_say_why_next_to_the_question_and_store_nothing(
    client, survey_world, world, mine, url, case, action
):
    form, question, message = refused_cases(world, survey_world)[case]
    form["action"] = action
    form[f"q{survey_world.text.id}_text"] = "Kept while fixing"
    page = client.post(url, form)
    assert page.status_code == 400
    html = text_of(page)
    error = html.split(f'id="q{question.id}-error">', 1)[1].split("</p>", 1)[0]
    assert message in error
    assert f'href="#q{question.id}"' in html  # the summary at the top links to the question
    assert ">Kept while fixing</textarea>" in html  # the person's other answers are kept
    assert "Dee Vu" not in html  # another organisation's person is never named
    assert not Response.objects.exists() and not Nomination.objects.exists()
    mine.refresh_from_db()
    assert mine.answered_at is None


def test_refused_page_keeps_the_people_chosen(client, survey_world, world, url):
    form = answers(survey_world, advice=[(world.engineer, 2)], rating=7)
    html = text_of(client.post(url, form))
    assert 'aria-label="Remove Eli Ng"' in html
    assert '<option value="2" selected>Weekly</option>' in html


def test_the_same_person_twice_counts_once(client, survey_world, world, mine, url):
    client.post(url, answers(survey_world, decision=[world.engineer, world.engineer]))
    assert list(Nomination.objects.values_list("nominee_id", flat=True)) == [world.engineer.id]


def test_names_are_escaped_on_the_page(client, survey_world, world, url):
    sneaky = PersonFactory(team=world.engineering, name="<b>Bold</b> Bea")
    client.post(url, answers(survey_world, decision=[sneaky], action="save"))
    html = text_of(client.get(url))
    assert "&lt;b&gt;Bold&lt;/b&gt; Bea" in html and "<b>Bold</b>" not in html


# --- links that cannot be used ----------------------------------------------------------------


ALL_NAMES = ["Hana Reyes", "Lea Dorn", "Eli Ng", "Pia Torres", "Sam Ode", "Gil Bex", "Dee Vu"]


def assert_names_nobody(html: str):
    for name in ALL_NAMES:
        assert name not in html


def test_an_unknown_link_is_not_found_and_names_nobody(client, survey_world):
    page = client.get(reverse("survey-answer", kwargs={"token": "not-a-real-token"}))
    assert page.status_code == 404
    assert "This link is not recognised" in text_of(page)
    assert_names_nobody(text_of(page))


def test_a_replaced_link_says_so(client, survey_world, mine, link_for):
    token = link_for(mine)
    mine.links.update(revoked_at=timezone.now())
    page = client.get(reverse("survey-answer", kwargs={"token": token}))
    assert page.status_code == 404
    assert "replaced by a newer one" in text_of(page)
    assert_names_nobody(text_of(page))


def test_a_closed_survey_is_gone_and_takes_no_answers(client, survey_world, world, url):
    wave_close(wave=survey_world.wave)
    page = client.get(url)
    assert page.status_code == 410
    assert "This survey closed on" in text_of(page)
    assert_names_nobody(text_of(page))
    refused = client.post(url, answers(survey_world, decision=[world.engineer]))
    assert refused.status_code == 410
    assert not Response.objects.exists()


def test_a_survey_not_open_yet_says_so(client, world, survey_world, link_for):
    wave_close(wave=survey_world.wave)
    now = timezone.now()
    draft = wave_create(
        survey=survey_world.survey,
        opens_at=now + timedelta(days=1),
        closes_at=now + timedelta(days=3),
    )
    invitation = Invitation.objects.create(wave=draft, person=world.engineer)
    page = client.get(reverse("survey-answer", kwargs={"token": link_for(invitation)}))
    assert page.status_code == 409
    assert "has not opened yet" in text_of(page)
    assert_names_nobody(text_of(page))


# --- searching colleagues ---------------------------------------------------------------------


def search(client, mine, link_for, q):
    url = reverse("survey-answer-people", kwargs={"token": link_for(mine)})
    response = client.get(url, {"q": q})
    assert response.status_code == 200 and response["Content-Type"].startswith("application/json")
    return json.loads(response.content)["results"]


def test_search_puts_the_own_team_first(client, world, survey_world, mine, link_for):
    PersonFactory(team=world.sales, name="Alba Sales", title="Account Executive")
    PersonFactory(team=world.engineering, name="Alma Eng", title="Engineer")
    PersonFactory(team=world.platform, name="Alan Plat", title="SRE")
    results = search(client, mine, link_for, "al")
    assert [r["name"] for r in results] == ["Alma Eng", "Alan Plat", "Alba Sales"]
    assert results[0] == {
        "id": results[0]["id"],
        "name": "Alma Eng",
        "title": "Engineer",
        "team": "Engineering",
    }


def test_search_matches_name_words_and_email_prefix(client, world, survey_world, mine, link_for):
    assert [r["name"] for r in search(client, mine, link_for, "pia")] == ["Pia Torres"]
    assert [r["name"] for r in search(client, mine, link_for, "torr")] == ["Pia Torres"]
    assert [r["name"] for r in search(client, mine, link_for, "sales@")] == ["Sam Ode"]
    assert search(client, mine, link_for, "orres") == []  # not the middle of a word
    assert search(client, mine, link_for, "   ") == []


def test_search_leaves_out_me_inactive_people_and_other_organisations(
    client, world, survey_world, mine, link_for
):
    PersonFactory(team=world.sales, name="Dee Gone", is_active=False)
    assert search(client, mine, link_for, "lea") == []  # the respondent is Lea Dorn
    assert search(client, mine, link_for, "dee") == []  # Dee Vu (Globex), Dee Gone (inactive)
    assert search(client, mine, link_for, "gil") == []


def test_search_returns_at_most_ten(client, world, survey_world, mine, link_for):
    PersonFactory.create_batch(15, team=world.sales, name=factory.Sequence(lambda n: f"Kim {n}"))
    assert len(search(client, mine, link_for, "kim")) == 10


def test_search_results_are_inert_json(client, world, survey_world, mine, link_for):
    PersonFactory(team=world.sales, name="<script>alert(1)</script> Zed", title="A & B")
    url = reverse("survey-answer-people", kwargs={"token": link_for(mine)})
    response = client.get(url, {"q": "zed"})
    assert b"<script" not in response.content and b"&" not in response.content
    assert json.loads(response.content)["results"][0]["name"] == "<script>alert(1)</script> Zed"


def test_search_by_a_bad_or_closed_link_is_not_found(client, survey_world, world, mine, link_for):
    bad = client.get(reverse("survey-answer-people", kwargs={"token": "nope"}), {"q": "eli"})
    assert bad.status_code == 404 and json.loads(bad.content)["results"] == []
    token = link_for(mine)
    wave_close(wave=survey_world.wave)
    closed = client.get(reverse("survey-answer-people", kwargs={"token": token}), {"q": "eli"})
    assert closed.status_code == 404 and b"Eli Ng" not in closed.content


def test_search_is_one_query_after_the_link(
    client, world, survey_world, mine, link_for, django_assert_max_num_queries
):
    PersonFactory.create_batch(300, team=world.sales)
    url = reverse("survey-answer-people", kwargs={"token": link_for(mine)})
    with django_assert_max_num_queries(2):  # resolve the link, search
        assert client.get(url, {"q": "person"}).status_code == 200


# --- signed in: My surveys ------------------------------------------------------------------------


def test_my_surveys_lists_only_my_invitations(client_for, world, survey_world):
    page = client_for(world.engineer).get(reverse("my-surveys"))
    assert page.status_code == 200
    mine = survey_world.wave.invitations.get(person=world.engineer)
    html = text_of(page)
    assert "Pulse" in html and ">Answer</a>" in html
    assert reverse("my-survey-answer", kwargs={"invitation_id": mine.id}) in html
    others = survey_world.wave.invitations.exclude(person=world.engineer)
    for invitation in others:
        assert reverse("my-survey-answer", kwargs={"invitation_id": invitation.id}) not in html
    assert [i.id for i in page.context["open"]] == [mine.id]


def test_my_surveys_needs_a_sign_in(client, survey_world):
    assert client.get(reverse("my-surveys")).status_code == 302


@pytest.mark.parametrize(
    ("who", "status"), [("engineer", 200), ("platform_engineer", 404), ("other_employee", 404)]
)
def test_only_the_owner_opens_an_invitation(client_for, world, survey_world, who, status):
    invitation = survey_world.wave.invitations.get(person=world.engineer)
    client = client_for(getattr(world, who))
    kwargs = {"invitation_id": invitation.id}
    assert client.get(reverse("my-survey-answer", kwargs=kwargs)).status_code == status
    people = client.get(reverse("my-survey-answer-people", kwargs=kwargs), {"q": "pia"})
    assert people.status_code == status
    if status == 404:
        assert b"Pia" not in people.content
    refused = client.post(reverse("my-survey-answer", kwargs=kwargs), {"action": "submit"})
    assert refused.status_code == (302 if status == 200 else 404)
    if status == 404:
        assert not Response.objects.exists()


def test_answering_signed_in_then_seeing_it_in_history(client_for, world, survey_world):
    sw = survey_world
    client = client_for(world.engineer)
    invitation = sw.wave.invitations.get(person=world.engineer)
    url = reverse("my-survey-answer", kwargs={"invitation_id": invitation.id})
    assert "Your answers are saved to your account" in text_of(client.get(url))
    assert [
        r["name"] for r in json.loads(client.get(url + "people", {"q": "pia"}).content)["results"]
    ] == ["Pia Torres"]
    done = client.post(url, answers(sw, decision=[world.platform_engineer], rating=3), follow=True)
    assert "Thank you — your answers are in." in text_of(done)
    assert ">Change answers</a>" in text_of(client.get(reverse("my-surveys")))

    wave_close(wave=sw.wave)
    history = text_of(client.get(reverse("my-surveys")))
    assert (
        "Earlier surveys" in history and "Answered" in history and "No survey is waiting" in history
    )
    read_only = client.get(url)
    assert read_only.status_code == 200
    assert "Pia Torres" in text_of(read_only) and "3 — OK" in text_of(read_only)
    assert "<form" not in text_of(read_only).split("<main", 1)[1]
    assert client.post(url, answers(sw, decision=[world.seller])).status_code == 410


# --- the page stays a handful of queries --------------------------------------------------------


def test_answer_page_queries_do_not_grow_with_people_or_choices(
    client, world, survey_world, mine, url, django_assert_max_num_queries
):
    sw = survey_world
    client.post(url, answers(sw, decision=[world.engineer], action="save"))
    client.get(url)  # the visit after saving shows the "Saved" notice once

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    one_chosen = queries()
    crowd = PersonFactory.create_batch(300, team=world.sales)
    chosen = {"advice": [(p, 2) for p in crowd[:3]], "decision": crowd[3:8]}
    client.post(url, answers(sw, **chosen, rating=3, action="save"))
    client.get(url)
    with django_assert_max_num_queries(8):
        assert text_of(client.get(url)).count('aria-label="Remove') == 8
    assert queries() == one_chosen
