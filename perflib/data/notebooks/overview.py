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

# %% [markdown] tags=["remove-cell"]
# <!-- perflib 年度总览模板：papermill 每个年度执行一次；本笔记本只调用 perflib 并展示结果。 -->

# %% tags=["parameters"]
# 参数：年度、params 目录。默认值可在 JupyterLab 中直接运行。
year = 2023
params_dir = "../params"

# %%
from perflib.present import overview, report

report.setup()
p = overview.load(params_dir, year)
overview.title(p)

# %%
overview.summary(p)

# %% [markdown]
# ## 一、自评得分排名

# %%
overview.ranking(p)

# %% [markdown]
# ## 二、等级分布

# %%
overview.grades(p)

# %% [markdown]
# ## 三、各部门指标得分率

# %%
overview.heatmap(p)

# %% [markdown]
# ## 四、预算执行进度

# %%
overview.execution(p)

# %% [markdown]
# ## 五、未达标最多的绩效指标

# %%
overview.missed(p)

# %% [markdown]
# ## 六、审核发现（按类型）

# %%
overview.findings(p)

# %% [markdown]
# ## 七、与上年相比

# %%
overview.changes(p)

# %% [markdown]
# ## 八、项目支出绩效自评汇总

# %%
overview.projects(p)
