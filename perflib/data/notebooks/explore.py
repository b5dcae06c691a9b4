# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: perflib (Python 3)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 部门整体支出绩效自评：组合分析
#
# 这个笔记本把 `params/` 下所有部门、所有年度的自评一并读入，回答分析人员最常问的问题：谁排在前面、
# 哪些指标普遍没完成、哪些目标定得偏低、哪些自评分与评分规则不一致、谁的支出压在年底，以及
# “如果某个指标完成了，总分会变成多少”。每张表都是 pandas DataFrame，可以直接筛选、分组、画图、
# 导出到 Excel（`.to_excel(...)`）；列名是英文，`perflib.frames.chinese(表)` 换成中文列名。
#
# 改动下面的参数后，从上到下运行即可。papermill 也可以带参数运行本笔记本：
# `papermill explore.ipynb 输出.ipynb -p params_dir ../demo/params -p year 2023`。

# %% tags=["parameters"]
params_dir = "../params"  # 输入目录：<部门代码>/<年度>.yaml
year = None  # 分析的年度；None：最近一年
department = None  # 做“假设分析”的部门代码；None：该年度得分最低的部门

# %%
import re

import pandas as pd

import perflib
from perflib.frames import chinese
from perflib.portfolios import evaluations as evaluate_all
from perflib.present import charts
from perflib.present.html import figure

pd.set_option("display.max_columns", 30)
pd.set_option("display.width", 200)

portfolio = perflib.portfolio(params_dir)
year = year or int(portfolio.year.max())
this_year = portfolio[portfolio.year == year]
print(f"共 {len(portfolio)} 个部门年度；{year} 年度 {len(this_year)} 个部门。")
invalid = portfolio[portfolio.error.notna()]
if len(invalid):
    print(f"另有 {len(invalid)} 个文件未通过校验，未计入分析：")
    display(chinese(invalid[["code", "year", "error"]]))

# %% [markdown]
# ## 一、得分排名与等级分布

# %%
ranking = this_year.sort_values("total", ascending=False).reset_index(drop=True)
ranking.index = ranking.index + 1  # 名次
chinese(ranking[["department", "total", "grade", "execution_rate", "evaluation_rate", "errors", "warnings"]])

# %%
pd.crosstab(portfolio.year, portfolio.grade).rename_axis(index="年度", columns="等级")

# %% [markdown]
# ## 二、各部门一、二级指标得分率
#
# 颜色越深，得分率（得分 ÷ 分值）越高；空白是该部门的评价框架里没有的指标。

# %%
evaluations, _ = evaluate_all(params_dir, years=[year])
figure(charts.svg(charts.score_heatmap(evaluations)), f"{year} 年度各部门一、二级指标得分率")

# %% [markdown]
# ## 三、普遍未完成的指标，与明显超额完成的指标
#
# 超额很多（实际 ÷ 目标 ≥ 130%）的指标，往往说明目标定得偏低，编制下一年度目标时应参考实际完成情况。

# %%
indicators = perflib.portfolio_indicators(params_dir, years=[year])
missed = (indicators[~indicators.met]
          .groupby(["top", "name"])
          .agg(departments=("code", "nunique"), completion=("completion", "mean"))
          .sort_values(["departments", "completion"], ascending=[False, True]))
missed.round(2).rename(columns={"departments": "未完成的部门数", "completion": "平均完成率（%）"}).head(10)

# %%
exceeded = indicators[indicators.ratio >= 130].sort_values("ratio", ascending=False)
chinese(exceeded[["department", "name", "target", "actual", "ratio"]]).head(10)

# %% [markdown]
# ## 四、自评得分与评分规则不一致的指标

# %%
scored = indicators[indicators.self_score.notna() & indicators.rule_score.notna()]  # 定性指标没有规则得分
differs = scored[scored.self_score != scored.rule_score]
chinese(differs[["department", "name", "weight", "rule_score", "self_score"]])

# %% [markdown]
# ## 五、支出进度：谁的支出压在年底
#
# 每个部门各月末的累计执行率（%）。6 月末不到 40%、10 月末不到 80% 的，支出进度偏慢。

