"""Benchmark: the batch on a local Dask cluster against the local pool, and how wall time scales with N.

    python benchmarks/bench_dask.py                 # N = 24 for Dask vs pool; scaling at 12, 48, 96
    python benchmarks/bench_dask.py -n 12 --scaling 12 24

In one run:

* the same N department-years rendered by ``perflib run --jobs 2`` (local pool of 2 workers) and by
  ``perflib run --scheduler local --jobs 2`` (a LocalCluster of 2 workers), both with the warm engine;
  the difference divided by N is the cost per report of scheduling through Dask;
* the local pool at several N: seconds per report should stay flat (linear growth).

Department-years beyond the 36 of the demo portfolio are copies of it under new department codes.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def workspace(n: int, root: Path) -> Path:
    from perflib.demo import generate

    demo = root / "demo"
    if not demo.exists():
        generate(demo)  # under the bundled framework
    params = root / f"params-{n}"
    params.mkdir()
    files = sorted(demo.glob("*/[0-9][0-9][0-9][0-9].yaml"))  # year files, not monitoring snapshots
    for i in range(n):
        source = files[i % len(files)]
        copy = i // len(files)
        code = source.parent.name + (f"-{copy}" if copy else "")
        (params / code).mkdir(exist_ok=True)
        text = source.read_text(encoding="utf-8")
        if copy:
            text = text.replace(f"code: {source.parent.name}", f"code: {code}")
        (params / code / source.name).write_text(text, encoding="utf-8")
    return params


def render(params: Path, out: Path, *extra: str) -> float:
    started = time.perf_counter()
    subprocess.run([str(BIN / "perflib"), "run", "--params", str(params), "--outputs", str(out), "--template",
                    str(REPO / "notebooks" / "report.ipynb"), "--jobs", "2", "--quiet", "--no-overview", *extra],
                   check=True, capture_output=True)
    return time.perf_counter() - started


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-n", type=int, default=24, help="department-years for Dask vs pool (default 24)")
    ap.add_argument("--scaling", type=int, nargs="*", default=[12, 48, 96], help="N for the scaling run")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="perflib-bench-") as tmp:
        root = Path(tmp)
        print(f"{os.cpu_count()} cores, Python {sys.version.split()[0]}, warm engine, 2 workers")
        params = workspace(args.n, root)
        pool = render(params, root / "pool")
        dask = render(params, root / "dask", "--scheduler", "local")
        print(f"\n{'N = ' + str(args.n):30}{'seconds':>9}{'s/report':>10}{'vs pool':>9}")
        print(f"{'local pool (--jobs 2)':30}{pool:9.2f}{pool / args.n:10.3f}{1:9.2f}")
        print(f"{'Dask LocalCluster (2 workers)':30}{dask:9.2f}{dask / args.n:10.3f}{dask / pool:9.2f}")
        print(f"Dask scheduling cost per report (incl. cluster start-up): {(dask - pool) / args.n * 1000:.0f} ms")
        print(f"\n{'scaling, local pool':30}{'seconds':>9}{'s/report':>10}")
        first = None
        for n in args.scaling:
            seconds = render(workspace(n, root), root / f"scale-{n}")
            first = first or seconds / n
            print(f"{'N = ' + str(n):30}{seconds:9.2f}{seconds / n:10.3f}   ({seconds / n / first:.2f}× the smallest N's)")


if __name__ == "__main__":
    main()
