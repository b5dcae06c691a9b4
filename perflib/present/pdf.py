"""report.pdf for publication: the report's own HTML page, laid out for print by WeasyPrint.

One source: the PDF is ``report.html`` itself (and ``monitor-<MM>.html`` for a monitoring report) — its
print stylesheet already says A4 with the official-document margins, page numbers "— 1 —" in the footer,
the table of contents with page references, table headers repeated and rows never split across pages.
The charts are the page's SVGs, so they stay vector and their Chinese labels stay searchable.

Fonts come from PyPI, never from the system, and nothing is fetched:

- **Noto Sans SC** (SIL Open Font License), the variable font of the ``justmytype-intl-cjk`` wheel, gives
  the text and the charts real Regular and Bold. A variable font must be instanced for every PDF that
  uses it (fontTools, ~1.5 s a weight), so :func:`static_fonts` instances Regular (400) and Bold (700)
  once into perflib's cache folder; after that a PDF subsets two static TrueType fonts (fast).
- **Noto Serif CJK SC** from ``mplfonts`` (already a dependency, for the charts) for serif text.

WeasyPrint finds fonts through fontconfig; perflib points fontconfig at a configuration with no font
folders (``data/fonts/fonts.conf``) before WeasyPrint is first imported, so a missing glyph shows as a
missing glyph in every machine's PDF alike instead of silently borrowing a system font. (The tests check
that every character perflib's reports use is in these fonts.)

WeasyPrint needs the system's Pango (Debian: ``libpango-1.0-0 libpangoft2-1.0-0``, present wherever a
desktop library is; ``make setup`` installs them when it can). Without it, asking for a PDF is a clear
error for that format only.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import tempfile
import warnings
from functools import lru_cache
from pathlib import Path

from ..errors import PerflibError

FONT_PACKAGE = "justmytype_intl_cjk"
VARIABLE_FONT = ("fonts", "ofl", "notosanssc", "NotoSansSC[wght].ttf")
SERIF_FILE = "NotoSerifCJKsc-Regular.otf"  # in mplfonts' fonts/
WEIGHTS = (400, 700)
SANS, SERIF = "Noto Sans CJK SC", "Noto Serif CJK SC"  # the names report.css and the charts ask for
FONTCONFIG = Path(__file__).resolve().parents[1] / "data" / "fonts" / "fonts.conf"
PANGO_HINT = "生成 PDF 需要系统库 Pango（Debian/Ubuntu：apt install libpango-1.0-0 libpangoft2-1.0-0）"


class PdfError(PerflibError):
    """A PDF cannot be made here (a library or font is missing)."""


def _package_dir(name: str) -> Path | None:
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def cache_dir() -> Path:
    """Where the instanced fonts are kept: ``$PERFLIB_CACHE``, else ``$XDG_CACHE_HOME/perflib``, else
    ``~/.cache/perflib``."""
    if os.environ.get("PERFLIB_CACHE"):
        return Path(os.environ["PERFLIB_CACHE"])
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "perflib"


def variable_font() -> Path:
    root = _package_dir(FONT_PACKAGE)
    path = root.joinpath(*VARIABLE_FONT) if root else None
    if path is None or not path.is_file():
        raise PdfError("找不到 PDF 所用字体 Noto Sans SC（PyPI 包 justmytype-intl-cjk）：请重新运行 make setup")
    return path


@lru_cache(maxsize=1)
def static_fonts() -> dict[int, Path]:
    """Noto Sans SC Regular and Bold as static TrueType files, instanced once from the variable font and
    kept in :func:`cache_dir` (named by the variable font's size and mtime, written atomically, so
    parallel workers may race harmlessly)."""
    source = variable_font()
    stat = source.stat()
    key = hashlib.sha256(f"{source}:{stat.st_size}:{stat.st_mtime_ns}".encode()).hexdigest()[:12]
    folder = cache_dir() / "fonts"
    out = {w: folder / f"NotoSansSC-{w}-{key}.ttf" for w in WEIGHTS}
    if all(p.is_file() for p in out.values()):
        return out
    from filelock import FileLock
    from fontTools.ttLib import TTFont
    from fontTools.varLib.instancer import instantiateVariableFont

    folder.mkdir(parents=True, exist_ok=True)
    with FileLock(str(folder / ".instancing.lock")):  # one worker instances; the others wait and reuse
        for weight in [w for w, p in out.items() if not p.is_file()]:
            font = instantiateVariableFont(TTFont(source), {"wght": weight})
            fd, tmp = tempfile.mkstemp(dir=folder, suffix=".ttf.part")
            os.close(fd)
            try:
                font.save(tmp)
                os.replace(tmp, out[weight])
            finally:
                Path(tmp).unlink(missing_ok=True)
    return out


def serif_font() -> Path | None:
    root = _package_dir("mplfonts")
    path = root / "fonts" / SERIF_FILE if root else None
    return path if path and path.is_file() else None


def font_css() -> str:
    """@font-face rules that give the names the report asks for to the fonts above; the page's margin
    boxes (page numbers) take their font from ``html``."""
    rules = [f'@font-face {{ font-family: "{SANS}"; src: url("{path.as_uri()}"); font-weight: {w}; }}'
             for w, path in static_fonts().items()]
    serif = serif_font()
    if serif:
        rules.append(f'@font-face {{ font-family: "{SERIF}"; src: url("{serif.as_uri()}"); }}')
    rules.append(f'html {{ font-family: "{SANS}"; }}')
    return "\n".join(rules)


@lru_cache(maxsize=1)
def _weasyprint():  # (the module, FontConfiguration, [CSS])
    """WeasyPrint, imported once, and its font configuration, made while fontconfig is shown no system
    fonts. The environment is restored afterwards: fontconfig has read it, and the programs perflib starts
    (kernels, LibreOffice) must not inherit a font-less configuration."""
    before = os.environ.get("FONTCONFIG_FILE")
    os.environ["FONTCONFIG_FILE"] = str(FONTCONFIG)
    warnings.filterwarnings("ignore", message=".*No fonts configured.*")
    try:
        import weasyprint
        from weasyprint.text.fonts import FontConfiguration

        fonts = FontConfiguration()
        sheets = [weasyprint.CSS(string=font_css(), font_config=fonts)]
    except OSError as exc:  # cffi could not load Pango
        raise PdfError(f"{PANGO_HINT}：{exc}") from None
    except ImportError as exc:
        raise PdfError(f"未安装 WeasyPrint：请重新运行 make setup（{exc}）") from None
    finally:
        if before is None:
            os.environ.pop("FONTCONFIG_FILE", None)
        else:
            os.environ["FONTCONFIG_FILE"] = before
    return weasyprint, fonts, sheets


def html_to_pdf(html: str | Path, *, base_url: str | Path | None = None) -> bytes:
    """The PDF of an HTML page (a file, or its text with ``base_url`` for what it links)."""
    import logging

    wp, fonts, sheets = _weasyprint()
    logging.getLogger("weasyprint").setLevel(logging.ERROR)  # its warnings are about CSS it ignores
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    if isinstance(html, Path):
        document = wp.HTML(filename=str(html))
    else:
        document = wp.HTML(string=html, base_url=str(base_url) if base_url else None)
    return document.write_pdf(stylesheets=sheets, font_config=fonts)


if __name__ == "__main__":  # make setup: prepare the fonts once
    print("PDF fonts:", ", ".join(str(p) for p in static_fonts().values()))
