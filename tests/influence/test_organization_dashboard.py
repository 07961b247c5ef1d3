"""HR's organisation overview: every team in one sortable table (small teams withheld), the wave
picker, two waves compared, the latest runs, the identified-results switch, who may see it."""

import re
from collections import Counter
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from influence.models import AnalysisRun, Flag
from teams.models import Organization
from tests.factories import PersonFactory, TeamFactory

pytestmark = pytest.mark.django_db

URL = "/organisation/influence/"
KIND_COLUMNS = [
    "informal_decision_maker",
    "bypassed_lead",
    "silent_member",
    "hidden_workload",
    "broker",
]


def team_row(html: str, key) -> list[str]:
    """The text of each cell of the team table's row `data-team=key` (team id or organisation)."""
    table = html[html.index('id="team-table"') :]
    table = table[: table.index("</table>")]
    row = re.search(rf'<tr data-team="{key}"[^>]*>(.*?)</tr>', table, re.S)
    assert row, f"no row {key}"
    cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row.group(1), re.S)
    return [" ".join(unescape(re.sub(r"<[^>]+>", " ", c)).split()) for c in cells]


def section(html: str, section_id: str) -> str:
    start = html.index(f'<section id="{section_id}"')
    return html[start : html.index("</section>", start)]


def get(client, **params):
    return client.get(URL, params)


def test_url():
    assert reverse("organization-dashboard") == URL


# --- who may see it ------------------------------------------------------------------------


@pytest.mark.parametrize("viewer", ["lead", "engineer", "seller", "other_employee"])
def test_only_hr_of_the_organisation_sees_it(dashboard_world, client_for, viewer):
    client = client_for(getattr(dashboard_world.world, viewer))
    assert get(client).status_code == 404
    assert client.post(URL, {"identified_results": "on"}).status_code == 404
    assert not Organization.objects.get(pk=dashboard_world.world.org.pk).identified_results


def test_hr_sees_it_and_anonymous_is_sent_to_sign_in(dashboard_world, client, client_for):
    assert client.get(URL).status_code == 302
    page = get(client_for(dashboard_world.world.hr))
    assert page.status_code == 200
    assert "Influence across Acme" in page.content.decode()


def test_other_organisations_hr_sees_only_their_own(dashboard_world, client_for):
    client = client_for(dashboard_world.world.other_hr)
    assert get(client, wave=dashboard_world.wave.id).status_code == 404
    html = get(client).content.decode()
    assert "Influence across Globex" in html and "No wave of Globex has been analysed" in html
    for name in ("Acme", "Engineering", "Nia Star", "Pulse"):
        assert name not in html.split("<main", 1)[1]
    client.post(URL, {"identified_results": "on"})  # their own organisation's setting
    assert Organization.objects.get(pk=dashboard_world.world.other_org.pk).identified_results
    assert not Organization.objects.get(pk=dashboard_world.world.org.pk).identified_results


# --- the team table ------------------------------------------------------------------------


def test_every_team_in_one_sortable_table(dashboard_world, client_for):
    dw = dashboard_world
    w = dw.world
    html = get(client_for(w.hr)).content.decode()
    flags = Counter(
        (team_id, kind)
        for team_id, kind in Flag.objects.filter(run=dw.run).values_list("person__team_id", "kind")
    )
    engineering = team_row(html, w.engineering.id)
    assert engineering[:5] == ["Engineering", "—", "10", "9", "90 %"]
    assert engineering[5:10] == [str(flags[(w.engineering.id, kind)]) for kind in KIND_COLUMNS]
    assert engineering[5:10] == ["1", "1", "1", "0", "1"]  # star, bypassed lead, quiet, Eli
    platform = team_row(html, w.platform.id)
    assert platform[:5] == ["Platform", "Engineering", "5", "5", "100 %"]
    assert platform[8] == "1"  # the helper's hidden workload
    assert platform[10].endswith("%") and platform[11] != "—"  # help concentration shown
    total = team_row(html, "organisation")
    assert total[:5] == ["Whole organisation", "—", "22", "20", "91 %"]
    assert total[5:10] == [
        str(Flag.objects.filter(run=dw.run, kind=kind).count()) for kind in KIND_COLUMNS
    ]
    assert html.index("<tfoot>") < html.index('data-team="organisation"')  # never sorted away


