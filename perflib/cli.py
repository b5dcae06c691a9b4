"""The ``perflib`` command.

Exit codes: 0 success; 1 some report of a batch failed (``intake``: some form refused); 2 a usage or input
error (one line per problem, never a traceback); 130 interrupted.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from ._version import __version__
from .errors import LEVEL_NAMES, InputError, InputErrors, PerflibError
from .evaluation import Evaluation, evaluate, evaluate_params, load
from .files import write_atomic
from .inputs.locate import FRAMEWORKS_DIR, PROJECTS_DIR, available, find_framework
from .inputs.params import before_year_end, discover_projects, year_file
from .numbers import fmt_number, fmt_percent, fmt_points
from .scoring.frameworks import load_framework
from .text import pad

DEFAULT_PARAMS = Path("params")
COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {}


def command(name: str) -> Callable:
    def register(fn: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
        COMMANDS[name] = fn
        return fn

    return register


def _problem_lines(exc: PerflibError) -> list[str]:
    if isinstance(exc, InputErrors):
        return [str(e) for e in exc.errors]
    return [str(exc)]


# ---------------------------------------------------------------------- validate


def _files_to_validate(paths: Sequence[str]) -> list[Path]:
    roots = [Path(p) for p in paths] or [DEFAULT_PARAMS]
    files: list[Path] = []
    for root in roots:
        if root.is_dir():
            files += sorted(p for p in root.rglob("*.yaml")
                            if not any(part.startswith(".") for part in p.relative_to(root).parts))
        else:
            files.append(root)
    return files


@command("validate")
def cmd_validate(args: argparse.Namespace) -> int:
    from .inputs.settings import SETTINGS_FILE
    from .monitoring.monitor import monitor
    from .monitoring.rules import RULES_DIR, default_rules, load_rules
    from .monitoring.snapshot import SNAPSHOT_FILE
    from .reviewer.scores import form_of

    files = _files_to_validate(args.paths)
    if not files:
        raise PerflibError(f"{(args.paths or [DEFAULT_PARAMS])[0]}: 没有找到 .yaml 文件")
    bad = 0
    lines: list[str] = []
    for path in files:
        try:
            if path.parent.name == FRAMEWORKS_DIR:
                load_framework(path)
            elif path.parent.name == RULES_DIR:
                load_rules(path)
            elif path.name == SETTINGS_FILE:
                default_rules(path.parent)
            elif SNAPSHOT_FILE.match(path.stem):
                monitor(path)
            elif form_of(path) is not None:  # a reviewer's scores (复核分): read as the form they review
                _validate_review(path, form_of(path), args.frameworks)
            else:  # a year not yet ended (targets and budgets, nothing spent) is checked as monitoring reads it
                loaded = load(path, frameworks_dir=args.frameworks)
                if not before_year_end(loaded.params):
                    evaluate_params(loaded.params, loaded.framework, path=loaded.path, lines=loaded.lines,
                                    strict=args.strict)
        except InputErrors as exc:
            bad += 1
            lines += [str(e) for e in exc.errors]
        except InputError as exc:
            bad += 1
            lines.append(str(exc))
    for line in lines:
        print(line)
    if bad:
        print(f"{bad}/{len(files)} 个文件有问题，共 {len(lines)} 处。", file=sys.stderr)
        return 2
    print(f"{len(files)} 个文件校验通过。", file=sys.stderr)
    return 0


def _validate_review(path: Path, form: Path, frameworks: str | None) -> None:
    """A stored review: of a form that is there, and every row on it within its points."""
    from .reviewer.rescore import reviewed
    from .reviewer.scores import review_file

    if not form.is_file():
        raise InputError(path, "(文件)", "复核记录没有对应的自评表", expected=str(form))
    ev = evaluate(form, frameworks_dir=frameworks)
    if review_file(form) == path:
        reviewed(ev)


# ---------------------------------------------------------------------- score


def render_text(ev: Evaluation) -> str:
    """The readable form of ``perflib score``."""
    m = ev.metrics
    out = [
        f"{ev.title}",
        f"部门：{ev.department}（{ev.code}）  年度：{ev.year}  评价框架：{ev.framework.name}",
        *([f"项目：{ev.project}" + (f"  实施单位：{ev.params.project.implementer}" if ev.params.project.implementer
                                   else "")] if ev.project else []),
        "",
        f"自评得分 {fmt_points(ev.total)} 分（满分 {fmt_points(ev.framework.total)}），等级「{ev.grade}」",
        "",
        f"{'指标':<28}{'分值':>8}{'得分':>8}",
    ]
    for node in ev.scorecard.walk():
        if not node.children and node.kind != "indicators" and node.score == node.max and node.level > 1:
            continue  # a leaf at full marks: said once below
        name = "  " * (node.level - 1) + node.name
        note = f"  （按规则 {fmt_points(node.rule_score)}）" if node.rule_score is not None else ""
        out.append(f"{pad(name, 30)}{fmt_points(node.max):>8}{fmt_points(node.score):>8}{note}")
    out += [
        "（满分的末级指标从略）",
        "",
        f"预算：年初 {fmt_number(m.initial)}，调整后 {fmt_number(m.adjusted)}，支出 {fmt_number(m.spent)}（{m.unit}）",
        f"年度预算执行率 {fmt_percent(m.execution_rate)}，预算调整率 {fmt_percent(m.adjustment_rate)}，"
        f"年度评价执行率 {fmt_percent(m.evaluation_rate)}",
    ]
    for p in m.projects:
        out.append(f"重点项目「{p.name}」：预算 {fmt_number(p.budget)}，支出 {fmt_number(p.spent)}，执行率 {fmt_percent(p.execution_rate)}")
    out += ["", f"审核发现 {len(ev.findings)} 项："]
    out += [f"  [{LEVEL_NAMES[f.level]}] {f.code}: {f.message}" for f in ev.findings]
    return "\n".join(out)


@command("score")
def cmd_score(args: argparse.Namespace) -> int:
    ev = evaluate(args.path, frameworks_dir=args.frameworks, strict=args.strict)
    variants = flip = None
    if args.variants:
        from .scoring.variants import find_variants, grade_flip, load_variants, score_variants

        folder = Path(args.frameworks) if args.frameworks else None
        variants = score_variants(ev, variants=load_variants(find_variants(folder)) if folder else None)
        flip = grade_flip(ev)
    if args.json:
        out = ev.to_dict()
        if args.variants:
            out["variants"] = [v.as_dict() for v in variants or []]
            out["grade_flip"] = flip.as_dict() if flip else None
        print(json.dumps(out, ensure_ascii=False, indent=2))
        return 0
    if args.explain:
        from .present.explain import explain

        print(explain(ev), end="")
    else:
        print(render_text(ev))
    if args.variants:
        print(render_variants(ev, variants or [], flip))
    return 0


def render_variants(ev: Evaluation, variants: list, flip) -> str:
    """The table of ``perflib score --variants``: the total and grade under each rule variant, then how near the
    grade is to changing."""
    from .text import display_width

    out = ["", f"规则口径差异（本框架：{fmt_points(ev.total)} 分，「{ev.grade}」）：",
           f"{pad('口径', 44)}{'总分':>6}{'等级':>6}{'差额':>6}"]
    for v in variants:
        if not v.applicable:
            out.append(f"{pad(v.name, 44)}{'—':>8}{'—':>8}{'':>8}  不适用：{v.note}")
            continue
        diff = fmt_points(0) if not v.difference else f"{'+' if v.difference > 0 else '−'}{fmt_points(abs(v.difference))}"
        mark = "  （等级不同）" if v.grade_differs else ""
        mark += f"  （{v.ambiguous[0]}、{v.ambiguous[1]}两可：总分在整数分段之间）" if v.ambiguous else ""
        out.append(f"{pad(v.name, 44)}{fmt_points(v.total):>8}{' ' * max(8 - int(display_width(v.grade_text)), 1)}{v.grade_text}{diff:>8}{mark}")
    out.append("")
    out.append(flip.text() if flip else "没有单项变动能改变等级。")
    return "\n".join(out)


# ---------------------------------------------------------------------- run


@command("run")
def cmd_run(args: argparse.Namespace) -> int:
    from .batch import BatchInterrupted, RunOptions, run

    opts = RunOptions.from_args(args)
    try:
        report = run(opts)
    except BatchInterrupted as exc:
        # the notebook being executed when the signal came was abandoned; asyncio would print its
        # "Task exception was never retrieved" traceback at exit
        import logging

        logging.getLogger("asyncio").setLevel(logging.CRITICAL)
        print(exc.report.line(), file=sys.stderr)
        return 130
    for entry in report.failed:
        first = (entry.error or "").splitlines()[0] if entry.error else ""
        print(f"失败 {entry.code} {entry.year}{_project(entry)}：{first}", file=sys.stderr)
    for entry, fmt, why in report.failed_documents:
        print(f"失败 {entry.code} {entry.year}{_project(entry)} {fmt}：{why.splitlines()[0] if why else ''}",
              file=sys.stderr)
    print(report.line() + f"。索引：{opts.outputs_dir / 'index.html'}")
    return 1 if report.failed or report.failed_documents else 0


def _project(entry) -> str:  # an outputs.Entry
    """What names a project form's entry in a line (「 项目 <name>」); nothing for any other entry."""
    return f" 项目 {entry.project_name}" if entry.project else ""


