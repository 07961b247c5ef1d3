"""The team dashboard (a lead's team with its sub-teams; HR any team): flags with their evidence,
moves and review, team health with its trend, what changed since the previous wave, warnings,
the run status partial, permissions and escaping. Built on `dashboard_world` (see conftest)."""

import json
import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from influence.models import AnalysisRun, Flag, FlagReview, PersonMetric, TeamMetric
from influence.services import analysis_comparison
from surveys.services import wave_create
from teams.models import Person, Role
from tests.factories import PersonFactory, TeamFactory, login_for

pytestmark = pytest.mark.django_db


def dashboard_url(team, wave=None) -> str:
    url = reverse("team-dashboard", kwargs={"team_id": team.pk})
    return url if wave is None else f"{url}?wave={wave.pk}"


def review_url(flag) -> str:
    return reverse("flag-review", kwargs={"flag_id": flag.pk})


def status_url(wave) -> str:
    return reverse("wave-analysis-status", kwargs={"wave_id": wave.pk})


def page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def flag_of(run, person, kind) -> Flag:
    return Flag.objects.get(run=run, person=person, kind=kind)


def card(html: str, flag: Flag) -> str:
    """The flag's <article> on the page."""
    match = re.search(rf'<article class="flag" id="flag-{flag.pk}".*?</article>', html, re.S)
    assert match, f"no card for flag {flag.pk}"
    return match.group(0)


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def lead_of(team, email) -> Person:
    lead = PersonFactory(team=team, email=email, name=f"Lead of {team.name}", role=Role.LEAD)
    login_for(lead)
    return lead


@pytest.fixture
def dw(dashboard_world):
    return dashboard_world


def test_urls():
    assert reverse("team-dashboard", kwargs={"team_id": 3}) == "/teams/3/influence/"
    assert reverse("flag-review", kwargs={"flag_id": 4}) == "/flags/4/review/"
    assert reverse("wave-analysis-status", kwargs={"wave_id": 5}) == "/waves/5/analysis/status/"


# --- flags ---------------------------------------------------------------------------------


def test_flags_are_shown_by_kind_with_evidence_and_moves(dw, client_for):
    html = page(client_for(dw.world.lead), dashboard_url(dw.world.engineering))
    star = card(html, flag_of(dw.run, dw.star, "informal_decision_maker"))
    assert f'data-kind="informal_decision_maker" data-person="{dw.star.pk}"' in star
    assert "Nia Star" in star and "Engineering" in star and "score 0.98" in star
    assert "Named by 8 of 9 teammates (8 answered)" in star
    assert "Invite them into the formal planning and decision meetings" in star
    helper = card(html, flag_of(dw.run, dw.helper, "hidden_workload"))
    assert "Hal Help" in helper and "Platform" in helper  # the sub-team's people too
    assert "Whose view settles decisions in practice" in html  # what the kind means
    kinds = re.findall(r'<section class="flag-kind" data-kind="([a-z_]+)"', html)
    assert kinds == [
        "informal_decision_maker",
        "bypassed_lead",
        "silent_member",
        "hidden_workload",
        "broker",
    ]
    assert "5 flags" in text(html) and "5 not looked at yet" in text(html)
    # People of other teams are not part of a lead's dashboard.
    assert "Hana Reyes" not in html and "Bo Bridge" not in html


def test_the_team_map_is_included(dw, client_for, analyse_next_wave):
    analyse_next_wave(dw)
    html = page(client_for(dw.world.lead), dashboard_url(dw.world.engineering, dw.wave))
    found = re.search(r'id="influence-map-config" type="application/json">(.*?)</script>', html)
    config = json.loads(found.group(1))
    assert config["kind"] == "team" and config["team"]["id"] == dw.world.engineering.pk
    assert config["wave"] == dw.wave.pk and config["run"] == dw.run.pk
    assert html.count('id="map-heading"') == 1


