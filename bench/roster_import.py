"""Benchmark of the roster import: time and queries for a large organisation.

    .venv/bin/python bench/roster_import.py [--people 10000] [--seed 2026]

Runs on in-memory SQLite by default (config.settings.test). With DATABASE_URL naming a
PostgreSQL server it creates a throwaway database `influence_bench` there (dropping any left
over by an earlier run), runs in it and drops it at the end; the database named in the URL is
only used to connect.

Steps, each timed with time.perf_counter and counted with a query wrapper:
  baseline  a bare Person.objects.bulk_create of the same rows (no file, no checks, no managers):
            the floor; rolled back so that (a) starts from the same empty table
  (a)       first import of the file: everyone created
  (b)       the same file again: everyone unchanged
  (c)       10% of people changed and 5% removed, with deactivate_missing
Then the HR pages over the imported roster, against /healthz (one SELECT) as the floor:
the organisation overview (team tree + first page of people), its last page, and a search.
"""

import argparse
import csv
import io
import os
import random
import sys
import time
from contextlib import contextmanager
from pathlib import Path

from throwaway_db import create_bench_database, drop_bench_database

ROOT = Path(__file__).resolve().parent.parent
BENCH_DB = "influence_bench"
PEOPLE_PER_TEAM = 25
TEAM_BRANCHING = 7  # sub-teams per team: 1 + 7 + 49 + 343 = 400 teams for 10,000 people
COLUMNS = (
    "email",
    "name",
    "team",
    "parent_team",
    "manager_email",
    "title",
    "role",
    "employee_id",
    "location",
    "start_year",
)
TITLES = (
    "Software Engineer",
    "Senior Software Engineer",
    "Product Manager",
    "Designer",
    "Account Executive",
    "Data Analyst",
    "Support Specialist",
    "Recruiter",
)
LOCATIONS = ("Berlin", "Lisbon", "London", "Toronto", "Bangalore", "Remote")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    if args.people < 2:
        parser.error("--people must be at least 2")

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    admin_url = create_bench_database(os.environ.get("DATABASE_URL", ""), BENCH_DB)
    try:
        import django

        django.setup()
        _run(args.people, args.seed)
    finally:
        if admin_url:
            drop_bench_database(admin_url, BENCH_DB)


# --- roster generation -------------------------------------------------------------------------


