"""The results API: metrics, flags, team aggregates, one person, flag reviews and your own
network. Each case has HR (the organisation), the lead (Engineering and Platform only, never who
answered) and outsiders who get 404. Built on `dashboard_world` (see conftest)."""

from datetime import timedelta

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from influence.models import Flag, FlagReview, PersonMetric
from surveys.services import wave_create
from teams.models import AuditEvent

pytestmark = pytest.mark.django_db

OUTSIDERS = ["engineer", "seller", "other_hr", "other_employee"]


@pytest.fixture
def dw(dashboard_world):
    return dashboard_world


def url(wave, part: str) -> str:
    return f"/api/waves/{wave.pk}/{part}/"


def flag_of(dw, person, kind) -> Flag:
    return Flag.objects.get(run=dw.run, person=person, kind=kind)


def names(rows) -> set[str]:
    return {row["person"]["name"] for row in rows}


def test_urls_are_named():
    assert reverse("api-wave-metrics", kwargs={"wave_id": 3}) == "/api/waves/3/metrics/"
    assert reverse("api-wave-flags", kwargs={"wave_id": 3}) == "/api/waves/3/flags/"
    assert reverse("api-wave-teams", kwargs={"wave_id": 3}) == "/api/waves/3/teams/"
    assert (
        reverse("api-wave-person", kwargs={"wave_id": 3, "person_id": 4})
        == "/api/waves/3/people/4/"
    )
    assert reverse("api-flag-review", kwargs={"flag_id": 5}) == "/api/flags/5/review/"
    assert reverse("api-my-network") == "/api/me/network/"


# --- metrics -------------------------------------------------------------------------------


def test_hr_lists_every_persons_metrics_with_who_answered(dw, api_for):
    response = api_for(dw.world.hr).get(url(dw.wave, "metrics"), {"page_size": 500})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == PersonMetric.objects.filter(run=dw.run).count()
    assert body["withheld"] is False and body["reason"] == ""
    quiet = next(r for r in body["results"] if r["person"]["id"] == dw.quiet.pk)
    assert quiet["responded"] is False and quiet["out_degree"] is None
    star = next(
        r
        for r in body["results"]
        if r["person"]["id"] == dw.star.pk and r["relation"] == "decision"
    )
    assert star["responded"] is True and star["in_degree"] >= 8
    assert star["person"]["team"] == {"id": dw.world.engineering.pk, "name": "Engineering"}


def test_a_lead_sees_their_teams_only_and_never_who_answered(dw, api_for):
    response = api_for(dw.world.lead).get(url(dw.wave, "metrics"), {"page_size": 500})
    assert response.status_code == 200
    rows = response.json()["results"]
    assert names(rows) == {p.name for p in dw.lead_teams}
    assert all("responded" not in row and "out_degree" not in row for row in rows)


def test_outsiders_get_404(dw, api_for):
    for who in OUTSIDERS:
        api = api_for(getattr(dw.world, who))
        for part in ("metrics", "flags", "teams"):
            response = api.get(url(dw.wave, part))
            assert response.status_code == 404, (who, part)
            assert set(response.json()) == {"detail"}
    assert not AuditEvent.objects.exists()


def test_filters_ordering_and_page_size(dw, api_for):
    api = api_for(dw.world.hr)
    top = api.get(url(dw.wave, "metrics"), {"relation": "decision", "ordering": "-in_degree"})
    first = top.json()["results"][0]
    assert first["person"]["id"] == dw.star.pk and first["relation"] == "decision"
    platform = api.get(url(dw.wave, "metrics"), {"team": dw.world.engineering.pk})
    assert names(platform.json()["results"]) == {p.name for p in dw.lead_teams}
    one = api.get(url(dw.wave, "metrics"), {"person": dw.helper.pk}).json()
    assert {r["relation"] for r in one["results"]} == {"advice", "decision", "help"}
    small = api.get(url(dw.wave, "metrics"), {"page_size": 5}).json()
    assert len(small["results"]) == 5 and "page=2" in small["next"]


