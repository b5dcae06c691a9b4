"""The bureau's monitoring overview, ``outputs/monitor-<year>-<MM>.html``: whom to warn.

Built from the batch's monitoring summaries (``Monitoring.to_dict()`` of every snapshot of that month) and,
where a department's year-end evaluation exists, its summary too: the matrix of departments × lights, the
red list with the reasons given, spending behind its checkpoint, and — once the year is over — whether the
red lights of mid-year ended as missed targets.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..monitoring.monitor import amount, spending_lamp
from ..monitoring.rules import LIGHTS, lamp
from ..numbers import from_plain
from .html import HTML, heading, join, para, table
from .page import page


def _spending_lamp(s: dict[str, Any]) -> str:
    return spending_lamp(s["spending"]["light"], over=s["spending"]["over_budget"])


def monitor_overview(year: int, month: int, snapshots: Sequence[dict[str, Any]],
                     year_end: dict[str, dict[str, Any]] | None = None) -> str:
    """The whole page. ``snapshots``: ``Monitoring.to_dict()`` per department; ``year_end``: code →
    ``Evaluation.to_dict()`` of the same year, where there is one."""
    year_end = year_end or {}
    title = f"{year} 年 1–{month} 月绩效运行监控总览"
    ordered = sorted(snapshots, key=lambda s: (-sum(1 for i in s["indicators"] if i["light"] == "red"), s["code"]))
    body: list[object] = [heading(1, title)]
    reds = sum(1 for s in snapshots for i in s["indicators"] if i["light"] == "red")
    behind = [s for s in snapshots if s["spending"]["behind"]]  # as lit, and as SPENDING_BEHIND_CHECKPOINT says
    body.append(para(f"共 {len(snapshots)} 个部门填报监控；红灯指标 {reds} 个；支出进度偏慢（红灯、黄灯）{len(behind)} 个部门。"
                     "灯以符号和文字标示，黑白打印亦可辨认。", cls="pf-noindent"))

    body.append(heading(2, "一、各部门预警情况"))
    rows = []
    for s in ordered:
        counts = [sum(1 for i in s["indicators"] if i["light"] == lt) for lt in LIGHTS]
        findings = sum(1 for f in s["findings"] if f["level"] in ("error", "warning"))
        rows.append([s["department"], s["rules_name"], from_plain(s["spending"]["rate"]), _spending_lamp(s), *counts, findings])
    body.append(table(["部门", "监控规则", "执行率（%）", "支出预警", *(lamp(lt) for lt in LIGHTS), "审核发现"], rows,
                      numeric=[2, 4, 5, 6, 7, 8, 9], caption="部门 × 预警（各部门的灯按其监控规则点亮）"))

    body.append(heading(2, "二、红灯指标"))
    red_rows = [[s["department"], i["name"], i["target"], i["to_date"], i["likely"] or "—",
                 i["reason"] or "（未填写）", i["measures"] or "（未填写）"]
                for s in ordered for i in s["indicators"] if i["light"] == "red"]
    body.append(table(["部门", "指标", "年度指标值", f"1–{month} 月完成值", "完成可能性", "偏差原因", "改进措施"], red_rows,
                      caption="红灯指标及其原因") if red_rows else para("没有红灯指标。"))

    body.append(heading(2, "三、支出进度偏慢的部门"))
    spend_rows = [[s["department"], s["rules_name"], amount(from_plain(s["spending"]["budget"]), s["money_unit"]),
                   amount(from_plain(s["spending"]["spent"]), s["money_unit"]), from_plain(s["spending"]["rate"]),
                   from_plain(s["spending"]["expected"]), _spending_lamp(s)] for s in behind]
    body.append(table(["部门", "监控规则", "全年预算数", f"1–{month} 月执行数", "执行率（%）", "应达（%）", "预警"],
                      spend_rows, numeric=[2, 3, 4, 5], caption="支出进度预警")
                if spend_rows else para("各部门支出进度均达到要求。"))

    body.append(heading(2, "四、与年度自评结果的对照"))
    compared = [(s, year_end[s["code"]]) for s in ordered if s["code"] in year_end]
    if not compared:
        body.append(para(f"{year} 年度自评尚未完成，暂无对照。"))
    else:
        rows, ended_missed, red_total = [], 0, 0
        for s, ev in compared:
            met = {i["name"]: i["met"] for i in ev["indicators"]}
            for i in s["indicators"]:
                if i["light"] != "red" or i["name"] not in met:
                    continue
                red_total += 1
                ended_missed += not met[i["name"]]
                rows.append([s["department"], i["name"], i["to_date"], "未完成" if not met[i["name"]] else "已完成"])
        body.append(para(f"年中红灯指标 {red_total} 个，年底未完成 {ended_missed} 个。" if red_total
                         else "有年度自评结果的部门年中没有红灯指标。"))
        if rows:
            body.append(table(["部门", "指标", f"1–{month} 月完成值", "年度结果"], rows, caption="年中红灯指标的年度结果"))
    return page(title, HTML(join(*body)))
