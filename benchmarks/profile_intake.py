"""Where an intake's time goes, per form: its phases timed one by one, in one process, on generated forms.

    python benchmarks/profile_intake.py                      # the 1,000 forms of bench_intake.py
    python benchmarks/profile_intake.py --n 100 --cprofile /tmp/intake.prof   # and a cProfile of the same path

Each form goes the way ``perflib.intake`` takes it (:func:`perflib.intake.one._read`, then
:func:`~perflib.intake.one.write`), timed at every step: the code from the file's name, the grids
(python-calamine), the form read by its labels into an input dict, validation (``ParamsFile``), scoring
and audit (``evaluate_params``), and the file written (its YAML text and ``os.fsync`` timed apart). The steps follow the intake's own internals, so this script follows them
when they change. CPU and wall time are both shown: on a busy machine the wall time includes waiting.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import forms


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", "-n", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=2025)
    ap.add_argument("--cprofile", metavar="FILE", help="also profile the same path with cProfile into FILE")
    args = ap.parse_args()
    folder = forms.generate(args.n, args.seed)
    manifest = forms.manifest(folder)

    started = time.perf_counter()
    from perflib.evaluation import evaluate_params
    from perflib.inputs.schema import ParamsFile
    from perflib.inputs.validation import validate
    from perflib.intake import one
    from perflib.intake.form import read
    from perflib.intake.grid import read_grids
    from perflib.intake.one import code_for, framework_for, write
    from perflib.intake.receipt import Intake
    from perflib.workbooks.sheets import yaml_text
    imported = time.perf_counter() - started
    frameworks = {f: framework_for(f, None) for f in (forms.DEPARTMENT, forms.PROJECT)}

    wall: Counter[str] = Counter()
    cpu: Counter[str] = Counter()
    fsync, text = [0.0], [0.0]
    real_fsync = os.fsync

    def timed_fsync(fd: int) -> None:
        t = time.perf_counter()
        real_fsync(fd)
        fsync[0] += time.perf_counter() - t

    def timed_yaml_text(data: dict) -> str:
        t = time.perf_counter()
        try:
            return yaml_text(data)
        finally:
            text[0] += time.perf_counter() - t

    steps = ("code from the file's name", "read_grids (python-calamine)", "form.read (labels → input dict)",
             "validate (ParamsFile)", "evaluate_params (score + audit)", "write (yaml_text, atomic create, fsync)")

    def now() -> tuple[float, float]:
        return time.perf_counter(), time.process_time()

    def run(out: str) -> int:
        """Every form once; each step's wall and CPU time added up (a refused form's not at all)."""
        done = 0
        for rel, info in manifest.items():
            path, fw = folder / rel, frameworks[info["framework"]]
            marks = [now()]
            try:
                code = code_for(path, fw.kind, None)
                marks.append(now())
                grids = read_grids(path)
                marks.append(now())
                reading = read(path, grids, fw, code=code, year=None)
                marks.append(now())
                params = validate(ParamsFile, reading.data, path)
                marks.append(now())
                ev = evaluate_params(params, fw, path=None)
                marks.append(now())
            except Exception:  # noqa: BLE001 - refused: not counted
                continue
            write(Intake(path, "read", code=ev.code, year=ev.year, project=reading.project, data=reading.data), out)
            marks.append(now())
            for name, (w0, c0), (w1, c1) in zip(steps, marks, marks[1:]):
                wall[name] += w1 - w0
                cpu[name] += c1 - c0
            done += 1
        return done

    os.fsync, one.yaml_text = timed_fsync, timed_yaml_text
    try:
        with tempfile.TemporaryDirectory(prefix="perflib-profile-") as out:
            run(out + "/warm-up")  # first-time costs (lazy imports, caches) out of the figures
            wall.clear(), cpu.clear()
            fsync[0] = text[0] = 0.0
            started = time.perf_counter()
            n = run(out + "/measured")
            total = time.perf_counter() - started
            print(f"{n} of {len(manifest)} forms read (refused ones not counted), one process, after a warm-up pass; "
                  f"import of the intake's modules {imported:.2f} s")
            print(f"{'':50}{'wall ms':>9}{'CPU ms':>9}{'share':>7}")
            for name in wall:
                print(f"{name:50}{wall[name] / n * 1000:9.2f}{cpu[name] / n * 1000:9.2f}{wall[name] / total * 100:6.0f}%")
            for name, seconds in (("  of which yaml_text", text[0]), ("  of which os.fsync", fsync[0])):
                print(f"{name:50}{seconds / n * 1000:9.2f}{'':9}{seconds / total * 100:6.0f}%")
            print(f"{'all':50}{total / n * 1000:9.2f}{sum(cpu.values()) / n * 1000:9.2f}")
            if args.cprofile:
                import cProfile

                profile = cProfile.Profile()
                profile.runcall(run, out + "/profiled")
                profile.dump_stats(args.cprofile)
    finally:
        os.fsync, one.yaml_text = real_fsync, yaml_text
    if args.cprofile:
        print(f"cProfile of a third pass: {args.cprofile} (python -m pstats {args.cprofile})")


if __name__ == "__main__":
    main()
