"""Benchmark: the bureau's review (perflib.review) of N forms handed in, measured against their intake.

    python benchmarks/bench_review.py                 # N = 1000, --jobs 2: the goal, the review adding ≤ 30 s
    python benchmarks/bench_review.py --n 100 --seed 7
    make bench-review

The forms come from ``benchmarks/forms.py`` (seeded, cached by N and seed; their generation is not
measured). In one run, each step in a fresh process (no step inherits another's imports or caches):

* intake — ``perflib.intake.intake(folder, framework=…, out=PARAMS, jobs=J, write=True)`` for the department
  and the project folder (as ``bench_intake.py`` measures it): the forms become a params folder;
* review — ``perflib.bureau.review(PARAMS, years, jobs=J)`` of every year the forms are of (2022–2024), so
  every form read is reviewed, with last year's form beside it where there is one.

The intake is the baseline, measured in the same run: the review's seconds ÷ the intake's show what the
review adds to taking the forms in. Each step runs ``--repeat`` times (default 1; the intake's output of
the first run is reviewed every time) and the fastest counts. Prints the seconds, the ratio, the queries
found (by kind), the forms reviewed and the forms that could not be read.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
HERE = Path(__file__).resolve().parent
GOAL_SECONDS = 30.0
GOAL_N = 1000

sys.path.insert(0, str(HERE))
import bench_intake  # noqa: E402  (the intake is measured as bench_intake measures it: the baseline)
import forms  # noqa: E402  (benchmarks/forms.py, beside this file)


def cpu_seconds() -> float:
    """User + system seconds of this process and of the child processes it has waited for (the workers)."""
    return sum(r.ru_utime + r.ru_stime for r in (resource.getrusage(resource.RUSAGE_SELF),
                                                 resource.getrusage(resource.RUSAGE_CHILDREN)))


def measure_review(params: Path, jobs: int) -> dict:
    import perflib.bureau

    years = sorted({int(p.stem) for p in params.glob("*/20??.yaml")}
                   | {int(p.name) for p in params.glob("*/projects/20??") if p.is_dir()})
    started, cpu = time.perf_counter(), cpu_seconds()
    rv = perflib.bureau.review(params, years, jobs=jobs)
    seconds = time.perf_counter() - started
    queries = rv.queries
    return {"seconds": seconds, "cpu": cpu_seconds() - cpu, "years": years, "forms": len(rv.forms),
            "failed": len(rv.failed), "queries": len(queries), "kinds": dict(Counter(q.kind for q in queries)),
            "risk": float(sum(q.risk for q in queries))}


def child(what: str, folder: Path, out: Path, jobs: int) -> dict:
    """Run one measurement in a fresh interpreter; its result as a dict."""
    return forms.in_child(__file__, what, folder, out, jobs)


def best(runs: list[dict]) -> dict:
    fastest = dict(min(runs, key=lambda r: r["seconds"]))
    fastest["runs"] = [r["seconds"] for r in runs]
    return fastest


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    forms.arguments(ap, n=GOAL_N, repeat=1)
    args = ap.parse_args()
    if args._measure:  # in the child
        folder, out = Path(args._folder), Path(args._out)
        result = (bench_intake.measure_api(folder, out, args.jobs, None) if args._measure == "intake"
                  else measure_review(out, args.jobs))
        print(json.dumps(result, ensure_ascii=False))
        return

    cached = (forms.folder_for(args.n, args.seed) / "done").is_file()
    started = time.perf_counter()
    folder = forms.generate(args.n, args.seed)
    n = len(forms.manifest(folder))
    how = "cached" if cached else f"generated in {time.perf_counter() - started:.0f} s, not measured"
    print(f"{n} forms in {folder} ({how})")
    print(f"{os.cpu_count()} cores, Python {sys.version.split()[0]}, --jobs {args.jobs}")
    with tempfile.TemporaryDirectory(prefix="perflib-bench-review-") as tmp:
        root = Path(tmp)
        intakes = [child("intake", folder, root / f"params-{i}", args.jobs) for i in range(args.repeat)]
        reviews = [child("review", folder, root / "params-0", args.jobs) for _ in range(args.repeat)]
    intake, review = best(intakes), best(reviews)
    ratio = review["seconds"] / intake["seconds"]
    print(f"\n{'':44}{'seconds':>9}{'ms/form':>9}{'CPU s':>8}")
    years = "、".join(map(str, review["years"]))
    for label, r in ((f"intake (baseline), jobs={args.jobs}", intake), (f"review {years}, jobs={args.jobs}", review)):
        print(f"{label:44}{r['seconds']:9.2f}{r['seconds'] / n * 1000:9.1f}{r['cpu']:8.2f}")
    print(f"review ÷ intake: {ratio:.2f}×   (fastest of {args.repeat} run(s) each; CPU s: user + system of the process and its workers)")
    print(f"intake: {len(intake['entries'])} forms taken in; review: {review['forms']} forms reviewed, "
          f"{review['failed']} could not be read, {review['queries']} queries (risk {review['risk']:.2f})")
    print("queries by kind: " + ", ".join(f"{k} {v}" for k, v in sorted(review["kinds"].items(), key=lambda kv: -kv[1])))
    if n == GOAL_N:
        print(f"goal: the review of {GOAL_N} forms adds ≤ {GOAL_SECONDS:.0f} s on 2 cores — {review['seconds']:.1f} s: "
              f"{'PASS' if review['seconds'] <= GOAL_SECONDS else 'FAIL'}")
    else:
        print(f"goal (at N = {GOAL_N}): ≤ {GOAL_SECONDS / GOAL_N * 1000:.0f} ms a form; here "
              f"{review['seconds'] / n * 1000:.1f} ms a form")


if __name__ == "__main__":
    main()