def test_table_sort_markup_and_links(dashboard_world, client_for):
    dw = dashboard_world
    html = get(client_for(dw.world.hr)).content.decode()
    head = html[html.index('id="team-table"') : html.index("</thead>")]
    assert '<th scope="col" data-sort="text" aria-sort="ascending">Team</th>' in head
    assert head.count('data-sort="number"') == 3 + 5 + 2  # size, respondents, rate, kinds, help
    for label in ("Informal decision-maker", "Bypassed lead", "Silent member", "Hidden workload"):
        assert label in head
    assert 'data-sort-value="0.9000"' in html  # rates sort as numbers, not as "90 %"
    assert "js/sortable-table.js" in html
    link = reverse("team-dashboard", args=[dw.world.sales.id]) + f"?wave={dw.wave.id}"
    assert f'href="{link}"' in html
    # teams come in name order, as the header says
    names = [team_row(html, t.id)[0] for t in (dw.world.engineering, dw.world.platform)]
    assert html.index(f'data-team="{dw.world.engineering.id}"') < html.index(
        f'data-team="{dw.world.sales.id}"'
    )
    assert names == ["Engineering", "Platform"]


def test_a_team_under_the_threshold_keeps_its_size_and_withholds_the_rest(
    dashboard_world, client_for
):
    dw = dashboard_world
    people_team = dw.world.hr.team  # HR alone, did not answer; a silent member herself
    assert Flag.objects.filter(run=dw.run, person=dw.world.hr).exists()
    html = get(client_for(dw.world.hr)).content.decode()
    row = team_row(html, people_team.id)
    assert row[:3] == ["People", "—", "1"]
    assert row[3:12] == ["withheld"] * 9  # respondents, rate, five kinds, help concentration
    assert "Fewer than 5 people answered" in row[12]
    assert "its aggregates are withheld" in html  # the reason, stated once above the table


def test_a_team_nobody_was_invited_from_says_so(dashboard_world, client_for):
    new_team = TeamFactory(organization=dashboard_world.world.org, name="Legal")
    html = get(client_for(dashboard_world.world.hr)).content.decode()
    row = team_row(html, new_team.id)
    assert row[:4] == ["Legal", "—", "—", "—"]
    assert "Nobody of this team was invited" in row[-1]


def test_names_are_escaped(dashboard_world, client_for):
    team = dashboard_world.world.sales
    team.name = "<script>alert(1)</script>Sales"
    team.save()
    html = get(client_for(dashboard_world.world.hr)).content.decode()
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;Sales" in html


# --- waves ---------------------------------------------------------------------------------


def test_wave_picker_and_unknown_wave(dashboard_world, analyse_next_wave, client_for):
    dw = dashboard_world
    second = analyse_next_wave(dw)
    client = client_for(dw.world.hr)
    html = get(client).content.decode()
    assert f"results of run {second.id}" in html  # the newest wave by default
    assert f'<option value="{dw.wave.id}">' in html
    older = get(client, wave=dw.wave.id).content.decode()
    assert f"results of run {dw.run.id}" in older
    assert get(client, wave=999999).status_code == 404
    assert get(client, wave=dw.wave.id, compare=999999).status_code == 404


def test_nothing_to_compare_with_one_wave(dashboard_world, client_for):
    html = section(get(client_for(dashboard_world.world.hr)).content.decode(), "wave-comparison")
    assert "Only one wave has been analysed so far" in html
    assert "team-changes" not in html


def test_comparison_with_the_previous_wave(dashboard_world, analyse_next_wave, client_for):
    dw = dashboard_world
    second = analyse_next_wave(dw)
    client = client_for(dw.world.hr)
    html = section(get(client).content.decode(), "wave-comparison")
    assert "Changes from Pulse wave 1 to Pulse wave 2" in html
    resolved = html[html.index('id="resolved-flags"') :]
    assert "Informal decision-maker: Nia Star" in resolved
    assert "Bypassed lead: Lea Dorn" in resolved
    movers = html[html.index('id="movers"') :]
    assert "Nia Star" in movers and "decision" in movers
    before = Flag.objects.filter(run=dw.run, person__team=dw.world.engineering).count()
    after = Flag.objects.filter(run=second, person__team=dw.world.engineering).count()
    row = re.search(rf'<tr data-team="{dw.world.engineering.id}">(.*?)</tr>', html, re.S)
    cells = [c.strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row.group(1), re.S)]
    assert cells[3:5] == [str(before), str(after)]
    assert cells[5] == (f"{after - before:+d}" if after != before else "0")
    # the small People team stays withheld in the comparison too
    people = re.search(rf'<tr data-team="{dw.world.hr.team_id}">(.*?)</tr>', html, re.S)
    assert "withheld" in people.group(1)


def test_comparing_a_wave_with_itself_says_so(dashboard_world, analyse_next_wave, client_for):
    dw = dashboard_world
    second = analyse_next_wave(dw)
    page = get(client_for(dw.world.hr), wave=second.wave_id, compare=second.wave_id)
    html = section(page.content.decode(), "wave-comparison")
    assert "That is the wave shown above" in html
    assert "Resolved flags" not in html