def test_a_flag_warning_is_shown(dw, client_for):
    flag = flag_of(dw.run, dw.quiet, "silent_member")
    flag.warning = "Only 40 % of their team answered."
    flag.save()
    html = page(client_for(dw.world.lead), dashboard_url(dw.world.engineering))
    assert "Only 40 % of their team answered." in card(html, flag)


def test_a_lead_marks_a_flag_discussed(dw, client_for):
    client = client_for(dw.world.lead)
    flag = flag_of(dw.run, dw.star, "informal_decision_maker")
    back = dashboard_url(dw.world.engineering, dw.wave)
    response = client.post(
        review_url(flag), {"status": "discussed", "note": "Talked in our 1:1", "next": back}
    )
    assert response.status_code == 302 and response["Location"] == f"{back}#flag-{flag.pk}"
    review = FlagReview.objects.get()
    assert (review.person, review.kind, review.status) == (dw.star, flag.kind, "discussed")
    assert review.run == dw.run and review.reviewed_by == dw.world.lead.user
    html = client.get(back).content.decode()
    shown = text(card(html, flag))
    date = f"{review.reviewed_at:%-d %b %Y}"
    assert f"Discussed — Talked in our 1:1 — by lead@acme.test, {date}, wave 1" in shown
    assert "Nia Star (Informal decision-maker) is marked discussed." in html
    assert "4 not looked at yet, 1 discussed, 0 acted on" in text(html)


def test_with_htmx_only_the_card_comes_back(dw, client_for):
    client = client_for(dw.world.hr)  # HR may review any team's flags
    flag = flag_of(dw.run, dw.helper, "hidden_workload")
    response = client.post(
        review_url(flag), {"status": "acted", "note": "FAQ started"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith(f'<article class="flag" id="flag-{flag.pk}"')
    assert "<html" not in html
    assert "Acted on — FAQ started — by hr@acme.test" in text(html)
    assert f'hx-post="{review_url(flag)}"' in html and f'hx-target="#flag-{flag.pk}"' in html


def test_a_review_carries_to_the_same_flag_in_the_next_wave(dw, client_for, analyse_next_wave):
    client = client_for(dw.world.lead)
    client.post(
        review_url(flag_of(dw.run, dw.helper, "hidden_workload")),
        {"status": "discussed", "note": "Spread the questions"},
    )
    second = analyse_next_wave(dw)
    flag = flag_of(second, dw.helper, "hidden_workload")
    html = page(client, dashboard_url(dw.world.engineering))  # the newest wave by default
    assert "Discussed — Spread the questions — by lead@acme.test" in text(card(html, flag))
    assert ", wave 1" in text(card(html, flag))

    client.post(review_url(flag), {"status": "acted", "note": "Rota in place"})
    review = FlagReview.objects.get()  # still one review of person and kind
    assert (review.status, review.note, review.run) == ("acted", "Rota in place", second)
    old_wave = page(client, dashboard_url(dw.world.engineering, dw.wave))
    assert "Acted on — Rota in place" in text(card(old_wave, flag_of(dw.run, dw.helper, flag.kind)))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"status": "done", "note": "x"}, "Choose “discussed” or “acted on”."),
        ({"note": "no status"}, "Choose “discussed” or “acted on”."),
        (
            {"status": "discussed", "note": "n" * 501},
            "Ensure this value has at most 500 characters (it has 501).",
        ),
    ],
)
def test_a_bad_review_is_refused_with_a_clear_message(dw, client_for, data, message):
    client = client_for(dw.world.lead)
    flag = flag_of(dw.run, dw.star, "informal_decision_maker")
    html = client.post(review_url(flag), data, follow=True).content.decode()
    assert "The review was not saved." in html and message in html
    assert not FlagReview.objects.exists()

    partial = client.post(review_url(flag), data, HTTP_HX_REQUEST="true")
    assert partial.status_code == 200  # htmx swaps 2xx answers only
    html = partial.content.decode()
    assert message in html and 'role="alert"' in html
    assert data["note"] in html  # what was typed is kept
    assert not FlagReview.objects.exists()


