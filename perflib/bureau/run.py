"""A bureau's review of every form of some years: :func:`review` evaluates each department-year and project
form, runs the checks of :mod:`perflib.bureau.checks` with last year's form and the year's monitoring beside
it, scores the risk of each query and returns a :class:`Review` — the queries, one summary per form, and
the forms that could not be read."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from decimal import Decimal
from functools import cached_property
from pathlib import Path

from ..errors import PerflibError, first_line
from ..evaluation import Evaluation, evaluate
from ..inputs.params import (
    SNAPSHOT_FILE,
    YEAR_FILE,
    discover,
    discover_projects,
    earlier_projects,
    project_place,
    year_file,
)
from ..numbers import ZERO
from ..portfolios import UNIT_FACTORS, selected_departments, selected_years
from ..scoring.variants import grade_flip, score_variants, variants_note
from . import basis
from .checks import CHECKS, Form
from .midyear import snapshots_of
from .query import Query, with_risk
from .settings import KINDS, Settings, load_settings


@dataclass(frozen=True)
class FormReview:
    """One form's place in the review: its scores, what its points rest on, its queries and their risk."""

    ev: Evaluation
    share: basis.Share
    queries: tuple[Query, ...]
    margin: Decimal | None  # points above the bottom of its grade band (None: the bottom grade)
    last: Evaluation | None = None
    variants: str = ""  # the rule variants under which its grade differs (scoring.variants.variants_note)
    flip: str = ""  # the smallest single-row change that flips its grade (scoring.variants.grade_flip)

    @property
    def risk(self) -> Decimal:
        return sum((q.risk for q in self.queries), ZERO)

    @property
    def budget(self) -> Decimal:
        """The adjusted budget in 万元 (the portfolio's unit)."""
        return self.ev.metrics.adjusted / UNIT_FACTORS.get(self.ev.metrics.unit, Decimal(1))


@dataclass(frozen=True)
class Review:
    """The review of ``years``: every form (department-years, then their projects), every query by risk."""

    params_dir: Path
    years: tuple[int, ...]
    settings: Settings
    forms: tuple[FormReview, ...]
    failed: dict[Path, str] = field(default_factory=dict)

    @cached_property
    def queries(self) -> tuple[Query, ...]:
        """Every query, the highest risk first (then by department, year and project, as listed); sorted once."""
        return tuple(sorted((q for f in self.forms for q in f.queries), key=lambda q: -q.risk))

    def of_year(self, year: int) -> Review:
        """The part of the review that is of ``year``: its forms, and the files of that year it could not read."""
        return replace(self, years=(year,), forms=tuple(f for f in self.forms if f.ev.year == year),
                       failed={p: e for p, e in self.failed.items() if _year_of(p) == year})

    def share(self) -> basis.Share:
        """The portfolio's points by what they rest on (every form's added up)."""
        return basis.Share(*(sum((getattr(f.share, k) for f in self.forms), ZERO) for k in ("number", "judged", "none")))

    def __repr__(self) -> str:
        return (f"<Review {'、'.join(map(str, self.years))} 年：{len(self.forms)} 份自评表，{len(self.queries)} 个疑点"
                + (f"，{len(self.failed)} 份无法读取" if self.failed else "") + ">")

    def queries_frame(self):
        from .frames import queries_frame

        return queries_frame(self)

    def review_frame(self):
        from .frames import review_frame

        return review_frame(self)

    def kinds_frame(self):
        from .frames import kinds_frame

        return kinds_frame(self)

    def failed_frame(self):
        from .frames import failed_frame

        return failed_frame(self)

    def sheets(self) -> dict:
        """The review's tables by their sheet in 疑点清单.xlsx (and sections of the review page): Chinese
        sheet name → DataFrame with English columns."""
        from .frames import sheets

        return sheets(self)
    def rectification_frame(self):
        """The rectification list (整改清单): :func:`perflib.bureau.rectify.rectification`."""
        from .rectify import rectification

        return rectification(self)

    def sample(self, n: int, *, seed: int, by: str = "risk", scope: str = "all"):
        """``n`` forms picked for re-evaluation (抽评), reproducibly: :func:`perflib.bureau.sample.sample_review`."""
        from .sample import sample_review

        return sample_review(self, n, seed=seed, by=by, scope=scope)


