"""The influence map in a browser: time from navigation to the first drawn frame, and payload.

    .venv/bin/python bench/map.py [--sizes 500,2000,5000] [--runs 3]

For each size, an organisation bench/analysis.py generates is imported and analysed (as in
bench/analysis_db.py) into a throwaway SQLite file; the site is served by gunicorn (2 workers ×
4 threads, local settings) and opened in headless Debian Chromium (WebGL through SwiftShader) as
that organisation's HR, in a fresh browser context per measurement (cold cache). Prints, as the
median of --runs:
- organisation map: navigation → first frame of the map with nodes (teams aggregated), the map
  JSON it fetched (bytes as sent, and gzipped), and the time to expand every team and draw all
  people;
- team map of the largest department (a top-level team with its sub-teams), same figures;
- the floor in the same run: navigation → load of a page with no map (the HR "Me" page).
Aim: under 2 s to the first frame at 5,000 people.
"""

import argparse
import gzip
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.request import urlopen

from bench_org import bench_organization

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "bench-map-password-2026"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--use-gl=angle",
    "--use-angle=swiftshader",
    "--enable-unsafe-swiftshader",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
EXPAND_ALL = """async () => {
  const map = window.influenceMap;
  const teams = map.graph.nodes().filter((key) => key.startsWith("t"));
  const started = performance.now();
  for (const key of teams) map.expandTeam(Number(key.slice(1)));
  await new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
  return {ms: performance.now() - started, nodes: map.graph.order, edges: map.graph.size};
}"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="500,2000,5000")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=3)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    sys.path.insert(0, str(ROOT))
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/bench_map.sqlite3"
        # Local settings for building and serving alike (eager Celery, the same password hasher).
        os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.local"
        os.environ.pop("CELERY_BROKER_URL", None)
        import django

        django.setup()
        organisations = _organisations(sizes, args.seed)
        with _server() as base_url:
            _measure(base_url, organisations, args.runs)


def _organisations(sizes: list[int], seed: int) -> list[dict]:
    from django.core.management import call_command

    from teams.models import Person, Role, Team
    from teams.services import access_grant

    call_command("migrate", verbosity=0)
    found = []
    for size in sizes:
        started = time.perf_counter()
        bench = bench_organization(size, seed, slug=f"map-{size}", name=f"Map {size}")
        teams = Team.objects.filter(organization=bench.organization)
        # Simulated e-mails repeat across organisations; HR gets an address of its own.
        hr = Person.objects.create(
            organization=bench.organization,
            team=teams.order_by("id").first(),
            email=f"hr-{size}@bench.example",
            name=f"HR {size}",
        )
        hr = access_grant(person=hr, role=Role.HR, password=PASSWORD)
        top = max(
            teams.filter(parent__isnull=True),
            key=lambda t: teams.filter(parent=t).count(),
        )
        found.append({"size": size, "hr": hr.email, "wave": bench.wave_id, "team": top.id})
        print(f"{size:,} people: imported and analysed in {time.perf_counter() - started:.1f}s")
    return found


class _server:
    """gunicorn on a free port with the bench database; local settings (DEBUG, static files
    served from node_modules and static/ by whitenoise)."""

    def __enter__(self) -> str:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.local"}
        self.process = subprocess.Popen(  # noqa: S603 - our own gunicorn, fixed arguments
            [
                str(ROOT / ".venv" / "bin" / "gunicorn"),
                "config.wsgi",
                f"--bind=127.0.0.1:{port}",
                "--workers=2",
                "--threads=4",
                "--log-level=warning",
            ],
            cwd=ROOT,
            env=env,
        )
        url = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                urlopen(url + "/healthz", timeout=1)  # noqa: S310 - our own local server
                return url
            except OSError:
                time.sleep(0.1)
        raise SystemExit("gunicorn did not start")

    def __exit__(self, *exc) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


def _measure(base_url: str, organisations: list[dict], runs: int) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=os.environ.get("CHROMIUM", "/usr/bin/chromium"), args=CHROMIUM_ARGS
        )
        print(f"\nmedian of {runs} cold loads each, Chromium {browser.version}, 1280x900")
        print(
            f"{'people':>7}  {'page':<22}{'first frame':>12}{'floor':>8}{'map JSON':>10}"
            f"{'gzipped':>9}{'expand all':>11}  drawn"
        )
        for org in organisations:
            pages = [
                ("organisation map", f"/organisation/influence/?wave={org['wave']}"),
                ("largest department", f"/teams/{org['team']}/influence/?wave={org['wave']}"),
            ]
            for label, path in pages:
                rows = [_load(browser, base_url, org["hr"], path) for _ in range(runs)]
                _print(org["size"], label, rows)
        browser.close()


def _load(browser, base_url: str, email: str, path: str) -> dict:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(base_url + "/accounts/login/")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    floor_page = context.new_page()  # same session, cold page: the floor
    floor_page.goto(base_url + "/me/")
    floor = floor_page.evaluate("performance.getEntriesByType('navigation')[0].loadEventEnd")
    payload = []
    page.on("response", lambda r: payload.append(r.body()) if "map.json" in r.url else None)
    problems = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.goto(base_url + path)
    try:
        page.wait_for_selector("#influence-map[data-state=ready]", timeout=60_000)
    except Exception as exc:
        state = page.get_attribute("#influence-map", "data-state")
        raise SystemExit(f"{path}: the map did not draw (state {state}): {problems}") from exc
    first_frame = page.evaluate("window.influenceMap.firstFrameAt")
    expanded = page.evaluate(EXPAND_ALL) if "organisation" in path else None
    context.close()
    raw = b"".join(payload)
    return {
        "first_frame": first_frame,
        "floor": floor,
        "bytes": len(raw),
        "gzipped": len(gzip.compress(raw)),
        "expand": expanded,
    }


def _print(size: int, label: str, rows: list[dict]) -> None:
    def median(key):
        return statistics.median(r[key] for r in rows)

    expand = [r["expand"] for r in rows if r["expand"]]
    expand_ms = f"{statistics.median(e['ms'] for e in expand):.0f} ms" if expand else "-"
    drawn = f"{expand[0]['nodes']:,} nodes, {expand[0]['edges']:,} edges" if expand else ""
    print(
        f"{size:>7,}  {label:<22}{median('first_frame'):>9.0f} ms{median('floor'):>5.0f} ms"
        f"{median('bytes') / 1024:>7.0f} KB{median('gzipped') / 1024:>6.0f} KB{expand_ms:>11}"
        f"  {drawn}"
    )


if __name__ == "__main__":
    main()