def test_a_review_needs_a_post(dw, client_for):
    flag = flag_of(dw.run, dw.star, "informal_decision_maker")
    assert client_for(dw.world.lead).get(review_url(flag)).status_code == 405


@pytest.mark.parametrize("who", ["engineer", "seller", "other_hr", "other_employee"])
def test_outsiders_cannot_review_a_flag(dw, client_for, who):
    flag = flag_of(dw.run, dw.star, "informal_decision_maker")
    response = client_for(getattr(dw.world, who)).post(review_url(flag), {"status": "acted"})
    assert response.status_code == 404
    assert not FlagReview.objects.exists()


def test_a_sub_team_lead_cannot_review_a_flag_of_the_parent_team(dw, client_for):
    platform_lead = lead_of(dw.world.platform, "platlead@acme.test")
    client = client_for(platform_lead)
    star = flag_of(dw.run, dw.star, "informal_decision_maker")
    assert client.post(review_url(star), {"status": "acted"}).status_code == 404
    helper = flag_of(dw.run, dw.helper, "hidden_workload")
    assert client.post(review_url(helper), {"status": "acted"}).status_code == 302
    assert FlagReview.objects.get().person == dw.helper


def test_a_review_cannot_be_sent_elsewhere(dw, client_for):
    flag = flag_of(dw.run, dw.star, "informal_decision_maker")
    response = client_for(dw.world.lead).post(
        review_url(flag), {"status": "acted", "next": "https://evil.example/"}
    )
    assert response["Location"] == f"{dashboard_url(dw.world.engineering, dw.wave)}#flag-{flag.pk}"


# --- health, trend and changes -------------------------------------------------------------


def test_team_health_of_the_team_and_its_sub_teams(dw, client_for):
    html = page(client_for(dw.world.lead), dashboard_url(dw.world.engineering))
    health = text(html[html.index('id="health"') :])
    assert (
        "15 people in Engineering and its sub-teams were part of this wave; 14 answered (93 %)"
        in (health)
    )
    assert "Engineering 10 9 90 %" in health and "Platform 5 5 100 %" in health
    decision = text(re.search(r'data-relation="decision".*?</table>', html, re.S).group(0))
    assert "Density Centralisation Cross-team share" in decision
    assert "Engineering 0.11 0.88 0 %" in decision
    helping = text(re.search(r'data-relation="help".*?</table>', html, re.S).group(0))
    assert "Top 5 % share Gini" in helping and "Platform 0.25 0.94 0 % 93 % 0.77" in helping
    assert "This is the only analysed wave of this survey for Engineering so far" in html
    assert "health-trend.js" not in html  # no chart for one point
    assert "No earlier analysed wave of Pulse for Engineering" in html
    assert "Sales" not in health  # another team's row


def test_the_trend_over_two_waves_and_what_changed(dw, client_for, analyse_next_wave):
    analyse_next_wave(dw)
    html = page(client_for(dw.world.lead), dashboard_url(dw.world.engineering))
    trend = text(re.search(r'class="striped health-trend-table".*?</table>', html, re.S).group(0))
    assert "Wave 1 9 (90 %) 0.10 0.02 20 % 0.11 0.88 0 %" in trend
    assert "Wave 2 (shown) 9 (90 %) 0.10 0.02 20 % 0.11 0.63 0 %" in trend
    data = json.loads(
        re.search(
            r'id="health-trend-data" type="application/json">(.*?)</script>', html, re.S
        ).group(1)
    )
    assert data["labels"] == ["Wave 1", "Wave 2"]
    centralisation = next(m for m in data["measures"] if m["label"] == "Centralisation")
    decision = next(s for s in centralisation["series"] if s["label"] == "decision")
    assert [round(v, 2) for v in decision["values"]] == [0.88, 0.63]
    assert "vendor/chartjs/chart.umd.min.js" in html and "js/health-trend.js" in html

    changes = text(html[html.index('id="changes"') :])
    assert "Wave 2 compared with wave 1" in changes
    assert "Resolved flags Bypassed lead: Lea Dorn Informal decision-maker: Nia Star" in changes
    assert "New flags None" in changes
    assert "Lea Dorn decision 1 11 +10" in changes and "Nia Star decision 13 3 -10" in changes


