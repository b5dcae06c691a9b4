"""The project's own exceptions, and the problems it reports without refusing.

Every problem a user can cause is reported as a :class:`PerflibError`. Problems in an input file are
:class:`InputError`: they name the file, the field path inside it, what was expected and what was
found, so a finance analyst can fix the file without reading a traceback. :class:`Problems` collects
them for one file.

What a check finds and reports rather than refuses — the audit of a self-evaluation, the review of a
monitoring snapshot — is a :class:`Finding` with a :class:`Level`: one vocabulary for every finding.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import ClassVar


class PerflibError(Exception):
    """Base class of every error perflib raises on purpose."""


def first_line(exc: Exception) -> str:
    """An error in one line for a list of files: its first line, and how many more there are
    ("…（另有 2 处）")."""
    lines = str(exc).splitlines() or [""]
    return lines[0] + (f"（另有 {len(lines) - 1} 处）" if len(lines) > 1 else "")


def format_field(path: Iterable[str | int]) -> str:
    """Join a field path as ``indicators[3].target``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out or "(文件)"


def _short(value: object, limit: int = 60) -> str:
    """How a found value is shown: text quoted, numbers as written (never a Python repr like Decimal('1'))."""
    if isinstance(value, str):
        text = f"'{value}'"
    elif isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        try:
            text = str(value)
        except ValueError:  # an int beyond Python's digit limit
            text = "（位数过多的数字）"
    elif isinstance(value, bool) or value is None:
        text = {True: "true", False: "false", None: "（空）"}[value]  # as YAML writes them
    else:
        text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…'"


class InputError(PerflibError):
    """A problem in one field of one input file.

    ``str(error)`` is one line: ``file: field: message``.
    """

    def __init__(
        self,
        file: str | Path | None,
        field: str | Iterable[str | int],
        message: str,
        *,
        expected: str | None = None,
        found: object = None,
        line: int | None = None,
    ) -> None:
        self.file = str(file) if file is not None else "(输入)"
        self.field = field if isinstance(field, str) else format_field(field)
        self.detail = message
        self.expected = expected
        self.found = found
        self.line = line
        super().__init__(f"{self.file}: {self.field}: {self.message}")

    @property
    def message(self) -> str:
        """The message part of the line: what is wrong, expected, found, and the line number."""
        text = self.detail
        if self.expected is not None:
            text += f"；应为{self.expected}"
        if self.found is not None:
            text += f"，实际为 {_short(self.found)}"
        if self.line is not None:
            text += f"（第 {self.line} 行）"
        return text


class InputErrors(PerflibError):
    """Several input problems found in one pass; ``str()`` gives one line per problem."""

    def __init__(self, errors: list[InputError]) -> None:
        self.errors = list(errors)
        super().__init__("\n".join(str(e) for e in self.errors))


class TargetError(PerflibError):
    """A target or actual value as written (e.g. "≥26 次") that cannot be read."""

    def __init__(self, text: str, reason: str) -> None:
        self.text = text
        self.reason = reason
        super().__init__(f"无法解析「{text}」：{reason}")


class FrameworkError(InputError):
    """A framework file that is not a valid indicator tree (same one-line form as InputError)."""


class RunError(PerflibError):
    """A batch run that cannot start (bad options, outputs locked, …)."""


class WriteError(RunError):
    """A file that could not be written (its ``__cause__`` is the OSError); the old file is intact."""


def line_of(lines: dict[tuple, int], field: tuple) -> int | None:
    """The line of ``field``, or of its nearest ancestor that has one."""
    field = tuple(field)
    while field:
        if field in lines:
            return lines[field]
        field = field[:-1]
    return lines.get(())


class Problems:
    """Collects :class:`InputError` for one file, with line numbers, to raise them together.

    A *defect* is a problem of a filled-in form that an auditor wants read and reported rather than
    refused (a blank cell, weights that do not add up): :meth:`defect` records it as ``(code, message,
    subject)`` for the audit to report at error level — or, with ``strict`` (data entry), as an error.
    """

    def __init__(self, file: str | Path, lines: dict[tuple, int] | None = None, *, strict: bool = False) -> None:
        self.file = str(file)
        self.lines = lines or {}
        self.strict = strict
        self.errors: list[InputError] = []
        self.defects: list[tuple[str, str, str]] = []

    def defect(self, field: tuple, code: str, message: str, *, subject: str = "", expected: str | None = None,
               found: object = None, refusal: str | None = None) -> None:
        """A defect of the form: refused (``refusal`` or ``message``) when strict, else reported."""
        if self.strict:
            self.add(field, refusal or message, expected=expected, found=found)
        else:
            self.defects.append((code, message, subject))

    def add(self, field: tuple, message: str, *, expected: str | None = None, found: object = None) -> None:
        self.errors.append(
            InputError(self.file, field, message, expected=expected, found=found, line=line_of(self.lines, field))
        )

    def raise_if_any(self) -> None:
        if self.errors:
            raise InputErrors(self.errors)


# ---------------------------------------------------------------------- findings


class Level(StrEnum):
    """How serious a finding is; the values are what JSON, manifests and frames say."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def label(self) -> str:
        """错误, 警示, 提示."""
        return LEVEL_NAMES[self]


#: Each level's Chinese name (by :class:`Level`, which is also its plain string).
LEVEL_NAMES = {Level.ERROR: "错误", Level.WARNING: "警示", Level.INFO: "提示"}


@dataclass(frozen=True)
class Finding:
    """One finding of a check: its level, a stable code, a Chinese sentence and what it is about.

    Every code is declared by the module whose checks report it (:meth:`declare`, with the topic under
    which a report discusses it); a finding with an undeclared code or level cannot be made.
    """

    level: Level
    code: str
    message: str  # Chinese, one sentence
    subject: str = ""  # what it is about: a node, an indicator, a field

    #: every declared code → the topic (问题方面) under which a report discusses it as a problem, or None
    TOPICS: ClassVar[dict[str, str | None]] = {}

    def __post_init__(self) -> None:
        if self.level not in LEVEL_NAMES or self.code not in Finding.TOPICS:
            raise ValueError(f"unknown finding level or code: {self.level} {self.code}")
        object.__setattr__(self, "level", Level(self.level))

    @classmethod
    def declare(cls, topics: Mapping[str, str | None]) -> None:
        """Make ``topics``' codes known (code → its report topic, or None for information only)."""
        cls.TOPICS.update(topics)

    @property
    def topic(self) -> str | None:
        """The report's topic for this finding when it is a problem (an error or a warning), else None."""
        return Finding.TOPICS[self.code] if self.level in (Level.ERROR, Level.WARNING) else None

    def as_dict(self) -> dict[str, str]:
        return {"level": str(self.level), "code": self.code, "message": self.message, "subject": self.subject}


def by_level(findings: Iterable[Finding]) -> list[Finding]:
    """Errors first, then warnings, then information (the order within a level kept)."""
    order = list(Level)
    return sorted(findings, key=lambda f: order.index(f.level))
