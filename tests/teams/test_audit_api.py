"""The audit log API: HR reads and downloads their organisation's lines; nobody writes."""

import csv
import io
from datetime import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from teams.models import AuditEvent

Action = AuditEvent.Action
LIST = "/api/audit/"
EXPORT = "/api/audit/export/"


def line(organization, *, action=Action.EXPORT, label="hr@acme.test", when=None, **fields):
    [event] = AuditEvent.objects.bulk_create(
        [
            AuditEvent(
                organization=organization,
                actor_label=label,
                action=action,
                source="web",
                created_at=when or timezone.now(),
                **fields,
            )
        ]
    )
    return event


def at(day: str, hour: int = 12) -> datetime:
    return timezone.make_aware(datetime.fromisoformat(f"{day}T{hour:02}:00:00"))


@pytest.fixture
def acme_lines(world):
    return [
        line(world.org, action=Action.SIGN_IN, label="lead@acme.test", when=at("2025-03-01")),
        line(
            world.org,
            action=Action.IDENTIFIED_VIEW,
            label="lead@acme.test",
            target=f"person {world.engineer.pk}",
            target_person_id=world.engineer.pk,
            detail={"wave": 3, "team": world.engineering.pk},
            ip_address="198.51.100.7",
            when=at("2025-03-05"),
        ),
        line(world.org, action=Action.ROSTER_IMPORT, target="roster", when=at("2025-03-09")),
        line(world.other_org, label="hr@globex.test", target="globex line", when=at("2025-03-09")),
    ]


def test_the_urls_are_where_the_docs_say():
    assert reverse("api-audit-list") == LIST and reverse("api-audit-export") == EXPORT


def test_hr_lists_their_lines_newest_first(world, api_for, acme_lines):
    response = api_for(world.hr).get(LIST)
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 3
    assert [e["action"] for e in body["results"]] == ["roster_import", "identified_view", "sign_in"]
    view = body["results"][1]
    assert view["actor"] == "lead@acme.test" and view["target"] == f"person {world.engineer.pk}"
    assert view["target_person_id"] == world.engineer.pk and view["target_person_name"] == "Eli Ng"
    assert view["action_label"] == "Viewed identified results"
    assert view["ip_address"] == "198.51.100.7" and view["detail"]["wave"] == 3
    assert body["results"][0]["target_person_name"] is None


@pytest.mark.parametrize(
    "params, actions",
    [
        ({"action": "sign_in"}, ["sign_in"]),
        ({"actor": "LEAD@"}, ["identified_view", "sign_in"]),
        ({"person": "PERSON"}, ["identified_view"]),
        ({"since": "2025-03-05"}, ["roster_import", "identified_view"]),
        ({"until": "2025-03-05"}, ["identified_view", "sign_in"]),
        (
            {"since": "2025-03-05T12:00:00Z", "until": "2025-03-05T12:00:00+00:00"},
            ["identified_view"],
        ),
        ({"since": "2025-03-02", "until": "2025-03-04"}, []),
    ],
)
def test_filters(world, api_for, acme_lines, params, actions):
    params = {k: (world.engineer.pk if v == "PERSON" else v) for k, v in params.items()}
    response = api_for(world.hr).get(LIST, params)
    assert response.status_code == 200, response.json()
    assert [e["action"] for e in response.json()["results"]] == actions


@pytest.mark.parametrize(
    "params, field",
    [
        ({"action": "delete_everything"}, "action"),
        ({"person": "Eli"}, "person"),
        ({"since": "last tuesday"}, "since"),
        ({"until": "2025-02-30"}, "until"),
        ({"since": "2025-03-09", "until": "2025-03-01"}, "until"),
    ],
)
@pytest.mark.parametrize("url", [LIST, EXPORT])
def test_bad_filters_are_400_naming_the_parameter(world, api_for, acme_lines, url, params, field):
    response = api_for(world.hr).get(url, params)
    assert response.status_code == 400
    body = response.json()
    assert body["detail"].startswith("The filters are not valid")
    assert list(body["errors"]) == [field] and body["errors"][field]
    assert not AuditEvent.objects.filter(target="audit log").exists()


@pytest.mark.parametrize("who", ["lead", "engineer"])
@pytest.mark.parametrize("url", [LIST, EXPORT])
def test_anybody_but_hr_gets_404(world, api_for, acme_lines, who, url):
    assert api_for(getattr(world, who)).get(url).status_code == 404


def test_hr_of_another_organisation_sees_only_theirs(world, api_for, acme_lines):
    body = api_for(world.other_hr).get(LIST).json()
    assert [e["target"] for e in body["results"]] == ["globex line"]
    rows = list(csv.reader(io.StringIO(_csv(api_for(world.other_hr).get(EXPORT)))))
    assert [row[4] for row in rows[1:]] == ["audit log", "globex line"]  # the download itself


def test_signed_out_callers_are_refused(acme_lines, client):
    assert client.get(LIST).status_code in (401, 403)


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
@pytest.mark.parametrize("url", [LIST, EXPORT])
def test_nobody_writes_through_the_api(world, api_for, acme_lines, method, url):
    response = getattr(api_for(world.hr), method)(url, {"target": "rewritten"}, format="json")
    assert response.status_code == 405
    assert not AuditEvent.objects.filter(target="rewritten").exists()
    assert AuditEvent.objects.count() == 4


def _csv(response) -> str:
    return b"".join(response.streaming_content).decode()


def test_export_is_a_safe_csv_and_is_recorded(world, api_for, acme_lines):
    line(world.org, action=Action.SIGN_IN_FAILED, label="=cmd|' /C calc'!A0")
    response = api_for(world.hr).get(EXPORT, {"action": "sign_in_failed"}, HTTP_ACCEPT="text/csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    header, row = csv.reader(io.StringIO(_csv(response)))
    assert header[1] == "who" and row[1] == "'=cmd|' /C calc'!A0"
    export = AuditEvent.objects.get(target="audit log")
    assert export.action == Action.EXPORT and export.source == "api"
    assert export.actor == world.hr.user and export.organization == world.org
    assert export.detail["filters"] == {"action": "sign_in_failed"}


def test_errors_of_the_export_are_json_even_when_csv_is_asked_for(world, api_for):
    response = api_for(world.engineer).get(EXPORT, HTTP_ACCEPT="text/csv")
    assert response.status_code == 404 and "detail" in response.json()


def test_list_queries_do_not_grow_with_lines(world, api_for, django_assert_max_num_queries):
    for person in (world.engineer, world.seller, world.lead) * 20:
        line(world.org, target=f"person {person.pk}", target_person_id=person.pk)
    with django_assert_max_num_queries(4):
        response = api_for(world.hr).get(LIST)
    assert len(response.json()["results"]) == 50


def test_the_schema_documents_the_audit_api(world, api_for):
    schema = api_for(world.hr).get("/api/schema/", {"format": "json"}).json()
    operation = schema["paths"][LIST]["get"]
    assert operation["tags"] == ["audit"]
    action = next(p for p in operation["parameters"] if p["name"] == "action")
    assert "identified_view" in action["schema"]["enum"]
    assert {"200", "400", "404"} <= set(operation["responses"])
    export = schema["paths"][EXPORT]["get"]
    assert "text/csv" in export["responses"]["200"]["content"]
    assert "post" not in schema["paths"][LIST]
