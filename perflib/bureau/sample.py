"""Sampling (抽评): which forms of a review a bureau re-evaluates, picked reproducibly, each with why.

:func:`sample_review` picks ``n`` forms of a :class:`~perflib.bureau.run.Review` by one of three methods
(docs/review.md, "抽评"):

* ``risk`` — the ``n`` highest risk scores; forms of equal risk in a random order drawn with the seed;
* ``amount`` — probability proportional to the adjusted budget (systematic PPS): a form whose budget is at
  least the sampling interval (the budgets' total ÷ the forms still to pick) is taken with certainty and
  removed, until none is; the rest are picked at the points ``start + k × interval`` along the running total
  of their budgets, ``start`` drawn with the seed in (0, interval]; a form's inclusion probability is then
  ``budget × forms picked so ÷ their budgets' total``;
* ``random`` — a simple random sample without replacement.

The population is the review's forms in one stable order — by department code, then year, then project
name — whatever order the file system listed them in, and every draw comes from ``random.Random(seed)``:
the same forms and seed give the same picks on any machine.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from ..errors import PerflibError
from ..frames import _frame, num, pct
from ..numbers import ZERO, fmt_number, fmt_percent, fmt_points

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

#: a form (a perflib.bureau.run.FormReview), its inclusion probability (None: not meaningful), why it was picked;
#: the review and its forms are typed Any here, as run (which defines them) imports this module
Pick = tuple[Any, Decimal | None, str]

METHODS = ("risk", "amount", "random")
METHOD_NAMES = {"risk": "风险分从高到低", "amount": "预算金额成比例概率（系统抽样）", "random": "简单随机抽样"}
#: which forms a sample is drawn from: all, the department-years' own, the projects'
SCOPES = ("all", "departments", "projects")
SCOPE_NAMES = {"all": "自评表", "departments": "部门整体自评表", "projects": "项目自评表"}
SAMPLE_COLUMNS = ["rank", "code", "department", "year", "project", "budget_adjusted", "risk", "queries",
                  "verifiable_share", "probability", "reason", "file"]
#: the draw of the systematic sample's start: a whole number in 1 … START_STEPS, × interval ÷ START_STEPS
START_STEPS = 10**9
#: how many of a form's kinds of query a ``risk`` reason names
TOP_KINDS = 3


def population(review: Any, scope: str = "all") -> list[Any]:
    """The forms of ``review`` in ``scope``, in their stable order (code, year, project name, file)."""
    if scope not in SCOPES:
        raise PerflibError(f"抽评范围应为 {'、'.join(SCOPES)} 之一，实际为 {scope!r}")
    forms = [f for f in review.forms
             if scope == "all" or (scope == "projects") == (f.ev.project is not None)]
    return sorted(forms, key=lambda f: (f.ev.code, f.ev.year, f.ev.project or "", str(f.ev.path or "")))


def sample_review(review: Any, n: int, *, seed: int, by: str = "risk", scope: str = "all") -> pd.DataFrame:
    """``n`` forms of ``review`` picked by ``by`` (risk, amount or random) with ``seed``: one row per pick in
    the order picked (columns in docs/review.md, "抽评"; ``frame.attrs["note"]`` says how the sample was
    drawn, and that every form was taken when ``n`` is not below their number).

    Raise PerflibError for ``n`` ≤ 0, an unknown method or scope, or no form to pick from."""
    if by not in METHODS:
        raise PerflibError(f"抽样方法应为 {'、'.join(METHODS)} 之一，实际为 {by!r}")
    if isinstance(n, bool) or not isinstance(n, int) or n <= 0:
        raise PerflibError(f"抽样数应为正整数，实际为 {n!r}")
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise PerflibError(f"随机种子应为整数，实际为 {seed!r}")
    forms = population(review, scope)
    years = "、".join(map(str, review.years))
    if not forms:
        raise PerflibError(f"{review.params_dir}: {years} 年度没有可抽取的{SCOPE_NAMES[scope]}")
    rng = random.Random(seed)
    picks = {"risk": _by_risk, "amount": _by_amount, "random": _at_random}[by](forms, n, rng, seed, review)
    note = (f"从 {years} 年度 {len(forms)} 份{SCOPE_NAMES[scope]}中按{METHOD_NAMES[by]}抽取 "
            f"{len(picks)} 份（种子 {seed}）")
    if n >= len(forms):
        note += f"；抽样数 {n} 不少于总数 {len(forms)}，全部入选"
    if review.failed:
        note += f"；另有 {len(review.failed)} 份无法读取，未列入"
    frame = _frame([_row(i, f, probability, reason) for i, (f, probability, reason) in enumerate(picks, 1)],
                   SAMPLE_COLUMNS)
    frame.attrs.update(note=note + "。", method=by, seed=seed, n=n, scope=scope, population=len(forms))
    return frame


def _row(rank: int, f: Any, probability: Decimal | None, reason: str) -> dict:
    ev, s = f.ev, f.share
    return {"rank": rank, "code": ev.code, "department": ev.department, "year": ev.year,
            "project": ev.project or "", "budget_adjusted": num(f.budget), "risk": num(f.risk),
            "queries": len(f.queries), "verifiable_share": pct(s.number / s.total) if s.total else None,
            "probability": pct(probability), "reason": reason, "file": str(ev.path or "")}


def _shuffled(forms: Sequence[Any], rng: random.Random) -> list[Any]:
    order = list(forms)
    rng.shuffle(order)
    return order


def _by_risk(forms: list[Any], n: int, rng: random.Random, seed: int, review: Any) -> list[Pick]:
    position = {id(f): i for i, f in enumerate(_shuffled(forms, rng))}
    ranked = sorted(forms, key=lambda f: (-f.risk, position[id(f)]))
    equal = Counter(f.risk for f in forms)
    kinds = review.settings.kinds
    out: list[Pick] = []
    for i, f in enumerate(ranked[:n], 1):
        reason = f"风险分 {fmt_points(f.risk)}，居 {len(forms)} 份中第 {i} 位"
        if equal[f.risk] > 1:
            reason += f"（与另 {equal[f.risk] - 1} 份风险分相同，按种子 {seed} 的随机顺序排定）"
        by_kind: dict[str, list[Decimal]] = {}
        for q in f.queries:
            by_kind.setdefault(q.kind, []).append(q.risk)
        top = sorted(by_kind.items(), key=lambda kv: (-sum(kv[1], ZERO), -len(kv[1]), kv[0]))[:TOP_KINDS]
        reason += ("；主要疑点：" + "、".join(f"{kinds[k].name} {len(rs)} 个（风险分 {fmt_points(sum(rs, ZERO))}）"
                                         for k, rs in top)) if top else "；没有疑点"
        out.append((f, None, reason + "。"))
    return out


def _at_random(forms: list[Any], n: int, rng: random.Random, seed: int, review: Any) -> list[Pick]:
    k = min(n, len(forms))
    probability = Decimal(k) / Decimal(len(forms))
    return [(f, probability, f"随机抽取，种子 {seed}。") for f in rng.sample(forms, k)]


def _by_amount(forms: list[Any], n: int, rng: random.Random, seed: int, review: Any) -> list[Pick]:
    if n >= len(forms):
        return [(f, Decimal(1), f"预算 {fmt_number(f.budget)} 万元；抽样数不少于总数，全部入选（概率 100.00%）。")
                for f in forms]
    rest, picks, left = list(forms), [], n
    while left:  # a form of at least the interval is certain: take it out and look again
        total = sum((f.budget for f in rest), ZERO)
        big = sorted((f for f in rest if total and f.budget * left >= total), key=lambda f: -f.budget)[:left]
        if not big:
            break
        interval = _decimal(Fraction(total) / left)
        picks += [(f, Decimal(1), f"预算 {fmt_number(f.budget)} 万元，不小于抽样间距 {fmt_number(interval)} 万元，"
                                  "必然入样（概率 100.00%）。") for f in big]
        taken = {id(f) for f in big}
        rest = [f for f in rest if id(f) not in taken]
        left -= len(big)
    total = sum((f.budget for f in rest), ZERO)
    if left and total:  # every budget left is below the interval: at most one point falls in each
        interval = Fraction(total) / left
        start = interval * rng.randint(1, START_STEPS) / START_STEPS
        points = [start + k * interval for k in range(left)]  # the last is at most the total, exactly
        running, k = Fraction(0), 0
        for f in rest:
            running += Fraction(f.budget)
            if k < left and points[k] <= running:
                probability = f.budget * left / total
                picks.append((f, probability,
                              f"预算 {fmt_number(f.budget)} 万元，入样概率 {fmt_percent(probability)}（按预算金额成比例的"
                              f"系统抽样：抽样间距 {fmt_number(_decimal(interval))} 万元，随机起点 "
                              f"{fmt_number(_decimal(start))} 万元，种子 {seed}）。"))
                k += 1
        left -= k
    if left:  # only forms of no budget remain: no amount reaches them
        probability = Decimal(left) / Decimal(len(rest))
        picks += [(f, probability, f"预算为 0，按金额无法抽中；其余各表均已入样，随机补足（种子 {seed}）。")
                  for f in rng.sample(rest, left)]
    return picks


def _decimal(value: Fraction) -> Decimal:
    return Decimal(value.numerator) / Decimal(value.denominator)
