"""Report exports of an analysed organisation: seconds and bytes per format.

    .venv/bin/python bench/export.py [--sizes 1000,5000] [--seed 3] [--pseudonymise]

For each size, the organisation bench/analysis.py generates is imported and analysed through the
database (bench/bench_org.py, as in bench/analysis_db.py), then every format of
influence.exports is rendered for the whole organisation (HR's export), one after the other.
The baseline in the same run is `report_build` alone — the JSON report the API serves — and
`gather` the reads every export starts with (report, ties, positions, changes), so the time
each writer adds is visible. Prints seconds, size and seconds over the baseline per format.
Aim: up to EXPORT_STREAM_MAX_PEOPLE (1,000) every format in a few seconds, as it streams in
the request; 5,000 people well under a minute each, in a background job.

Runs on in-memory SQLite, or on PostgreSQL in a throwaway database when DATABASE_URL is set.
10,000 people takes a few minutes, most of it importing and analysing (--sizes 10000).
"""

import argparse
import importlib
import os
import sys
import time
from pathlib import Path

from bench_org import bench_organization
from throwaway_db import create_bench_database, drop_bench_database

ROOT = Path(__file__).resolve().parent.parent
BENCH_DB = "influence_bench_export"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,5000")
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--pseudonymise", action="store_true", help="time pseudonymised exports")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    admin_url = create_bench_database(os.environ.get("DATABASE_URL", ""), BENCH_DB)
    try:
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        for size in (int(s) for s in args.sizes.split(",")):
            _measure(size, args.seed, args.pseudonymise)
    finally:
        if admin_url:
            drop_bench_database(admin_url, BENCH_DB)


def _measure(size: int, seed: int, pseudonymise: bool) -> None:
    from influence.exports import FORMATS, WRITERS, export_render
    from influence.exports.data import export_data_gather
    from influence.models import AnalysisRun
    from influence.reports import report_build

    started = time.perf_counter()
    bench = bench_organization(size, seed, slug=f"export-{size}", name=f"Export {size}")
    run = AnalysisRun.objects.get(wave_id=bench.wave_id)
    assert run.status == AnalysisRun.Status.SUCCEEDED, run.error
    print(
        f"\n{size:,} people, {bench.nominations:,} nominations: imported and analysed in "
        f"{time.perf_counter() - started:.1f}s"
    )
    for module, _ in WRITERS.values():  # imports are not part of an export's time
        importlib.import_module(f"influence.exports.{module}")
    report_build(run=run)  # warm the database's caches
    baseline = _seconds(lambda: report_build(run=run))
    gather = _seconds(lambda: export_data_gather(run=run, team_ids=None))
    print(f"{'format':<10}{'seconds':>9}{'size':>12}{'over baseline':>15}")
    print(f"{'baseline':<10}{baseline:>9.2f}{'':>12}{'':>15}  report_build (database reads)")
    print(
        f"{'gather':<10}{gather:>9.2f}{'':>12}{gather - baseline:>+14.2f}s  "
        "what every export reads first (report, ties, positions, changes)"
    )
    for fmt in FORMATS:
        start = time.perf_counter()
        file = export_render(run=run, team_ids=None, fmt=fmt, pseudonymise=pseudonymise)
        seconds = time.perf_counter() - start
        print(
            f"{fmt:<10}{seconds:>9.2f}{_size(len(file.content)):>12}"
            f"{seconds - baseline:>+14.2f}s  {file.filename}"
        )


def _seconds(work) -> float:
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


def _size(count: int) -> str:
    return f"{count / 1024:,.0f} KB" if count < 1024 * 1024 else f"{count / 1024 / 1024:,.1f} MB"


if __name__ == "__main__":
    main()
