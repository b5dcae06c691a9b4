"""The Typst "world" of perflib's documents: its fonts, one held compiler per process, a folder per job,
and SVG → PNG.

Both the PDF (:mod:`perflib.present.pdf`) and Word's chart pictures (:mod:`perflib.present.word`) are
made by Typst (the ``typst`` wheel from PyPI: a compiled Rust library, no system libraries). Typst sees
exactly these fonts, never the system's, so every machine makes the same document:

- **Noto Sans SC** (SIL Open Font License), the variable font of the ``justmytype-intl-cjk`` wheel, for the
  text and the charts, with a real Bold. A variable font would be instanced for every document that uses
  it (fontTools, ~1.5 s a weight), so :func:`static_fonts` instances Regular (400) and Bold (700) once into
  perflib's cache folder (``make setup`` does it), named as readers expect (``NotoSansSC-Bold``).
- **Noto Serif CJK SC** from ``mplfonts`` (already a dependency, for the charts) for serif text.

(For ``<pre>`` text Typst's own bundled DejaVu Sans Mono is used, with Noto Sans SC for Chinese.)

A job writes its input — a fixed template, the data as JSON, the images as files — into a temporary
folder (:func:`workdir`) that is Typst's root: a document can read nothing outside it.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import tempfile
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

from ..errors import PerflibError

FONT_PACKAGE = "justmytype_intl_cjk"
VARIABLE_FONT = ("fonts", "ofl", "notosanssc", "NotoSansSC[wght].ttf")
SERIF_FILE = "NotoSerifCJKsc-Regular.otf"  # in mplfonts' fonts/
WEIGHTS = {400: "Regular", 700: "Bold"}
SANS, SERIF = "Noto Sans SC", "Noto Serif CJK SC"  # the family names Typst finds them by
#: part of the instances' key: version 2 names them (family, style) rather than as the variable font's default
INSTANCE_VERSION = 2
FONTS_HINT = "请重新运行 make setup（或 pip install justmytype-intl-cjk mplfonts）"


class TypesetError(PerflibError):
    """A document cannot be typeset here (a font is missing, an image cannot be read)."""


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
        raise TypesetError(f"找不到文档所用字体 Noto Sans SC（PyPI 包 justmytype-intl-cjk）：{FONTS_HINT}")
    return path


def serif_font() -> Path | None:
    root = _package_dir("mplfonts")
    path = root / "fonts" / SERIF_FILE if root else None
    return path if path and path.is_file() else None


def _font_key(source: Path) -> str:
    stat = source.stat()
    return hashlib.sha256(f"{source}:{stat.st_size}:{stat.st_mtime_ns}:{INSTANCE_VERSION}".encode()).hexdigest()[:12]


@lru_cache(maxsize=1)
def static_fonts() -> dict[int, Path]:
    """Noto Sans SC Regular and Bold as static TrueType files, instanced once from the variable font into a
    folder of :func:`cache_dir` named by the variable font's size and mtime (written atomically, under a
    lock, so parallel workers may race harmlessly)."""
    source = variable_font()
    folder = cache_dir() / "fonts" / _font_key(source)
    out = {w: folder / f"NotoSansSC-{style}.ttf" for w, style in WEIGHTS.items()}
    if all(p.is_file() for p in out.values()):
        return out
    from filelock import FileLock

    folder.mkdir(parents=True, exist_ok=True)
    with FileLock(str(folder.parent / ".instancing.lock")):  # one worker instances; the others wait and reuse
        missing = [(source, w, out[w]) for w, p in out.items() if not p.is_file()]
        import multiprocessing

        alone = multiprocessing.current_process().daemon  # a daemonic process (a Dask worker) has no children
        if len(missing) > 1 and (os.cpu_count() or 1) > 1 and not alone:  # ~12 s a weight: side by side
            from concurrent.futures import ProcessPoolExecutor

            with ProcessPoolExecutor(max_workers=len(missing)) as pool:
                list(pool.map(_instance, *zip(*missing)))
        else:
            for job in missing:
                _instance(*job)
    return out


def _instance(source: Path, weight: int, target: Path) -> None:
    """One weight of the variable font as a static font file, written atomically."""
    from fontTools.ttLib import TTFont
    from fontTools.varLib.instancer import instantiateVariableFont

    font = instantiateVariableFont(TTFont(source), {"wght": weight})
    _name(font, WEIGHTS[weight])
    fd, tmp = tempfile.mkstemp(dir=target.parent, suffix=".ttf.part")
    os.close(fd)
    try:
        font.save(tmp)
        os.replace(tmp, target)
    finally:
        Path(tmp).unlink(missing_ok=True)


def _name(font, style: str) -> None:  # fontTools TTFont
    """Name an instance as a static font of its own (family Noto Sans SC, style Regular or Bold): the
    variable font's names are those of its default instance (Thin), which the PDF would show."""
    family, postscript = SANS, f"NotoSansSC-{style}"
    names = font["name"]
    for name_id in (1, 2, 3, 4, 6, 16, 17, 21, 22, 25):
        names.removeNames(nameID=name_id)
    for name_id, value in ((1, family), (2, style), (3, f"{postscript};perflib"), (4, f"{family} {style}"),
                           (6, postscript)):
        names.setName(value, name_id, 3, 1, 0x409)
    bold = style == "Bold"
    os2 = font["OS/2"]
    os2.fsSelection = (os2.fsSelection & ~0b1100001) | (0b100000 if bold else 0b1000000)  # BOLD or REGULAR
    font["head"].macStyle = (font["head"].macStyle & ~1) | int(bold)