@command("demo-data")
def cmd_demo_data(args: argparse.Namespace) -> int:
    from .demo import generate

    out = Path(args.out_dir)
    if out.exists() and any(out.glob("*/*.yaml")) and not args.overwrite:
        raise PerflibError(f"{out}: 目录中已有输入文件；换一个目录，或加 --overwrite 覆盖")
    written = generate(out, seed=args.seed, frameworks_dir=args.frameworks)
    departments = len({p.parent.name for p in written})
    projects = len(discover_projects(out, departments=sorted({p.parent.name for p in written})))
    print(f"已生成 {len(written)} 个演示用部门年度（{departments} 个虚构部门）及 {projects} 份项目支出绩效自评表：{out}")
    return 0


# ---------------------------------------------------------------------- Excel


def _frameworks_dir(args: argparse.Namespace, params_dir: Path = DEFAULT_PARAMS) -> Path:
    """``--frameworks``, else the params folder's frameworks/ (as for every input file)."""
    return Path(args.frameworks) if args.frameworks else Path(params_dir) / FRAMEWORKS_DIR


def _check_xlsx(path: Path) -> None:
    if path.suffix.lower() != ".xlsx":
        raise PerflibError(f"{path}: 文件名应以 .xlsx 结尾")


@command("excel-template")
def cmd_excel_template(args: argparse.Namespace) -> int:
    from .workbooks.year_form import template_workbook

    out = Path(args.path)
    _check_xlsx(out)
    fw_dir = _frameworks_dir(args)
    framework = None
    if args.framework:
        fw_file = find_framework(args.framework, fw_dir)
        if fw_file is None:
            raise PerflibError(f"--framework {args.framework}: 找不到该评价框架；可用：{'、'.join(available(fw_dir))}")
        framework = load_framework(fw_file)
    write_atomic(out, template_workbook(framework=framework, frameworks_dir=fw_dir))
    print(f"已生成填报模板：{out}" + (f"（评价框架：{framework.name}）" if framework else ""))
    return 0


