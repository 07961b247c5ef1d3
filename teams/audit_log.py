"""Reading the audit log: HR's filtered list, the page's rows and the CSV download.

One organisation's lines only, newest first. Lines name people by id ("person 42"); the page and
the API show the person's current name beside it while the person exists and is not erased,
resolved in one query per page.
"""

import csv
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time

from django.db.models import QuerySet
from django.utils import timezone

from common.spreadsheet import row_safe
from teams.audit import audit_record
from teams.models import AuditEvent, Organization, Person, User

CSV_HEADER = [
    "when",
    "who",
    "action",
    "what",
    "target",
    "person id",
    "source",
    "ip address",
    "browser",
    "detail",
]


@dataclass(frozen=True)
class AuditFilter:
    """What HR narrows the log to; empty values do not narrow. `since` and `until` inclusive."""

    action: str = ""
    actor: str = ""  # part of the actor's e-mail (or label)
    person_id: int | None = None
    since: datetime | None = None
    until: datetime | None = None

    def as_detail(self) -> dict:
        """The filters in use, for the export's own audit line."""
        values = {
            "action": self.action,
            "actor": self.actor,
            "person": self.person_id,
            "since": self.since.isoformat() if self.since else None,
            "until": self.until.isoformat() if self.until else None,
        }
        return {key: value for key, value in values.items() if value not in ("", None)}


def day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def day_end(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.max))


def audit_event_list(*, organization_id: int, filters: AuditFilter) -> QuerySet[AuditEvent]:
    """The organisation's lines matching the filters, newest first."""
    events = AuditEvent.objects.filter(organization_id=organization_id)
    if filters.action:
        events = events.filter(action=filters.action)
    if filters.actor:
        events = events.filter(actor_label__icontains=filters.actor)
    if filters.person_id is not None:
        events = events.filter(target_person_id=filters.person_id)
    if filters.since is not None:
        events = events.filter(created_at__gte=filters.since)
    if filters.until is not None:
        events = events.filter(created_at__lte=filters.until)
    return events.order_by("-created_at", "-id")


def audit_person_names(*, organization_id: int, events: Iterable[AuditEvent]) -> dict[int, str]:
    """Current names of the people the lines are about: one query; erased people left out."""
    ids = {event.target_person_id for event in events if event.target_person_id is not None}
    if not ids:
        return {}
    return dict(
        Person.objects.filter(
            organization_id=organization_id, pk__in=ids, erased_at__isnull=True
        ).values_list("id", "name")
    )


@dataclass(frozen=True)
class AuditRow:
    """One line as the page shows it."""

    event: AuditEvent
    person_name: str | None
    browser: str
    detail: str


def audit_rows(*, organization_id: int, events: Iterable[AuditEvent]) -> list[AuditRow]:
    events = list(events)
    names = audit_person_names(organization_id=organization_id, events=events)
    return [
        AuditRow(
            event=event,
            person_name=names.get(event.target_person_id),
            browser=browser_short(event.user_agent),
            detail=detail_text(event.detail),
        )
        for event in events
    ]


def detail_text(detail) -> str:
    """`{"from": "employee", "to": "lead"}` → "from: employee, to: lead"; keys sorted, as
    PostgreSQL's jsonb keeps no order and the page should read the same on every database."""
    if not isinstance(detail, dict):
        return json.dumps(detail, ensure_ascii=False) if detail else ""
    parts = []
    for key, value in sorted(detail.items()):
        if isinstance(value, dict | list):
            value = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
        elif value is None:
            value = "—"
        parts.append(f"{key.replace('_', ' ')}: {value}")
    return ", ".join(parts)


# Order matters: Edge and Opera say "Chrome" too, Chrome says "Safari".
_BROWSERS = [
    ("Edg/", "Edge"),
    ("OPR/", "Opera"),
    ("Firefox/", "Firefox"),
    ("Chrome/", "Chrome"),
    ("Safari/", "Safari"),
    ("curl/", "curl"),
    ("python-requests", "Python requests"),
    ("python-httpx", "Python httpx"),
]
_SYSTEMS = [
    ("Android", "Android"),
    ("iPhone", "iOS"),
    ("iPad", "iPadOS"),
    ("Windows", "Windows"),
    ("Mac OS X", "macOS"),
    ("CrOS", "ChromeOS"),
    ("Linux", "Linux"),
]


def browser_short(user_agent: str) -> str:
    """A user agent in two words, e.g. "Firefox on Linux"; unknown ones cut to 40 characters."""
    if not user_agent:
        return ""
    browser = next((name for mark, name in _BROWSERS if mark in user_agent), "")
    system = next((name for mark, name in _SYSTEMS if mark in user_agent), "")
    if browser and system:
        return f"{browser} on {system}"
    return browser or system or user_agent[:40]


def audit_log_download(
    *, organization: Organization, user: User, filters: AuditFilter
) -> Iterator[str]:
    """Record the download in the log itself, then the CSV lines of the filtered log."""
    audit_record(
        action=AuditEvent.Action.EXPORT,
        actor=user,
        organization=organization,
        target="audit log",
        detail={"format": "csv", "filters": filters.as_detail()},
    )
    events = audit_event_list(organization_id=organization.pk, filters=filters)
    return audit_csv_lines(events)


def audit_csv_filename() -> str:
    return f"audit-log-{timezone.localdate():%Y-%m-%d}.csv"


class _Echo:
    """A file-like object that hands back what csv.writer writes, for streaming."""

    def write(self, value: str) -> str:
        return value


def audit_csv_lines(events: QuerySet[AuditEvent]) -> Iterator[str]:
    """The CSV of the lines, one text line at a time; every cell made safe for spreadsheets."""
    writer = csv.writer(_Echo())
    yield writer.writerow(CSV_HEADER)
    labels = dict(AuditEvent.Action.choices)
    for event in events.iterator(chunk_size=2000):
        yield writer.writerow(
            row_safe(
                [
                    timezone.localtime(event.created_at).isoformat(),
                    event.actor_label,
                    event.action,
                    labels.get(event.action, event.action),
                    event.target,
                    event.target_person_id if event.target_person_id is not None else "",
                    event.source,
                    event.ip_address or "",
                    event.user_agent,
                    json.dumps(event.detail, ensure_ascii=False, sort_keys=True)
                    if event.detail
                    else "",
                ]
            )
        )