def test_bad_filters_are_400_naming_the_valid_values(dw, api_for):
    api = api_for(dw.world.hr)
    ordering = api.get(url(dw.wave, "metrics"), {"ordering": "name"})
    assert ordering.status_code == 400
    assert ordering.json()["errors"]["ordering"] == (
        "Choose one of: in_degree, -in_degree, pagerank, -pagerank, betweenness, -betweenness."
    )
    assert "ordering" in ordering.json()["detail"]
    relation = api.get(url(dw.wave, "metrics"), {"relation": "gossip"})
    assert relation.status_code == 400
    assert relation.json()["errors"]["relation"] == (
        "Unknown relation 'gossip'; choose one of: advice, decision, help."
    )
    kind = api.get(url(dw.wave, "flags"), {"kind": "hero"})
    assert kind.status_code == 400 and "silent_member" in kind.json()["errors"]["kind"]
    team = api.get(url(dw.wave, "metrics"), {"team": "sales"})
    assert team.status_code == 400 and "team" in team.json()["errors"]


def test_a_team_outside_a_leads_scope_is_404(dw, api_for):
    response = api_for(dw.world.lead).get(url(dw.wave, "metrics"), {"team": dw.world.sales.pk})
    assert response.status_code == 404


def test_no_results_before_an_analysis_succeeds(dw, api_for):
    wave = wave_create(
        survey=dw.survey, opens_at=timezone.now(), closes_at=timezone.now() + timedelta(days=3)
    )
    for part in ("metrics", "flags", "teams"):
        response = api_for(dw.world.hr).get(url(wave, part))
        assert response.status_code == 404
        assert response.json() == {"detail": "No analysis of this wave has succeeded yet."}


def test_metrics_take_a_constant_number_of_queries(dw, api_for, django_assert_max_num_queries):
    api = api_for(dw.world.hr)
    with django_assert_max_num_queries(14):
        response = api.get(url(dw.wave, "metrics"), {"page_size": 500})
    assert len(response.json()["results"]) > 60
    with django_assert_max_num_queries(14):
        api.get(url(dw.wave, "flags"))


@override_settings(ANONYMITY_THRESHOLD=50)
def test_too_few_respondents_withholds_people_with_the_reason(dw, api_for):
    api = api_for(dw.world.hr)
    for part in ("metrics", "flags"):
        body = api.get(url(dw.wave, part)).json()
        assert body["withheld"] is True and body["results"] == [] and body["count"] == 0
        assert body["reason"].startswith("Fewer than 50 people of this group answered")
    teams = api.get(url(dw.wave, "teams")).json()
    assert all(t["withheld"] and "relations" not in t and t["reason"] for t in teams)
    person = api.get(f"/api/waves/{dw.wave.pk}/people/{dw.star.pk}/").json()
    assert person["withheld"] is True and "name" not in person
    assert not AuditEvent.objects.exists()  # nobody's results were shown


# --- flags and reviews ---------------------------------------------------------------------


def test_flags_come_with_evidence_moves_person_and_review(dw, api_for):
    api = api_for(dw.world.lead)
    flag = flag_of(dw, dw.star, "informal_decision_maker")
    saved = api.post(
        f"/api/flags/{flag.pk}/review/",
        {"status": "discussed", "note": "Talked in our 1:1"},
        format="json",
    )
    assert saved.status_code == 200
    assert saved.json()["status"] == "discussed" and saved.json()["wave"] == dw.wave.pk
    assert saved.json()["reviewed_by"] == dw.world.lead.email
    rows = api.get(url(dw.wave, "flags"), {"kind": "informal_decision_maker"}).json()["results"]
    (star,) = rows
    assert star["kind_label"] == "Informal decision-maker" and star["evidence"] and star["moves"]
    assert star["person"]["name"] == "Nia Star"
    assert star["review"]["note"] == "Talked in our 1:1"
    assert star["review"]["reviewed_by"] == dw.world.lead.email
    every = api.get(url(dw.wave, "flags"), {"page_size": 500}).json()["results"]
    assert "Bo Bridge" not in names(every)  # sales is not the lead's


def test_hr_sees_flags_of_the_whole_organisation(dw, api_for):
    rows = api_for(dw.world.hr).get(url(dw.wave, "flags"), {"page_size": 500}).json()["results"]
    assert {"Nia Star", "Hal Help", "Hana Reyes"} <= names(rows)


@pytest.mark.parametrize(
    ("data", "field"),
    [({"status": "ignored"}, "status"), ({"status": "acted", "note": "x" * 501}, "note")],
)
def test_a_bad_review_is_400_and_nothing_is_saved(dw, api_for, data, field):
    flag = flag_of(dw, dw.star, "informal_decision_maker")
    response = api_for(dw.world.hr).post(f"/api/flags/{flag.pk}/review/", data, format="json")
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {field}
    assert not FlagReview.objects.exists()