@command("excel-import")
def cmd_excel_import(args: argparse.Namespace) -> int:
    from .workbooks.year_form import params_yaml, read_workbook

    source = Path(args.file)
    params = read_workbook(source, frameworks_dir=_frameworks_dir(args, Path(args.out)), strict=args.strict)
    target = year_file(args.out, params.department.code, params.year)
    existed = target.exists()
    write_atomic(target, params_yaml(params, source=source.name))
    print(f"{'已更新' if existed else '已生成'}：{target}")
    return 0


@command("monitor-template")
def cmd_monitor_template(args: argparse.Namespace) -> int:
    from .workbooks.monitor_form import template_workbook

    out = Path(args.to)
    _check_xlsx(out)
    write_atomic(out, template_workbook(args.path, month=args.month, rules=args.rules))
    print(f"已生成监控填报表：{out}")
    return 0


@command("monitor-import")
def cmd_monitor_import(args: argparse.Namespace) -> int:
    from .workbooks.monitor_form import read_workbook

    target, text = read_workbook(args.file, args.out)
    existed = target.exists()
    write_atomic(target, text)
    print(f"{'已更新' if existed else '已生成'}：{target}")
    return 0


@command("review-template")
def cmd_review_template(args: argparse.Namespace) -> int:
    from .inputs.params import discover
    from .workbooks.review_form import template_workbook

    out = Path(args.to)
    _check_xlsx(out)
    params_dir = Path(args.params)
    paths = discover(params_dir, departments=args.department, years=[args.year])
    if args.projects:
        paths += discover_projects(params_dir, departments=args.department, years=[args.year])
    if not paths:
        raise PerflibError(f"{params_dir}: 没有 {args.year} 年度的自评输入"
                           + (f"（部门：{'、'.join(args.department)}）" if args.department else ""))
    evaluations = []
    for path in sorted(paths, key=lambda p: (p.relative_to(params_dir).parts[0], PROJECTS_DIR in p.parts, p)):
        # each department's own form, then its projects'
        try:
            evaluations.append(evaluate(path))
        except PerflibError as exc:
            print(f"跳过（无法读取）{path}：{str(exc).splitlines()[0]}", file=sys.stderr)
    write_atomic(out, template_workbook(evaluations))
    print(f"已生成复核表：{out}（{len(evaluations)} 份自评表）")
    return 0


