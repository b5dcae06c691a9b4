"""The charts an analyst draws of perflib's frames (``df.plot()``): Chinese after ``import perflib``, with no
setup call and not one "Glyph … missing" warning (issue 23, item 15). Each runs in a fresh interpreter: what
matters is what happens when matplotlib is first loaded, before or after perflib."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

#: an analyst's chart drawn with pandas, in a fresh interpreter, after ``before``; prints the number of
#: "Glyph … missing" warnings, the font families, any warning given before the chart, and whether the import
#: hook left a trace (still in sys.meta_path, or as the font manager's loader)
ANALYST_CHART = """
import sys, warnings
warnings.simplefilter("always")
with warnings.catch_warnings(record=True) as said:
    warnings.simplefilter("always")
{before}
    import pandas as pd
    import matplotlib
    import matplotlib.pyplot as plt
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    frame = pd.DataFrame({{"部门": ["示范区水务局", "示范区教育局"], "得分": [79.82, 91.5]}}).set_index("部门")
    ax = frame.plot.bar(title="各部门自评得分（分）")
    plt.xlabel("部门名称")
    ax.figure.canvas.draw()
print(sum("missing from font" in str(w.message) for w in caught))
print(matplotlib.rcParams["font.family"])
print([str(w.message) for w in said])
print(any(type(f).__name__ == "_AfterFontManager" for f in sys.meta_path),
      type(sys.modules["matplotlib.font_manager"].__loader__).__name__)
"""


@pytest.mark.parametrize(("before", "boxes", "families", "said"), [
    # import perflib alone does not load matplotlib, and the chart drawn after it shows Chinese
    ("    import perflib\n    assert 'matplotlib' not in sys.modules", False, ["sans-serif", "Noto Sans CJK SC"], ""),
    ("    import matplotlib.pyplot\n    import perflib", False, ["sans-serif", "Noto Sans CJK SC"], ""),  # perflib last
    ("    from perflib.frames import chinese", False, ["sans-serif", "Noto Sans CJK SC"], ""),  # only the frames API
    ("    import matplotlib\n    matplotlib.rcParams['font.family'] = ['serif']\n    import perflib", False,
     ["serif", "Noto Sans CJK SC"], ""),  # the analyst's own font stays first: only what it lacks comes from CJK
    ("    pass", True, ["sans-serif"], ""),  # without perflib: boxes, which this test would see
    ("    import os\n    os.environ['PERFLIB_CJK_FONT'] = '/nonexistent/cjk.otf'\n    import perflib", True,
     ["sans-serif"], "PERFLIB_CJK_FONT: 字体文件不存在：/nonexistent/cjk.otf（图表中的中文将显示为方框）"),
])
def test_a_chart_drawn_with_pandas_shows_chinese_after_import_perflib(before: str, boxes: bool, families: list,
                                                                      said: str) -> None:
    out = subprocess.run([sys.executable, "-c", ANALYST_CHART.format(before=before)], capture_output=True,
                         text=True, env={**os.environ, "MPLBACKEND": "Agg"}, check=True).stdout.splitlines()
    assert (int(out[0]) > 0, out[1], out[2]) == (boxes, str(families), str([said] if said else []))
    assert out[3] == "False SourceFileLoader"
