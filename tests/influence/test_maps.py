"""The influence map's data: a team's map for its lead (and HR), the organisation's for HR, one
person's details for the side panel, and the page include that embeds the map's config."""

import gzip
import json
from math import hypot

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from influence.maps import ALL, map_page_config
from influence.models import Flag, FlagReview, PersonMetric, PersonPosition
from teams.models import Team
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def team_url(team, wave, **params) -> str:
    query = "&".join(f"{key}={value}" for key, value in {"wave": wave.pk, **params}.items())
    return reverse("team-map-data", kwargs={"team_id": team.pk}) + "?" + query


def org_url(wave, **params) -> str:
    query = "&".join(f"{key}={value}" for key, value in {"wave": wave.pk, **params}.items())
    return reverse("organization-map-data") + "?" + query


def team_person_url(team, person, wave) -> str:
    kwargs = {"team_id": team.pk, "person_id": person.pk}
    return reverse("team-map-person", kwargs=kwargs) + f"?wave={wave.pk}"


def org_person_url(person, wave) -> str:
    url = reverse("organization-map-person", kwargs={"person_id": person.pk})
    return url + f"?wave={wave.pk}"


def people_of(data) -> dict[int, dict]:
    """The columnar people as {id: {name, team, x, y, community, outside}}."""
    columns = data["people"]
    keys = [key for key in columns if key != "id"]
    return {pid: {key: columns[key][i] for key in keys} for i, pid in enumerate(columns["id"])}


def flags_of(data) -> dict[int, set[str]]:
    kinds = [kind for kind, _ in data["flag_kinds"]]
    flags: dict[int, set[str]] = {}
    for i in range(0, len(data["flags"]), 2):
        flags.setdefault(data["flags"][i], set()).add(kinds[data["flags"][i + 1]])
    return flags


def edges_of(data) -> dict[tuple[int, int], int]:
    edges = data["edges"]
    return {(edges[i], edges[i + 1]): edges[i + 2] for i in range(0, len(edges), 3)}


def in_degree(data, person) -> int:
    metrics = data["metrics"]
    return metrics["in_degree"][metrics["person"].index(person.pk)]


# --- the team map --------------------------------------------------------------------------


def test_lead_sees_their_teams_with_metrics_and_flags(dashboard_world, client_for):
    dw, w = dashboard_world, dashboard_world.world
    response = client_for(w.lead).get(team_url(w.engineering, dw.wave))
    assert response.status_code == 200
    data = response.json()
    assert data["kind"] == "team" and data["withheld"] is False
    assert data["relation"] == "advice"  # the wave's first question
    people = people_of(data)
    insiders = {p.pk for p in dw.lead_teams}
    assert insiders <= set(people)
    assert all(people[pid]["outside"] == 0 for pid in insiders)
    assert set(data["metrics"]["person"]) == insiders
    flags = flags_of(data)
    assert "informal_decision_maker" in flags[dw.star.pk]
    assert "bypassed_lead" in flags[w.lead.pk]
    assert "hidden_workload" in flags[dw.helper.pk]
    assert "silent_member" in flags[dw.quiet.pk]
    assert "broker" in flags[w.engineer.pk]
    # Who answered is not for a lead to know, from any field.
    assert "responded" not in response.content.decode()
    assert "out_degree" not in response.content.decode()


def test_other_teams_people_tied_to_the_team_are_kept_apart(dashboard_world, client_for):
    dw, w = dashboard_world, dashboard_world.world
    data = client_for(w.lead).get(team_url(w.engineering, dw.wave)).json()
    people = people_of(data)
    # Bo Bridge (Sales) and Eli Ng name each other for advice; the rest of Sales is not tied.
    assert people[dw.bridge.pk]["outside"] == 1
    assert people[dw.bridge.pk]["name"] == "Bo Bridge"
    sales = data["teams"]["name"][data["teams"]["id"].index(people[dw.bridge.pk]["team"])]
    assert sales == "Sales"
    assert w.seller.pk not in people and w.hr.pk not in people
    assert dw.bridge.pk not in data["metrics"]["person"]
    assert dw.bridge.pk not in flags_of(data)
    # On a ring outside the team's area.
    inside = [p for p in people.values() if not p["outside"]]
    cx = sum(p["x"] for p in inside) / len(inside)
    cy = sum(p["y"] for p in inside) / len(inside)
    farthest = max(hypot(p["x"] - cx, p["y"] - cy) for p in inside)
    bridge = people[dw.bridge.pk]
    assert hypot(bridge["x"] - cx, bridge["y"] - cy) > farthest
    assert edges_of(data)[(w.engineer.pk, dw.bridge.pk)] == 3  # advice, strength 3


