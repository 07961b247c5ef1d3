"""Many respondents submitting at once against the real server (gunicorn + PostgreSQL).

    .venv/bin/python bench/submit.py [--respondents 1000] [--concurrency 16] [--duplicates 0.2]

Creates a throwaway PostgreSQL database (`influence_bench_submit`, from DATABASE_URL or the local
server as user postgres), an organisation of --respondents people with an open wave of a survey
asking advice, decision and help (up to 5 people each, with how often), and one secret link per
person. It starts gunicorn (gthread) with production settings and, in the same run:
  floor   one POST per person to a trivial view that writes one row
  submit  one PUT /api/answer/<token>/ per person submitting 3 questions x 2-5 nominees, and for
          --duplicates of them the same submission sent twice at once (double click, two tabs)
It prints submissions per second, p50/p95 latency and the ratios to the floor, then checks that
every respondent has exactly one response with exactly the nominations sent.
"""

import argparse
import http.client
import json
import os
import random
import statistics
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from throwaway_db import create_bench_database, drop_bench_database

ROOT = Path(__file__).resolve().parent.parent
BENCH_DB = "influence_bench_submit"
PORT = 8765
SECRET = "bench-only-secret-" + "x" * 48


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--respondents", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--duplicates", type=float, default=0.2)
    parser.add_argument("--seed", type=int, default=5)
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/postgres"
    sys.path[:0] = [str(ROOT), str(Path(__file__).parent)]
    os.environ.update(
        DJANGO_SETTINGS_MODULE="submit_site",
        SECRET_KEY=SECRET,
        ALLOWED_HOSTS="127.0.0.1",
        SITE_URL=f"http://127.0.0.1:{PORT}",
    )
    os.environ.pop("CELERY_BROKER_URL", None)
    admin_url = create_bench_database(url, BENCH_DB)
    server = None
    try:
        import django

        django.setup()
        plan = _prepare(args.respondents, args.seed)
        server = _start_gunicorn()
        floor = _load(
            [("POST", f"/bench/one-row/{p['invitation']}/", b"") for p in plan], args.concurrency
        )
        requests = _submissions(plan, args.duplicates, args.seed)
        submit = _load(requests, args.concurrency)
        _report(floor, submit, len(plan), len(requests), args.concurrency)
        _check(plan)
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=20)
        drop_bench_database(admin_url, BENCH_DB)


