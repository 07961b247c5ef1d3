"""HR's audit log page and its CSV download: filters, paging, scope and hostile cells."""

import csv
import io
from datetime import datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from teams.models import AuditEvent
from tests.factories import PersonFactory

Action = AuditEvent.Action
CHROME = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0 Safari/537.36"
)


def line(organization, *, action=Action.EXPORT, label="hr@acme.test", when=None, **fields):
    """A stored line, as if written at `when` (bulk_create: the model refuses nothing new)."""
    [event] = AuditEvent.objects.bulk_create(
        [
            AuditEvent(
                organization=organization,
                actor_label=label,
                action=action,
                source=fields.pop("source", "web"),
                created_at=when or timezone.now(),
                **fields,
            )
        ]
    )
    return event


def at(day: str, hour: int = 12) -> datetime:
    return timezone.make_aware(datetime.fromisoformat(f"{day}T{hour:02}:00:00"))


def page(client, **params):
    return client.get(reverse("audit-log"), params)


def text(response) -> str:
    return response.content.decode()


def csv_rows(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode()
    return list(csv.reader(io.StringIO(body)))


@pytest.fixture
def hr(world, client_for):
    return client_for(world.hr)


def test_hr_sees_the_lines_newest_first_with_who_what_where(world, hr):
    line(
        world.org,
        action=Action.IDENTIFIED_VIEW,
        label="lead@acme.test",
        target=f"person {world.engineer.pk}",
        target_person_id=world.engineer.pk,
        detail={"wave": 3, "team": world.engineering.pk},
        ip_address="198.51.100.7",
        user_agent=CHROME,
        when=at("2025-03-02"),
    )
    line(world.org, action=Action.ROSTER_IMPORT, target="roster", when=at("2025-03-01"))
    response = page(hr)
    assert response.status_code == 200
    html = text(response)
    assert html.index("Viewed identified results") < html.index("Imported the roster")
    assert f"person {world.engineer.pk}" in html and "Eli Ng" in html  # current name beside it
    assert "198.51.100.7" in html and "Chrome on Windows" in html
    assert f"team: {world.engineering.pk}, wave: 3" in html
    assert "Download CSV" in html


def test_an_erased_person_is_shown_by_id_only(world, hr):
    world.seller.erased_at = timezone.now()
    world.seller.save(update_fields=["erased_at"])
    line(world.org, target=f"person {world.seller.pk}", target_person_id=world.seller.pk)
    html = text(page(hr))
    assert f"person {world.seller.pk}" in html and "Sam Ode" not in html


def test_filters_narrow_the_lines(world, hr):
    line(world.org, action=Action.SIGN_IN, label="lead@acme.test", when=at("2025-03-01"))
    line(
        world.org,
        action=Action.IDENTIFIED_VIEW,
        label="lead@acme.test",
        target="person 1",
        target_person_id=world.engineer.pk,
        when=at("2025-03-05"),
    )
    line(world.org, action=Action.IDENTIFIED_VIEW, label="hr@acme.test", when=at("2025-03-09"))
    by_action = text(page(hr, action="identified_view"))
    assert by_action.count("Viewed identified results</td>") == 2
    assert "Signed in</td>" not in by_action
    by_actor = text(page(hr, actor="LEAD@"))
    assert "2 lines matching the filters" in by_actor
    assert "1 line matching" in text(page(hr, person=world.engineer.pk))
    by_dates = text(page(hr, since="2025-03-05", until="2025-03-05"))
    assert "1 line matching" in by_dates and "2025-03-05 12:00" in by_dates
    assert "3 lines matching" in text(page(hr, since="2025-03-01", until="2025-03-09"))


@pytest.mark.parametrize(
    "params, message",
    [
        ({"since": "last tuesday"}, "Enter a date as YYYY-MM-DD"),
        ({"until": "2025-02-30"}, "Enter a date as YYYY-MM-DD"),
        ({"since": "2025-03-09", "until": "2025-03-01"}, "The end date is before the start"),
        ({"person": "Eli"}, "Enter a person&#x27;s id"),
        ({"action": "delete_everything"}, "Select a valid choice"),
    ],
)
def test_bad_filters_say_what_to_fix(world, hr, params, message):
    line(world.org)
    response = page(hr, **params)
    assert response.status_code == 400
    assert message in text(response) and "The filters were not applied" in text(response)
    export = hr.get(reverse("audit-log-export"), params)
    assert export.status_code == 400 and message in text(export)


def test_paging_keeps_the_filters(world, hr):
    for i in range(60):
        line(world.org, action=Action.ROLE_CHANGE, when=timezone.now() - timedelta(minutes=i))
    line(world.org, action=Action.EXPORT)
    first = text(page(hr, action="role_change"))
    assert "60 lines matching" in first and "Page 1 of 2" in first
    assert "?action=role_change&amp;page=2" in first
    assert 'href="/organisation/audit/export.csv?action=role_change"' in first
    second = text(page(hr, action="role_change", page=2))
    assert "Page 2 of 2" in second and second.count("Changed a role or login</td>") == 10


@pytest.mark.parametrize("who", ["lead", "engineer"])
def test_anybody_but_hr_gets_not_found(world, client_for, who):
    client = client_for(getattr(world, who))
    assert page(client).status_code == 404
    assert client.get(reverse("audit-log-export")).status_code == 404
    assert not AuditEvent.objects.filter(action=Action.EXPORT).exists()


def test_hr_of_another_organisation_sees_only_their_own_lines(world, client_for):
    line(world.org, target="acme secret", label="hr@acme.test")
    line(world.other_org, target="globex line", label="hr@globex.test")
    client = client_for(world.other_hr)
    html = text(page(client))
    assert "globex line" in html and "acme secret" not in html
    rows = csv_rows(client.get(reverse("audit-log-export")))
    assert not any("acme secret" in cell for row in rows for cell in row)
    assert any("globex line" in row for row in rows)


def test_the_page_has_no_form_that_writes(world, hr):
    line(world.org)
    html = text(page(hr))
    assert 'method="post"' not in html.split("<main", 1)[1]  # only the sign-out in the header
    assert hr.post(reverse("audit-log")).status_code == 405
    assert hr.post(reverse("audit-log-export")).status_code == 405


def test_csv_download_escapes_formulas_and_records_itself(world, hr):
    line(
        world.org,
        action=Action.SIGN_IN_FAILED,
        label="=cmd|' /C calc'!A0",
        target="+1",
        ip_address="203.0.113.9",
        user_agent=CHROME,
    )
    response = hr.get(reverse("audit-log-export"), {"action": "sign_in_failed"})
    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith('attachment; filename="audit-log-')
    header, *rows = csv_rows(response)
    assert header[:4] == ["when", "who", "action", "what"]
    [row] = rows
    assert row[1] == "'=cmd|' /C calc'!A0" and row[4] == "'+1"
    assert row[2] == "sign_in_failed" and "203.0.113.9" in row and CHROME in row
    export = AuditEvent.objects.get(action=Action.EXPORT)
    assert export.actor == world.hr.user and export.organization == world.org
    assert export.target == "audit log" and export.source == "web"
    assert export.detail == {"format": "csv", "filters": {"action": "sign_in_failed"}}


def test_page_queries_do_not_grow_with_lines(world, hr, django_assert_max_num_queries):
    people = PersonFactory.create_batch(20, team=world.sales)

    def add(n):
        for i in range(n):
            person = people[i % len(people)]
            line(world.org, target=f"person {person.pk}", target_person_id=person.pk)

    add(5)
    page(hr)  # warm up the session
    with CaptureQueriesContext(connection) as few:
        assert page(hr).status_code == 200
    add(195)
    with django_assert_max_num_queries(len(few.captured_queries)):
        html = text(page(hr))
    total = AuditEvent.objects.filter(organization=world.org).count()  # with the sign-in
    assert total > 200 and f"{total} lines" in html and people[7].name in html