def roster_rows(people: int, seed: int) -> list[dict[str, str]]:
    """A team tree (~25 people a team) with a lead per team reporting to the parent team's lead
    and everyone else reporting to their team's lead. Same arguments, same rows."""
    rng = random.Random(seed)
    team_count = max(1, people // PEOPLE_PER_TEAM)
    teams = [f"Team {i:04d}" for i in range(team_count)]
    parent = [-1] + [(i - 1) // TEAM_BRANCHING for i in range(1, team_count)]
    # Every team gets its lead first, then the others are spread over the teams at random.
    team_of = list(range(team_count)) + [
        rng.randrange(team_count) for _ in range(people - team_count)
    ]
    lead_email = [_email(i) for i in range(team_count)]
    rows = []
    for i, team in enumerate(team_of):
        is_lead = i < team_count
        manager = (
            (lead_email[parent[team]] if parent[team] >= 0 else "") if is_lead else lead_email[team]
        )
        rows.append(
            {
                "email": _email(i),
                "name": f"Person {i:06d}",
                "team": teams[team],
                "parent_team": teams[parent[team]] if parent[team] >= 0 else "",
                "manager_email": manager,
                "title": "Team Lead" if is_lead else rng.choice(TITLES),
                "role": "lead" if is_lead else "employee",
                "employee_id": f"E{i:06d}",
                "location": rng.choice(LOCATIONS),
                "start_year": str(rng.randint(2010, 2025)),
            }
        )
    return rows


def changed_roster(rows: list[dict[str, str]], seed: int) -> tuple[list[dict[str, str]], int, int]:
    """5% of non-leads removed (nobody reports to them), then 10% of all people changed."""
    rng = random.Random(seed + 1)
    members = [i for i, row in enumerate(rows) if row["role"] != "lead"]
    removed = set(rng.sample(members, len(rows) * 5 // 100))
    kept = [dict(row) for i, row in enumerate(rows) if i not in removed]
    changed = rng.sample(range(len(kept)), len(rows) * 10 // 100)
    for i in changed:
        kept[i]["title"] = "Principal " + kept[i]["title"]
        kept[i]["location"] = "Remote" if kept[i]["location"] != "Remote" else "Berlin"
    return kept, len(changed), len(removed)


def to_csv(rows: list[dict[str, str]]) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, fieldnames=COLUMNS)
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def _email(i: int) -> str:
    return f"person{i:06d}@bench.example"


# --- measuring ---------------------------------------------------------------------------------


@contextmanager
def measured(results: list, step: str, people: int):
    from django.db import connection

    queries = 0

    def count(execute, sql, params, many, context):
        nonlocal queries
        queries += 1
        return execute(sql, params, many, context)

    note: dict[str, str] = {}
    with connection.execute_wrapper(count):
        start = time.perf_counter()
        yield note
        seconds = time.perf_counter() - start
    results.append((step, seconds, queries, people / seconds, note.get("result", "")))


def _run(people: int, seed: int) -> None:
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection, transaction

    from teams.models import Person, Team
    from teams.roster_import import BATCH, roster_import
    from teams.services import organization_get_or_create

    _refuse_unless_throwaway(connection)
    call_command("migrate", verbosity=0)
    rows = roster_rows(people, seed)
    content = to_csv(rows)
    changed_rows, changed, removed = changed_roster(rows, seed)
    changed_content = to_csv(changed_rows)
    settings.ROSTER_IMPORT_MAX_BYTES = max(settings.ROSTER_IMPORT_MAX_BYTES, 2 * len(content))
    results: list = []

    with transaction.atomic():
        floor_org, _ = organization_get_or_create(slug="bench-baseline")
        teams = Team.objects.bulk_create(
            [Team(organization=floor_org, name=name) for name in sorted({r["team"] for r in rows})]
        )
        team_id = {team.name: team.id for team in teams}
        with measured(results, "baseline: bare Person bulk_create", people):
            Person.objects.bulk_create(
                [
                    Person(
                        organization=floor_org,
                        email=r["email"],
                        name=r["name"],
                        title=r["title"],
                        team_id=team_id[r["team"]],
                        role=r["role"],
                        employee_id=r["employee_id"],
                        attributes={"location": r["location"], "start_year": r["start_year"]},
                    )
                    for r in rows
                ],
                batch_size=BATCH,
            )
        transaction.set_rollback(True)

    organization, _ = organization_get_or_create(slug="bench", name="Bench")
    steps = (
        ("(a) first import", content, False, people),
        ("(b) re-import, same file", content, False, people),
        (f"(c) {changed} changed, {removed} removed", changed_content, True, len(changed_rows)),
    )
    for step, file_content, deactivate, count in steps:
        with measured(results, step, count) as note:
            report = roster_import(
                organization=organization,
                file_name="bench.csv",
                content=file_content,
                deactivate_missing=deactivate,
            )
            note["result"] = (
                f"{report.created} created, {report.updated} updated, "
                f"{report.unchanged} unchanged, {report.deactivated} deactivated"
            )
        if not report.ok:
            raise SystemExit(f"{step}: the import refused the file: {report.problems[:5]}")
    _print_table(results, people, len({r["team"] for r in rows}), len(content), connection)
    _measure_pages(organization)


def _measure_pages(organization) -> None:
    """Median of 5 requests per page through the Django test client, with query counts."""
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from teams.models import Person, Role
    from teams.services import access_grant

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    hr = Person.objects.filter(organization=organization, is_active=True).order_by("id").first()
    hr.role = Role.HR
    hr.save(update_fields=["role"])
    client = Client()
    client.force_login(access_grant(person=hr, role=Role.HR).user)
    active = Person.objects.filter(organization=organization, is_active=True).count()
    last_page = (active + 49) // 50
    pages = (
        ("floor: /healthz (SELECT 1)", "/healthz"),
        ("organisation overview, page 1", "/organization/"),
        (f"organisation overview, page {last_page}", f"/organization/?page={last_page}"),
        ("search 'person 0012' (name contains)", "/organization/?q=person+0012"),
    )
    print(f"\nHR pages over {active:,} active people (median of 5 requests)")
    print(f"{'page':<40}{'ms':>8}{'queries':>9}{'x floor':>9}")
    floor = None
    for label, url in pages:
        timings, queries = [], 0
        for _ in range(5):
            with CaptureQueriesContext(connection) as captured:
                start = time.perf_counter()
                response = client.get(url)
                timings.append((time.perf_counter() - start) * 1000)
            queries = len(captured)
            assert response.status_code == 200, (url, response.status_code)
        median = sorted(timings)[2]
        floor = floor or median
        print(f"{label:<40}{median:>8.1f}{queries:>9}{median / floor:>9.1f}")


def _print_table(results, people, teams, size, connection) -> None:
    database = connection.settings_dict["NAME"]
    where = (
        "in memory"
        if connection.vendor == "sqlite" and connection.is_in_memory_db()
        else f"database {database}"
    )
    print(
        f"Roster import: {people:,} people in {teams:,} teams, {size / 1e6:.1f} MB CSV, "
        f"{connection.vendor} ({where})"
    )
    print(f"{'step':<36}{'seconds':>9}{'queries':>9}{'people/s':>10}  result")
    for step, seconds, queries, rate, result in results:
        print(f"{step:<36}{seconds:>9.2f}{queries:>9,}{rate:>10,.0f}  {result}")
    floor, first = results[0][1], results[1][1]
    print(f"(a) / baseline: {first / floor:.1f}x the bare bulk_create time")


# --- the database ------------------------------------------------------------------------------


def _refuse_unless_throwaway(connection) -> None:
    """Never write benchmark rows into a real database (e.g. with DJANGO_SETTINGS_MODULE=local)."""
    throwaway = (
        connection.vendor == "sqlite" and connection.is_in_memory_db()
    ) or connection.settings_dict["NAME"] == BENCH_DB
    if not throwaway:
        raise SystemExit(
            f"Refusing to run on database {connection.settings_dict['NAME']!r}: the benchmark "
            "needs in-memory SQLite (DJANGO_SETTINGS_MODULE=config.settings.test, no DATABASE_URL) "
            f"or PostgreSQL through DATABASE_URL, where it uses the throwaway '{BENCH_DB}'."
        )


if __name__ == "__main__":
    main()
