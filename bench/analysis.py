"""Benchmark of the analysis core: stage times, peak memory, and plain networkx as the baseline.

    .venv/bin/python bench/analysis.py [--sizes 1000,10000,100000] [--seed 7]
                                       [--reference-limit 3000] [--flags-limit 10000]

No Django: each size's AnalysisInput is generated directly (`analysis_input`), with a realistic
shape: teams of 8-15 people in a tree, relations advice, decision and help, 80 % of people
answering, each respondent naming 1-8 people per relation, mostly teammates, some in the parent
or child teams, and a popularity tail (1 % of people, Zipf-weighted, named by many).

Each size runs in a child process of its own, so that its peak memory (ru_maxrss, which covers
the whole process: Python, numpy and networkit's C++) belongs to that size alone; the input's
own footprint is printed beside it. Per size it prints:
  stages     graphs, metrics, groups, flags, layout and the total of `analyse` (wall clock; the
             CPU time of all threads beside it, which other load on the machine does not
             inflate); flags is the
             default flagger (influence.analysis.flags, written separately) up to
             --flags-limit people, and no flagger above (its time then reads 0)
  kernel     the bare compute of betweenness + harmonic (all relations) + Louvain, as the
             pipeline runs it (exact up to exact_limit people, sampled above)
  networkx   the same compute in plain networkx (exact betweenness, harmonic, louvain), up to
             --reference-limit people (slower than the kernel by the printed ratio; skipped
             above, where it would take minutes to hours), with the largest difference found
Targets on the 2-core machine: 10,000 people under 30 s with exact metrics, 100,000 under
3 minutes with sampling, memory under 2 GB.

A Django-side run (load the wave from the database, analyse, store in one transaction) will be
added later: `analysis_input` is the seam where loading replaces generation, and `analyse_once`
where storing joins the timed stages.
"""

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from influence.analysis import kernel  # noqa: E402 - after the path set-up for standalone runs
from influence.analysis.graphs import build_graphs, combined_graph  # noqa: E402
from influence.analysis.pipeline import analyse  # noqa: E402
from influence.analysis.types import (  # noqa: E402
    AnalysisInput,
    AnalysisResult,
    NominationIn,
    PersonIn,
    TeamIn,
)

RELATIONS = ("advice", "decision", "help")
STAGES = ("graphs", "metrics", "groups", "flags", "layout")


