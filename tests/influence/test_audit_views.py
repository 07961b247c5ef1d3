"""Identified views of other people's results are recorded in the audit log: a person's panel on
a map, a team's influence dashboard and the wave report in the API. One line per view, naming
people by id only; refused views, withheld panels and one's own network record nothing."""

from django.urls import reverse

from influence.models import Flag
from teams.models import AuditEvent
from teams.selectors import team_descendant_ids

IDENTIFIED = AuditEvent.Action.IDENTIFIED_VIEW


def views() -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=IDENTIFIED).order_by("id"))


def team_person_url(team, person, wave) -> str:
    kwargs = {"team_id": team.pk, "person_id": person.pk}
    return reverse("team-map-person", kwargs=kwargs) + f"?wave={wave.pk}"


def org_person_url(person, wave) -> str:
    url = reverse("organization-map-person", kwargs={"person_id": person.pk})
    return url + f"?wave={wave.pk}"


def test_a_lead_opening_a_persons_panel_is_one_line_without_their_name(dashboard_world, client_for):
    dw = dashboard_world
    client = client_for(dw.world.lead)
    response = client.get(
        team_person_url(dw.world.engineering, dw.star, dw.wave), REMOTE_ADDR="198.51.100.7"
    )
    assert response.status_code == 200
    [line] = views()
    assert line.actor == dw.world.lead.user and line.organization == dw.world.org
    assert line.target == f"person {dw.star.pk}" and line.target_person_id == dw.star.pk
    assert line.detail == {"wave": dw.wave.pk, "team": dw.world.engineering.pk}
    assert (line.source, line.ip_address) == ("web", "198.51.100.7")
    assert dw.star.name not in f"{line.target} {line.detail}"


def test_hr_opening_a_panel_on_the_organisation_map_is_recorded(dashboard_world, client_for):
    dw = dashboard_world
    client = client_for(dw.world.hr)
    assert client.get(org_person_url(dw.helper, dw.wave)).status_code == 200
    assert client.get(org_person_url(dw.bridge, dw.wave)).status_code == 200
    first, second = views()
    assert first.target_person_id == dw.helper.pk and second.target_person_id == dw.bridge.pk
    assert first.detail == {"wave": dw.wave.pk, "team": None}
    assert first.actor == dw.world.hr.user


def test_refused_panels_record_nothing(dashboard_world, client_for):
    dw = dashboard_world
    seller = client_for(dw.world.seller)
    assert seller.get(team_person_url(dw.world.engineering, dw.star, dw.wave)).status_code == 404
    lead = client_for(dw.world.lead)
    assert lead.get(team_person_url(dw.world.sales, dw.bridge, dw.wave)).status_code == 404
    assert lead.get(org_person_url(dw.star, dw.wave)).status_code == 404
    other_hr = client_for(dw.world.other_hr)
    assert other_hr.get(org_person_url(dw.star, dw.wave)).status_code == 404
    assert views() == []


def test_the_team_dashboard_is_one_line_per_page_view(dashboard_world, client_for):
    dw = dashboard_world
    client = client_for(dw.world.lead)
    url = reverse("team-dashboard", kwargs={"team_id": dw.world.engineering.pk})
    assert client.get(url).status_code == 200
    assert client.get(f"{url}?wave={dw.wave.pk}").status_code == 200
    first, second = views()
    assert first.target == f"team {dw.world.engineering.pk} influence dashboard"
    assert first.target_person_id is None and first.actor == dw.world.lead.user
    team_ids = team_descendant_ids(
        organization_id=dw.world.org.pk, root_ids={dw.world.engineering.pk}
    )
    flagged = (
        Flag.objects.filter(run=dw.run, person__team_id__in=team_ids)
        .values("person_id")
        .distinct()
        .count()
    )
    assert flagged > 0
    assert first.detail == {"wave": dw.wave.pk, "flagged_people": flagged}
    assert second.detail == first.detail


def test_the_map_data_and_refused_dashboards_record_nothing(dashboard_world, client_for):
    dw = dashboard_world
    lead = client_for(dw.world.lead)
    data = reverse("team-map-data", kwargs={"team_id": dw.world.engineering.pk})
    assert lead.get(f"{data}?wave={dw.wave.pk}").status_code == 200
    sales = reverse("team-dashboard", kwargs={"team_id": dw.world.sales.pk})
    assert lead.get(sales).status_code == 404
    assert views() == []


def test_ones_own_network_is_not_recorded(dashboard_world, client_for):
    dw = dashboard_world
    assert client_for(dw.star).get(reverse("my-network")).status_code == 200
    assert views() == []


def test_the_wave_report_in_the_api_is_one_line(dashboard_world, api_for):
    dw = dashboard_world
    url = f"/api/waves/{dw.wave.pk}/report/"
    assert api_for(dw.world.hr).get(url).status_code == 200
    assert api_for(dw.world.lead).get(url).status_code == 200
    assert api_for(dw.world.other_hr).get(url).status_code == 404
    by_hr, by_lead = views()
    assert by_hr.target == f"wave {dw.wave.pk} report" and by_hr.source == "api"
    assert by_hr.detail == {"wave": dw.wave.pk, "teams": "all"}
    assert by_lead.actor == dw.world.lead.user
    assert by_lead.detail["teams"] == sorted(
        team_descendant_ids(organization_id=dw.world.org.pk, root_ids={dw.world.engineering.pk})
    )