def _prepare(people: int, seed: int) -> list[dict]:
    """Organisation, survey, open wave and one link per person; returns what each will send."""
    from datetime import timedelta

    from django.core.management import call_command
    from django.utils import timezone

    from surveys.models import Invitation, InvitationLink
    from surveys.services import bank_questions, survey_create, wave_create, wave_open
    from surveys.tokens import token_new
    from teams.models import Organization, Person, Team

    call_command("migrate", verbosity=0)
    organization = Organization.objects.create(name="Bench", slug="bench")
    teams = Team.objects.bulk_create(
        [Team(organization=organization, name=f"Team {i}") for i in range(max(1, people // 12))]
    )
    Person.objects.bulk_create(
        [
            Person(
                organization=organization,
                email=f"p{i}@bench.example",
                name=f"Person {i}",
                team=teams[i % len(teams)],
            )
            for i in range(people)
        ],
        batch_size=1000,
    )
    survey = survey_create(
        organization=organization,
        title="Bench pulse",
        questions=bank_questions(["advice", "decision", "help"], ask_strength=True),
    )
    now = timezone.now()
    wave = wave_create(survey=survey, opens_at=now, closes_at=now + timedelta(days=1))
    wave_open(wave=wave, send=False)
    rng = random.Random(seed)
    person_ids = list(Person.objects.filter(organization=organization).values_list("id", flat=True))
    question_ids = list(survey.questions.values_list("id", flat=True))
    plan, links = [], []
    for invitation in Invitation.objects.filter(wave=wave).order_by("id"):
        token, digest = token_new()
        links.append(InvitationLink(invitation=invitation, token_hash=digest))
        others = [pid for pid in rng.sample(person_ids, 12) if pid != invitation.person_id]
        answers = [
            {
                "question": qid,
                "nominees": [
                    {"person": pid, "strength": rng.randint(1, 4)}
                    for pid in others[i * 3 : i * 3 + rng.randint(2, 5)]
                ],
            }
            for i, qid in enumerate(question_ids)
        ]
        plan.append({"invitation": invitation.id, "token": token, "answers": answers})
    InvitationLink.objects.bulk_create(links, batch_size=1000)
    return plan


def _submissions(plan, duplicates: float, seed: int) -> list[tuple[str, str, bytes]]:
    rng = random.Random(seed)
    requests = []
    for person in plan:
        body = json.dumps({"answers": person["answers"], "submit": True}).encode()
        request = ("PUT", f"/api/answer/{person['token']}/", body)
        requests += [request, request] if rng.random() < duplicates else [request]
    return requests


def _start_gunicorn() -> subprocess.Popen:
    python_path = os.pathsep.join([str(ROOT), str(Path(__file__).parent)])
    server = subprocess.Popen(  # noqa: S603
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "config.wsgi:application",
            "--bind",
            f"127.0.0.1:{PORT}",
            "--worker-class",
            "gthread",
            "--workers",
            "3",
            "--threads",
            "4",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": python_path},
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=2)
            connection.request("GET", "/healthz", headers={"Host": "127.0.0.1"})
            if connection.getresponse().status == 200:
                return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("gunicorn did not answer /healthz within 30 s")


def _load(requests, concurrency: int) -> dict:
    """Send the requests from `concurrency` keep-alive clients; latencies in ms."""
    local = threading.local()
    latencies, statuses = [], []

    def send(request):
        method, path, body = request
        if not hasattr(local, "connection"):
            local.connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
        start = time.perf_counter()
        local.connection.request(
            method,
            path,
            body=body,
            headers={"Host": "127.0.0.1", "Content-Type": "application/json"},
        )
        response = local.connection.getresponse()
        response.read()
        latencies.append((time.perf_counter() - start) * 1000)
        statuses.append(response.status)

    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        list(pool.map(send, requests))
    seconds = time.perf_counter() - start
    return {
        "seconds": seconds,
        "latencies": latencies,
        "statuses": statuses,
        "count": len(requests),
    }


def _report(floor, submit, respondents, requests, concurrency) -> None:
    def row(label, result):
        q = statistics.quantiles(result["latencies"], n=100)
        rate = result["count"] / result["seconds"]
        bad = sum(1 for s in result["statuses"] if s >= 300)
        print(f"{label:<34}{result['count']:>8}{rate:>10.0f}{q[49]:>9.1f}{q[94]:>9.1f}{bad:>7}")
        return rate, q[49], q[94]

    print(
        f"{respondents} respondents, {requests} submission requests (duplicates included), "
        f"{concurrency} concurrent clients, gunicorn gthread 3x4, PostgreSQL"
    )
    print(f"{'':<34}{'requests':>8}{'req/s':>10}{'p50 ms':>9}{'p95 ms':>9}{'errors':>7}")
    f_rate, f50, f95 = row("floor: trivial view writing 1 row", floor)
    s_rate, s50, s95 = row("survey submission (3 questions)", submit)
    print(
        f"ratio submission/floor: throughput {s_rate / f_rate:.2f}x, p50 {s50 / f50:.1f}x, "
        f"p95 {s95 / f95:.1f}x"
    )


def _check(plan) -> None:
    from django.db.models import Count

    from surveys.models import InvitationEvent, Nomination, Response

    expected = {p["invitation"]: sum(len(a["nominees"]) for a in p["answers"]) for p in plan}
    responses = dict(
        Response.objects.filter(submitted_at__isnull=False)
        .values_list("invitation_id")
        .annotate(n=Count("id"))
    )
    nominations = dict(
        Nomination.objects.values_list("response__invitation_id").annotate(n=Count("id"))
    )
    answered = InvitationEvent.objects.filter(kind="answered").count()
    wrong = [i for i in expected if responses.get(i) != 1 or nominations.get(i) != expected[i]]
    print(
        f"stored exactly once: {len(expected) - len(wrong)}/{len(expected)} respondents; "
        f"'answered' events: {answered}"
    )
    if wrong or answered != len(expected):
        raise SystemExit(f"{len(wrong)} respondents stored wrongly, e.g. invitations {wrong[:5]}")


if __name__ == "__main__":
    main()