def analysis_input(size: int, seed: int) -> AnalysisInput:
    """A synthetic organisation of `size` people (the seam for loading a real wave later)."""
    rng = random.Random(seed)
    teams, members, people = _teams_and_people(size, rng)
    stars = rng.sample([p.id for p in people], max(1, size // 100))
    weights = [1 / (rank + 1) for rank in range(len(stars))]
    neighbours: dict[int, list[int]] = {}
    for team in teams:
        if team.parent_id is not None:
            neighbours.setdefault(team.id, []).append(team.parent_id)
            neighbours.setdefault(team.parent_id, []).append(team.id)
    nominations = []
    for person in people:
        if not person.responded:
            continue
        own, near = members[person.team_id], neighbours.get(person.team_id, [])
        for relation in RELATIONS:
            for _ in range(rng.randint(1, 8)):
                draw = rng.random()
                if draw < 0.65:
                    nominee = rng.choice(own)
                elif draw < 0.8 and near:
                    nominee = rng.choice(members[rng.choice(near)])
                else:
                    nominee = rng.choices(stars, weights)[0]
                nominations.append(NominationIn(person.id, nominee, relation, rng.randint(1, 4)))
    return AnalysisInput(tuple(people), tuple(teams), RELATIONS, tuple(nominations), seed=seed)


def _teams_and_people(size: int, rng: random.Random):
    teams, members, people = [], {}, []
    while len(people) < size:
        team_id = len(teams) + 1
        parent = None if team_id == 1 else rng.randint(max(1, team_id // 4), team_id - 1)
        teams.append(TeamIn(team_id, f"Team {team_id}", parent))
        count = min(rng.randint(8, 15), size - len(people))
        first = 1000 + len(people)
        members[team_id] = list(range(first, first + count))
        for j, person_id in enumerate(members[team_id]):
            lead = j == 0
            people.append(PersonIn(person_id, team_id, rng.random() < 0.8, lead, lead * count))
    return teams, members, people


def analyse_once(data: AnalysisInput, flags: bool) -> tuple[AnalysisResult, float, float]:
    """The timed analysis: result, wall seconds, CPU seconds of all threads (the seam where
    storing the result will join later)."""
    started, cpu = time.perf_counter(), time.process_time()
    result = analyse(data, flagger=None if flags else (lambda *_: []))
    return result, time.perf_counter() - started, time.process_time() - cpu


def bare_kernel(data: AnalysisInput) -> tuple[float, float]:
    """Seconds of betweenness + harmonic + Louvain as the pipeline runs them, and of PageRank."""
    graphs = build_graphs(data)
    plan = kernel.sampling_plan(
        graphs.size, exact_limit=data.exact_limit, samples=data.samples, seed=data.seed
    )
    started = time.perf_counter()
    kernel.path_scores(graphs.size, graphs.edges, plan)
    kernel.communities(graphs.size, graphs.combined, data.seed)
    middle = time.perf_counter()
    for relation in RELATIONS:
        kernel.pagerank(graphs.directed[relation])
    return middle - started, time.perf_counter() - middle


def networkx_reference(data: AnalysisInput) -> tuple[float, float]:
    """Plain networkx exact compute; returns (seconds, largest betweenness/harmonic gap)."""
    graphs = build_graphs(data)
    combined = combined_graph(graphs)
    ours = kernel.path_scores(graphs.size, graphs.edges, kernel.SamplingPlan(kernel.EXACT, ()))
    started = time.perf_counter()
    gap = 0.0
    for relation in RELATIONS:
        graph = graphs.directed[relation]
        betweenness = kernel.betweenness_reference(graph)
        harmonic = kernel.harmonic_reference(graph)
        for i, person_id in enumerate(graphs.person_ids):
            gap = max(gap, abs(betweenness[person_id] - ours[relation].betweenness[i]))
            gap = max(gap, abs(harmonic[person_id] - ours[relation].harmonic[i]))
    kernel.communities_reference(combined, data.seed)
    return time.perf_counter() - started, gap


def measure(size: int, seed: int, reference_limit: int, flags: bool) -> dict:
    """One size, in this process (run as a child by main)."""
    started = time.perf_counter()
    data = analysis_input(size, seed)
    row = {"size": size, "ties_in": len(data.nominations)}
    row["generate"] = time.perf_counter() - started
    row["rss_input_mb"] = _max_rss_mb()
    result, row["analyse"], row["analyse_cpu"] = analyse_once(data, flags)
    row["peak_rss_mb"] = _max_rss_mb()
    row.update({stage: result.timings[stage] for stage in STAGES})
    row["mode"] = result.parameters["betweenness"]["mode"]
    row["samples"] = result.parameters["betweenness"]["samples"]
    row["flags_found"] = len(result.flags) if flags else None
    row["cpu_load"] = os.getloadavg()[0]
    row["kernel"], row["pagerank"] = bare_kernel(data)
    if size <= reference_limit:
        row["networkx"], row["gap"] = networkx_reference(data)
    return row


def _max_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--reference-limit", type=int, default=3000)
    parser.add_argument("--flags-limit", type=int, default=10_000)
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        flags = args.child <= args.flags_limit
        row = measure(args.child, args.seed, args.reference_limit, flags)
        print(json.dumps(row))
        return
    print(f"{os.cpu_count()} CPUs; load average at start {os.getloadavg()[0]:.2f}")
    for size in (int(s) for s in args.sizes.split(",")):
        command = [sys.executable, __file__, "--child", str(size), "--seed", str(args.seed)]
        command += ["--reference-limit", str(args.reference_limit)]
        command += ["--flags-limit", str(args.flags_limit)]
        output = subprocess.run(command, check=True, capture_output=True, text=True).stdout  # noqa: S603
        _report(json.loads(output.splitlines()[-1]), args.reference_limit)


def _report(row: dict, reference_limit: int) -> None:
    size = row["size"]
    mode = row["mode"] + (f" ({row['samples']:,} sources)" if row["samples"] else "")
    print(f"\n{size:,} people, {row['ties_in']:,} nominations, betweenness {mode}")
    print("  " + "  ".join(f"{stage} {row[stage]:.2f}s" for stage in STAGES))
    found = row["flags_found"]
    flags = f"flags found: {found}" if found is not None else "no flagger: above --flags-limit"
    without = row["analyse"] - row["flags"]
    print(f"  analyse total {row['analyse']:.2f}s ({flags}); without flags {without:.2f}s")
    print(f"  analyse CPU time {row['analyse_cpu']:.2f}s (all threads; the machine has 2 cores)")
    print(
        f"  peak memory {row['peak_rss_mb']:,.0f} MB (input alone {row['rss_input_mb']:,.0f} MB;"
        " ru_maxrss: whole child process)"
    )
    print(
        f"  kernel (betweenness + harmonic + louvain) {row['kernel']:.2f}s;"
        f" networkx PageRank (3 relations) {row['pagerank']:.2f}s"
    )
    if "networkx" in row:
        ratio = row["networkx"] / row["kernel"] if row["kernel"] else float("inf")
        print(
            f"  networkx exact (same compute) {row['networkx']:.2f}s: {ratio:.1f}x the kernel;"
            f" largest difference {row['gap']:.1e}"
        )
    else:
        print(f"  networkx exact skipped above {reference_limit:,} people (minutes to hours)")
    target = {10_000: 30, 100_000: 180}.get(size)
    if target:
        measured = [("without flags", without)]
        measured += [("with flags", row["analyse"])] if found is not None else []
        for label, seconds in measured:
            met = seconds < target and row["peak_rss_mb"] < 2048
            print(f"  target < {target}s and < 2 GB {label}: {'met' if met else 'MISSED'}")
    print(f"  load average during the run {row['cpu_load']:.2f}")


if __name__ == "__main__":
    main()
