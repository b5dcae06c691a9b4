"""The rectification list (整改清单): last year's problems of each form, what this year's report says of them,
and whether they are found again (docs/review.md, "整改清单").

Last year's problems of a form (a department-year, or a project, the year before) are its errors and warnings
(one per code and subject) and the sentences of its 存在问题 (``narrative.problems``). This year's report
*says* of one what the sentences of its 上年问题整改情况 (``narrative.rectification``) that mention it say —
or, when it has none, those of its 存在问题 and 下一步改进措施. The sentences that
*name* a problem mention it: for a finding, those that hold its subject (of a category, its last part:
效益/**可持续影响**); for a stated problem, those that share ``same_words`` (6) characters in a row with it.
When none names it, those that name no other of last year's problems and hold its topic (问题方面) or one of
the topic's words (``topic_words`` of ``review.yaml``; for a stated problem, the topic words it holds
itself) mention it.

A finding *recurs* when this year's form has it again (same code and subject: the ``recurring`` query); a
stated problem when this year's 存在问题 states it again, word for word (punctuation aside). The status:

* 整改未到位 — it recurs, or this year's 存在问题 mentions it: the department says it still stands;
* 已整改 — neither, and this year's 上年问题整改情况 mentions it (the department's word, not yet checked);
* 未说明整改情况 — neither, and no 整改情况 mentions it (a 改进措施 sentence that does is a plan, shown
  in ``this_year_says`` but no rectification).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..errors import Level
from ..frames import _frame
from .settings import Settings

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from ..evaluation import Evaluation

RECTIFICATION_COLUMNS = ["code", "department", "year", "project", "last_year", "source", "problem", "finding_code",
                         "row", "topic", "this_year_says", "said_in", "recurs", "status", "file"]
#: where a problem comes from (``source``)
FOUND, STATED = "审核发现", "报告所述问题"
#: the parts of this year's narrative a sentence about last year's problems is read from (``said_in``)
RECTIFIED, PROBLEMS, IMPROVEMENTS = "上年问题整改情况", "存在问题", "改进措施"
NOT_DONE, DONE, UNSAID = "整改未到位", "已整改", "未说明整改情况"
STATUSES = (NOT_DONE, DONE, UNSAID)
_SENTENCE = re.compile(r"[^。！？；;!?\n]+[。！？；;!?]?")
_MARKS = re.compile(r"[\s，,、：:“”\"'（）()《》。！？；;!?]")


@dataclass(frozen=True)
class Problem:
    """One of last year's problems: a finding (``code`` and ``subject`` set) or a stated sentence."""

    text: str
    code: str = ""
    subject: str = ""
    topic: str = ""


def sentences(paragraphs: list[str]) -> list[str]:
    """The sentences of ``paragraphs``, each with its closing mark (。；…)."""
    return [s.strip() for p in paragraphs for s in _SENTENCE.findall(p) if s.strip(" \t\n。！？；;!?")]


def problems(last: Evaluation) -> list[Problem]:
    """Last year's problems: its errors and warnings (one per code and subject), then its stated ones."""
    found = {(f.code, f.subject): Problem(f.message, f.code, f.subject, f.topic or "")
             for f in reversed(last.findings) if f.level != Level.INFO}
    return list(reversed(found.values())) + [Problem(s) for s in sentences(last.params.narrative.problems)]


def about(problem: Problem, said: list[tuple[str, str]], every: list[Problem],
          settings: Settings) -> list[tuple[str, str]]:
    """The sentences of ``said`` (each with where it was read) that mention ``problem``, one of ``every``
    problem of last year: those that name it (its subject; for a stated problem, ``same_words`` characters in
    a row of it) when some do, else those that name none of ``every`` and hold its topic or a topic word."""
    named = [(part, s) for part, s in said if _names(s, problem, settings)]
    if named:
        return named
    if problem.code:
        words = [problem.topic, *settings.topic_words.get(problem.topic, [])]
    else:
        words = [w for ws in settings.topic_words.values() for w in ws if w in problem.text]
    return [(part, s) for part, s in said
            if any(w and w in s for w in words) and not any(_names(s, q, settings) for q in every)]


def _names(sentence: str, problem: Problem, settings: Settings) -> bool:
    if problem.code:
        name = problem.subject.rsplit("/", 1)[-1]  # of a category, its own part: 效益/可持续影响 → 可持续影响
        return len(name) >= 2 and name in sentence
    a, b = _MARKS.sub("", problem.text), _MARKS.sub("", sentence)
    match = difflib.SequenceMatcher(None, a, b, autojunk=False).find_longest_match(0, len(a), 0, len(b))
    return match.size >= settings.thresholds.same_words


def rectification_rows(ev: Evaluation, last: Evaluation, settings: Settings) -> Iterator[dict]:
    """One row per problem of ``last`` (last year's form), judged by ``ev`` (this year's)."""
    narrative = ev.params.narrative
    again = {(f.code, f.subject) for f in ev.findings if f.level != Level.INFO}
    stated = [(PROBLEMS, s) for s in sentences(narrative.problems)]  # this year's 存在问题, read once
    restated = {_MARKS.sub("", s) for _, s in stated}
    rectified = sentences(narrative.rectification)
    read = [(RECTIFIED, s) for s in rectified] if rectified else \
        stated + [(IMPROVEMENTS, s) for s in sentences(narrative.improvements)]
    every = problems(last)
    for p in every:
        said = about(p, read, every, settings)
        recurs = (p.code, p.subject) in again if p.code else _MARKS.sub("", p.text) in restated
        if recurs or about(p, stated, every, settings):
            status = NOT_DONE
        elif any(part == RECTIFIED for part, _ in said):
            status = DONE
        else:
            status = UNSAID
        yield {"code": ev.code, "department": ev.department, "year": ev.year, "project": ev.project or "",
               "last_year": last.year, "source": FOUND if p.code else STATED, "problem": p.text,
               "finding_code": p.code, "row": p.subject, "topic": p.topic,
               "this_year_says": "".join(dict.fromkeys(s for _, s in said)), "said_in": "、".join(dict.fromkeys(part for part, _ in said)),
               "recurs": recurs, "status": status, "file": str(ev.path or "")}


def rectification(review: Any) -> pd.DataFrame:  # a perflib.bureau.run.Review (which imports this)
    """The rectification list of ``review``: one row per last-year problem of each form that has last year's
    (forms by department code, year and project name; columns in docs/review.md, "整改清单")."""
    forms = sorted((f for f in review.forms if f.last is not None),
                   key=lambda f: (f.ev.code, f.ev.year, f.ev.project or ""))
    rows = [row for f in forms for row in rectification_rows(f.ev, f.last, review.settings)]
    return _frame(rows, RECTIFICATION_COLUMNS)
