"""The batch's options, each declared once — its default, its command-line flag and its help.

:class:`RunOptions` is what :func:`perflib.batch.run` takes. Each field that the command line sets carries
its :class:`Flag` (as nbclient declares each option once as a trait with its default and help); ``perflib
run``'s arguments are built from these declarations by :func:`add_flags` and read back by
:meth:`RunOptions.from_args`, so a default or a help text is never written twice. :data:`STRICT` and
:data:`FRAMEWORKS` are shared with the commands that check and score one file.

Light on purpose: the command line imports it to build its parser, before anything heavy is loaded.
"""

from __future__ import annotations

import argparse
import os
import re
from collections.abc import Callable
from dataclasses import MISSING, dataclass, field, fields
from enum import StrEnum
from pathlib import Path
from typing import Any

from ..engine import RESTART_EVERY, Engine
from ..inputs.locate import FRAMEWORKS_DIR, OVERVIEW_TEMPLATE, REPORT_TEMPLATE
from ..inputs.schema import CODE_PATTERN
from .documents import DEFAULT_FORMATS, FORMATS, parse_formats


@dataclass(frozen=True)
class Flag:
    """How an option is written on the command line: its flags and the rest of ``add_argument``'s words."""

    flags: tuple[str, ...]
    help: str
    kwargs: tuple[tuple[str, Any], ...] = ()

    def add_to(self, parser: argparse.ArgumentParser | argparse._ArgumentGroup, *, dest: str | None = None,
               default: object = None, help: str | None = None) -> None:
        kwargs = dict(self.kwargs)
        if dest is not None:
            kwargs["dest"] = dest
        if kwargs.get("action") not in ("store_true", "store_false", "store_const", "append"):
            kwargs.setdefault("default", default)
        text = (help or self.help).replace("%", "%%").replace("%%(default)s", _shown(default).replace("%", "%%"))
        parser.add_argument(*self.flags, help=text, **kwargs)


def _shown(value: object) -> str:
    if isinstance(value, tuple):
        return ",".join(map(str, value))
    return str(value)


def flag(*flags: str, help: str, **kwargs: Any) -> Flag:
    return Flag(flags, help, tuple(kwargs.items()))


def option(default: object = MISSING, flag: Flag | None = None, *, factory: Callable[[], object] | None = None,
           cli: Callable[[Any], object] | None = None) -> Any:  # a dataclass field
    """A field of :class:`RunOptions`: its default and, when the command line sets it, its :class:`Flag`
    (``cli`` turns the parsed value into the field's: a folder's text into a Path, say)."""
    metadata = {"flag": flag, "cli": cli} if flag is not None else {}
    if factory is not None:
        return field(default_factory=factory, metadata=metadata)
    return field(default=default, metadata=metadata)


# ---------------------------------------------------------------------- argument types


def code(text: str) -> str:
    """A department code as ``--department`` takes it."""
    if not re.fullmatch(CODE_PATTERN, text) or len(text) > 64:
        raise argparse.ArgumentTypeError(f"部门代码应为小写字母、数字和连字符，实际为 '{text}'")
    return text


def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"应为正整数，实际为 '{text}'") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"应为正整数，实际为 '{text}'")
    return value