def test_the_wave_picker_shows_an_earlier_wave(dw, client_for, analyse_next_wave):
    analyse_next_wave(dw)
    html = page(client_for(dw.world.lead), dashboard_url(dw.world.engineering, dw.wave))
    assert f'<option value="{dw.wave.pk}" selected>' in html
    assert "Wave 1 (shown)" in text(html)
    assert card(html, flag_of(dw.run, dw.star, "informal_decision_maker"))
    assert "No earlier analysed wave of Pulse" in html


def test_changes_are_limited_to_the_team(dw, analyse_next_wave):
    second = analyse_next_wave(dw)
    Flag.objects.create(run=second, person=dw.bridge, kind="broker", score=0.9)
    everyone = analysis_comparison(run=second, previous_run=dw.run)
    team = analysis_comparison(
        run=second, previous_run=dw.run, team_ids={dw.world.engineering.pk, dw.world.platform.pk}
    )
    assert [f.name for f in everyone.new_flags] == ["Bo Bridge"]
    assert team.new_flags == []
    assert {f.name for f in team.resolved_flags} == {"Lea Dorn", "Nia Star"}
    assert {m.name for m in team.movers} <= {p.name for p in dw.lead_teams}


# --- warnings and the run status -----------------------------------------------------------


def test_low_response_is_a_warning(dw, client_for):
    TeamMetric.objects.filter(run=dw.run, team=dw.world.engineering).update(
        respondents=5, response_rate=0.5, low_response=True
    )
    html = text(page(client_for(dw.world.lead), dashboard_url(dw.world.engineering)))
    assert "Only 67 % of Engineering and its sub-teams answered, below the 70 % treated as " in html
    assert "results are less reliable" in html
    assert "Engineering 10 5 50 % Less reliable: below 70 %" in html


def test_a_small_sub_team_has_its_aggregates_withheld(dw, client_for, settings):
    settings.ANONYMITY_THRESHOLD = 6  # Platform has 5 respondents
    html = page(client_for(dw.world.lead), dashboard_url(dw.world.engineering))
    assert "Platform 5 5 100 % Aggregates withheld: fewer than 6 answered." in text(html)
    decision = text(re.search(r'data-relation="decision".*?</table>', html, re.S).group(0))
    assert "Platform Withheld: fewer than 6 answered." in decision
    assert 'class="flag"' in html  # the team as a whole answered enough


def test_a_team_below_the_threshold_shows_no_people(dw, client_for, settings):
    settings.ANONYMITY_THRESHOLD = 6
    platform_lead = lead_of(dw.world.platform, "platlead@acme.test")
    client = client_for(platform_lead)
    html = page(client, dashboard_url(dw.world.platform))
    assert "Fewer than 6 people of this group answered, so its aggregates are withheld" in html
    assert 'class="flag"' not in html and "Hal Help" not in html
    assert "The map is withheld" in html and "Flags are not shown" in html
    assert "influence-map-config" not in html
    assert "Platform 5 5 100 %" in text(html)  # the head-count stays
    helper = flag_of(dw.run, dw.helper, "hidden_workload")
    assert client.post(review_url(helper), {"status": "acted"}).status_code == 404


def test_a_running_analysis_shows_its_progress_and_updates_itself(dw, client_for):
    run = AnalysisRun.objects.create(
        wave=dw.wave, status="running", progress=40, stage="metrics", reason="re-run"
    )
    client = client_for(dw.world.lead)
    html = page(client, dashboard_url(dw.world.engineering))
    assert "The analysis of Pulse, wave 1 is running" in text(html)
    assert '<progress value="40" max="100"' in html and "metrics" in html
    assert f'hx-get="{status_url(dw.wave)}" hx-trigger="every 2s"' in html
    assert "The results shown stay until the new run succeeds." in html
    assert 'class="flag"' in html  # the previous results stay

    partial = page(client, status_url(dw.wave))
    assert 'hx-trigger="every 2s"' in partial and "<html" not in partial
    AnalysisRun.objects.filter(pk=run.pk).update(status="failed", error="ValueError: boom")
    done = page(client, status_url(dw.wave))
    assert "hx-trigger" not in done  # polling stops
    assert "failed: ValueError: boom" in done and "The previous results are shown." in done