# %%
monthly = pd.DataFrame({ev.department: ev.monthly_frame().set_index("month").cumulative_rate
                        for ev in evaluations if len(ev.monthly_frame())})
slow = monthly.T[(monthly.T[6] < 40) | (monthly.T[10] < 80)]
slow.rename(columns=lambda m: f"{m}月")

# %% [markdown]
# ## 六、假设分析：如果一个未完成的指标完成了
#
# 下面取一个部门（参数 `department`，默认为得分最低的部门）的第一个未完成、按实际完成值计分的定量指标，
# 假设它按目标完成，看总分和各项得分怎样变化。把 `changes` 改成任何指标的实际值（如 `{"指标名称": "35 家"}`）、
# 管理效率指标的扣分（如 `{"财务管理合规性": {"deductions": []}}`）或 12 个月的累计支出（`{"monthly": [...]}`），
# 再运行即可；不会改动任何文件。由分子/分母算出的比率改 `numerator` 与 `denominator`；按部门自评得分计分的
# 指标同时给出 `self_score`（或 `None`，改按评分规则计分）——否则改了也不影响得分，会被拒绝并说明原因。

# %%
department = department or ranking.code.iloc[-1]
ev = perflib.evaluate(f"{params_dir}/{department}/{year}.yaml")
ev

# %%
scored_by_actual = {i.name for i in ev.params.indicators if i.numerator is None and i.self_score is None}
not_met = ev.indicators_frame().query("not met and method != 'qualitative' and name in @scored_by_actual")
changes = {row.name: re.sub(r"[≥≤><=＞＜]", "", row.target) for row in not_met.head(1).itertuples()}
print("假设：", changes or "（该部门按实际完成值计分的定量指标均已完成）")
after = ev.what_if(changes)
print(f"总分 {ev.total} → {after.total}，等级 {ev.grade} → {after.grade}")
diff = perflib.compare(ev, after)
diff[diff.changed]

# %% [markdown]
# ## 七、复核：向部门提出的疑点
#
# 财政部门复核自评表时要问的问题（疑点）：审核发现、得分无可核验依据、同类指标结论矛盾、绩效结果好于资金使用、
# 结余资金过多、预算为零、监控时预计完成但年末未完成且未说明原因、目标值与监控时不一致、上年问题重复出现。
# 每个疑点都列出向部门索取的佐证材料、涉及的分值和风险分（按类别权重和涉及分值计算；涉及分值足以改变等级的加倍），
# 风险分越高越应先查。

# %%
rv = perflib.review(params_dir, year)
print(rv)
forms = rv.review_frame()
yes_no = {"flips_grade": {True: "是", False: "否"}}
by_risk = forms.sort_values("risk", ascending=False).reset_index(drop=True).replace(yes_no)
by_risk.index = by_risk.index + 1  # 名次
chinese(by_risk[["department", "project", "total", "grade", "execution_rate", "verifiable_share", "queries", "risk",
                 "flips_grade"]]).head(20)

# %% [markdown]
# 风险分最高的 15 个疑点：

# %%
queries = rv.queries_frame()
chinese(queries[["rank", "risk", "kind_name", "department", "project", "row", "issue", "evidence", "points",
                 "flips_grade"]].set_index("rank").replace(yes_no)).head(15)

# %% [markdown]
# 各部门整体自评表的可核验得分占比：得分中由表上数字按规则重算得出的部分。占比越低，得分越依赖部门的判断或套话，
# 越需要佐证材料。

# %%
own = forms[forms.project == ""].sort_values("verifiable_share")
chart = charts.verifiable_share(list(own.department), list(own.verifiable_share))
figure(charts.svg(chart), f"{year} 年度各部门可核验得分占比") if chart else print("（没有可计算占比的部门自评表）")

# %% [markdown]
# 各类疑点的个数：

# %%
by_kind = queries.kind_name.value_counts().rename_axis("疑点类别").rename("疑点数").to_frame()
by_kind if len(by_kind) else print("（没有疑点）")
