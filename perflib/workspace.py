"""``perflib init DIR``: a new bureau's workspace — the example input, the templates to customise, a README.

::

    DIR/
      README.md                       what goes where, and the commands
      params/<code>/<year>.yaml       one input file per department-year (the worked example to start from)
      params/frameworks/              a bureau's own or amended frameworks (the bundled ones need no copy)
      params/settings.yaml            the bureau's choices for all its departments (its monitoring rules)
      notebooks/report.ipynb          the report template: edit it to change every report
      notebooks/overview.ipynb        the yearly overview's template
      notebooks/explore.ipynb         the analyst's notebook: the portfolio as DataFrames, what-if
"""

from __future__ import annotations

from pathlib import Path

from .errors import PerflibError
from .files import write_atomic
from .inputs.locate import (
    BUNDLED_NOTEBOOKS,
    EXAMPLE,
    FRAMEWORKS_DIR,
    available,
)
from .inputs.settings import SETTINGS_FILE
from .monitoring.rules import available as available_rules

README = """# 部门整体支出绩效自评工作目录（perflib）

本目录由 `perflib init` 建立。

## 目录

- `params/<部门代码>/<年度>.yaml`：每个部门、每个年度一个输入文件。`params/baiyun-emergency/2023.yaml`
  是一个完整的示例（2023 年度广州市白云区应急管理局，91.88 分，优），可复制后修改。
  也可以用 `perflib excel-template 模板.xlsx` 生成 Excel 填报表，填好后 `perflib excel-import 文件.xlsx` 导入。
- `params/settings.yaml`：本单位对所有部门的设定。`monitoring.rules` 是本地区的绩效运行监控规则
  （{rules}，或 `params/monitoring/` 中自定的规则），`perflib monitor-template` 生成监控表时用它；
  未设定时须用 `--rules` 指定。
- `params/frameworks/`：本地的评价框架（指标体系）。输入文件的 `framework` 先在这里找，找不到再用
  perflib 内置的框架（{bundled}）。修改内置框架时，把它复制到这里再改。
- `notebooks/report.ipynb`、`notebooks/monitor.ipynb`、`notebooks/overview.ipynb`：报告、监控报告和年度总览的模板。
  修改后，下次运行的所有报告随之改变：网页、Word（report.docx）和 PDF（report.pdf）都按模板生成的网页排版，
  三者内容一致；自评表（自评表.xlsx）的格式由评价框架决定，不随模板改变。
  模板中用 `report.load(...)` 读取的评分，就是批处理校验输入时算出的那一次评分（`perflib run --frameworks`、
  `--strict` 等选项也随之生效），不会另算一遍。
- `notebooks/explore.ipynb`：组合分析笔记本（排名、等级分布、普遍未完成的指标、假设分析），在 JupyterLab 中打开运行。
- `outputs/`：运行结果（每个部门年度的 report.html、index.html、summary.csv、summary.xlsx），由 perflib 生成，不必手工修改。

## 常用命令

```
perflib validate                                   # 校验 params/ 下的全部输入文件
perflib score params/baiyun-emergency/2023.yaml    # 一个部门年度的得分、等级和审核发现
perflib run                                        # 生成全部报告到 outputs/，打开 outputs/index.html 查看
```
"""


SETTINGS = """# 本单位对所有部门的设定（perflib）。
monitoring:
  # 本地区的绩效运行监控规则：perflib monitor-template 生成监控表时用它。
  # 可选：{rules}，或 params/monitoring/ 中自定的规则；留空（null）则每次须用 --rules 指定。
  rules: null
"""


def init(root: str | Path, *, overwrite: bool = False) -> list[Path]:
    """Lay out a workspace under ``root``; refuse to replace existing files unless ``overwrite``."""
    root = Path(root)
    rules = "、".join(available_rules(None))
    files: dict[Path, bytes] = {
        root / "README.md": README.format(bundled="、".join(available(None)), rules=rules).encode("utf-8"),
        root / "params" / SETTINGS_FILE: SETTINGS.format(rules=rules).encode("utf-8"),
        **{root / "notebooks" / nb.name: nb.read_bytes() for nb in sorted(BUNDLED_NOTEBOOKS.glob("*.ipynb"))},
    }
    for example in sorted(EXAMPLE.glob("*/*.yaml")):
        files[root / "params" / example.relative_to(EXAMPLE)] = example.read_bytes()
    existing = [p for p in files if p.exists()]
    if existing and not overwrite:
        raise PerflibError(f"{existing[0]}: 文件已存在；换一个目录，或加 --overwrite 覆盖"
                           + (f"（另有 {len(existing) - 1} 个）" if len(existing) > 1 else ""))
    for path, data in files.items():
        write_atomic(path, data)
    (root / "params" / FRAMEWORKS_DIR).mkdir(parents=True, exist_ok=True)
    return list(files)