@command("review-import")
def cmd_review_import(args: argparse.Namespace) -> int:
    from .workbooks.review_form import read_workbook

    imported, warnings = read_workbook(args.file, args.params, reviewer=args.reviewer)
    for line in warnings:
        print(f"提示：{line}", file=sys.stderr)
    for one in imported:
        existed = one.target.exists()
        write_atomic(one.target, one.text)
        scored = sum(1 for r in one.review.rows if r.score is not None)
        print(f"{'已替换' if existed else '已生成'}：{one.target}（工作表「{one.sheet}」，复核分 {scored} 行）")
    return 0


@command("excel-export")
def cmd_excel_export(args: argparse.Namespace) -> int:
    from .evaluation import load
    from .workbooks.year_form import export_workbook

    out = Path(args.out)
    _check_xlsx(out)
    loaded = load(args.params_file, frameworks_dir=args.frameworks)
    fw_dir = Path(loaded.framework.path).parent if loaded.framework.path else _frameworks_dir(args)
    write_atomic(out, export_workbook(loaded.params, framework=loaded.framework, frameworks_dir=fw_dir))
    print(f"已导出：{out}")
    return 0


@command("monitor")
def cmd_monitor(args: argparse.Namespace) -> int:
    from .monitoring.monitor import monitor
    from .monitoring.snapshot import SNAPSHOT_FILE, snapshot_path

    path = Path(args.path)
    if not SNAPSHOT_FILE.match(path.stem):
        if args.month is None:
            raise PerflibError(f"{path}: 应为监控快照 <部门代码>/<年度>-<月份>.yaml，或年度文件加 --month 月份")
        if not 1 <= args.month <= 12:
            raise PerflibError(f"--month: 应为 1 到 12 的月份，实际为 {args.month}")
        path = snapshot_path(path, args.month)
    m = monitor(path, rules_dir=args.rules_dir)
    if args.json:
        print(json.dumps(m.to_dict(), ensure_ascii=False, indent=2))
        return 0
    from .monitoring.rules import lamp

    total = m.spending[0]
    out = [f"{m.snapshot.year} 年 1–{m.month} 月绩效运行监控：{m.department}（{m.snapshot.department.code}）"
           f"  规则：{m.rules.name}", "",
           f"支出：全年预算 {m.amount(total.budget)}，1–{m.month} 月执行 {m.amount(total.spent)}，"
           f"执行率 {fmt_percent(total.rate)}（应达 {fmt_percent(total.expected)}）  {total.lamp}"]
    out += [f"  {s.name}：执行率 {fmt_percent(s.rate)}  {s.lamp}" for s in m.spending[1:]]
    out += ["", "绩效指标："]
    for i in m.indicators:
        progress = f"，完成进度 {fmt_percent(i.progress / 100)}" if i.progress is not None else ""
        out.append(f"  {lamp(i.light)}  {i.name}：目标 {i.target}，1–{m.month} 月 {i.to_date}{progress}"
                   + (f"，完成可能性 {i.likely}" if i.likely else ""))
    out += ["", f"审核发现 {len(m.findings)} 项："]
    out += [f"  [{LEVEL_NAMES[f.level]}] {f.code}: {f.message}" for f in m.findings]
    print("\n".join(out))
    return 0


