"""Erasure in the results: the erased person's name and e-mail leave the report, the map and
exports; their flags and reviews go; their ties still count, so nobody else's numbers move."""

import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from influence.erasure import EXPORT_REMOVED
from influence.exports import export_render
from influence.models import Export, Flag, FlagReview, PersonMetric
from influence.reports import report_build
from influence.services.reviews import flag_review_save
from teams.erasure import person_erase

pytestmark = pytest.mark.django_db


def erase(dw, person):
    return person_erase(person=person, actor=dw.world.hr, confirm_email=person.email)


def in_degrees(run) -> dict[tuple[int, str], int]:
    rows = PersonMetric.objects.filter(run=run).values_list("person_id", "relation", "in_degree")
    return {(pid, relation): n for pid, relation, n in rows}


def without_names(report: dict) -> dict:
    """The report with people keyed by nothing that erasure changes: numbers only."""
    return {
        "teams": report["teams"],
        "people": sorted(
            (json.dumps(p["metrics"], sort_keys=True), p["team"], p["community"])
            for p in report["people"]
        ),
    }


def test_the_report_loses_the_name_and_keeps_every_number(dashboard_world):
    dw = dashboard_world
    before = report_build(run=dw.run)
    degrees = in_degrees(dw.run)
    assert "Nia Star" in json.dumps(before)

    erase(dw, dw.star)

    after = report_build(run=dw.run)
    text = json.dumps(after)
    assert "Nia Star" not in text and "star@acme.test" not in text
    assert "Erased person" in text
    assert without_names(after) == without_names(before)  # team aggregates and ties unchanged
    # The star named the lead for decisions: that tie still counts.
    assert in_degrees(dw.run) == degrees
    assert degrees[(dw.world.lead.pk, "decision")] >= 1


def test_flags_and_reviews_of_the_person_go(dashboard_world):
    dw = dashboard_world
    flag = Flag.objects.get(run=dw.run, person=dw.star, kind="informal_decision_maker")
    flag_review_save(flag=flag, status="discussed", note="Talked to Nia.", user=dw.world.hr.user)
    other = Flag.objects.filter(run=dw.run).exclude(person=dw.star).count()

    erase(dw, dw.star)

    assert not Flag.objects.filter(person=dw.star).exists()
    assert not FlagReview.objects.filter(person=dw.star).exists()
    assert Flag.objects.filter(run=dw.run).count() == other  # nobody else's flags change
    assert not any(f["email"] == "star@acme.test" for f in report_build(run=dw.run)["flags"])


def test_the_map_shows_an_anonymous_node(dashboard_world, client_for):
    dw = dashboard_world
    erase(dw, dw.star)
    client = client_for(dw.world.hr)
    url = reverse("organization-map-data") + f"?wave={dw.wave.pk}&relation=decision"
    data = client.get(url).json()
    names = dict(zip(data["people"]["id"], data["people"]["name"], strict=True))
    assert names[dw.star.pk] == "Erased person" and "Nia Star" not in names.values()
    edges = data["edges"]
    ties = {(edges[i], edges[i + 1]) for i in range(0, len(edges), 3)}
    assert (dw.star.pk, dw.world.lead.pk) in ties  # their answer still draws a tie
    person_url = reverse("organization-map-person", kwargs={"person_id": dw.star.pk})
    panel = client.get(person_url + f"?wave={dw.wave.pk}").json()
    assert panel["name"] == "Erased person" and panel["title"] == "" and panel["flags"] == []
    assert "Nia Star" not in json.dumps(panel)


def test_exports_are_rendered_without_the_name(dashboard_world):
    dw = dashboard_world
    erase(dw, dw.star)
    content = export_render(run=dw.run, team_ids=None, fmt="json").content.decode()
    assert "Nia Star" not in content and "star@acme.test" not in content


def test_stored_export_files_are_removed(dashboard_world):
    dw = dashboard_world
    stored = Export.objects.create(
        organization=dw.world.org,
        wave=dw.wave,
        run=dw.run,
        format="json",
        requested_by=dw.world.lead.user,
        status=Export.Status.SUCCEEDED,
        filename="influence-wave.json",
        content=b'{"name": "Nia Star"}',
        size_bytes=20,
        expires_at=timezone.now() + timedelta(hours=72),
    )

    erase(dw, dw.star)

    stored.refresh_from_db()
    assert stored.content is None and stored.size_bytes == 0
    assert stored.status == Export.Status.FAILED and stored.error == EXPORT_REMOVED