def test_the_older_wave_can_be_compared_with_the_newer(
    dashboard_world, analyse_next_wave, client_for
):
    dw = dashboard_world
    second = analyse_next_wave(dw)
    page = get(client_for(dw.world.hr), wave=dw.wave.id, compare=second.wave_id)
    html = section(page.content.decode(), "wave-comparison")
    assert "Changes from Pulse wave 2 to Pulse wave 1" in html
    assert "Informal decision-maker: Nia Star" in html[html.index('id="new-flags"') :]


# --- runs ----------------------------------------------------------------------------------


def test_runs_with_status_timings_progress_and_errors(dashboard_world, client_for):
    dw = dashboard_world
    failed = AnalysisRun.objects.create(
        wave=dw.wave,
        status=AnalysisRun.Status.FAILED,
        reason=AnalysisRun.Reason.RERUN,
        error="The wave has no answers <b>here</b>.",
    )
    html = section(get(client_for(dw.world.hr)).content.decode(), "runs")
    assert f'data-run="{failed.id}"' in html and f'data-run="{dw.run.id}"' in html
    assert "The wave has no answers &lt;b&gt;here&lt;/b&gt;." in html
    assert f"{dw.run.timings['total']:.2f} s" in html
    assert f'action="{reverse("wave-analysis-run", args=[dw.wave.id])}"' in html
    assert f'href="{reverse("wave-analysis", args=[dw.wave.id])}"' in html
    assert "Run again" in html
    AnalysisRun.objects.create(
        wave=dw.wave, status=AnalysisRun.Status.RUNNING, progress=40, reason="re-run"
    )
    html = section(get(client_for(dw.world.hr)).content.decode(), "runs")
    assert '<progress value="40" max="100"' in html


def test_run_again_from_the_overview(dashboard_world, client_for):
    dw = dashboard_world
    client = client_for(dw.world.hr)
    response = client.post(reverse("wave-analysis-run", args=[dw.wave.id]))
    assert response.status_code == 302
    assert AnalysisRun.objects.filter(wave=dw.wave).count() == 2


def test_no_analysed_wave_yet(world, client_for):
    html = get(client_for(world.hr)).content.decode()
    assert "No wave of Acme has been analysed yet" in html
    assert "No analysis has been run yet." in html
    assert "team-table" not in html
    assert 'id="identified-results"' in html


# --- identified results --------------------------------------------------------------------


def test_hr_switches_identified_results(dashboard_world, client_for):
    dw = dashboard_world
    client = client_for(dw.world.hr)
    html = section(get(client).content.decode(), "identified-results")
    assert "Identified results are off" in html and "Turn identified results on" in html

    response = client.post(f"{URL}?wave={dw.wave.id}", {"identified_results": "on"})
    assert response.status_code == 302
    assert response["Location"] == f"{URL}?wave={dw.wave.id}#identified-results"
    assert Organization.objects.get(pk=dw.world.org.pk).identified_results
    page = client.get(response["Location"]).content.decode()
    assert "employees now see who named them" in page
    assert "Turn identified results off" in section(page, "identified-results")

    client.post(URL, {"identified_results": "off"})
    assert not Organization.objects.get(pk=dw.world.org.pk).identified_results
    assert not Organization.objects.get(pk=dw.world.other_org.pk).identified_results


# --- queries -------------------------------------------------------------------------------


def test_queries_do_not_grow_with_people_and_teams(
    dashboard_world, analyse_next_wave, client_for, django_assert_max_num_queries
):
    dw = dashboard_world
    analyse_next_wave(dw)
    client = client_for(dw.world.hr)
    get(client)  # warm the session
    with CaptureQueriesContext(connection) as small:
        assert get(client).status_code == 200
    for i in range(4):
        team = TeamFactory(organization=dw.world.org, name=f"New team {i}", parent=dw.world.sales)
        for j in range(6):
            PersonFactory(team=team, email=f"new{i}-{j}@acme.test", name=f"New {i}-{j}")
    analyse_next_wave(dw)  # a third wave with every new person invited
    with django_assert_max_num_queries(len(small)):
        assert get(client).status_code == 200


def test_the_switch_refuses_an_unclear_choice(dashboard_world, client_for):
    client = client_for(dashboard_world.world.hr)
    response = client.post(URL, {"identified_results": "maybe"}, follow=True)
    assert "Choose whether identified results are on or off." in response.content.decode()
    assert not Organization.objects.get(pk=dashboard_world.world.org.pk).identified_results
