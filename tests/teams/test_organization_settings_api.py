"""Organisation settings: identified results and retention, by the API and on HR's overview
page; every change audited as [old, new]; bad values refused with what to fix."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from teams.models import AuditEvent, Organization
from teams.services import organization_settings_update

pytestmark = pytest.mark.django_db

URL = "/api/organization/"


def org(world) -> Organization:
    return Organization.objects.get(pk=world.org.pk)


def settings_changes() -> list[dict]:
    return list(
        AuditEvent.objects.filter(action=AuditEvent.Action.SETTINGS_CHANGE).values_list(
            "detail", flat=True
        )
    )


# --- the service ---------------------------------------------------------------------------


def test_the_service_changes_only_what_is_given_and_audits_it(world):
    organization_settings_update(organization=world.org, actor=world.hr, retention_days=90)
    assert org(world).retention_days == 90 and not org(world).identified_results
    organization_settings_update(organization=world.org, actor=world.hr, identified_results=True)
    assert org(world).retention_days == 90 and org(world).identified_results
    organization_settings_update(organization=world.org, actor=world.hr, retention_days=None)
    assert org(world).retention_days is None
    assert sorted(settings_changes(), key=str) == sorted(
        [
            {"retention_days": [None, 90]},
            {"identified_results": [False, True]},
            {"retention_days": [90, None]},
        ],
        key=str,
    )
    line = AuditEvent.objects.filter(action=AuditEvent.Action.SETTINGS_CHANGE).first()
    assert line.actor_id == world.hr.user_id and line.organization_id == world.org.pk


def test_saving_the_same_values_records_nothing(world):
    organization_settings_update(
        organization=world.org, actor=world.hr, identified_results=False, retention_days=None
    )
    assert settings_changes() == []


@pytest.mark.parametrize("days", [5, 29, 3651, "abc", 90.5, True])
def test_the_service_refuses_retention_outside_30_to_3650_days(world, days):
    with pytest.raises(ValidationError) as refused:
        organization_settings_update(organization=world.org, actor=world.hr, retention_days=days)
    assert "retention_days" in refused.value.message_dict
    assert org(world).retention_days is None and settings_changes() == []


@pytest.mark.parametrize("who", ["lead", "engineer", "other_hr"])
def test_only_hr_of_the_organisation_may_change_settings(world, who):
    with pytest.raises(ValidationError, match="Only HR"):
        organization_settings_update(
            organization=world.org, actor=getattr(world, who), retention_days=60
        )
    assert org(world).retention_days is None


# --- the API ---------------------------------------------------------------------------------


def test_hr_reads_the_settings(world, api_for, settings):
    settings.ANONYMITY_THRESHOLD = 7
    response = api_for(world.hr).get(URL)
    assert response.status_code == 200
    assert response.json() == {
        "id": world.org.pk,
        "name": "Acme",
        "slug": "acme",
        "identified_results": False,
        "retention_days": None,
        "anonymity_threshold": 7,
    }


def test_hr_of_another_organisation_reads_their_own(world, api_for):
    body = api_for(world.other_hr).get(URL).json()
    assert body["id"] == world.other_org.pk and body["name"] == "Globex"


@pytest.mark.parametrize("who", ["lead", "engineer"])
def test_anybody_but_hr_gets_404(world, api_for, who):
    api = api_for(getattr(world, who))
    assert api.get(URL).status_code == 404
    assert api.patch(URL, {"retention_days": 60}, format="json").status_code == 404
    assert org(world).retention_days is None


def test_hr_patches_part_of_the_settings(world, api_for):
    api = api_for(world.hr)
    response = api.patch(URL, {"retention_days": 365}, format="json")
    assert response.status_code == 200
    assert response.json()["retention_days"] == 365 and not response.json()["identified_results"]
    response = api.patch(URL, {"identified_results": True}, format="json")
    assert response.json()["retention_days"] == 365 and response.json()["identified_results"]
    response = api.patch(URL, {"retention_days": None}, format="json")
    assert response.json()["retention_days"] is None
    assert {"retention_days": [None, 365]} in settings_changes()
    assert Organization.objects.get(pk=world.other_org.pk).retention_days is None


@pytest.mark.parametrize("days", [5, "abc", 4000])
def test_a_bad_retention_is_refused_with_the_field_to_fix(world, api_for, days):
    response = api_for(world.hr).patch(URL, {"retention_days": days}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert "30 to 3650" in body["errors"]["retention_days"] and body["detail"]
    assert org(world).retention_days is None and settings_changes() == []


# --- the page --------------------------------------------------------------------------------

PAGE = reverse("organization-dashboard")


def test_hr_sets_retention_on_the_overview_page(world, client_for):
    client = client_for(world.hr)
    html = client.get(PAGE).content.decode()
    assert 'id="retention"' in html and "Raw answers are kept until deleted by hand." in html
    response = client.post(PAGE, {"retention_days": "180"})
    assert response.status_code == 302 and response["Location"] == f"{PAGE}#retention"
    assert org(world).retention_days == 180
    page = client.get(PAGE).content.decode()
    assert "deleted 180 days after it closes" in page and 'value="180"' in page
    client.post(PAGE, {"retention_days": ""})
    assert org(world).retention_days is None


@pytest.mark.parametrize("value", ["5", "abc", "-40", "99999"])
def test_a_bad_value_shows_the_error_at_the_field(world, client_for, value):
    response = client_for(world.hr).post(PAGE, {"retention_days": value})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="retention-error"' in html and "from 30 to 3650" in html
    assert f'value="{value}"' in html
    assert org(world).retention_days is None


def test_the_identified_results_switch_keeps_retention(world, client_for):
    organization_settings_update(organization=world.org, actor=world.hr, retention_days=60)
    client_for(world.hr).post(PAGE, {"identified_results": "on"})
    assert org(world).identified_results and org(world).retention_days == 60


def test_others_cannot_set_retention_on_the_page(world, client_for):
    assert client_for(world.lead).post(PAGE, {"retention_days": "60"}).status_code == 404
    client_for(world.other_hr).post(PAGE, {"retention_days": "60"})  # their own organisation's
    assert Organization.objects.get(pk=world.other_org.pk).retention_days == 60
    assert org(world).retention_days is None