def formats(text: str) -> tuple[str, ...]:
    try:
        return parse_formats(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _path(text: str | None) -> Path | None:
    return Path(text) if text else None


# ---------------------------------------------------------------------- shared with other commands

STRICT = flag("--strict", action="store_true",
              help="录入检查：空白的指标值/实际完成值、分值合计不符也视为错误（默认照读、计分并列为审核发现）")
FRAMEWORKS = flag("--frameworks", metavar="DIR",
                  help=f"评价框架目录（默认输入目录下的 {FRAMEWORKS_DIR}/；找不到时用 perflib 内置的框架）")
DOCX_TEMPLATE = flag("--docx-template", metavar="DOCX",
                     help="本单位的 Word 模板：沿用其样式、页面设置、页眉页脚和封面（须含的样式见 README）")


class Progress(StrEnum):
    """Whether the batch shows a progress bar."""

    AUTO = "auto"  # when stderr is a terminal
    ON = "on"
    OFF = "off"


@dataclass(frozen=True)
class RunOptions:
    """Everything ``perflib run`` can be told; the defaults are the command line's."""

    params_dir: Path = option(Path("params"), flag("--params", metavar="DIR", help="输入目录（默认 %(default)s）"),
                              cli=Path)
    outputs_dir: Path = option(Path("outputs"), flag("--outputs", metavar="DIR", help="输出目录（默认 %(default)s）"),
                               cli=Path)
    departments: tuple[str, ...] = option((), flag("--department", action="append", type=code, metavar="CODE",
                                                   help="只渲染这些部门（可重复）"), cli=lambda v: tuple(v or ()))
    years: tuple[int, ...] = option((), flag("--year", action="append", type=int, metavar="YEAR",
                                             help="只渲染这些年度（可重复）"), cli=lambda v: tuple(v or ()))
    strict: bool = option(False, STRICT)
    frameworks_dir: Path | None = option(None, FRAMEWORKS, cli=_path)  # None: the params folder's frameworks/
    jobs: int = option(os.cpu_count() or 1, flag("--jobs", type=positive_int, metavar="N",
                                                 help="并行数（默认 CPU 核数，本机 %(default)s）"))
    force: bool = option(False, flag("--force", action="store_true", help="输入未变化也重新渲染"))
    timeout: int = option(300, flag("--timeout", type=positive_int, metavar="S",
                                    help="每个代码单元的超时秒数（默认 %(default)s）"))
    engine: Engine = option(Engine.WARM, flag("--engine", choices=tuple(Engine), type=Engine,
                                              help="执行引擎：warm 复用已启动的内核（快），cold 每份报告新启内核（默认 %(default)s）"))
    restart_every: int = option(RESTART_EVERY, flag("--restart-every", type=positive_int, metavar="K",
                                                    help="warm 引擎每渲染 K 份报告重启一次内核（默认 %(default)s）"))
    scheduler: str | None = option(None, flag("--scheduler", metavar="ADDRESS",
                                              help="在 Dask 集群上渲染：调度器地址（如 tcp://10.0.0.5:8786），或 local 在本机启动 LocalCluster"))
    transfer_files: bool = option(False, flag("--transfer-files", action="store_true",
                                              help="Dask 工作节点看不到共享目录时：输入文件随任务发送，渲染结果传回"))
    template: Path | None = option(None, flag("--template", metavar="NB",
                                              help=f"报告模板（默认 notebooks/{REPORT_TEMPLATE}，没有则用内置模板）"),
                                   cli=_path)
    wait: float = option(0.0, flag("--wait", type=float, metavar="S", help="outputs 被另一批次占用时最多等待的秒数"))
    progress: Progress = option(Progress.AUTO, flag("--quiet", action="store_const", const=Progress.OFF,
                                                    help="不显示进度条"),
                                cli=lambda v: v or Progress.AUTO)
    overview: bool = option(True, flag("--no-overview", action="store_false",
                                       help="不渲染年度总览 outputs/overview-<年度>.html"))
    projects: bool = option(False, flag("--projects", action="store_true",
                                        help="为每份项目支出绩效自评表（<部门代码>/projects/<年度>/<项目>.yaml）渲染报告 "
                                             "<部门代码>/<年度>/projects/<项目>/report.html；不加时只评分，"
                                             "用于索引、汇总表和年度总览"))
    formats: tuple[str, ...] = option(DEFAULT_FORMATS, flag(
        "--formats", type=formats, metavar="LIST",
        help=f"每份报告生成的格式，逗号分隔：{'、'.join(FORMATS)}（默认 %(default)s）"))
    docx_template: Path | None = option(None, DOCX_TEMPLATE, cli=_path)
    overview_template: Path | None = option(None, flag("--overview-template", metavar="NB",
                                                       help=f"年度总览模板（默认 notebooks/{OVERVIEW_TEMPLATE}，没有则用内置模板）"),
                                            cli=_path)
    monitor_template: Path | None = None  # None: notebooks/monitor.ipynb here, else the bundled one
    monitoring: bool = True  # render a monitoring report for every snapshot <code>/<year>-<MM>.yaml
    excel: bool = True  # write outputs/summary.xlsx

    def __post_init__(self) -> None:  # what a caller may pass loosely: folders as text, one code, a list
        for name in ("params_dir", "outputs_dir"):
            object.__setattr__(self, name, Path(getattr(self, name)))
        for name in ("template", "overview_template", "monitor_template", "docx_template", "frameworks_dir"):
            if getattr(self, name) is not None:
                object.__setattr__(self, name, Path(getattr(self, name)))
        object.__setattr__(self, "departments", _tuple(self.departments))
        object.__setattr__(self, "years", tuple(int(y) for y in _tuple(self.years)))
        object.__setattr__(self, "formats", _tuple(self.formats))
        object.__setattr__(self, "engine", Engine(self.engine))
        progress = {True: Progress.ON, False: Progress.OFF, None: Progress.AUTO}.get(self.progress, self.progress)
        object.__setattr__(self, "progress", Progress(progress))

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> RunOptions:
        """The options a parsed ``perflib run`` command line gives (see :func:`add_flags`)."""
        values = {}
        for f in fields(cls):
            if "flag" not in f.metadata:
                continue
            value = getattr(args, f.name)
            convert = f.metadata.get("cli")
            values[f.name] = convert(value) if convert else value
        return cls(**values)


def _tuple(value: object) -> tuple:
    if value is None:
        return ()
    if isinstance(value, (str, int)):
        return (value,)
    return tuple(value)


def add_flags(parser: argparse.ArgumentParser) -> None:
    """Every flag of :class:`RunOptions`, with its default and help, to ``perflib run``'s parser."""
    for f in fields(RunOptions):
        declared = f.metadata.get("flag")
        if declared is None:
            continue
        default = f.default if f.default is not MISSING else f.default_factory()  # type: ignore[misc]
        declared.add_to(parser, dest=f.name, default=default)
