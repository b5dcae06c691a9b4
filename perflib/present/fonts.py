"""A Chinese font for charts, located at run time.

DejaVu Sans, matplotlib's default, has no CJK glyphs: every Chinese character becomes a box and a
"Glyph … missing from font(s)" warning. :func:`family` registers a CJK font with matplotlib's font
manager (no cache rebuild, nothing written into matplotlib's install); :func:`rc` makes it the
default sans-serif, for perflib's own charts and reports. For the charts an analyst draws (``df.plot()``,
``plt.bar(...)``), :func:`use` adds it to matplotlib's font families as a fallback — a glyph the text's
font lacks is drawn from it, every other glyph stays as it was — and ``import perflib`` calls
:func:`install`, which does that the moment matplotlib's font manager is loaded, by whom ever: perflib
itself does not import matplotlib to do it. The font is, in order:

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
import sys
import warnings
from functools import lru_cache
from pathlib import Path
from types import ModuleType

from ..errors import PerflibError

SYSTEM_FAMILIES = (
    "Noto Sans CJK SC", "Source Han Sans SC", "Source Han Sans CN", "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei", "Microsoft YaHei", "PingFang SC", "Hiragino Sans GB", "SimHei",
)
MPLFONTS_FILE = "NotoSansCJKsc-Regular.otf"
#: the module whose loading means matplotlib is about to draw text: pyplot, Figure and pandas' plotting load it
FONT_MANAGER = "matplotlib.font_manager"


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


def use() -> None:
    """Add the CJK font to matplotlib's ``font.family``, after the families already there: matplotlib then
    draws each glyph from the first family that has it, so Chinese comes from the CJK font and everything
    else looks as before. Call it again after something resets ``font.family`` (``plt.rcdefaults()``,
    ``plt.style.use("default")``, seaborn's ``set_theme``)."""
    import matplotlib

    name = family()
    families = list(matplotlib.rcParams["font.family"])
    if name not in families:
        matplotlib.rcParams["font.family"] = [*families, name]


def install() -> None:
    """Make the charts drawn in this process show Chinese, without importing matplotlib: :func:`use` now if
    matplotlib's font manager is loaded, else the moment it is (an import hook that then removes itself)."""
    if FONT_MANAGER in sys.modules:
        _use_or_warn()
    elif not any(isinstance(finder, _AfterFontManager) for finder in sys.meta_path):
        sys.meta_path.insert(0, _AfterFontManager())


def _use_or_warn() -> None:
    try:
        use()
    except Exception as exc:  # noqa: BLE001 - a missing or broken CJK font must not break importing matplotlib
        warnings.warn(f"{exc}（图表中的中文将显示为方框）", stacklevel=3)


class _AfterFontManager:
    """An import hook (see :data:`sys.meta_path`): has :func:`use` run right after matplotlib's font manager is
    first loaded. It only wraps the real loader, and takes itself out of the import system at once."""

    def find_spec(self, name: str, path: object = None, target: object = None):  # importlib.machinery.ModuleSpec
        if name != FONT_MANAGER:
            return None
        if self in sys.meta_path:
            sys.meta_path.remove(self)
        spec = importlib.util.find_spec(name)
        if spec is not None and spec.loader is not None:
            spec.loader = _ThenUse(spec.loader)
        return spec


class _ThenUse:
    """A module loader that runs :func:`use` after the real one has loaded the module, then hands the module
    back to the real loader (``__loader__`` and ``__spec__.loader``)."""

    def __init__(self, loader) -> None:
        self.loader = loader

    def create_module(self, spec) -> ModuleType | None:
        return self.loader.create_module(spec)

    def exec_module(self, module: ModuleType) -> None:
        self.loader.exec_module(module)
        module.__loader__ = module.__spec__.loader = self.loader
        _use_or_warn()

    def __getattr__(self, name: str) -> object:
        return getattr(self.loader, name)