def test_formal_reporting_lines_are_included(dashboard_world, client_for):
    dw, w = dashboard_world, dashboard_world.world
    data = client_for(w.lead).get(team_url(w.engineering, dw.wave)).json()
    formal = data["formal"]
    pairs = {(formal[i], formal[i + 1]) for i in range(0, len(formal), 2)}
    assert (w.lead.pk, dw.star.pk) in pairs and (w.lead.pk, dw.helper.pk) in pairs
    # Only the team's own people's lines: Sales' reporting lines are not the team's.
    insiders = {p.pk for p in dw.lead_teams}
    assert all(report in insiders for _, report in pairs)


def test_relation_switch_and_all_relations(dashboard_world, client_for):
    dw, w = dashboard_world, dashboard_world.world
    client = client_for(w.lead)
    decision = client.get(team_url(w.engineering, dw.wave, relation="decision")).json()
    assert decision["relation"] == "decision"
    assert in_degree(decision, dw.star) >= 8
    assert (w.engineer.pk, dw.star.pk) in edges_of(decision)
    help_only = client.get(team_url(w.engineering, dw.wave, relation="help", part="relation"))
    part = help_only.json()
    assert set(part) >= {"relation", "edges", "metrics"} and "people" not in part
    assert in_degree(part, dw.helper) == max(part["metrics"]["in_degree"])
    everything = client.get(team_url(w.engineering, dw.wave, relation=ALL)).json()
    assert everything["relation"] == ALL
    # Eli Ng names the star for decisions and the helper for help, each in one relation.
    assert edges_of(everything)[(w.engineer.pk, dw.star.pk)] == 1
    assert in_degree(everything, dw.star) == in_degree(decision, dw.star)  # no other ties


def test_unknown_relation_is_refused_with_the_valid_ones(dashboard_world, client_for):
    dw, w = dashboard_world, dashboard_world.world
    response = client_for(w.lead).get(team_url(w.engineering, dw.wave, relation="gossip"))
    assert response.status_code == 400
    error = response.json()["error"]
    assert "gossip" in error
    assert all(name in error for name in ("advice", "decision", "help", "all"))


def test_small_team_is_withheld_with_the_reason(dashboard_world, client_for):
    dw, w = dashboard_world, dashboard_world.world
    people_team = w.hr.team  # Hana Reyes alone, and she did not answer
    client = client_for(w.hr)
    data = client.get(team_url(people_team, dw.wave)).json()
    assert data["withheld"] is True
    assert "Fewer than 5 people" in data["reason"]
    assert "people" not in data and "edges" not in data
    details = client.get(team_person_url(people_team, w.hr, dw.wave)).json()
    assert details["withheld"] is True and "metrics" not in details


@pytest.mark.parametrize("who", ["engineer", "seller", "other_hr", "other_employee"])
def test_team_map_is_404_outside_the_viewers_scope(dashboard_world, client_for, who):
    dw, w = dashboard_world, dashboard_world.world
    client = client_for(getattr(w, who))
    assert client.get(team_url(w.engineering, dw.wave)).status_code == 404
    assert client.get(team_person_url(w.engineering, dw.star, dw.wave)).status_code == 404


def test_lead_of_another_team_gets_404(dashboard_world, client_for):
    dw, w = dashboard_world, dashboard_world.world
    w.seller.role = "lead"
    w.seller.save(update_fields=["role"])
    client = client_for(w.seller)
    assert client.get(team_url(w.sales, dw.wave)).status_code == 200  # their own team
    assert client.get(team_url(w.engineering, dw.wave)).status_code == 404
    assert client.get(team_person_url(w.sales, dw.star, dw.wave)).status_code == 404


def test_unknown_wave_is_404(dashboard_world, client_for):
    w = dashboard_world.world
    url = reverse("team-map-data", kwargs={"team_id": w.engineering.pk}) + "?wave=999999"
    assert client_for(w.lead).get(url).status_code == 404


# --- one person ----------------------------------------------------------------------------


