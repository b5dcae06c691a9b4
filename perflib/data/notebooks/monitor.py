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
# <!-- perflib 绩效运行监控报告模板：papermill 为每个监控快照（<部门代码>/<年度>-<月份>.yaml）执行一次；
#      本笔记本只调用 perflib 并展示结果。章节见 perflib.present.monitor_report.OUTLINE。 -->

# %% tags=["parameters"]
# 参数：部门代码、年度、月份、params 目录。
department = "demo-agriculture"
year = 2024
month = 6
params_dir = "../demo/params"

# %% tags=["remove-input"]
from perflib.present import monitor_report as mr
from perflib.present import report

report.setup()
m = mr.load(params_dir, department, year, month)
mr.title(m)

# %% tags=["remove-input"]
mr.chapter(m, 1)  # 一、基本情况

# %% tags=["remove-input"]
mr.chapter(m, 2)  # 二、预算执行情况

# %% tags=["remove-input"]
mr.chapter(m, 3)  # 三、绩效目标完成情况

# %% tags=["remove-input"]
mr.chapter(m, 4)  # 四、偏差原因及改进措施

# %% tags=["remove-input"]
mr.chapter(m, 5)  # 五、下一步工作

# %% tags=["remove-input"]
mr.chapter(m, 6)  # 六、审核发现
