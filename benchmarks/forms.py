"""Filled 自评表 forms for the intake benchmark: generated, seeded, varied, some of them messy.

    python benchmarks/forms.py -n 1000 --seed 2025     # writes (or finds) the forms, prints the folder

``generate(n, seed)`` writes ``n`` forms as .xlsx with perflib's own form writer
(:func:`perflib.present.form.form_workbook`) and returns the folder; the same ``n`` and ``seed`` give
the same files, cached in ``$TMPDIR/perflib-bench-forms/v<LAYOUT>-n<N>-s<SEED>/`` (a ``done`` marker is written
last, so an interrupted generation is started again). Two kinds, each in a folder of its own, since an
intake runs under one framework:

* ``department/<year>/<code>.xlsx`` — 部门整体支出绩效自评表 under guangzhou-department-overall (about 30 %),
  one per department code ``bench-d<i>``, its year 2022–2024;
* ``project/<year>/<code>/p<i>.xlsx`` — 项目支出绩效自评表 under mof-project-self-evaluation (about 70 %:
  departments have many projects a year), spread over 60 department codes ``bench-<k>``: in a folder named
  by the department's code, as intake takes a project form's code from its folder.

Every form has 10–40 indicators, budgets from 50 万元 to 60,000 万元, every kind of outcome (targets
met, missed, far exceeded; qualitative tiers; slow spending). About a third are then made messy with
openpyxl, as forms filled by people are: scores typed as text, 执行率 typed as "98.50%", amounts typed
as text with thousands separators, blank 偏差原因 and (rarely) a blank 实际完成值, template placeholder
rows ("指标3：……") and rows marked not applicable ("/") inserted inside an indicator group.
What was done to each form is in ``manifest.json`` (path → kind, framework, code, year, indicators,
total, grade, mutations).

Generation is not part of any measured time (about 45 ms a form, on every core).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import shutil
import sys
import tempfile
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

DEPARTMENT = "guangzhou-department-overall"
PROJECT = "mof-project-self-evaluation"
DEPARTMENT_SHARE = 0.3
MESSY_SHARE = 0.35
DEPARTMENT_CODES = 60  # the project forms' departments
YEARS = (2022, 2023, 2024)
LAYOUT = 2  # the cache's version: raised whenever what is generated changes

FIELDS = ("基础教育", "公共卫生", "社会救助", "交通基础设施", "乡村振兴", "公共文化服务", "市场监管", "污染防治",
          "水利工程", "市容环境", "就业创业", "公共法律服务", "应急管理", "住房保障", "科技创新", "养老服务")
#: what makes a repeated indicator template a different indicator: the part of the work it counts
AREAS = ("城区", "镇街", "村居", "园区", "学校", "社区", "窗口单位", "基层站所", "重点片区", "试点单位", "新建项目",
         "续建项目", "东片区", "西片区", "南片区", "北片区")
PROJECT_KINDS = ("专项资金", "建设项目", "运行维护项目", "能力提升项目", "补助资金", "购买服务项目", "信息化建设项目")


def _cache_root() -> Path:
    return Path(tempfile.gettempdir()) / "perflib-bench-forms"


def folder_for(n: int, seed: int) -> Path:
    """Where the ``n`` forms of ``seed`` are (or will be) cached."""
    return _cache_root() / f"v{LAYOUT}-n{n}-s{seed}"


def _indicators(rng: random.Random, groups: list[tuple[str, int, int]], quality: float, field: str) -> list[dict]:
    """Indicators for ``groups`` of (category prefix, points, count): demo templates, repeated over areas."""
    from perflib.demo import INDICATORS, _indicator, _split

    pool_of = {"产出": INDICATORS["产出"], "效益": INDICATORS["效益"][:-1], "满意度": INDICATORS["效益"][-1:]}
    out = []
    for prefix, points, count in groups:
        pool = pool_of[prefix]
        templates = []
        for j in range(count):
            category, name, *rest = pool[j % len(pool)]
            if j >= len(pool):  # the same measure, counted for another part of the work
                name = AREAS[(j // len(pool) - 1) % len(AREAS)] + ("" if j < len(pool) * (len(AREAS) + 1)
                                                                   else str(j)) + name
            templates.append((category, name, *rest))
        templates.sort(key=lambda t: t[0])  # one 二级 heading's rows together
        for template, weight in zip(templates, _split(points, count, rng)):
            out.append(_indicator(template, quality, weight, field, rng, tier_ok=quality > 0.55))
    return out


def department_params(i: int, seed: int) -> dict:
    """Form ``i``: a department-year under guangzhou-department-overall, 10–40 indicators."""
    from perflib.demo import Profile, department_year

    rng = random.Random(f"{seed}-department-{i}")
    field = rng.choice(FIELDS)
    quality = rng.uniform(0.2, 1.0)
    year = rng.choice(YEARS)
    profile = Profile(f"bench-d{i:05d}", f"示范区第{i}局", field, (quality,) * 3, (rng.uniform(1, 3),) * 3,
                      rng.choice([800, 3000, 9000, 25000, 60000]) * rng.uniform(0.7, 1.3))
    data = department_year(profile, year, seed)
    total = rng.randint(10, 40)
    outputs = rng.randint(max(5, total - 20), min(20, total - 5))
    data["indicators"] = _indicators(rng, [("产出", 20, outputs), ("效益", 19, total - outputs - 1),
                                           ("满意度", 1, 1)], quality, field)
    data.pop("title")  # the default title, without the demo's 演示数据
    return data


def project_params(i: int, seed: int) -> dict:
    """Form ``i``: a project self-evaluation under mof-project-self-evaluation, 10–40 indicators."""
    from perflib.demo import _q

    rng = random.Random(f"{seed}-project-{i}")
    k = rng.randrange(DEPARTMENT_CODES)
    field = FIELDS[k % len(FIELDS)]
    quality = rng.uniform(0.2, 1.0)
    budget = rng.choice([50, 200, 800, 3000, 12000]) * rng.uniform(0.7, 1.3)
    funds = []
    for kind, share in (("一般公共预算", rng.uniform(0.6, 1.0)), ("政府性基金预算", None)):
        if share is None:
            if rng.random() < 0.6:
                break
            share = 1 - funds[0]["initial"] / budget
        initial = _q(budget * share)
        adjusted = _q(float(initial) * rng.uniform(0.9, 1.1))
        execution = min(1.0, 0.55 + 0.45 * quality + rng.uniform(-0.05, 0.05))
        funds.append({"type": kind, "initial": float(initial), "adjusted": float(adjusted),
                      "spent": float(_q(float(adjusted) * execution))})
    total = rng.randint(10, 40)
    satisfaction = rng.choice([0, 1, 1, 2])
    outputs = rng.randint(max(4, total - satisfaction - 25), min(30, total - satisfaction - 3))
    groups = [("产出", 50, outputs), ("效益", 30, total - outputs - satisfaction)]
    if satisfaction:
        groups.append(("满意度", 10, satisfaction))
    else:  # no 满意度 indicator: its 10 points go to 产出 and 效益 (give_to)
        groups = [("产出", 55, outputs), ("效益", 35, total - outputs)]
    year = rng.choice(YEARS)
    name = f"{year}年{AREAS[i % len(AREAS)]}{field}{rng.choice(PROJECT_KINDS)}（第{i}号）"
    return {
        "schema_version": 1, "synthetic": True,
        "department": {"code": f"bench-{k:03d}", "name": f"示范区第{k}局"},
        "year": year, "framework": PROJECT, "money_unit": "万元",
        "project": {"name": name, "implementer": rng.choice([None, f"示范区第{k}局下属中心"])},
        "budget": {"funds": funds},
        "indicators": _indicators(rng, groups, quality, field),
        "narrative": {"tasks": [f"完成{name}年度建设任务。"], "achievements": [f"{field}工作按计划推进。"]},
    }


# ------------------------------------------------------------------------------ messiness, with openpyxl

def _header_row(ws) -> tuple[int, dict[str, int]]:
    """The indicator block's header row and its columns by header text."""
    for row in ws.iter_rows():
        texts = {c.value: c.column for c in row if isinstance(c.value, str)}
        if "得分" in texts and "分值" in texts and ("年度指标值" in texts or "实际完成值" in texts):
            return row[0].row, texts
    raise ValueError("no indicator header row")


