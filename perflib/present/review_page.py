"""The bureau's review page, ``review-<year>.html``: where to look — the forms by risk, the queries by risk
with the evidence to ask for, the queries by kind, and the forms that could not be read. The same tables as
疑点清单.xlsx (:meth:`perflib.bureau.Review.sheets`); the page shows the first :data:`TOP` queries."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..bureau.rectify import DONE, NOT_DONE, UNSAID
from ..numbers import fmt_percent, from_plain
from .html import heading, join, note, para, table, tag
from .page import page
from .reviewed import reviewed_cell

if TYPE_CHECKING:  # pragma: no cover
    from ..bureau.run import Review

TOP = 200
#: the rectification statuses, the one a reviewer follows up first
STATUSES = (NOT_DONE, UNSAID, DONE)



def review_page(review: Review, *, workbook: str | None = None) -> str:
    """The whole page; ``workbook`` is the href of 疑点清单.xlsx beside it, when written."""
    years = "、".join(map(str, review.years))
    title = f"{years} 年度绩效自评复核疑点清单"
    sheets = review.sheets()
    forms, queries, kinds = sheets["各单位"], sheets["疑点清单"], sheets["疑点类别"]
    share = review.share()
    departments = int((forms.project == "").sum())
    body: list[object] = [heading(1, title)]
    body.append(para(
        f"共 {len(forms)} 份自评表（部门整体 {departments} 份，项目 {len(forms) - departments} 份），疑点 {len(queries)} 个，"
        f"其中可能改变等级的 {int(queries.flips_grade.sum())} 个。全部得分中，有可重算数字支撑的占 "
        f"{fmt_percent(share.share)}，评判（定性档次、管理扣分）占 {fmt_percent(share.judged / share.total if share.total else None)}，"
        f"无据可查占 {fmt_percent(share.none / share.total if share.total else None)}。"
        + (f"另有 {len(review.failed)} 个文件未能读取（见第五部分）。" if review.failed else ""), cls="pf-noindent"))
    body.append(note(
        "风险分 = 权重 ×（1 + 涉及分值）×（涉及分值足以改变等级时 ×2）。涉及分值是疑点所涉的分数：无据得分的行是其得分，"
        "结果好于资金使用是超出执行率部分对应的指标分值，审核发现是所涉行的得分或表述与重算之差。权重按疑点类别和审核发现的级别定，"
        "见 review.yaml。", *(["完整清单见 ", tag("a", "疑点清单.xlsx", href=workbook), "。"] if workbook else [])))

    body.append(heading(2, "一、各单位（按风险分排序）"))
    reviewed = bool(forms.reviewed_total.notna().any())  # 复核分 beside the rule's total once a reviewer gave any
    rows = [[f.department, f.project or "—", from_plain(f.total), f.grade,
             *([reviewed_cell(f.reviewed_total, f.reviewed_grade)] if reviewed else []),
             from_plain(f.verifiable_share), f.queries, from_plain(f.risk), "是" if f.flips_grade else "", f.variants or "—"]
            for f in forms.itertuples(index=False)]
    shift = 1 if reviewed else 0
    body.append(table(["部门", "项目", "总分", "等级", *(["复核总分"] if reviewed else []), "可核验占比（%）",
                       "疑点数", "风险分", "可改变等级", "等级不同的规则口径"], rows,
                      numeric=[2, *([4] if reviewed else []), 4 + shift, 5 + shift, 6 + shift], cls="pf-forms"))

    body.append(heading(2, f"二、疑点清单（按风险分排序{f'，前 {TOP} 个' if len(queries) > TOP else ''}）"))
    rows = [[q.rank, from_plain(q.risk), q.kind_name, q.department + (f"／{q.project}" if q.project else ""), q.row or "—",
             q.issue, q.evidence, from_plain(q.points)] for q in queries.head(TOP).itertuples(index=False)]
    body.append(table(["序号", "风险分", "疑点类别", "部门／项目", "表中行次", "疑点", "需提供的佐证材料", "涉及分值"], rows,
                      numeric=[0, 1, 7], cls="pf-queries") if rows else para("没有疑点。"))

    body.append(heading(2, "三、疑点类别"))
    rows = [[k.kind_name, k.queries, k.forms, from_plain(k.points), from_plain(k.risk), k.evidence] for k in kinds.itertuples(index=False)]
    body.append(table(["疑点类别", "疑点数", "涉及表数", "涉及分值合计", "风险分合计", "需提供的佐证材料"], rows,
                      numeric=[1, 2, 3, 4]))

    flips = [f for f in forms.itertuples(index=False) if f.flip]
    body.append(heading(2, "四、离等级线最近的单位"))
    near = sorted(flips, key=lambda f: f.margin if f.margin == f.margin else 1e9)[:20]
    body.append(table(["部门", "项目", "总分", "等级", "改变等级的最小单项变动"],
                      [[f.department, f.project or "—", from_plain(f.total), f.grade, f.flip] for f in near], numeric=[2])
                if near else para("没有单项变动能改变等级的单位。"))
    body.append(heading(2, "五、上年问题整改情况"))
    rect = sheets["整改清单"]
    if len(rect):
        counts = rect.groupby(["department", "project", "status"], sort=False).size().unstack(fill_value=0)
        statuses = [s for s in STATUSES if s in counts.columns]
        rows = [[dept, project or "—", *(int(counts.loc[(dept, project), s]) for s in statuses)]
                for dept, project in counts.index]
        body.append(table(["部门", "项目", *statuses], rows, numeric=list(range(2, 2 + len(statuses))),
                          caption="各单位上年问题的整改状态（条）"))
        open_ = rect[rect.status == STATUSES[0]]
        rows = [[r.department + (f"／{r.project}" if r.project else ""), r.row or "—", r.problem,
                 r.this_year_says or "（未提及）"] for r in open_.head(TOP).itertuples(index=False)]
        body.append(table(["部门／项目", "表中行次", f"{rect.last_year.max()} 年的问题", "本年报告所述"], rows,
                          caption=f"{STATUSES[0]}的问题" + (f"（前 {TOP} 条，完整清单见疑点清单.xlsx）" if len(open_) > TOP else ""),
                          cls="pf-rectify") if rows else para(f"没有{STATUSES[0]}的问题。"))
    else:
        body.append(para("没有上年的自评表可比（或上年没有问题）。"))
    if review.failed:
        body.append(heading(2, "六、未能读取的文件"))
        body.append(table(["文件", "问题"], [[str(p), e] for p, e in review.failed.items()]))
    return page(title, join(*body))
