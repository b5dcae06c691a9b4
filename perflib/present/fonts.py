"""A Chinese font for charts, located at run time.

DejaVu Sans, matplotlib's default, has no CJK glyphs: every Chinese character becomes a box and a
"Glyph … missing from font(s)" warning. :func:`family` registers a CJK font with matplotlib's font
manager (no cache rebuild, nothing written into matplotlib's install); :func:`rc` makes it the
default sans-serif. The font is, in order:

1. the file named by the environment variable ``PERFLIB_CJK_FONT``;
2. Noto Sans CJK SC (SIL Open Font License) from the PyPI package ``mplfonts``, a dependency of
   perflib — so a fresh machine needs nothing from the system. Only the file is used: mplfonts'
   ``init`` command (which writes into matplotlib) is never run, and its SimHei copy, whose licence
   is doubtful, is never touched;
3. a system font: Noto Sans CJK SC, Source Han Sans SC, WenQuanYi, Microsoft YaHei, PingFang SC.
"""

from __future__ import annotations

import importlib.util
import os
from functools import lru_cache
from pathlib import Path

from ..errors import PerflibError

SYSTEM_FAMILIES = (
    "Noto Sans CJK SC", "Source Han Sans SC", "Source Han Sans CN", "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei", "Microsoft YaHei", "PingFang SC", "Hiragino Sans GB", "SimHei",
)
MPLFONTS_FILE = "NotoSansCJKsc-Regular.otf"


def bundled_font() -> Path | None:
    """The Noto Sans CJK SC file shipped in the ``mplfonts`` wheel, found without importing it."""
    spec = importlib.util.find_spec("mplfonts")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / "fonts" / MPLFONTS_FILE
    return path if path.is_file() else None


@lru_cache(maxsize=1)
def font_path() -> Path | None:
    """The CJK font file perflib uses, or None when only a system family name is available."""
    env = os.environ.get("PERFLIB_CJK_FONT")
    if env:
        if not Path(env).is_file():
            raise PerflibError(f"PERFLIB_CJK_FONT: 字体文件不存在：{env}")
        return Path(env)
    return bundled_font()


@lru_cache(maxsize=1)
def family() -> str:
    """Register the CJK font with matplotlib (once per process) and return its family name."""
    from matplotlib import font_manager

    path = font_path()
    if path is not None:
        if not any(Path(f.fname) == path for f in font_manager.fontManager.ttflist):
            font_manager.fontManager.addfont(str(path))
        return font_manager.FontProperties(fname=str(path)).get_name()
    installed = {f.name for f in font_manager.fontManager.ttflist}
    for name in SYSTEM_FAMILIES:
        if name in installed:
            return name
    raise PerflibError(
        "找不到中文字体：请安装 mplfonts（pip install mplfonts）或系统字体 fonts-noto-cjk，"
        "或用环境变量 PERFLIB_CJK_FONT 指定字体文件"
    )


def rc() -> dict[str, object]:
    """rcParams that make the CJK font the default, with DejaVu Sans as per-glyph fallback."""
    return {
        "font.family": "sans-serif",
        "font.sans-serif": [family(), "DejaVu Sans"],
        "axes.unicode_minus": True,  # U+2212 is in Noto Sans CJK SC
    }