def test_a_finished_run_offers_to_reload(dw, client_for):
    AnalysisRun.objects.create(wave=dw.wave, status="queued", reason="re-run")
    client = client_for(dw.world.hr)
    assert "is queued" in page(client, status_url(dw.wave))
    AnalysisRun.objects.filter(status="queued").update(status="succeeded")
    done = page(client, status_url(dw.wave))
    assert "hx-trigger" not in done and '<a href="">Reload the page</a>' in done


def test_a_failed_rerun_says_so_and_shows_the_previous_results(dw, client_for):
    AnalysisRun.objects.create(
        wave=dw.wave, status="failed", reason="re-run", error="The analysis failed: boom"
    )
    html = text(page(client_for(dw.world.lead), dashboard_url(dw.world.engineering)))
    assert "failed: The analysis failed: boom The previous results are shown." in html
    assert f"results of run {dw.run.pk}" in html and "Nia Star" in html


# --- empty states --------------------------------------------------------------------------


def test_a_team_without_results_has_an_empty_state(dw, client_for):
    design = TeamFactory(organization=dw.world.org, name="Design")
    html = page(client_for(dw.world.hr), dashboard_url(design))
    assert "No results yet" in html and "No analysed wave has results for Design" in html
    assert 'id="flags"' not in html


def test_a_wave_without_an_analysis_has_an_empty_state(dw, client_for):
    wave = wave_create(
        survey=dw.survey, opens_at=dw.wave.opens_at, closes_at=timezone.now() + timedelta(days=1)
    )
    AnalysisRun.objects.create(wave=wave, status="running", progress=10, reason="wave closed")
    html = page(client_for(dw.world.lead), dashboard_url(dw.world.engineering, wave))
    assert "No results for Pulse, wave 2" in html
    assert "This wave has no successful analysis yet." in html
    assert "The analysis of Pulse, wave 2 is running" in text(html)
    assert html.count(f'id="run-status-{wave.pk}"') == 1
    newest = page(client_for(dw.world.lead), dashboard_url(dw.world.engineering))
    assert "The analysis of Pulse, wave 2 is running" in text(newest)  # on its way
    assert "Nia Star" in newest


def test_an_unknown_wave_is_404(dw, client_for):
    client = client_for(dw.world.lead)
    assert client.get(dashboard_url(dw.world.engineering) + "?wave=999999").status_code == 404
    assert client.get(dashboard_url(dw.world.engineering) + "?wave=x").status_code == 404


# --- permissions ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "team", "status"),
    [
        ("lead", "engineering", 200),
        ("lead", "platform", 200),  # a lead of the parent team
        ("hr", "engineering", 200),
        ("hr", "sales", 200),
        ("engineer", "engineering", 404),
        ("lead", "sales", 404),
        ("other_hr", "engineering", 404),
        ("other_employee", "engineering", 404),
    ],
)
def test_who_sees_a_dashboard(dw, client_for, who, team, status):
    client = client_for(getattr(dw.world, who))
    assert client.get(dashboard_url(getattr(dw.world, team))).status_code == status


def test_a_lead_of_another_team_is_refused(dw, client_for):
    sales_lead = lead_of(dw.world.sales, "saleslead@acme.test")
    client = client_for(sales_lead)
    assert client.get(dashboard_url(dw.world.engineering)).status_code == 404
    assert client.get(dashboard_url(dw.world.sales)).status_code == 200