@command("export")
def cmd_export(args: argparse.Namespace) -> int:
    from .batch import RunOptions
    from .batch.runner import export

    out = Path(args.to)
    if args.kind == "review":
        write_atomic(out, _review_report(args, out))
        print(f"已导出复核报告：{out}")
        return 0
    opts = RunOptions(frameworks_dir=args.frameworks, docx_template=args.docx_template, strict=args.strict)
    data = export(Path(args.params_file), out.suffix.lower().lstrip("."), opts)
    write_atomic(out, data)
    print(f"已导出：{out}")
    return 0


def _review_report(args: argparse.Namespace, out: Path) -> bytes:
    """``perflib export … --kind review``: the form's review report (复核报告), as Word or PDF by the suffix."""
    from .present.word import review_docx
    from .reviewer.scores import review_file

    if out.suffix.lower() not in (".docx", ".pdf"):
        raise PerflibError(f"{out}: 复核报告导出为 Word 或 PDF，文件名应以 .docx 或 .pdf 结尾")
    ev = evaluate(args.params_file, frameworks_dir=args.frameworks, strict=args.strict)
    review = ev.reviewed()
    if review is None:
        raise PerflibError(f"{args.params_file}: 没有复核记录（应在 {review_file(args.params_file)}）；"
                           "请先用 perflib review-template 生成复核表，填好后 perflib review-import 导入")
    if out.suffix.lower() == ".pdf":
        from .present.pdf import page_pdf
        from .present.reviewed import review_page

        return page_pdf(str(review_page(review)))
    return review_docx(review, template=args.docx_template)


@command("init")
def cmd_init(args: argparse.Namespace) -> int:
    from .workspace import init

    root = Path(args.dir)
    written = init(root, overwrite=args.overwrite)
    print(f"已建立工作目录：{root}（{len(written)} 个文件）。下一步：cd {root} && perflib run")
    return 0


@command("intake")
def cmd_intake(args: argparse.Namespace) -> int:
    from .intake import intake

    receipt = intake(args.paths, framework=args.framework, out=args.out, frameworks_dir=args.frameworks,
                     code=args.code, year=args.year, jobs=args.jobs, scheduler=args.scheduler,
                     overwrite=args.overwrite)
    if not receipt.entries:
        raise PerflibError(f"{'、'.join(args.paths)}: 没有找到自评表文件（.xlsx、.xlsm、.xls、.ods、.docx）")
    print(receipt.text())
    if args.receipt:
        print(f"收件清单：{receipt.write_xlsx(args.receipt)}")
    return receipt.exit_code


@command("review")
def cmd_review(args: argparse.Namespace) -> int:
    from .batch.review_files import write_review
    from .bureau import review

    rv = review(args.params, args.year, args.department, projects=not args.no_projects,
                jobs=args.jobs or os.cpu_count() or 1)
    written = write_review(rv, args.out)
    queries = rv.queries
    share = rv.share()
    lines = [f"{'、'.join(map(str, rv.years))} 年度复核：{len(rv.forms)} 份自评表，疑点 {len(queries)} 个"
             f"（可能改变等级 {sum(q.flips_grade for q in queries)} 个）；有可重算数字支撑的得分占 {fmt_percent(share.share)}。"]
    if queries:
        lines += ["", f"风险最高的 {min(len(queries), args.top)} 个疑点："]
        for i, q in enumerate(queries[:args.top], 1):
            who = q.department + (f"／{q.project}" if q.project else "") + f" {q.year}"
            lines.append(f"  {i:>2}. [{q.risk}] {who}｜{rv.settings.kinds[q.kind].name}｜{q.row}：{q.issue}")
    if rv.failed:
        lines += ["", f"未能读取 {len(rv.failed)} 个文件："]
        lines += [f"  {p}: {e}" for p, e in rv.failed.items()]
    lines += ["", "已写出：" + "、".join(str(p) for p in written)]
    print("\n".join(lines))
    return 1 if rv.failed else 0
# ---------------------------------------------------------------------- sample


