"""The analysis through the database: load a wave, compute, store, as a closed wave triggers it.

    .venv/bin/python bench/analysis_db.py [--people 10000]

Imports the organisation bench/analysis.py generates (influence.simulation is too slow to
build 10,000 people) through the roster and answer imports (influence.simulation's row helpers),
which close a wave and, with Celery eager, run the analysis at once. Prints the run's stage
timings (load from the database, graphs, metrics, groups, flags, layout, store) and, in the same
run, `analyse` on the same input without the database, so the database share is visible.
Runs on in-memory SQLite, or on PostgreSQL in a throwaway database when DATABASE_URL is set.
"""

import argparse
import os
import sys
import time
from pathlib import Path

from bench_org import bench_organization
from throwaway_db import create_bench_database, drop_bench_database

ROOT = Path(__file__).resolve().parent.parent
BENCH_DB = "influence_bench_analysis"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=3)
    args = parser.parse_args()
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


def _run(people: int, seed: int) -> None:
    from django.core.management import call_command
    from django.db import connection

    from influence.analysis.pipeline import analyse
    from influence.models import AnalysisRun
    from influence.selectors import analysis_input_for_wave

    call_command("migrate", verbosity=0)
    bench = bench_organization(people, seed)
    run = AnalysisRun.objects.get(wave_id=bench.wave_id)
    print(
        f"{people:,} people, {bench.nominations:,} nominations, {connection.vendor}: "
        f"run {run.status}{' — ' + run.error if run.error else ''}"
    )
    print(
        f"roster import {bench.roster_seconds:.1f}s; answers import + analysis "
        f"{bench.answers_and_analysis_seconds:.1f}s"
    )
    print(
        "stage timings of the run (s): "
        + ", ".join(f"{stage} {seconds:.2f}" for stage, seconds in run.timings.items())
    )
    start = time.perf_counter()
    analyse(analysis_input_for_wave(run.wave))
    print(
        f"same analysis without the database: {time.perf_counter() - start:.2f}s "
        "(load + analyse in memory, nothing stored)"
    )


if __name__ == "__main__":
    main()
