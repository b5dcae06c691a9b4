"""Why a form was not read: one line naming the file, the sheet, the cell, what was expected and found."""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import PerflibError


@dataclass(frozen=True)
class Refusal:
    """A form refused: ``sheet`` and ``cell`` ("F12（得分）") where the reason is, '' when it is the whole file."""

    sheet: str
    cell: str
    reason: str

    def line(self, file: object) -> str:
        where = f"{self.sheet}!{self.cell}" if self.sheet and self.cell else self.sheet or self.cell
        return f"{file}: {where + '：' if where else ''}{self.reason}"


class Refused(PerflibError):
    """Raised while reading a form that cannot be read; carries the :class:`Refusal`."""

    def __init__(self, refusal: Refusal) -> None:
        self.refusal = refusal
        super().__init__(refusal.line("(表)"))


def refuse(where: str, reason: str, *, expected: str | None = None, found: object = None) -> Refused:
    """A :class:`Refused` for the cell named ``where`` (``自评表!F12（得分）``, or a sheet, or '')."""
    sheet, _, cell = where.partition("!")
    text = reason
    if expected is not None:
        text += f"；应为{expected}"
    if found is not None and found != "":
        shown = str(found)
        text += f"，实际为「{shown if len(shown) <= 60 else shown[:59] + '…'}」"
    return Refused(Refusal(sheet, cell, text))