def test_person_details_for_the_side_panel(dashboard_world, client_for):
    dw, w = dashboard_world, dashboard_world.world
    flag = Flag.objects.get(run=dw.run, person=dw.star, kind="informal_decision_maker")
    FlagReview.objects.create(
        person=dw.star, kind=flag.kind, status="discussed", note="Talked in 1:1", run=dw.run
    )
    response = client_for(w.lead).get(team_person_url(w.engineering, dw.star, dw.wave))
    assert response.status_code == 200
    star = response.json()
    assert star["name"] == "Nia Star" and star["team"] == "Engineering"
    assert star["manager"] == "Lea Dorn"
    decision = next(m for m in star["metrics"] if m["relation"] == "decision")
    assert decision["in_degree"] >= 8
    assert decision["in_degree_pct_org"] > 0.9 and decision["pagerank_pct"] > 0.9
    assert [m["relation"] for m in star["metrics"]] == ["advice", "decision", "help"]
    flagged = star["flags"][0]
    assert flagged["kind"] == "informal_decision_maker"
    assert flagged["label"] == "Informal decision-maker"
    assert any("decisions" in line for line in flagged["evidence"]) and flagged["moves"]
    assert flagged["review"]["status"] == "discussed"
    assert flagged["review"]["note"] == "Talked in 1:1"
    assert "responded" not in star and "out_degree" not in decision


def test_hr_sees_who_answered_in_the_details(dashboard_world, client_for):
    dw, w = dashboard_world, dashboard_world.world
    client = client_for(w.hr)
    quiet = client.get(org_person_url(dw.quiet, dw.wave)).json()
    assert quiet["responded"] is False
    assert all(m["out_degree"] is None for m in quiet["metrics"])
    eli = client.get(team_person_url(w.engineering, w.engineer, dw.wave)).json()
    assert eli["responded"] is True
    assert next(m for m in eli["metrics"] if m["relation"] == "advice")["out_degree"] == 2


def test_person_outside_the_map_is_404(dashboard_world, client_for):
    dw, w = dashboard_world, dashboard_world.world
    client = client_for(w.lead)
    # Bo Bridge is drawn on the lead's map, but his details are not the lead's to see.
    assert client.get(team_person_url(w.engineering, dw.bridge, dw.wave)).status_code == 404
    assert client.get(team_person_url(w.engineering, w.seller, dw.wave)).status_code == 404
    other = client_for(w.other_hr).get(org_person_url(dw.star, dw.wave))
    assert other.status_code == 404


# --- the organisation map ------------------------------------------------------------------


def test_organisation_map_has_team_aggregates(dashboard_world, client_for):
    dw, w = dashboard_world, dashboard_world.world
    response = client_for(w.hr).get(org_url(dw.wave, relation=ALL))
    assert response.status_code == 200
    data = response.json()
    assert data["kind"] == "organization"
    people = people_of(data)
    assert len(people) == 22 and "outside" not in data["people"]
    teams = data["teams"]
    sizes = dict(zip(teams["id"], teams["size"], strict=True))
    assert sizes[w.engineering.pk] == len(dw.engineering)
    assert sizes[w.platform.pk] == len(dw.platform)
    assert sizes[w.sales.pk] == len(dw.sales)
    i = teams["id"].index(w.sales.pk)
    members = [p for p in people.values() if p["team"] == w.sales.pk]
    assert teams["x"][i] == pytest.approx(sum(p["x"] for p in members) / len(members), abs=2e-3)
    ties = data["team_edges"]
    between = {(ties[i], ties[i + 1]): ties[i + 2] for i in range(0, len(ties), 3)}
    key = tuple(sorted((w.engineering.pk, w.sales.pk)))
    assert between[key] == 2  # Eli Ng and Bo Bridge name each other for advice
    assert between[tuple(sorted((w.engineering.pk, w.platform.pk)))] > 5
    part = client_for(w.hr).get(org_url(dw.wave, relation="help", part="relation")).json()
    assert "team_edges" in part and "people" not in part


@pytest.mark.parametrize("who", ["lead", "engineer", "other_hr"])
def test_organisation_map_is_hr_only(dashboard_world, client_for, who):
    dw, w = dashboard_world, dashboard_world.world
    client = client_for(getattr(w, who))
    assert client.get(org_url(dw.wave)).status_code == 404
    assert client.get(org_person_url(dw.star, dw.wave)).status_code == 404


def test_map_json_is_gzipped_when_the_browser_accepts_it(dashboard_world, client_for):
    dw, w = dashboard_world, dashboard_world.world
    response = client_for(w.hr).get(org_url(dw.wave), HTTP_ACCEPT_ENCODING="gzip")
    assert response["Content-Encoding"] == "gzip"
    assert json.loads(gzip.decompress(response.content))["kind"] == "organization"


# --- escaping ------------------------------------------------------------------------------

SCRIPT = "<script>alert(1)</script>"


