"""Roster import: one service under the upload page, the API and `manage.py import_roster`.

The whole file is checked before anything is written; one bad row means nothing is imported and
every problem is reported with its row (header = row 1) and column. A good file is written in one
transaction: teams first, then people, then managers, then deactivations.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from teams.audit import audit_record
from teams.models import AuditEvent, Organization, Person, Role, Team, User
from teams.roster_files import (
    KNOWN_COLUMNS,
    RosterFileError,
    RosterProblem,
    read_roster_file,
)

BATCH = 500
ROLES = {choice.value for choice in Role}
LIMITS = {
    "email": 254,
    "name": 200,
    "title": 200,
    "team": 200,
    "parent_team": 200,
    "employee_id": 64,
}


@dataclass
class RosterImportReport:
    problems: list[RosterProblem] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deactivated: int = 0
    teams_created: int = 0
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        verb = "would be" if self.dry_run else "were"
        return (
            f"{self.created} people {verb} created, {self.updated} updated, "
            f"{self.unchanged} unchanged, {self.deactivated} deactivated; "
            f"{self.teams_created} new teams."
        )


@dataclass
class _Row:
    number: int
    email: str
    name: str
    title: str
    team: str
    manager_email: str
    parent_team: str  # "" = not stated: the team keeps its parent
    role: str | None  # None = keep the current role (employee for new people)
    employee_id: str | None  # None = column absent: keep
    attributes: dict[str, str]  # "" removes the attribute


def roster_import(
    *,
    organization: Organization,
    file_name: str,
    content: bytes,
    deactivate_missing: bool = False,
    dry_run: bool = False,
    actor: Person | None = None,
) -> RosterImportReport:
    """Check and (unless dry_run or anything is wrong) upsert a roster file by e-mail."""
    report = RosterImportReport(dry_run=dry_run)
    limit = settings.ROSTER_IMPORT_MAX_BYTES
    if len(content) > limit:
        report.problems.append(
            RosterProblem(
                None,
                "",
                (
                    f"The file is {len(content) / 1e6:.1f} MB; the limit is {limit / 1e6:.0f} MB. "
                    "Remove unused columns or sheets and try again."
                ),
            )
        )
        return report
    try:
        table = read_roster_file(file_name=file_name, content=content)
    except RosterFileError as exc:
        report.problems.extend(exc.problems)
        return report

    rows, problems = _parse_rows(table.rows, table.columns)
    with transaction.atomic():
        # Serialises imports of one organisation: the checks below see what the writes change.
        Organization.objects.select_for_update().filter(pk=organization.pk).first()
        existing = {p.email: p for p in Person.objects.filter(organization=organization)}
        teams = {t.name: t for t in Team.objects.filter(organization=organization)}
        problems += _check_people(rows, existing, deactivate_missing)
        problems += _check_teams(rows, teams)
        problems += _check_actor(rows, actor, deactivate_missing)
        if problems:
            report.problems = sorted(problems, key=lambda p: (p.row or 0, p.column))
            return report
        _apply(organization, rows, existing, teams, deactivate_missing, report)
        if dry_run:
            transaction.set_rollback(True)
        else:
            _audit(organization, actor, file_name, report)
    return report


def _audit(organization, actor: Person | None, file_name: str, report: RosterImportReport) -> None:
    # Inside the import's transaction: the line exists exactly when the import does.
    audit_record(
        action=AuditEvent.Action.ROSTER_IMPORT,
        actor=actor.user if actor is not None else None,
        organization=organization,
        target="roster",
        detail={
            "file": file_name[:100],
            "created": report.created,
            "updated": report.updated,
            "unchanged": report.unchanged,
            "deactivated": report.deactivated,
            "teams_created": report.teams_created,
        },
    )


def _parse_rows(raw_rows, columns) -> tuple[list[_Row], list[RosterProblem]]:
    problems: list[RosterProblem] = []
    extra_columns = [c for c in columns if c not in KNOWN_COLUMNS]
    rows = []
    for number, values in raw_rows:
        for column, limit in LIMITS.items():
            if len(values.get(column, "")) > limit:
                problems.append(
                    RosterProblem(number, column, f"Longer than {limit} characters; shorten it.")
                )
        email = values["email"].lower()
        if not email:
            problems.append(RosterProblem(number, "email", "E-mail is missing."))
        elif not _is_email(email):
            problems.append(
                RosterProblem(
                    number, "email", f"'{values['email']}' is not a valid e-mail address."
                )
            )
            email = ""  # reported once here, not again by the checks across rows
        manager_email = values["manager_email"].lower()
        if manager_email and not _is_email(manager_email):
            problems.append(
                RosterProblem(
                    number,
                    "manager_email",
                    (
                        f"'{values['manager_email']}' is not a valid e-mail address; "
                        "leave it empty "
                        "for someone without a manager."
                    ),
                )
            )
            manager_email = ""
        for column in ("name", "team"):
            if not values[column]:
                problems.append(RosterProblem(number, column, f"{column.capitalize()} is missing."))
        role = values.get("role", "").lower() or None
        if role is not None and role not in ROLES:
            problems.append(
                RosterProblem(
                    number,
                    "role",
                    (
                        f"Unknown role '{values['role']}'. "
                        "Use employee, lead or hr (or leave it empty)."
                    ),
                )
            )
        rows.append(
            _Row(
                number=number,
                email=email,
                name=values["name"],
                title=values["title"],
                team=" ".join(values["team"].split()),
                manager_email=manager_email,
                parent_team=" ".join(values.get("parent_team", "").split()),
                role=role,
                employee_id=values.get("employee_id"),
                attributes={c: values[c] for c in extra_columns},
            )
        )
    return rows, problems


def _is_email(value: str) -> bool:
    try:
        validate_email(value)
    except ValidationError:
        return False
    return True


def _check_people(rows: list[_Row], existing: dict[str, Person], deactivate_missing: bool):
    problems = []
    first_row: dict[str, int] = {}
    first_employee_id: dict[str, int] = {}
    for row in rows:
        if row.email in first_row:
            problems.append(
                RosterProblem(
                    row.number,
                    "email",
                    (
                        f"{row.email} is listed twice: "
                        f"rows {first_row[row.email]} and {row.number}. "
                        "Keep one row per person."
                    ),
                )
            )
        elif row.email:
            first_row[row.email] = row.number
        if row.employee_id:
            if row.employee_id in first_employee_id:
                problems.append(
                    RosterProblem(
                        row.number,
                        "employee_id",
                        (
                            f"Employee ID {row.employee_id} is also on row "
                            f"{first_employee_id[row.employee_id]}."
                        ),
                    )
                )
            else:
                first_employee_id[row.employee_id] = row.number

    # Manager of everyone after the import: the file's word, else what is stored.
    email_of = {p.id: p.email for p in existing.values()}
    managers = {
        email: email_of.get(p.manager_id, "")
        for email, p in existing.items()
        if email not in first_row and p.is_active and not deactivate_missing
    }
    for row in rows:
        if not row.manager_email or not row.email:
            continue
        if row.manager_email == row.email:
            problems.append(
                RosterProblem(row.number, "manager_email", "A person cannot be their own manager.")
            )
        elif row.manager_email not in first_row and row.manager_email not in managers:
            problems.append(
                RosterProblem(
                    row.number,
                    "manager_email",
                    (
                        f"Manager {row.manager_email} is not in the roster"
                        + (
                            " (people missing from the file are being deactivated)"
                            if deactivate_missing and row.manager_email in existing
                            else ""
                        )
                        + ": add a row for them or correct the e-mail."
                    ),
                )
            )
        else:
            managers[row.email] = row.manager_email
    for cycle in _cycles(managers):
        numbers = [first_row[e] for e in cycle if e in first_row]
        problems.append(
            RosterProblem(
                min(numbers),
                "manager_email",
                (
                    "Manager cycle: "
                    + " → ".join(cycle + [cycle[0]])
                    + f" (rows {', '.join(map(str, sorted(numbers)))}). Someone in it must report "
                    "outside the loop."
                ),
            )
        )
    return problems


def _check_teams(rows: list[_Row], teams: dict[str, Team]):
    problems = []
    stated: dict[str, tuple[str, int]] = {}
    for row in rows:
        if not row.parent_team or not row.team:
            continue
        if row.parent_team == row.team:
            problems.append(
                RosterProblem(
                    row.number, "parent_team", f"Team '{row.team}' cannot be its own parent team."
                )
            )
        elif row.team in stated and stated[row.team][0] != row.parent_team:
            parent, number = stated[row.team]
            problems.append(
                RosterProblem(
                    row.number,
                    "parent_team",
                    (
                        f"Team '{row.team}' has parent '{parent}' on row {number} but "
                        f"'{row.parent_team}' here; a team has one parent."
                    ),
                )
            )
        else:
            stated.setdefault(row.team, (row.parent_team, row.number))
    name_of = {t.id: t.name for t in teams.values()}
    parents = {name: name_of.get(t.parent_id, "") for name, t in teams.items()}
    parents.update({team: parent for team, (parent, _) in stated.items()})
    for cycle in _cycles(parents):
        numbers = sorted(stated[t][1] for t in cycle if t in stated)
        problems.append(
            RosterProblem(
                numbers[0],
                "parent_team",
                (
                    "Team cycle: "
                    + " → ".join(cycle + [cycle[0]])
                    + f" (rows {', '.join(map(str, numbers))}). "
                    "One of these teams needs another parent."
                ),
            )
        )
    return problems


def _check_actor(rows: list[_Row], actor: Person | None, deactivate_missing: bool):
    """Refuse a file that would lock the HR person importing it out of the roster."""
    if actor is None:
        return []
    own = next((row for row in rows if row.email == actor.email), None)
    if own is None and deactivate_missing:
        return [
            RosterProblem(
                None,
                "email",
                (
                    f"Your own entry ({actor.email}) is not in the file, "
                    "so deactivating missing people "
                    "would lock you out. Add your row or untick that option."
                ),
            )
        ]
    if own is not None and own.role not in (None, Role.HR) and actor.role == Role.HR:
        return [
            RosterProblem(
                own.number,
                "role",
                (
                    f"This row changes your own role to '{own.role}' and you would lose HR access. "
                    "Keep 'hr' here and ask another HR person to change it."
                ),
            )
        ]
    return []


def _cycles(successor: dict[str, str]) -> list[list[str]]:
    """Each cycle of a functional graph once, starting from its smallest member."""
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    cycles = []
    for start in sorted(successor):
        path, node = [], start
        while node and node in successor and node not in state:
            state[node] = 1
            path.append(node)
            node = successor[node]
        if node in state and state[node] == 1:
            cycle = path[path.index(node) :]
            pivot = cycle.index(min(cycle))
            cycles.append(cycle[pivot:] + cycle[:pivot])
        for visited in path:
            state[visited] = 2
    return cycles


def _apply(organization, rows, existing, teams, deactivate_missing, report) -> None:
    now = timezone.now()
    team_ids = _write_teams(organization, rows, teams, report)
    id_of = {email: person.id for email, person in existing.items()}
    new_rows = [row for row in rows if row.email not in existing]
    _create_people(organization, new_rows, team_ids, id_of)
    report.created = len(new_rows)

    returning = {p.user_id for p in existing.values() if not p.is_active and p.user_id}
    changed = []
    for row in rows:
        person = existing.get(row.email)
        if person is None:
            continue
        manager_id = id_of[row.manager_email] if row.manager_email else None
        if _update_person(person, row, team_ids[row.team], manager_id):
            person.updated_at = now
            changed.append(person)
    Person.objects.bulk_update(
        changed,
        [
            "name",
            "title",
            "team",
            "role",
            "employee_id",
            "attributes",
            "is_active",
            "manager",
            "updated_at",
        ],
        batch_size=BATCH,
    )
    report.updated = len(changed)
    report.unchanged = len(rows) - report.created - report.updated

    # People back in the roster get their login back.
    User.objects.filter(id__in=[p.user_id for p in changed if p.user_id in returning]).update(
        is_active=True
    )
    if deactivate_missing:
        in_file = {row.email for row in rows}
        leaving = [p for email, p in existing.items() if email not in in_file and p.is_active]
        for start in range(0, len(leaving), BATCH):
            batch = leaving[start : start + BATCH]
            Person.objects.filter(id__in=[p.id for p in batch]).update(
                is_active=False, updated_at=now
            )
            # Leaving the roster ends access; coming back in a later file restores it.
            User.objects.filter(id__in=[p.user_id for p in batch if p.user_id]).update(
                is_active=False
            )
        report.deactivated = len(leaving)


def _update_person(person: Person, row: _Row, team_id: int, manager_id: int | None) -> bool:
    attributes = dict(person.attributes)
    for key, value in row.attributes.items():
        if value:
            attributes[key] = value
        else:
            attributes.pop(key, None)
    wanted = {
        "name": row.name,
        "title": row.title,
        "team_id": team_id,
        "manager_id": manager_id,
        "is_active": True,
        "role": row.role or person.role,
        "attributes": attributes,
        "employee_id": person.employee_id if row.employee_id is None else row.employee_id,
    }
    changed = False
    for attr, value in wanted.items():
        if getattr(person, attr) != value:
            setattr(person, attr, value)
            changed = True
    return changed


def _create_people(organization, new_rows: list[_Row], team_ids, id_of: dict[str, int]) -> None:
    """Insert new people managers first, level by level, so each row gets its manager at once."""
    by_email = {row.email: row for row in new_rows}
    level: dict[str, int] = {}
    for row in new_rows:
        chain, email = [], row.email
        while email in by_email and email not in level:
            chain.append(email)
            email = by_email[email].manager_email
        depth = level.get(email, -1)  # -1: no manager, or one already stored
        for member in reversed(chain):
            depth += 1
            level[member] = depth
    for depth in sorted(set(level.values())):
        people = [
            Person(
                organization=organization,
                email=row.email,
                name=row.name,
                title=row.title,
                team_id=team_ids[row.team],
                manager_id=id_of[row.manager_email] if row.manager_email else None,
                role=row.role or Role.EMPLOYEE,
                employee_id=row.employee_id or "",
                attributes={k: v for k, v in row.attributes.items() if v},
            )
            for row in new_rows
            if level[row.email] == depth
        ]
        Person.objects.bulk_create(people, batch_size=BATCH)
        if all(person.pk for person in people):
            id_of.update((person.email, person.pk) for person in people)
        else:  # databases that do not return ids from a bulk insert
            emails = [person.email for person in people]
            for start in range(0, len(emails), BATCH):
                id_of.update(
                    Person.objects.filter(
                        organization=organization, email__in=emails[start : start + BATCH]
                    ).values_list("email", "id")
                )


def _write_teams(organization, rows, teams, report) -> dict[str, int]:
    names = {row.team for row in rows} | {row.parent_team for row in rows if row.parent_team}
    missing = sorted(names - teams.keys())
    Team.objects.bulk_create([Team(organization=organization, name=n) for n in missing])
    report.teams_created = len(missing)
    by_name = {t.name: t for t in Team.objects.filter(organization=organization)}
    reparented = []
    for row in rows:
        if row.parent_team:
            team = by_name[row.team]
            parent_id = by_name[row.parent_team].id
            if team.parent_id != parent_id:
                team.parent_id = parent_id
                reparented.append(team)
    Team.objects.bulk_update(reparented, ["parent"], batch_size=BATCH)
    return {name: team.id for name, team in by_name.items()}