def test_signed_out_visitors_are_sent_to_sign_in(dw, client):
    for url in (dashboard_url(dw.world.engineering), status_url(dw.wave)):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize(
    ("who", "status"),
    [("hr", 200), ("lead", 200), ("engineer", 404), ("seller", 404), ("other_hr", 404)],
)
def test_who_sees_the_run_status(dw, client_for, who, status):
    assert client_for(getattr(dw.world, who)).get(status_url(dw.wave)).status_code == status


def test_a_lead_is_not_told_who_answered(dw, client_for):
    html = page(client_for(dw.world.lead), dashboard_url(dw.world.engineering))
    assert "responded" not in html
    assert "Quinn Quiet" not in html[html.index('id="health"') :]  # counts, never names


# --- escaping and size ---------------------------------------------------------------------


def test_names_and_notes_are_escaped(dw, client_for, analyse_next_wave):
    Person.objects.filter(pk=dw.star.pk).update(name="<b>x</b>")
    dw.world.engineering.name = "<i>Eng</i></script>"
    dw.world.engineering.save()
    client = client_for(dw.world.lead)
    flag = flag_of(dw.run, dw.star, "informal_decision_maker")
    client.post(review_url(flag), {"status": "acted", "note": "<script>alert(1)</script>"})
    analyse_next_wave(dw)
    html = page(client, dashboard_url(dw.world.engineering, dw.wave))
    assert "<b>x</b>" not in html and "&lt;b&gt;x&lt;/b&gt;" in html
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)" in html
    assert "<i>Eng</i>" not in html
    newest = page(client, dashboard_url(dw.world.engineering))
    assert "Informal decision-maker: &lt;b&gt;x&lt;/b&gt;" in newest  # resolved flags
    assert "<b>x</b>" not in newest and "<i>Eng</i></script>" not in newest
    assert "\\u003Ci\\u003EEng\\u003C/i\\u003E\\u003C/script\\u003E" in newest  # json_script


def test_queries_do_not_grow_with_people(
    dw, client_for, analyse_next_wave, django_assert_max_num_queries
):
    second = analyse_next_wave(dw)
    client = client_for(dw.world.lead)
    url = dashboard_url(dw.world.engineering)
    client.get(url)  # warm up the session
    with CaptureQueriesContext(connection) as before:
        page(client, url)
    for i in range(12):
        person = PersonFactory(team=dw.world.platform, email=f"more{i}@acme.test")
        for run in (dw.run, second):
            Flag.objects.create(run=run, person=person, kind="silent_member", score=0.5)
            PersonMetric.objects.create(
                run=run,
                person=person,
                relation="advice",
                in_degree=i if run == second else 0,
                weighted_in_degree=0,
                pagerank=0,
                betweenness=0,
                harmonic=0,
                in_degree_pct_org=0,
                in_degree_pct_team=0,
            )
        FlagReview.objects.create(person=person, kind="silent_member", status="discussed")
    with django_assert_max_num_queries(len(before.captured_queries)):
        html = page(client, url + "?flags=all")
    assert html.count('data-kind="silent_member" data-person=') == 13


def test_a_department_page_shows_the_strongest_flags_of_each_kind_and_links_to_all(
    dashboard_world, client_for, monkeypatch
):
    from influence import dashboard

    monkeypatch.setattr(dashboard, "FLAGS_SHOWN", 0)
    monkeypatch.setattr(dashboard, "HEALTH_TEAMS_SHOWN", 1)
    dw = dashboard_world
    client = client_for(dw.world.lead)
    url = f"/teams/{dw.world.engineering.id}/influence/?wave={dw.wave.id}"
    html = client.get(url).content.decode()
    assert 'data-person="' not in html  # no flag card shown...
    assert html.count("flags=all#kind-") == 5  # ...but each of the five kinds links to all
    assert "5 flags" in html  # the summary still counts every flag
    assert "1 more sub-team is on its own dashboard" in html
    everything = client.get(url + "&flags=all").content.decode()
    assert "flags=all#kind-" not in everything
    assert f'data-person="{dw.star.id}"' in everything