@command("sample")
def cmd_sample(args: argparse.Namespace) -> int:
    from .bureau.run import sample

    scope = "projects" if args.projects else "departments" if args.departments_only else "all"
    frame = sample(args.params, args.n, seed=args.seed, year=args.year, by=args.by, scope=scope)
    if args.json:
        out = {"note": frame.attrs["note"], **{k: frame.attrs[k] for k in ("method", "seed", "n", "scope", "population")},
               "picks": json.loads(frame.to_json(orient="records", force_ascii=False))}
        print(json.dumps(out, ensure_ascii=False, indent=2))
        return 0
    print(render_sample(frame))
    return 0


def render_sample(frame) -> str:  # a DataFrame of perflib.bureau.sample
    """The table of ``perflib sample``: one line per pick, its reason under it."""
    from .text import display_width

    def right(text: str, width: int) -> str:
        return " " * max(width - int(display_width(text)), 1) + text

    def figure(value: object, suffix: str = "") -> str:
        return "—" if value is None or value != value else f"{value:,.2f}{suffix}"

    out = [frame.attrs["note"], "",
           pad("序号", 6) + pad("部门", 28) + pad("年度", 6) + pad("项目", 30) + right("预算（万元）", 14)
           + right("风险分", 10) + right("疑点", 6) + right("可核验占比", 12) + right("入样概率", 10)]
    for r in frame.itertuples(index=False):
        out.append(pad(str(r.rank), 6) + pad(r.department, 28) + pad(str(r.year), 6)
                   + pad(r.project or "（部门整体）", 30) + right(figure(r.budget_adjusted), 14)
                   + right(figure(r.risk), 10) + right(str(r.queries), 6) + right(figure(r.verifiable_share, "%"), 12)
                   + right(figure(r.probability, "%"), 10))
        out.append(f"      {r.reason}")
    return "\n".join(out)


# ---------------------------------------------------------------------- parser


