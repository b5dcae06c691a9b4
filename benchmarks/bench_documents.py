"""Benchmark: one report's PDF and Word laid out from its rendered page, in a warm process.

    python benchmarks/bench_documents.py                      # the worked example's page (renders it first)
    python benchmarks/bench_documents.py --page outputs/baiyun-emergency/2023/report.html -n 9

Times, as the median of ``-n`` runs after one warm-up (fonts loaded, Typst's compiler held, python-docx
imported), wall and CPU:

* ``page_pdf(html)``: the page → blocks → Typst → PDF;
* ``page_docx(html, …)``: the page → blocks → Word, each chart's SVG rasterised by Typst;
* ``report_docx(report)``: the same Word from the evaluation, its chapters rendered again (charts drawn as
  SVG by matplotlib) — what the batch calls until it passes the page.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def timed(make: Callable[[], object], n: int) -> tuple[float, float]:
    """Median wall and CPU seconds of ``n`` calls, after one to warm up."""
    make()
    wall, cpu = [], []
    for _ in range(n):
        w, c = time.perf_counter(), time.process_time()
        make()
        wall.append(time.perf_counter() - w)
        cpu.append(time.process_time() - c)
    return statistics.median(wall), statistics.median(cpu)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--page", type=Path, help="a rendered report.html (default: render the worked example)")
    parser.add_argument("-n", type=int, default=5, help="runs per measurement (median)")
    args = parser.parse_args(argv)

    from perflib.present import report
    from perflib.present.pdf import page_pdf
    from perflib.present.word import page_docx, report_cover, report_docx

    params = REPO / "params"
    page = args.page
    if page is None:
        from perflib.batch.tasks import render_page

        page = render_page(params, "baiyun-emergency", 2023, Path(tempfile.mkdtemp(prefix="perflib-bench-")))
    html = page.read_text(encoding="utf-8")
    report.setup()
    r = report.load(params, "baiyun-emergency", 2023)
    rows = [
        ("page_pdf(html)", lambda: page_pdf(html)),
        ("page_docx(html, …)", lambda: page_docx(html, cover_rows=report_cover(r.ev), author=r.ev.department)),
        ("report_docx(report)", lambda: report_docx(r)),
    ]
    print(f"{page}  (median of {args.n}, warm)")
    for name, make in rows:
        wall, cpu = timed(make, args.n)
        print(f"  {name:<22} {wall:6.3f} s wall  {cpu:6.3f} s CPU")
    return 0


if __name__ == "__main__":
    sys.exit(main())
