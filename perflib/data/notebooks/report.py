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
# <!-- perflib 报告模板：papermill 为每个部门年度执行一次；本笔记本只调用 perflib 并展示结果，不含计算逻辑。
#      每章一个单元（章节标题由 perflib 按 report.OUTLINE 生成）；也可改为逐节调用 report.functions(r) 等。 -->

# %% tags=["parameters"]
# 参数：部门代码（ASCII）、年度、params 目录；项目支出绩效自评报告另给项目键（projects/<年度>/ 下的文件名）。
# 默认值为工作示例，可在 JupyterLab 中直接运行。
department = "baiyun-emergency"
year = 2023
params_dir = "../params"
project = ""

# %%
from perflib.present import report

report.setup()
r = report.load(params_dir, department, year, project)
report.title(r)

# %%
report.chapter(r, 1)  # 一、部门基本情况（项目报告：一、项目基本情况）

# %%
report.chapter(r, 2)  # 二、绩效自评情况

# %%
report.chapter(r, 3)  # 三、存在的主要问题

# %%
report.chapter(r, 4)  # 四、下一步改进措施

# %%
report.chapter(r, 5)  # 附录　审核发现