def build_parser() -> argparse.ArgumentParser:
    from .batch.options import DOCX_TEMPLATE, FRAMEWORKS, STRICT, add_flags, positive_int

    parser = argparse.ArgumentParser(
        prog="perflib", description="部门整体支出绩效自评：评分、审核与报告。"
    )
    parser.add_argument("--version", action="version", version=f"perflib {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("validate", help="校验输入文件（默认 params/ 下全部）")
    p.add_argument("paths", nargs="*", metavar="PATH", help="文件或目录")
    FRAMEWORKS.add_to(p)
    STRICT.add_to(p)

    p = sub.add_parser("score", help="为一个部门年度评分并审核")
    p.add_argument("path", metavar="PATH", help="params/<部门代码>/<年度>.yaml")
    how = p.add_mutually_exclusive_group()
    how.add_argument("--json", action="store_true", help="输出 JSON（各字段见 docs/json.md）")
    how.add_argument("--explain", action="store_true", help="逐项说明每个绩效指标如何读取、按什么方法计分、算式与舍入")
    p.add_argument("--variants", action="store_true",
                   help="另列各规则口径（反向指标、定性档次、执行率封顶、等级分段）下的总分与等级，及改变等级的最小单项变动")
    FRAMEWORKS.add_to(p)
    STRICT.add_to(p)

    p = sub.add_parser("run", help="批量渲染报告：outputs/<部门>/<年度>/report.html、index.html、summary.csv")
    add_flags(p)  # every option of the batch, with its default and help (perflib.batch.options)

    p = sub.add_parser("monitor", help="绩效运行监控：一个部门年中快照的红黄绿灯与审核发现")
    p.add_argument("path", metavar="PATH", help="params/<部门代码>/<年度>-<月份>.yaml，或年度文件加 --month")
    p.add_argument("--month", type=int, metavar="N", help="月份（PATH 为年度文件时）")
    p.add_argument("--rules-dir", metavar="DIR", help="监控规则目录（默认 params/monitoring；找不到时用内置规则）")
    p.add_argument("--json", action="store_true", help="输出 JSON")

    p = sub.add_parser("export", help="把一个部门年度导出为 Word 报告、PDF 或自评表（不经批处理）")
    p.add_argument("params_file", metavar="PARAMS_FILE",
                   help="params/<部门代码>/<年度>.yaml，或监控快照 params/<部门代码>/<年度>-<月份>.yaml")
    p.add_argument("--to", required=True, metavar="FILE",
                   help="输出文件：report.docx（Word 报告）、report.pdf 或 自评表.xlsx；监控快照：monitor-06.docx 等；"
                        "--kind review：复核报告.docx 或 .pdf")
    p.add_argument("--kind", choices=("report", "review"), default="report",
                   help="report：自评报告（默认）；review：复核报告（自评、规则、复核三种得分对照及复核意见，"
                        "须先 perflib review-import 导入复核表），只导出 .docx")
    FRAMEWORKS.add_to(p)
    STRICT.add_to(p)
    DOCX_TEMPLATE.add_to(p, help="本单位的 Word 模板（见 perflib run --docx-template）")

    p = sub.add_parser("init", help="建立新的工作目录：params/（含示例）、notebooks/（可自行修改的模板）、README")
    p.add_argument("dir", metavar="DIR")
    p.add_argument("--overwrite", action="store_true", help="覆盖已有文件")

    p = sub.add_parser("excel-template", help="生成 Excel 填报模板")
    p.add_argument("path", metavar="PATH", help="输出的 .xlsx 文件")
    p.add_argument("--framework", metavar="ID", help="评价框架（预填其管理效率指标），如 guangzhou-department-overall")
    FRAMEWORKS.add_to(p)

    p = sub.add_parser("excel-import", help="把填好的 Excel 转为 params/<部门代码>/<年度>.yaml")
    p.add_argument("file", metavar="FILE", help="填好的 .xlsx")
    p.add_argument("--out", default=str(DEFAULT_PARAMS), metavar="DIR", help="输出目录（默认 params）")
    FRAMEWORKS.add_to(p)
    STRICT.add_to(p, help="录入检查：空白的指标值/实际完成值、分值合计不符也视为错误，不生成文件")

    p = sub.add_parser("monitor-template", help="生成绩效运行监控填报表（Excel），已按年度文件填好目标和预算")
    p.add_argument("path", metavar="PATH", help="年度文件 params/<部门代码>/<年度>.yaml，或已有的监控快照 <年度>-<月份>.yaml")
    p.add_argument("--month", type=int, metavar="N", help="截至几月末（1–12；PATH 为年度文件时）")
    p.add_argument("--rules", metavar="ID",
                   help="监控规则（params/monitoring 中或内置的规则；默认：params/settings.yaml 的 monitoring.rules，"
                        "未设定时必须指定；PATH 为监控快照时默认用快照自己的）")
    p.add_argument("--to", required=True, metavar="FILE", help="输出的 .xlsx 文件")

    p = sub.add_parser("monitor-import", help="把填好的监控表转为 params/<部门代码>/<年度>-<月份>.yaml")
    p.add_argument("file", metavar="FILE", help="填好的 .xlsx")
    p.add_argument("--out", default=str(DEFAULT_PARAMS), metavar="DIR", help="params 目录（默认 params）")

    p = sub.add_parser("review-template", help="生成复核表（Excel）：每份自评表一张工作表，逐行列出分值、自评分、规则分，"
                                             "供复核人填写复核分和复核意见")
    p.add_argument("--year", type=int, required=True, metavar="YEAR", help="年度")
    p.add_argument("--params", default=str(DEFAULT_PARAMS), metavar="DIR", help="输入目录（默认 params）")
    p.add_argument("--to", default="复核表.xlsx", metavar="FILE", help="输出的 .xlsx 文件（默认 复核表.xlsx）")
    p.add_argument("--department", nargs="+", metavar="CODE", help="只列这些部门（部门代码）")
    p.add_argument("--projects", action="store_true", help="同时列出各部门该年度的项目支出绩效自评表")

    p = sub.add_parser("review-import", help="导入填好的复核表：复核分写入 <部门代码>/review/…（不改动部门的自评输入）")
    p.add_argument("file", metavar="FILE", help="填好的复核表 .xlsx")
    p.add_argument("--params", default=str(DEFAULT_PARAMS), metavar="DIR", help="输入目录（默认 params）")
    p.add_argument("--reviewer", metavar="NAME", help="复核人（默认取各工作表的「复核人」一格）")

    p = sub.add_parser("excel-export", help="把已有的输入文件导出为 Excel 填报表")
    p.add_argument("params_file", metavar="PARAMS_FILE")
    p.add_argument("out", metavar="OUT.xlsx")
    FRAMEWORKS.add_to(p)

    p = sub.add_parser("intake", help="收件：读取各部门填好的自评表（.xlsx/.xls/.ods/.docx），写成输入文件，并列出收件清单")
    p.add_argument("paths", nargs="+", metavar="PATH", help="自评表文件或文件夹（递归查找）")
    p.add_argument("--framework", required=True, metavar="ID", help="自评表所用的评价框架，如 mof-project-self-evaluation")
    p.add_argument("--out", default=str(DEFAULT_PARAMS), metavar="DIR",
                   help="输入文件目录（默认 params）：<部门代码>/<年度>.yaml，项目表写 <部门代码>/projects/<年度>/<项目>.yaml")
    p.add_argument("--code", metavar="CODE", help="部门代码（默认取文件名；项目表取所在文件夹名）")
    p.add_argument("--year", type=int, metavar="YEAR", help="年度（标题中没有年度时；与标题不一致的表拒收）")
    p.add_argument("--receipt", metavar="FILE", help="把收件清单另存为 .xlsx")
    p.add_argument("--jobs", type=positive_int, metavar="N", help="并行进程数（默认：CPU 核数）")
    p.add_argument("--scheduler", metavar="ADDR", help="Dask 调度器地址（tcp://主机:8786），或 local")
    p.add_argument("--overwrite", action="store_true", help="覆盖内容不同的已有输入文件")
    FRAMEWORKS.add_to(p)

    p = sub.add_parser("review", help="复核：列出各部门自评表的疑点（按风险排序）、可核验得分占比，写出疑点清单.xlsx 和 review-<年度>.html")
    p.add_argument("--params", default="params", help="输入目录（默认 params）")
    p.add_argument("--year", type=int, action="append", help="年度（可多次给出；默认最近一年）")
    p.add_argument("--department", action="append", help="只复核这些部门（部门代码，可多次给出）")
    p.add_argument("--out", default="outputs", help="输出目录（默认 outputs，与 perflib run 的索引同在）")
    p.add_argument("--no-projects", action="store_true", help="不含项目支出绩效自评表")
    p.add_argument("--top", type=int, default=10, help="屏幕上列出的疑点个数（默认 10；完整清单见疑点清单.xlsx）")
    p.add_argument("--jobs", type=positive_int, default=None, help="并行的进程数（默认：全部 CPU 核）")
    p = sub.add_parser("sample", help="抽评：按风险分、预算金额或随机抽取一年的自评表，可重现，并说明每份为何入选")
    p.add_argument("--year", type=int, required=True, metavar="YEAR", help="年度")
    p.add_argument("--n", type=int, required=True, metavar="N", help="抽取份数（正整数；多于总数时全部入选）")
    p.add_argument("--seed", type=int, required=True, metavar="S", help="随机种子（同样的输入和种子，抽中同样的表）")
    p.add_argument("--by", choices=("risk", "amount", "random"), default="risk",
                   help="risk：风险分最高的 N 份（默认）；amount：按预算金额成比例概率的系统抽样；random：简单随机抽样")
    p.add_argument("--params", default=str(DEFAULT_PARAMS), metavar="DIR", help="输入目录（默认 params）")
    which = p.add_mutually_exclusive_group()
    which.add_argument("--projects", action="store_true", help="只抽项目支出绩效自评表")
    which.add_argument("--departments-only", action="store_true", help="只抽部门整体支出绩效自评表")
    p.add_argument("--json", action="store_true", help="输出 JSON")

    p = sub.add_parser("demo-data", help="生成演示用的合成部门年度数据")
    p.add_argument("out_dir", metavar="OUT_DIR")
    p.add_argument("--seed", type=int, default=2024, help="随机种子（默认 2024）")
    p.add_argument("--overwrite", action="store_true", help="覆盖已有文件")
    FRAMEWORKS.add_to(p)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except PerflibError as exc:
        for line in _problem_lines(exc):
            print(line, file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("已中断。", file=sys.stderr)
        return 130
    except OSError as exc:  # the file system said no (a folder given for a file, a full or read-only disk …)
        where = exc.filename if exc.filename is not None else "perflib"
        print(f"{where}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # e.g. `perflib score … | head`
        return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
