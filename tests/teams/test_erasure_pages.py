"""Erasing a person from the pages and the API: HR confirms by typing the e-mail; the erased
person can no longer sign in; everybody else gets 404."""

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from teams.models import AuditEvent, Person
from teams.services import api_token_issue
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def erase_url(person) -> str:
    return reverse("person-erase", kwargs={"person_id": person.pk})


def api_url(person) -> str:
    return f"/api/people/{person.pk}/erase/"


def fresh(person) -> Person:
    return Person.objects.get(pk=person.pk)


# --- the page ----------------------------------------------------------------------------


def test_hr_finds_the_erase_link_on_the_person_page(world, client_for):
    client = client_for(world.hr)
    page = client.get(reverse("person-detail", kwargs={"person_id": world.engineer.pk}))
    assert erase_url(world.engineer) in page.content.decode()
    own = client.get(reverse("person-detail", kwargs={"person_id": world.hr.pk}))
    assert 'id="erase-link"' not in own.content.decode()


def test_a_lead_sees_no_erase_link(world, client_for):
    page = client_for(world.lead).get(
        reverse("person-detail", kwargs={"person_id": world.engineer.pk})
    )
    assert page.status_code == 200 and 'id="erase-link"' not in page.content.decode()


def test_the_confirmation_page_says_what_goes_and_what_stays(world, client_for):
    html = client_for(world.hr).get(erase_url(world.engineer)).content.decode()
    assert "Erase Eli Ng" in html
    for words in ("Their login", "flags and the review notes", "free-text answers",
                  "stored export file", "anonymous node", "cannot be undone",
                  "Type their e-mail, eng@acme.test"):  # fmt: skip
        assert words in html


def test_hr_erases_a_person_after_typing_their_e_mail(world, client_for):
    client = client_for(world.hr)
    response = client.post(erase_url(world.engineer), {"confirm_email": "Eng@Acme.test"})
    assert response.status_code == 302 and response["Location"] == reverse("person-list")
    people = client.get(response["Location"]).content.decode()
    assert f"Person {world.engineer.pk} was erased" in people
    assert "Eli Ng" not in people and "eng@acme.test" not in people
    assert "Eli Ng" not in client.get(reverse("person-list") + "?inactive=1").content.decode()
    assert fresh(world.engineer).erased_at is not None


def test_a_wrong_e_mail_shows_the_form_again_and_changes_nothing(world, client_for):
    response = client_for(world.hr).post(
        erase_url(world.engineer), {"confirm_email": "eli@acme.test"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Type eng@acme.test to confirm." in html and 'value="eli@acme.test"' in html
    assert fresh(world.engineer).name == "Eli Ng"


def test_hr_cannot_erase_themselves_on_the_page(world, client_for):
    client = client_for(world.hr)
    assert "ask another HR person" in client.get(erase_url(world.hr)).content.decode()
    response = client.post(erase_url(world.hr), {"confirm_email": "hr@acme.test"})
    assert response.status_code == 400 and "ask another HR person" in response.content.decode()
    assert fresh(world.hr).erased_at is None


def test_the_page_of_an_already_erased_person_says_so(world, client_for):
    client = client_for(world.hr)
    client.post(erase_url(world.engineer), {"confirm_email": "eng@acme.test"})
    page = client.get(erase_url(world.engineer)).content.decode()
    assert "This person was erased on" in page and 'id="erase-form"' not in page
    again = client.post(erase_url(world.engineer), {"confirm_email": "eng@acme.test"})
    assert again.status_code == 200 and "This person was erased on" in again.content.decode()
    assert AuditEvent.objects.filter(action=AuditEvent.Action.ERASURE).count() == 1


@pytest.mark.parametrize("who", ["lead", "engineer", "other_hr"])
def test_anybody_but_hr_of_the_organisation_gets_404(world, client_for, who):
    client = client_for(getattr(world, who))
    assert client.get(erase_url(world.platform_engineer)).status_code == 404
    response = client.post(erase_url(world.platform_engineer), {"confirm_email": "plat@acme.test"})
    assert response.status_code == 404
    assert fresh(world.platform_engineer).erased_at is None


def test_the_erased_person_can_no_longer_sign_in(world, client_for):
    theirs = Client()
    theirs.force_login(world.engineer.user)
    assert theirs.get(reverse("me")).status_code == 200
    token = api_token_issue(user=world.engineer.user)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api.get("/api/me/").status_code == 200

    client_for(world.hr).post(erase_url(world.engineer), {"confirm_email": "eng@acme.test"})

    assert theirs.get(reverse("me")).status_code == 302  # the session no longer signs in
    assert api.get("/api/me/").status_code == 401
    assert not Client().login(username="eng@acme.test", password=PASSWORD)
    token_answer = APIClient().post(
        "/api/auth/token/", {"email": "eng@acme.test", "password": PASSWORD}
    )
    assert token_answer.status_code == 400


# --- the API -----------------------------------------------------------------------------


def test_the_api_erases_with_the_e_mail_typed(world, api_for):
    response = api_for(world.hr).post(
        api_url(world.engineer), {"confirm_email": "eng@acme.test"}, format="json"
    )
    assert response.status_code == 200
    assert response.json() == {"detail": "Erased.", "person": world.engineer.pk}
    assert fresh(world.engineer).name == "Erased person"


def test_the_api_says_which_field_to_fix(world, api_for):
    api = api_for(world.hr)
    wrong = api.post(api_url(world.engineer), {"confirm_email": "x@acme.test"}, format="json")
    assert wrong.status_code == 400
    assert wrong.json()["errors"] == {"confirm_email": "Type eng@acme.test to confirm."}
    missing = api.post(api_url(world.engineer), {}, format="json")
    assert missing.status_code == 400 and "confirm_email" in missing.json()["errors"]
    own = api.post(api_url(world.hr), {"confirm_email": "hr@acme.test"}, format="json")
    assert own.status_code == 400 and "ask another HR person" in own.json()["detail"]
    assert fresh(world.engineer).erased_at is None and fresh(world.hr).erased_at is None


@pytest.mark.parametrize("who", ["lead", "engineer", "other_hr"])
def test_the_api_answers_404_to_anybody_but_hr_of_the_organisation(world, api_for, who):
    response = api_for(getattr(world, who)).post(
        api_url(world.seller), {"confirm_email": "sales@acme.test"}, format="json"
    )
    assert response.status_code == 404
    assert fresh(world.seller).erased_at is None