def review(params_dir: str | Path = "params", years: int | Iterable[int] | None = None,
           departments: str | Iterable[str] | None = None, *, projects: bool = True,
           settings: Settings | None = None, jobs: int = 1) -> Review:
    """Review every form of ``years`` (None: the latest year with a form) under ``params_dir``.

    Raise PerflibError when the folder is not one or holds no form of those years; a form that cannot be read
    is listed in ``failed`` with why and the review goes on. ``jobs`` > 1 reviews the departments in that many
    worker processes (each department's forms, and last year's beside them, in one): the same review, sooner
    when there are many forms."""
    params_dir = Path(params_dir)
    settings = settings or load_settings(params_dir)
    chosen_codes = selected_departments(departments)
    chosen = selected_years(years)
    if chosen is None:  # the latest year with a form, the department's own or a project's
        years_found = [int(p.stem) for p in discover(params_dir, departments=chosen_codes)]
        if projects:
            years_found += [int(p.parent.name) for p in discover_projects(params_dir, departments=chosen_codes)]
        if not years_found:
            raise PerflibError(f"{params_dir}: 没有找到任何自评输入（<部门代码>/<年度>.yaml 或 "
                               "<部门代码>/projects/<年度>/<项目>.yaml）")
        chosen = [max(years_found)]
    paths = discover(params_dir, departments=chosen_codes, years=chosen)
    if projects:
        paths += discover_projects(params_dir, departments=chosen_codes, years=chosen)
    if not paths:
        raise PerflibError(f"{params_dir}: 没有 {'、'.join(map(str, chosen))} 年度的自评输入")
    groups: dict[str, list[Path]] = {}  # by department: last year's forms are evaluated once, in one process
    for path in paths:
        groups.setdefault(_code_of(path, params_dir), []).append(path)
    if jobs > 1 and len(groups) > 1:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        context = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn")
        with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
            done = list(pool.map(_review_paths, [params_dir] * len(groups), groups.values(),
                                 [settings] * len(groups), chunksize=max(1, len(groups) // (jobs * 8))))
    else:
        done = [_review_paths(params_dir, group, settings) for group in groups.values()]
    reviewed: dict[Path, FormReview] = {}
    failed: dict[Path, str] = {}
    for group_reviews, group_failed in done:
        reviewed.update(group_reviews)
        failed.update(group_failed)
    forms = [reviewed[p] for p in paths if p in reviewed]  # in the order listed, as one process gives them
    return Review(params_dir, tuple(chosen), settings, tuple(forms), dict(sorted(failed.items())))


def _year_of(path: Path) -> int | None:
    """The year of a form or snapshot by where it is: ``<code>/<year>.yaml``, ``<code>/<year>-<MM>.yaml`` or
    ``<code>/projects/<year>/<key>.yaml``."""
    if (place := project_place(path)) is not None:
        return place[1]
    if (snapshot := SNAPSHOT_FILE.match(path.stem)) is not None:
        return int(snapshot[1])
    return int(path.stem) if YEAR_FILE.match(path.stem) else None


def _code_of(path: Path, params_dir: Path) -> str:
    """The department code of a year file (``<code>/<year>.yaml``) or a project form (``<code>/projects/…``)."""
    try:
        return path.relative_to(params_dir).parts[0]
    except ValueError:  # pragma: no cover - discover lists files under params_dir
        return str(path.parent)


def _review_paths(params_dir: Path, paths: list[Path], settings: Settings
                  ) -> tuple[dict[Path, FormReview], dict[Path, str]]:
    """The reviews of ``paths`` (one department's forms) and the files that could not be read, with why."""
    cache: dict[Path, Evaluation | str] = {}
    reviewed, failed = {}, {}
    for path in paths:
        ev = _evaluated(path, cache)
        if isinstance(ev, str):
            failed[path] = ev
            continue
        last = _last(path, ev, params_dir, cache)
        midyear, unread = ((), {}) if ev.project else snapshots_of(path, ev.params)
        failed.update(unread)
        reviewed[path] = review_form(ev, settings, last=last, midyear=midyear)
    return reviewed, failed


def review_frame(params_dir: str | Path = "params", years: int | Iterable[int] | None = None,
                 departments: str | Iterable[str] | None = None, *, projects: bool = True):
    """One row per form of the review of ``years`` (:func:`review`; columns in :mod:`perflib.bureau.frames`)."""
    return review(params_dir, years, departments, projects=projects).review_frame()


def queries_frame(params_dir: str | Path = "params", years: int | Iterable[int] | None = None,
                  departments: str | Iterable[str] | None = None, *, projects: bool = True):
    """One row per query of the review of ``years``, the highest risk first (:func:`review`)."""
    return review(params_dir, years, departments, projects=projects).queries_frame()


def sample(params_dir: str | Path = "params", n: int = 0, *, seed: int, year: int | None = None, by: str = "risk",
           scope: str = "all"):
    """Review the forms of ``year`` under ``params_dir`` (None: the latest year) and pick ``n`` of them for
    re-evaluation (抽评, ``perflib sample``): :func:`perflib.bureau.sample.sample_review`."""
    from .sample import sample_review

    return sample_review(review(params_dir, year, projects=scope != "departments"), n, seed=seed, by=by,
                         scope=scope)


def review_form(ev: Evaluation, settings: Settings, *, last: Evaluation | None = None, midyear=()) -> FormReview:
    """One form's review: its leaves' basis, every check's queries with their risk."""
    leaves = tuple(basis.leaves(ev, settings))
    form = Form(ev, settings, last, tuple(midyear), leaves)
    band = ev.framework.band(ev.grade)
    margin = ev.total - band[0] if band is not None and band[0] > 0 else None
    queries = tuple(with_risk(q, settings, margin) for kind in KINDS for q in CHECKS[kind](form))
    flip = grade_flip(ev)
    return FormReview(ev, basis.share(list(leaves)), queries, margin, last,
                      variants=variants_note(score_variants(ev)), flip=flip.text() if flip else "")


def _evaluated(path: Path, cache: dict[Path, Evaluation | str]) -> Evaluation | str:
    if path not in cache:
        try:
            cache[path] = evaluate(path)
        except PerflibError as exc:
            cache[path] = first_line(exc)
    return cache[path]


def _last(path: Path, ev: Evaluation, params_dir: Path, cache) -> Evaluation | None:
    """Last year's form of the same department (or the same project): the year before, when it was read."""
    before = ([p for p in earlier_projects(path, ev.year) if p.parent.name == str(ev.year - 1)] if ev.project else
              [p for p in [year_file(params_dir, ev.code, ev.year - 1)] if p.is_file()])
    if not before:
        return None
    last = _evaluated(before[0], cache)
    return last if isinstance(last, Evaluation) else None