def test_outsiders_cannot_review_a_flag(dw, api_for):
    flag = flag_of(dw, dw.star, "informal_decision_maker")
    for who in OUTSIDERS:
        response = api_for(getattr(dw.world, who)).post(
            f"/api/flags/{flag.pk}/review/", {"status": "acted"}, format="json"
        )
        assert response.status_code == 404, who
    assert not FlagReview.objects.exists()


def test_a_lead_cannot_review_a_flag_outside_their_teams(dw, api_for):
    flag = Flag.objects.create(run=dw.run, person=dw.bridge, kind="broker", score=0.5)
    response = api_for(dw.world.lead).post(
        f"/api/flags/{flag.pk}/review/", {"status": "acted"}, format="json"
    )
    assert response.status_code == 404


# --- teams and one person ------------------------------------------------------------------


def test_team_aggregates_follow_the_scope(dw, api_for):
    hr = api_for(dw.world.hr).get(url(dw.wave, "teams")).json()
    assert hr[0]["team_id"] is None and hr[0]["name"] == "Acme"
    assert "decision" in hr[0]["relations"]
    lead = api_for(dw.world.lead).get(url(dw.wave, "teams")).json()
    assert [t["name"] for t in lead] == ["Engineering", "Platform"]
    assert not AuditEvent.objects.exists()  # counts, not people


def test_one_persons_results_as_the_map_panel_shows_them(dw, api_for):
    path = f"/api/waves/{dw.wave.pk}/people/{dw.star.pk}/"
    hr = api_for(dw.world.hr).get(path).json()
    assert hr["name"] == "Nia Star" and hr["responded"] is True and hr["withheld"] is False
    assert "out_degree" in hr["metrics"][0] and "pagerank_pct" in hr["metrics"][0]
    assert "informal_decision_maker" in {f["kind"] for f in hr["flags"]}
    lead = api_for(dw.world.lead).get(path).json()
    assert "responded" not in lead and "out_degree" not in lead["metrics"][0]
    seller = f"/api/waves/{dw.wave.pk}/people/{dw.world.seller.pk}/"
    assert api_for(dw.world.lead).get(seller).status_code == 404
    for who in OUTSIDERS:
        assert api_for(getattr(dw.world, who)).get(path).status_code == 404


def test_reads_of_named_results_are_audited(dw, api_for):
    api = api_for(dw.world.lead)
    api.get(url(dw.wave, "metrics"), {"relation": "help"})
    api.get(url(dw.wave, "flags"))
    api.get(f"/api/waves/{dw.wave.pk}/people/{dw.star.pk}/")
    api.get("/api/me/network/")
    events = list(AuditEvent.objects.order_by("id"))
    assert [e.target for e in events] == [
        f"wave {dw.wave.pk} metrics",
        f"wave {dw.wave.pk} flags",
        f"person {dw.star.pk}",
    ]
    assert {e.action for e in events} == {AuditEvent.Action.IDENTIFIED_VIEW}
    assert events[0].detail == {"relation": "help"} and events[0].source == "api"
    assert events[2].target_person_id == dw.star.pk
    assert events[0].actor == dw.world.lead.user


# --- your own network ----------------------------------------------------------------------


def test_my_network_shows_my_own_results(dw, api_for):
    body = api_for(dw.helper).get("/api/me/network/").json()
    assert [w["id"] for w in body["waves"]] == [dw.wave.pk]
    network = body["network"]
    assert network["wave"] == dw.wave.pk and network["responded"] is True
    help_ = next(r for r in network["relations"] if r["relation"] == "help")
    assert help_["named_by_count"] >= 8 and help_["band"] == "more"
    assert "named_by" not in help_  # identified results are off


def test_my_network_names_who_named_me_only_when_the_organisation_allows(dw, api_for):
    dw.world.org.identified_results = True
    dw.world.org.save()
    body = api_for(dw.helper).get("/api/me/network/").json()
    help_ = next(r for r in body["network"]["relations"] if r["relation"] == "help")
    assert "Eli Ng" in help_["named_by"]


def test_my_network_before_any_analysis_and_for_a_wave_not_mine(dw, api_for):
    body = api_for(dw.world.other_employee).get("/api/me/network/").json()
    assert body == {"waves": [], "network": None}
    response = api_for(dw.helper).get("/api/me/network/", {"wave": 999999})
    assert response.status_code == 404 and response.json()["detail"]