def _indicator_rows(ws, header: int, score_col: int) -> list[int]:
    rows = []
    for r in range(header + 1, ws.max_row + 1):
        first = ws.cell(row=r, column=1).value
        if first == "总分" or (isinstance(first, str) and first.startswith("自评等级")):
            break
        if ws.cell(row=r, column=score_col).value is not None:
            rows.append(r)
    return rows


def _insert_row(ws, at: int) -> None:
    """Insert a row before row ``at``, keeping the merged headings over it (openpyxl does not)."""
    from openpyxl.worksheet.cell_range import CellRange

    ranges = [CellRange(str(r)) for r in ws.merged_cells.ranges]
    for r in ranges:
        ws.unmerge_cells(str(r))
    ws.insert_rows(at)
    for r in ranges:
        if r.min_row >= at:
            r.shift(row_shift=1)
        elif r.max_row >= at:
            r.expand(down=1)
        ws.merge_cells(str(r))
    if ws.print_area:
        ws.print_area = None


def mess(content: bytes, rng: random.Random, kind: str) -> tuple[bytes, list[str]]:
    """The form of ``content`` as a person might have filled it: 1–3 of the mutations, chosen by ``rng``."""
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(content))
    ws = wb.active
    header, cols = _header_row(ws)
    score_col = cols["得分"]
    rows = _indicator_rows(ws, header, score_col)
    done = []
    for what in rng.sample(["score-text", "rate-text", "amount-text", "blank-analysis", "placeholder",
                            "not-applicable", "blank-actual"], k=rng.randint(1, 3)):
        if what == "score-text":
            for r in rng.sample(rows, k=max(1, len(rows) // 3)):
                cell = ws.cell(row=r, column=score_col)
                if isinstance(cell.value, (int, float)):
                    cell.value = rng.choice([f"{cell.value:g}", f"{cell.value:.2f}"])
        elif what in ("rate-text", "amount-text"):
            for r in range(3, header):
                for c in range(1, ws.max_column + 1):
                    cell = ws.cell(row=r, column=c)
                    if not isinstance(cell.value, (int, float)):
                        continue
                    if what == "rate-text" and cell.number_format.endswith("%"):
                        cell.value = f"{cell.value * 100:.2f}%"
                    elif what == "amount-text" and not cell.number_format.endswith("%") \
                            and cell.number_format != "0.00":
                        cell.value = f"{cell.value:,.2f}"
        elif what == "blank-analysis" and "偏差原因分析及改进措施" in cols:
            for r in rows:
                ws.cell(row=r, column=cols["偏差原因分析及改进措施"]).value = None
        elif what == "blank-actual" and "实际完成值" in cols:
            ws.cell(row=rng.choice(rows), column=cols["实际完成值"]).value = None
        elif what in ("placeholder", "not-applicable"):
            at = rng.choice(rows[1:]) if len(rows) > 1 else rows[0]
            _insert_row(ws, at)
            name_col = cols.get("三级指标") if kind == "department" else cols.get("二级指标")
            name_col = name_col or cols.get("三级指标") or 2
            if what == "placeholder":
                ws.cell(row=at, column=name_col, value=f"指标{rng.randint(2, 9)}：……")
            else:
                ws.cell(row=at, column=name_col, value="（本项目不适用）其他指标")
                for field in ("年度指标值", "实际完成值", "分值", "得分"):
                    if field in cols:
                        ws.cell(row=at, column=cols[field], value="/")
            rows = _indicator_rows(ws, header, score_col)
        else:
            continue
        done.append(what)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue(), done


# ------------------------------------------------------------------------------ one form, then all

_FRAMEWORKS: dict = {}


def _framework(framework_id: str):
    if framework_id not in _FRAMEWORKS:
        from perflib.inputs.locate import find_framework
        from perflib.scoring.frameworks import load_framework

        _FRAMEWORKS[framework_id] = load_framework(find_framework(framework_id, None))
    return _FRAMEWORKS[framework_id]


def relative_path(kind: str, data: dict, i: int) -> str:
    code, year = data["department"]["code"], data["year"]
    if kind == "department":
        return f"department/{year}/{code}.xlsx"
    return f"project/{year}/{code}/p{i:05d}.xlsx"


def make_form(i: int, seed: int) -> tuple[str, bytes, dict]:
    """Form ``i`` of ``seed``: its path under the folder, its bytes, what it is."""
    from perflib.evaluation import evaluate_params
    from perflib.inputs.schema import ParamsFile
    from perflib.present.form import form_workbook

    rng = random.Random(f"{seed}-form-{i}")
    kind = "department" if rng.random() < DEPARTMENT_SHARE else "project"
    data = department_params(i, seed) if kind == "department" else project_params(i, seed)
    framework = DEPARTMENT if kind == "department" else PROJECT
    ev = evaluate_params(ParamsFile.model_validate(data), _framework(framework))
    content = form_workbook(ev)
    mutations: list[str] = []
    if rng.random() < MESSY_SHARE:
        content, mutations = mess(content, rng, kind)
    info = {"kind": kind, "framework": framework, "code": data["department"]["code"], "year": data["year"],
            "indicators": len(data["indicators"]), "total": float(ev.total), "grade": ev.grade,
            "mutations": mutations}
    return relative_path(kind, data, i), content, info


def _write_range(args: tuple[int, int, int, str]) -> dict[str, dict]:
    start, stop, seed, folder = args
    manifest = {}
    for i in range(start, stop):
        rel, content, info = make_form(i, seed)
        path = Path(folder) / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
        manifest[rel] = info
    return manifest


def generate(n: int, seed: int = 2025, *, folder: Path | None = None, jobs: int | None = None) -> Path:
    """The folder of ``n`` generated forms of ``seed`` (written once, then found in the cache)."""
    folder = Path(folder) if folder else folder_for(n, seed)
    if (folder / "done").is_file():
        return folder
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    jobs = jobs or os.cpu_count() or 1
    chunk = max(1, min(50, -(-n // jobs)))
    parts = [(s, min(s + chunk, n), seed, str(folder)) for s in range(0, n, chunk)]
    manifest: dict[str, dict] = {}
    if jobs == 1 or len(parts) == 1:
        for p in parts:
            manifest.update(_write_range(p))
    else:
        with ProcessPoolExecutor(jobs) as pool:
            for m in pool.map(_write_range, parts):
                manifest.update(m)
    (folder / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=0), encoding="utf-8")
    (folder / "done").write_text(f"{n} forms, seed {seed}\n", encoding="utf-8")
    return folder


def manifest(folder: Path) -> dict[str, dict]:
    return json.loads((Path(folder) / "manifest.json").read_text(encoding="utf-8"))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-n", "--n", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=2025)
    ap.add_argument("--jobs", type=int, default=None)
    ap.add_argument("--fresh", action="store_true", help="write the forms again, even if cached")
    args = ap.parse_args()
    folder = folder_for(args.n, args.seed)
    if args.fresh and folder.exists():
        shutil.rmtree(folder)
    import time

    started = time.perf_counter()
    folder = generate(args.n, args.seed, jobs=args.jobs)
    m = manifest(folder)
    kinds = {k: sum(v["kind"] == k for v in m.values()) for k in ("department", "project")}
    messy = sum(bool(v["mutations"]) for v in m.values())
    print(f"{folder}: {len(m)} forms ({kinds['department']} department, {kinds['project']} project; {messy} messy) "
          f"in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    print(folder)


if __name__ == "__main__":
    main()


# ------------------------------------------------------------------------------ measuring in a fresh process


def arguments(ap: argparse.ArgumentParser, *, n: int, repeat: int) -> None:
    """The options every benchmark of these forms takes, and the hidden ones a measuring child is run with."""
    ap.add_argument("--n", "-n", type=int, default=n, help=f"forms (default {n})")
    ap.add_argument("--seed", type=int, default=2025)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--repeat", type=int, default=repeat,
                    help=f"runs of each measurement; the fastest counts (default {repeat})")
    ap.add_argument("--_measure", help=argparse.SUPPRESS)
    ap.add_argument("--_folder", help=argparse.SUPPRESS)
    ap.add_argument("--_out", help=argparse.SUPPRESS)


def in_child(script: str | Path, what: str, folder: Path, out: Path, jobs: int, *extra: str) -> dict:
    """Run measurement ``what`` of ``script`` in a fresh interpreter (``--_measure what``); its result as a dict."""
    import subprocess

    repo = Path(__file__).resolve().parents[1]
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(repo), env.get("PYTHONPATH")]))
    run = subprocess.run([sys.executable, str(script), "--_measure", what, "--_folder", str(folder), "--_out", str(out),
                          "--jobs", str(jobs), *extra], capture_output=True, text=True, env=env)
    if run.returncode:
        sys.exit(f"{what} failed:\n{run.stderr[-6000:]}")
    return json.loads(run.stdout.splitlines()[-1])