def test_names_with_markup_come_back_as_plain_json_strings(dashboard_world, client_for):
    dw, w = dashboard_world, dashboard_world.world
    dw.star.name = SCRIPT
    dw.star.save(update_fields=["name"])
    data = client_for(w.lead).get(team_url(w.engineering, dw.wave)).json()
    assert people_of(data)[dw.star.pk]["name"] == SCRIPT
    details = client_for(w.lead).get(team_person_url(w.engineering, dw.star, dw.wave)).json()
    assert details["name"] == SCRIPT


def test_page_include_renders_controls_and_escapes_the_config(dashboard_world):
    dw, w = dashboard_world, dashboard_world.world
    Team.objects.filter(pk=w.platform.pk).update(name=SCRIPT)
    w.platform.refresh_from_db()
    config = map_page_config(run=dw.run, team=w.platform)
    html = render_to_string("influence/_map.html", {"map_config": config})
    assert SCRIPT not in html
    assert "\\u003Cscript\\u003E" in html  # inside the json_script block
    for dom_id in ("influence-map", "map-relation", "map-size", "map-colour", "map-formal"):
        assert f'id="{dom_id}"' in html
    assert 'id="map-search"' in html and 'id="map-panel" aria-live="polite"' in html
    assert 'id="map-legend"' in html and 'data-state="loading"' in html
    assert 'id="map-collapse" class="secondary outline" hidden' in html  # folded maps only
    for value in ("advice", "decision", "help", "all"):
        assert f'<option value="{value}"' in html
    for kind in Flag.Kind:
        assert f'data-flag-kind="{kind.value}"' in html
    assert "sigma.min.js" in html and "graphology.umd.min.js" in html
    assert "influence-map.js" in html and "css/map.css" in html


def test_page_config(dashboard_world):
    dw, w = dashboard_world, dashboard_world.world
    team = map_page_config(run=dw.run, team=w.engineering)
    assert team["kind"] == "team" and team["wave"] == dw.wave.pk
    assert team["data_url"] == team_url(w.engineering, dw.wave)
    person = team["person_url"].replace(team["person_placeholder"], str(dw.star.pk))
    assert person == team_person_url(w.engineering, dw.star, dw.wave)
    assert [r["slug"] for r in team["relations"]] == ["advice", "decision", "help"]
    organisation = map_page_config(run=dw.run, team=None)
    assert organisation["kind"] == "organization"
    assert organisation["data_url"] == org_url(dw.wave)
    html = render_to_string("influence/_map.html", {"map_config": organisation})
    assert 'id="map-collapse" class="secondary outline">' in html


# --- queries do not grow with people -------------------------------------------------------


def _grow(dw, n: int = 12) -> None:
    """More people on the map: positions, metrics and a flag, as a bigger run would have."""
    w = dw.world
    for i in range(n):
        team = w.engineering if i % 2 else w.platform
        person = PersonFactory(team=team, manager=w.lead, email=f"more{i}@acme.test")
        PersonPosition.objects.create(
            run=dw.run, person=person, community=1, x=0.1 * i, y=0.5, responded=True
        )
        for relation in ("advice", "decision", "help"):
            PersonMetric.objects.create(
                run=dw.run, person=person, relation=relation, in_degree=i, weighted_in_degree=i,
                out_degree=1, pagerank=0.01, betweenness=0.0, harmonic=1.0,
                in_degree_pct_org=0.5, in_degree_pct_team=0.5,
            )  # fmt: skip
        Flag.objects.create(run=dw.run, person=person, kind="silent_member", score=0.5)


QUERIED = {
    "team map": ("lead", lambda dw: team_url(dw.world.engineering, dw.wave)),
    "team relation": (
        "lead",
        lambda dw: team_url(dw.world.engineering, dw.wave, relation=ALL, part="relation"),
    ),
    "organisation map": ("hr", lambda dw: org_url(dw.wave)),
    "organisation relation": ("hr", lambda dw: org_url(dw.wave, relation="help", part="relation")),
    "team person": ("lead", lambda dw: team_person_url(dw.world.engineering, dw.star, dw.wave)),
    "organisation person": ("hr", lambda dw: org_person_url(dw.star, dw.wave)),
}


@pytest.mark.parametrize("what", list(QUERIED))
def test_queries_do_not_grow_with_people(
    dashboard_world, client_for, django_assert_max_num_queries, what
):
    dw = dashboard_world
    who, url = QUERIED[what]
    client = client_for(getattr(dw.world, who))
    with CaptureQueriesContext(connection) as before:
        assert client.get(url(dw)).status_code == 200
    _grow(dw)
    with django_assert_max_num_queries(len(before)):
        response = client.get(url(dw))
    assert response.status_code == 200
