"""A located form → the input of one department-year (the dict written as ``<code>/<year>.yaml``).

Each row of the indicator block is matched with the framework's tree by its name: a leaf scored by its own
method (管理效率, 执行率, 共性指标, 分档) by the leaf's name; every other row under an indicator node is a
performance indicator of that node's category. What the form states is kept as stated: each row's score
in ``stated.nodes``, the total and the grade in ``stated``, the funds block's total row in
``budget.stated``; the audit then reports where the rules score otherwise. A row the rules cannot score
from what the form holds (no target, no actual, an actual not comparable with its target) counts at the
score the form gives it (method ``stated``: audit NOT_RECOMPUTABLE). Whatever cannot be told is refused,
naming the cell.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from pydantic import ValidationError

from ..errors import Problems, format_field
from ..inputs.schema import Indicator
from ..numbers import HUNDRED, quantize
from ..scoring.frameworks import Framework, Node, execution_rule
from ..scoring.indicators import score_indicator
from ..scoring.methods import STATED
from . import values as read_value
from .grid import Grid, cell_name
from .labels import labels, norm, not_applicable, placeholder, text
from .layout import Layout, find_header, locate
from .refusal import refuse

FIELD_NAMES = {"level1": "一级指标", "level2": "二级指标", "level3": "三级指标", "target": "年度指标值",
               "actual": "实际完成值", "completion": "完成率", "points": "分值", "score": "得分",
               "analysis": "偏差原因分析及改进措施"}
_IN_NAME = re.compile(r"^(?P<name>.*?[^\s≥≤><=＝])\s*(?P<target>(?:≥|≤|>|<|=|＝|>=|<=|不低于|不少于|不高于|不超过|达到)\s*"
                      r"[0-9０-９][0-9０-９.．,]*\s*\S{0,6})$")
_GRADE_LIKE = re.compile(r"^(优|良|中|差|合格|不合格)")
_PRINTED_RATE = re.compile(r"(?P<number>[0-9]+\.(?P<decimals>[0-9]+))\s*(?P<unit>[%‰])")  # 82.81%: a rate, rounded
_DASHES = {"—", "——", "-", "--", "/", "／", ""}
_PLACEHOLDER_TEXT = {"未填写偏差原因", "（未填写偏差原因）", "（输入文件未提供）"}


@dataclass
class Reading:
    """What was read from one form: the input dict, where each field came from, and its sheet."""

    data: dict
    cells: dict[str, str] = field(default_factory=dict)  # format_field(path) → 自评表!F12（得分）
    sheet: str = ""
    project: str | None = None


def read(path: Path, grids: list[Grid], fw: Framework, *, code: str, year: int | None) -> Reading:
    """The input dict of the form in ``grids``; raises :class:`~perflib.intake.refusal.Refused`."""
    found = find_header(grids, fw)
    if found is None:
        cols = "、".join(dict.fromkeys(FIELD_NAMES[f] for f in ("level1", "level2", "level3", "points", "score")))
        raise refuse(grids[0].name if grids else "", "找不到绩效指标表",
                     expected=f"一行表头同时写明指标名称栏（{cols} 之一）、分值和得分", found="没有这样的一行" if grids else "文件中没有表格")
    grid, header_row, columns = found
    layout = locate(grid, header_row, columns, fw)
    if layout.funds_header is None and len(grids) > 1 and path.suffix.lower() == ".docx":
        # a Word report may split the form into tables (the header and funds in one, the indicators in the
        # next): read the document's tables as one, in order
        width = max(len(r) for g in grids for r in g.rows) if any(g.rows for g in grids) else 0
        whole = Grid("表格" + "、".join(g.name.removeprefix("表格") for g in grids),
                     [list(r) + [None] * (width - len(r)) for g in grids for r in g.rows], grids[0].preamble)
        again = find_header([whole], fw)
        if again is not None:
            layout = locate(whole, again[1], again[2], fw)
    return _Reader(path, fw, layout, code).read(year)


class _Reader:
    def __init__(self, path: Path, fw: Framework, layout: Layout, code: str) -> None:
        self.path, self.fw, self.layout, self.grid = path, fw, layout, layout.grid
        self.code = code
        self.rule_score: Decimal | None = None  # of the row last tried (_try)
        self.cells: dict[str, str] = {}
        self.notes: list[str] = []
        self.unit = "万元"
        self.leaves = _leaf_index(fw)
        self.indicator_nodes = [(p, n) for p, n in fw.walk() if n.indicators is not None]

    # ------------------------------------------------------------------ cells

    def where(self, row: int, col: int, label: str = "") -> str:
        return cell_name(self.grid, row, col, label)

    def at(self, row: int, col: int | None) -> object:
        if col is None:
            return None
        values = self.grid.rows[row]
        return values[col] if col < len(values) else None

    def amount(self, value: object, where: str) -> Decimal | None:
        return read_value.amount(value, where, self.unit)

    def points(self, value: object, where: str) -> Decimal | None:
        return read_value.points(value, where)

    def percent(self, value: object, where: str) -> tuple[Decimal, bool] | None:
        return read_value.percent(value, where)

    def note_cell(self, path: tuple, where: str) -> None:
        self.cells[format_field(path)] = where

    # ------------------------------------------------------------------ the form

    def read(self, year: int | None) -> Reading:
        lay, fw = self.layout, self.fw
        data: dict = {"schema_version": 1}
        data["year"] = self._year(year)
        self._unit()
        department = lay.header.get("department")
        name = department[0] if department and department[0] else ""
        if not name:
            name = self.code
            self.notes.append(f"表头未填部门名称，以部门代码「{self.code}」代替")
        data["department"] = {"code": self.code, "name": name}
        self.note_cell(("department", "name"), self.where(department[1], department[2]) if department else self.grid.name)
        data["framework"] = fw.id
        if self.unit != "万元":
            data["money_unit"] = self.unit
        project_name = None
        if fw.kind == "project":
            project = lay.header.get("project")
            if not project or not project[0]:
                where = self.where(project[1], project[2], "项目名称") if project else self.grid.name
                raise refuse(where, "项目支出绩效自评表须填写项目名称", expected="表头“项目名称：…”", found="（空）")
            project_name = project[0]
            data["project"] = {"name": project_name}
            implementer = lay.header.get("implementer")
            if implementer and implementer[0] and implementer[0] != name:
                data["project"]["implementer"] = implementer[0]
        data["budget"] = self._funds()
        stated: dict = {"nodes": {}}
        self.stated = stated
        indicators, management, standard, execution = self._rows()
        wanted = [n.name for _, n in fw.walk() if n.input == "management"]
        if wanted and not management:
            raise refuse(self.grid.name, f"表上没有评价框架「{fw.name}」的管理效率指标，这张表可能不是该框架的自评表"
                                         "（请检查 --framework）", expected="、".join(wanted[:3]) + " 等各行",
                         found="没有这些行")
        data["execution"] = execution
        data["indicators"] = indicators
        data["management"] = management
        if standard:
            data["standard"] = standard
        if lay.goals:
            tasks = [p.strip() for p in lay.goals[0].split("\n") if p.strip() and p.strip() not in _PLACEHOLDER_TEXT]
            done = [p.strip() for p in lay.goals[1].split("\n") if p.strip() and p.strip() not in _PLACEHOLDER_TEXT]
            data["narrative"] = {"tasks": tasks, "achievements": done}
        self._total(stated)
        self._execution_as_stated(execution, stated)
        data["stated"] = stated
        data["sources"] = [f"收件：{self.path.name}（{self.grid.name}）"]
        if self.notes:
            data["reconstructed"] = self.notes
        return Reading(data, self.cells, self.grid.name, project_name)

    def _execution_as_stated(self, execution: dict, stated: dict) -> None:
        """The execution row's stated score as ``execution.self_score`` where the form gives the framework's
        rule nothing to compute the rate from (a monthly rule: no monthly spending on a form, and no printed
        rate read): the scoring counts it then, and the audit reports NOT_RECOMPUTABLE with the points at stake.
        A year-end rule computes the rate from the funds block's amounts, and needs no such thing."""
        leaf = next((n for _, n in self.fw.walk() if n.method == "execution_rate"), None)
        if leaf is None or leaf.name not in stated["nodes"]:
            return
        rule = execution_rule(leaf.params)
        if rule.strategy == "year_end" or rule.part or "stated_rate" in execution or "monthly" in execution:
            return
        how = {"monthly_mean": "各月末累计执行率的平均", "schedule": "各月对序时进度的完成程度",
               "stated": "财政部门核定的年度评价执行率"}.get(rule.strategy, rule.strategy)
        execution["self_score"] = stated["nodes"][leaf.name]
        execution["self_score_reason"] = f"表上未填执行率（实际完成值），评价框架按{how}计分，表上没有所需的数据"
        where = self.cells.get(format_field(("stated", "nodes", leaf.name)))
        if where:
            self.note_cell(("execution", "self_score"), where)

    def _year(self, given: int | None) -> int:
        years = list(dict.fromkeys(y for y, _, _ in self.layout.years))
        if len(years) > 1:
            _, r, c = self.layout.years[0]
            raise refuse(self.where(r, c, "标题"), "表头写有多个年度，无法确定评价年度",
                         expected="一个年度（或用 --year 指定）", found="、".join(map(str, years)))
        if years:
            year, r, c = self.layout.years[0]
            if given is not None and given != year:
                raise refuse(self.where(r, c, "标题"), "表上的年度与 --year 不一致", expected=f"{given}（--year）", found=year)
            return year
        if given is None:
            raise refuse(self.grid.name, "标题中没有年度（如“（2023 年度）”）", expected="标题写明年度，或用 --year 指定")
        return given

    def _unit(self) -> None:
        units = list(dict.fromkeys(u for u, _, _ in self.layout.units))
        bad = [(u, r, c) for u, r, c in self.layout.units if u not in ("万元", "元")]
        if bad:
            u, r, c = bad[0]
            raise refuse(self.where(r, c, "金额单位"), "无法识别的金额单位", expected="万元 或 元", found=u)
        if len(units) > 1:
            _, r, c = self.layout.units[0]
            raise refuse(self.where(r, c, "金额单位"), "表上的金额单位前后不一致", expected="万元 或 元之一",
                         found="、".join(units))
        if units:
            self.unit = units[0]
        else:
            self.notes.append("表上未写金额单位，金额按万元读")

    # ------------------------------------------------------------------ funds

    def _funds(self) -> dict:
        lay, lab = self.layout, labels()
        if lay.funds_header is None:
            raise refuse(self.grid.name, "找不到资金块（资金来源 / 资金性质）",
                         expected="一行表头写明 年初预算数、全年预算数、全年执行数、执行率 中至少三项")
        cols = lay.funds_columns
        first = min(cols.values())
        block = {norm(v) for v in lab.funds["label"]} | {norm(self.fw.form.funds.label if self.fw.form else "资金性质")}
        totals = lab.totals | {norm(self.fw.form.funds.total if self.fw.form else "合计")}
        funds: list[dict] = []
        stated: dict = {}
        total_seen = None
        for r in lay.funds_rows:
            row = self.grid.rows[r]
            names = [text(v) for v in row[:first] if text(v) and norm(v) not in block]
            name = names[-1] if names else ""
            figures = {key: self.at(r, c) for key, c in cols.items()}
            where = {key: self.where(r, c, text(self.grid.rows[lay.funds_header][c])) for key, c in cols.items()}
            amounts = {key: self.amount(figures.get(key), where.get(key, "")) for key in ("initial", "adjusted", "spent")}
            if all(v is None for v in amounts.values()):
                continue  # a fund type listed and left blank ("—" in 分值 and 得分 aside): nothing to read
            if norm(name) in totals or (not name and total_seen is None and not funds):
                total_seen = r
                for key, value in amounts.items():
                    if value is not None:
                        stated[key] = value
                        self.note_cell(("budget", "stated", key), where[key])
                if "rate" in cols:
                    rate = self.percent(figures.get("rate"), where["rate"])
                    if rate is not None:
                        stated["execution_rate"] = self._rate(rate, amounts)
                        self.note_cell(("budget", "stated", "execution_rate"), where["rate"])
                if "score" in cols:
                    self.execution_score = (self.points(figures.get("score"), where["score"]), where["score"])
                continue
            if not name:
                raise refuse(self.where(r, 0, "资金性质"), "资金块有一行填了金额却没有名称", expected="资金性质或来源的名称")
            part = name
            for prefix in lab.part_prefixes:
                if part.startswith(prefix):
                    part = part[len(prefix):].strip()
                    break
            kind = lab.fund_names.get(norm(part), part)
            if amounts["adjusted"] is None:
                raise refuse(where.get("adjusted", self.where(r, first)), f"资金「{part}」须填写全年预算数",
                             expected="金额", found="（空）")
            i = len(funds)
            fund = {"type": kind, "adjusted": amounts["adjusted"]}
            if amounts["initial"] is not None:
                fund["initial"] = amounts["initial"]
            fund["spent"] = amounts["spent"]
            if "rate" in cols:
                rate = self.percent(figures.get("rate"), where["rate"])
                if rate is not None:
                    fund["stated_rate"] = self._rate(rate, amounts)
            for key, column in (("initial", "initial"), ("adjusted", "adjusted"), ("spent", "spent"),
                                ("stated_rate", "rate")):
                if column in where:
                    self.note_cell(("budget", "funds", i, key), where[column])
            if any(f["type"] == kind for f in funds):
                raise refuse(self.where(r, first - 1 if first else 0, "资金性质"), f"资金「{kind}」在资金块中出现两次")
            funds.append(fund)
        if not funds and stated.get("adjusted") is not None:  # only the total: one fund of that name
            funds.append({"type": "财政拨款" if self.fw.kind == "project" else "一般公共预算",
                          "adjusted": stated["adjusted"], **({"initial": stated["initial"]} if "initial" in stated else {}),
                          "spent": stated.get("spent")})
            for key in ("initial", "adjusted", "spent"):
                if f"budget.stated.{key}" in self.cells:
                    self.note_cell(("budget", "funds", 0, key), self.cells[f"budget.stated.{key}"])
            self.notes.append(f"资金块只填了合计行，按一项资金（{funds[0]['type']}）读")
        if not funds:
            raise refuse(self.where(lay.funds_header, first, "资金块"), "资金块没有填写金额",
                         expected="各资金来源的全年预算数与全年执行数")
        out: dict = {"funds": funds}
        if stated:
            out["stated"] = stated
        return out

    def _rate(self, rate: tuple[Decimal, bool], amounts: dict) -> Decimal:
        """The stated execution rate in percent; a bare 0.985 or 1 read as a fraction — or, when the amounts
        say the number was a percentage (1.2 for 1.2 %), as written."""
        value, maybe_fraction = rate
        adjusted, spent = amounts.get("adjusted"), amounts.get("spent")
        if maybe_fraction and adjusted and spent is not None:
            computed = spent / adjusted * HUNDRED
            as_written = value / HUNDRED
            if abs(as_written - computed) < abs(value - computed):
                return as_written
        return value

    # ------------------------------------------------------------------ the indicator block

    def _rows(self) -> tuple[list, list, dict, dict]:
        lay, cols = self.layout, self.layout.columns
        name_fields = [f for f in ("level1", "level2", "level3") if f in cols]
        deepest = name_fields[-1]
        carry: dict[str, str] = {}
        indicators: list[dict] = []
        management: list[dict] = []
        standard: dict = {}
        execution: dict = {}
        seen_leaves: dict[str, str] = {}
        guessed: list[str] = []
        for r in lay.rows:
            values = {f: self.at(r, c) for f, c in cols.items()}
            # decided before any heading is carried onto it: it is no row of the heading above (its own
            # headings still head the rows below, as a heading row's do)
            not_applicable_row = self._not_applicable_row(values, name_fields, carry)
            names = {}
            for f in name_fields:
                t = text(values[f])
                if f != deepest:
                    if t:
                        if carry.get(f) != t:  # a new heading: the ones under it start afresh
                            for g in name_fields[name_fields.index(f) + 1:]:
                                carry.pop(g, None)
                        carry[f] = t
                    else:
                        t = carry.get(f, "")
                names[f] = t
            if not_applicable_row:
                continue
            own = [names[f] for f in name_fields if names[f] and names[f] not in _DASHES]
            content = [text(values.get(f)) for f in ("target", "actual", "points", "score", "analysis") if f in values]
            if not any(content) and not text(values.get(deepest)):
                continue  # a blank row, or a heading alone
            if not own:
                continue
            name = own[-1]
            label = {f: self.where(r, c, lay.labels_of.get(c, FIELD_NAMES[f])) for f, c in cols.items()}
            name_cell = label[next(f for f in reversed(name_fields) if names[f] == name)]
            if placeholder(name):
                continue
            leaf = self.leaves.get(_key(name))
            if leaf is None and len(own) > 1:  # 二级 the leaf's name, 三级 "—" or its description
                leaf = next((self.leaves[_key(n)] for n in own if _key(n) in self.leaves), None)
                if leaf is not None:
                    name = leaf[1].name
            score = self.points(values.get("score"), label.get("score", "")) if "score" in values else None
            if leaf is not None:
                parent, node = leaf
                if node.name in seen_leaves:
                    raise refuse(name_cell, f"「{node.name}」在表上出现两次", expected="每项一行",
                                 found=f"另见 {seen_leaves[node.name]}")
                seen_leaves[node.name] = name_cell
                self._leaf(parent, node, values, label, score, management, standard, execution)
                continue
            target, actual = text(values.get("target")), text(values.get("actual"))
            if (not_applicable(target) or not target) and (not_applicable(actual) or not actual) and (
                    target or actual):
                continue  # marked as not applicable ("/", "无", "—") in both
            if placeholder(target) and placeholder(actual):
                continue
            self._indicator(r, names, name, name_cell, values, label, score, indicators, guessed)
        if guessed:
            self.notes.append(f"{len(guessed)} 项绩效指标的二级类别表上未写明，按指标名称推定（{'、'.join(guessed[:5])}"
                              f"{' 等' if len(guessed) > 5 else ''}）")
        return indicators, management, standard, execution

    def _not_applicable_row(self, values: dict, name_fields: list[str], carry: dict[str, str]) -> bool:
        """Whether every figure of the row (指标值, 实际完成值, 分值, 得分) is a not-applicable mark ("/", "—",
        "不适用") or blank, at least one a mark, and its own name cells — not a heading carried down from above,
        blank below it or merged over it — name no leaf of the framework: a row the form marks as not
        applicable ("（本项目不适用）其他指标  /  /  /  /"), skipped whatever heading is above it. A framework's
        leaf marked so ("预算编制完整性 / / / /") is still read as that leaf."""
        figures = [text(values[f]) for f in ("target", "actual", "points", "score") if f in values]
        if not any(figures) or not all(not t or not_applicable(t) for t in figures):
            return False
        own = [t for f in name_fields if (t := text(values[f])) and carry.get(f) != t]
        return not any(_key(t) in self.leaves for t in own)

    def _leaf(self, parent: str, node: Node, values: dict, label: dict, score: Decimal | None, management: list,
              standard: dict, execution: dict) -> None:
        name = node.name
        analysis = text(values.get("analysis"))
        analysis = "" if analysis in _PLACEHOLDER_TEXT else analysis
        if score is not None:
            self.stated["nodes"][name] = score
            self.note_cell(("stated", "nodes", name), label.get("score", ""))
        if node.input == "management" or (node.method is None and node.children is None and node.indicators is None):
            if score is None:
                raise refuse(label.get("score", label.get("level1", "")), f"管理效率指标「{name}」未填得分",
                             expected="该项的自评得分", found="（空）")
            leaf: dict = {"group": parent, "name": name, "score": score}
            weight = self.points(values.get("points"), label.get("points", "")) if "points" in values else None
            if weight is not None:  # the framework fixes it: a form printing other points is another framework
                leaf["weight"] = weight
                self.note_cell(("management", len(management), "weight"), label.get("points", ""))
            if analysis:
                leaf["reason"] = analysis
            target, actual = text(values.get("target")), text(values.get("actual"))
            if target not in _DASHES and target != (node.description or ""):
                leaf["target"] = target
            if actual not in _DASHES and actual not in ("达标", "未完全达标"):
                leaf["actual"] = actual
            self.note_cell(("management", len(management), "score"), label.get("score", ""))
            management.append(leaf)
        elif (points := self.points(values.get("points"), label.get("points", "")) if "points" in values else None) \
                is not None and points != node.points:
            raise refuse(label["points"], "分值与评价框架不一致", expected=f"{node.points}（评价框架「{self.fw.name}」）",
                         found=points)
        if node.method == "execution_rate":
            rule = execution_rule(node.params)
            if rule.strategy != "year_end" and not rule.part:
                rate = self.percent(values.get("actual"), label.get("actual", "")) if "actual" in values else None
                if rate is not None:
                    execution["stated_rate"] = self._printed_rate(node, rate[0], score)
                    self.note_cell(("execution", "stated_rate"), label.get("actual", ""))
            if analysis and "未填写原因" not in analysis:
                execution["analysis"] = analysis
        elif node.method == "standard":
            row: dict = {}
            target = text(values.get("target"))
            if node.params.get("target") == "input" and target not in _DASHES and target != "未填":
                row["target"] = target
            if "actual" in values:
                try:
                    rate = self.percent(values.get("actual"), label.get("actual", ""))
                except Exception:  # noqa: BLE001 - "不适用", "未填": no value printed
                    rate = None
                if rate is not None:
                    row["value"] = rate[0]
                    self.note_cell(("standard", name, "value"), label.get("actual", ""))
            if row:
                standard[name] = row
        # banded leaves are computed from the funds block: their stated score is all the form adds

    def _printed_rate(self, node: Node, rate: Decimal, score: Decimal | None) -> Decimal:
        """The execution rate to score: as printed — unless the printed rate is rounded and the row's stated score
        is what a rate within that rounding gives (45.65 % printed, 4.56 of 10 stated: 45.645 %); then the
        nearest such rate, and a note saying so. Otherwise a difference stays for the audit (SCORE_MISMATCH)."""
        if score is None or execution_rule(node.params).strategy != "monthly_mean":
            return rate
        rounding = self.fw.rounding

        def scored(value: Decimal) -> Decimal:
            share = min(max(value / HUNDRED, Decimal(0)), Decimal(1))
            return quantize(share * node.points, rounding.places, rounding.mode)

        if scored(rate) == score:
            return rate
        places = max(-rate.normalize().as_tuple().exponent, 0) if rate == rate else 0
        half, step = Decimal(5).scaleb(-places - 1), Decimal(1).scaleb(-places - 1)
        candidates = sorted((rate + k * step for k in range(-5, 5)), key=lambda v: (abs(v - rate), v))
        for value in candidates:
            if abs(value - rate) <= half and scored(value) == score:
                self.notes.append(f"「{node.name}」表上执行率 {rate}% 为舍入后的数，与表上得分 {score} 分相符；"
                                  f"按舍入区间内与得分相符的 {value}% 计分")
                return value
        return rate

    def _indicator(self, r: int, names: dict, name: str, name_cell: str, values: dict, label: dict,
                   score: Decimal | None, indicators: list, guessed: list) -> None:
        category, how = self._category(names, name, name_cell)
        if how == "guessed":
            guessed.append(name)
        target = text(values.get("target"))
        target = "" if not_applicable(target) else target
        actual = text(values.get("actual"))
        actual = "" if not_applicable(actual) else actual
        raw = values.get("actual")
        if isinstance(raw, float) and "%" in unicodedata.normalize("NFKC", target) and 0 <= raw <= 1.5:
            # a number in a cell formatted as a percentage (Excel keeps 0.98 and shows 98%)
            actual = f"{format((read_value.exact(raw) * HUNDRED).normalize(), 'f')}%"
            self.notes.append(f"「{name}」的实际完成值单元格为数值 {text(raw)}，按百分比读作 {actual}（年度指标值为百分比）")
        if not target and (m := _IN_NAME.match(unicodedata.normalize("NFKC", name))):
            name, target = m.group("name").strip(), m.group("target").strip()
            self.notes.append(f"「{name}」的年度指标值写在指标名称中，读作「{target}」")
        weight = self.points(values.get("points"), label.get("points", "")) if "points" in values else None
        if weight is None:
            raise refuse(label.get("points", name_cell), f"绩效指标「{name}」未填分值", expected="该指标的分值", found="（空）")
        i = len(indicators)
        ind: dict = {"category": category, "name": name, "weight": weight}
        if target:
            ind["target"] = target
        if actual:
            ind["actual"] = actual
        analysis = text(values.get("analysis"))
        if analysis and analysis not in _PLACEHOLDER_TEXT:
            ind["analysis"] = analysis
        for key, f in (("name", None), ("target", "target"), ("actual", "actual"), ("weight", "points"),
                       ("analysis", "analysis"), ("self_score", "score")):
            self.note_cell(("indicators", i, key), label.get(f, name_cell) if f else name_cell)
        self.note_cell(("indicators", i), name_cell)
        if score is not None:
            key, n = name, 1
            while key in self.stated["nodes"]:  # two indicators of one name (DUPLICATE_INDICATOR): both kept
                n += 1
                key = f"{name}（第 {n} 项）"
            self.stated["nodes"][key] = score
            self.note_cell(("stated", "nodes", key), label.get("score", ""))
        self._decide(ind, score, label, name_cell)
        indicators.append(ind)

    def _decide(self, ind: dict, score: Decimal | None, label: dict, name_cell: str) -> None:
        """Whether the rule scores the row (nothing to add), or its stated score counts (qualitative: the
        rule needs it; not recomputable: method ``stated``, saying why)."""
        if "target" not in ind or "actual" not in ind:
            if score is not None:
                missing = "、".join(n for k, n in (("target", "年度指标值"), ("actual", "实际完成值")) if k not in ind)
                ind.update(method=STATED, self_score=score, self_score_reason=f"表上未填{missing}")
            return  # no score either: 未填, scored as the framework says and reported (NOT_FILLED)
        error = self._try(ind, label, name_cell)
        if error is None:
            if score is not None:
                self._within_rounding(ind, score)
            return
        if score is not None:
            error2 = self._try({**ind, "self_score": score}, label, name_cell)
            if error2 is None:  # a qualitative row: the rule asks for the stated score, and agrees with it
                ind["self_score"] = score
                return
            ind.update(method=STATED, self_score=score, self_score_reason=error)
            return
        where = label.get("actual", name_cell)
        raise refuse(where, f"绩效指标「{ind['name']}」无法按规则计分（{error}），表上也未填得分",
                     expected="可与年度指标值比较的实际完成值，或该行的得分", found=ind.get("actual"))

    def _within_rounding(self, ind: dict, score: Decimal) -> None:
        """A rate printed rounded ("82.81%", computed from a numerator and denominator the form does not print)
        whose rule score differs from the stated one: when a rate within the printed figure's rounding (± half
        a unit of its last printed decimal, never more) gives exactly the stated score under the same rule, the
        stated score is consistent with what the form prints: it counts (``self_score``), its reason says so, and
        the actual keeps the digits printed. Otherwise the difference stays (SCORE_MISMATCH)."""
        m = _PRINTED_RATE.fullmatch(unicodedata.normalize("NFKC", ind["actual"]).strip())
        if m is None or self.rule_score in (None, score):
            return
        rate, unit = Decimal(m.group("number")), m.group("unit")
        places = len(m.group("decimals"))
        half, step = Decimal(5).scaleb(-places - 1), Decimal(1).scaleb(-places - 1)
        candidates = sorted((rate + k * step for k in range(-5, 6)), key=lambda v: (abs(v - rate), v))
        for value in candidates:
            if abs(value - rate) <= half and self._rule_score({**ind, "actual": f"{value}{unit}"}) == score:
                # the digits stay as printed; the form's score counts, and why is said beside it (the audit's
                # SELF_SCORE_DIFFERS then shows both scores): no rate the form does not print is invented
                ind["self_score"] = score
                ind["self_score_reason"] = (
                    f"表上实际完成值 {m.group(0)} 为舍入后的数（舍入区间 {rate - half}{unit}～{rate + half}{unit}），"
                    f"区间内的实际值（如 {value}{unit}）得表上得分 {score} 分；按印出的 {m.group(0)} 计为 "
                    f"{self.rule_score} 分，差额在舍入之内，按表上得分计")
                return

    def _rule_score(self, ind: dict) -> Decimal | None:
        """The rule's score of ``ind``, None when the rule does not score it."""
        problems = Problems(self.path)
        try:
            result = score_indicator(0, Indicator.model_validate(ind), self.fw, problems)
        except ValidationError:
            return None
        return result.rule_score if result is not None and not problems.errors else None

    def _try(self, ind: dict, label: dict, name_cell: str) -> str | None:
        """None when the framework's rule scores ``ind``; else why not, in words."""
        try:
            model = Indicator.model_validate(ind)
        except ValidationError as exc:
            err = exc.errors(include_url=False)[0]
            loc = err["loc"][0] if err["loc"] else "name"
            where = label.get(_FIELD.get(str(loc), ""), name_cell)
            raise refuse(where, f"绩效指标「{ind.get('name')}」的{FIELD_NAMES.get(_FIELD.get(str(loc), ''), str(loc))}"
                                f"无法读取：{err['msg']}", found=ind.get(str(loc))) from None
        problems = Problems(self.path)
        result = score_indicator(0, model, self.fw, problems)
        if result is not None and not problems.errors:
            self.rule_score = result.rule_score  # for _within_rounding: not scored a second time
            return None
        detail = problems.errors[0].detail if problems.errors else "规则无法计分"
        if "定性" in detail:
            return "定性指标的档次（达成 / 部分达成 / 未达成）无法从实际完成值读出"
        if "实际完成值" in detail or "actual" in (problems.errors[0].field if problems.errors else ""):
            return f"实际完成值「{_short(ind.get('actual'))}」无法与年度指标值「{_short(ind.get('target'))}」比较"
        return detail

    def _category(self, names: dict, name: str, where: str) -> tuple[str, str]:
        """The indicator's category: from the 一级 / 二级 cells when they name one, else the node it sits under."""
        fw = self.fw
        heads = [norm(names[f]) for f in ("level1", "level2") if names.get(f) and names.get(f) != name]  # 产出指标（50分）
        for top in heads:
            for sub in heads:
                if top != sub and (found := fw.category_of(f"{top}/{sub}")):
                    return _label(found), "named"
        for head in reversed(heads):
            found = fw.category_of(head)
            if found and self._node_of(found[0]) is not None:
                return _label(found), "named"
        node = None
        for head in reversed(heads):
            node = self._node_named(head)
            if node is not None:
                break
            node = self._node_of(head.removesuffix("完成情况").removesuffix("指标"))  # 产出指标完成情况 → 产出
            if node is not None:
                break
        if node is None and len(self.indicator_nodes) == 1:
            node = self.indicator_nodes[0][1]
        if node is None:
            raise refuse(where, f"「{name}」不是评价框架「{fw.name}」中的指标，也不在其绩效指标节点之下",
                         expected=f"管理效率等指标的名称，或位于 {'、'.join(n.name for _, n in self.indicator_nodes)} 之下",
                         found=" / ".join(h for h in heads) or name)
        cats = fw.expected_categories()
        for hint, words in labels().category_hints.items():
            top, _, sub = hint.partition("/")
            if top in (node.indicators or []) and any(w in name for w in words):
                return (hint if sub else top), "guessed"
        top = (node.indicators or [])[0]
        subs = list(cats[top])
        return (top if subs == [top] else f"{top}/{subs[0]}"), ("guessed" if subs != [top] else "named")

    def _node_of(self, top: str) -> Node | None:
        return next((n for _, n in self.indicator_nodes if top in (n.indicators or [])), None)

    def _node_named(self, head: str) -> Node | None:
        key = _key(head)
        return next((n for _, n in self.indicator_nodes if key in (_key(n.name), _key(n.full_name or ""))), None)

    def _total(self, stated: dict) -> None:
        lay = self.layout
        score_col = lay.columns.get("score")
        if lay.total_row is not None and score_col is not None:
            where = self.where(lay.total_row, score_col, "总分")
            total = self.points(self.at(lay.total_row, score_col), where)
            if total is not None:
                stated["total"] = total
                self.note_cell(("stated", "total"), where)
        if getattr(self, "execution_score", None) and self.execution_score[0] is not None:
            leaf = next((n for _, n in self.fw.walk() if n.method == "execution_rate"), None)
            if leaf is not None and leaf.name not in stated["nodes"]:
                stated["nodes"][leaf.name] = self.execution_score[0]
                self.note_cell(("stated", "nodes", leaf.name), self.execution_score[1])
        if lay.grade is not None:
            grade, r, c = lay.grade
            names = [g.name for g in self.fw.grades]
            if grade not in names:
                short = next((n for n in names if grade.startswith(n)), None)
                if short is None:
                    raise refuse(self.where(r, c, "自评等级"), "无法识别的自评等级", expected="、".join(names), found=grade)
                self.notes.append(f"表上的自评等级「{grade}」读作「{short}」")
                grade = short
            stated["grade"] = grade
            self.note_cell(("stated", "grade"), self.where(r, c, "自评等级"))


_FIELD = {"target": "target", "actual": "actual", "weight": "points", "self_score": "score", "analysis": "analysis"}


def _short(value: object, limit: int = 30) -> str:
    shown = str(value)
    return shown if len(shown) <= limit else shown[: limit - 1] + "…"


def _label(found: tuple[str, str]) -> str:
    top, sub = found
    return top if sub == top else f"{top}/{sub}"


def _key(name: str) -> str:
    return norm(name).replace('"', "").replace("'", "")


def _leaf_index(fw: Framework) -> dict[str, tuple[str, Node]]:
    """Every leaf not of the department's own indicators, by its name (and full name): (its parent, it)."""
    out: dict[str, tuple[str, Node]] = {}
    for path, node in fw.walk():
        if node.children is None and node.indicators is None:
            parent = path[-2] if len(path) > 1 else path[-1]
            out[_key(node.name)] = (parent, node)
            if node.full_name:
                out.setdefault(_key(node.full_name), (parent, node))
    return out


__all__ = ["Reading", "read"]