def font_folder() -> Path:
    """The folder Typst takes its fonts from: exactly :func:`static_fonts` and Noto Serif CJK SC (a link to
    mplfonts' file), nothing else."""
    fonts = static_fonts()
    folder = next(iter(fonts.values())).parent
    serif = serif_font()
    link = folder / SERIF_FILE
    if serif is not None and not (link.exists() and link.resolve() == serif.resolve()):
        tmp = folder / f".{SERIF_FILE}.{os.getpid()}.part"
        tmp.unlink(missing_ok=True)
        os.symlink(serif, tmp)
        os.replace(tmp, link)
    if not all(p.is_file() for p in fonts.values()):
        raise TypesetError(f"文档所用字体文件不见了（{folder}）：{FONTS_HINT}")
    return folder


# ---------------------------------------------------------------------- the compiler and its jobs

_local = threading.local()
_compiled: set[int] = set()  # the processes that have run Typst (see used_here)


def compiler():  # typst.Compiler
    """A Typst compiler holding the fonts, made once per process and thread (a forked worker makes its own)."""
    held = getattr(_local, "compiler", None)
    if held is None or held[0] != os.getpid():
        try:
            import typst
        except ImportError as exc:
            raise TypesetError(f"未安装 typst：请重新运行 make setup（{exc}）") from None
        held = (os.getpid(), typst.Compiler(font_paths=[str(font_folder())], ignore_system_fonts=True))
        _local.compiler = held
        _compiled.add(os.getpid())
    return held[1]


def used_here() -> bool:
    """Whether this process has run Typst. Typst compiles on a pool of native threads started at its first job;
    a process forked after that inherits the pool's state but not its threads, and its first Typst job waits for
    them forever — so a process that has typeset something (a notebook that exported Word or PDF) must spawn its
    workers, not fork them (:class:`perflib.batch.executors.PoolExecutor`)."""
    return os.getpid() in _compiled


@contextmanager
def workdir() -> Iterator[Path]:
    """A temporary folder for one job (Typst's root: the document reads only what is in it), removed after."""
    with tempfile.TemporaryDirectory(prefix="perflib-typst-") as folder:
        yield Path(folder)


def typeset(folder: Path, main: str = "main.typ", *, fmt: str = "pdf", ppi: float | None = None) -> bytes | list[bytes]:
    """Compile ``folder/main`` (the folder is the root) to ``fmt`` (pdf, or png: one image per page).

    A missing font is an error, not a document in a fallback font."""
    import typst

    try:
        out, warnings = compiler().compile_with_warnings(input=str(folder / main), root=str(folder), format=fmt,
                                                         ppi=ppi)
    except typst.TypstError as exc:
        raise TypesetError(f"Typst 排版失败：{getattr(exc, 'message', exc)}") from None
    unknown = sorted({str(w.message) for w in warnings if "unknown font family" in str(getattr(w, "message", w))})
    if unknown:
        raise TypesetError(f"找不到文档所用字体（{'；'.join(unknown)}）：{FONTS_HINT}")
    return out


PNG_PAGE = """#set page(width: auto, height: auto, margin: 0pt, fill: white)
#let files = json("images.json")
#for (i, file) in files.enumerate() {
  if i > 0 { pagebreak() }
  image(file)
}
"""


def svg_png(svgs: Sequence[bytes], *, ppi: float = 200) -> list[bytes]:
    """Each SVG rasterised at ``ppi`` (its own size, a white background), in one Typst job: the PNGs."""
    if not svgs:
        return []
    import json

    with workdir() as folder:
        names = []
        for i, svg in enumerate(svgs, 1):
            (folder / f"{i}.svg").write_bytes(svg)
            names.append(f"{i}.svg")
        (folder / "images.json").write_text(json.dumps(names), encoding="utf-8")
        (folder / "main.typ").write_text(PNG_PAGE, encoding="utf-8")
        pages = typeset(folder, fmt="png", ppi=ppi)
    return [pages] if isinstance(pages, bytes) else list(pages)


if __name__ == "__main__":  # make setup: prepare the fonts once
    print("文档字体：", ", ".join(str(p) for p in static_fonts().values()))
