"""Rule variants (规则口径差异): one department-year's total and grade under each reading of the rules.

The variants are data — ``perflib/data/variants.yaml``, or a bureau's own ``variants.yaml`` in its params
folder's ``frameworks/`` — never code paths: each is a set of ``changes`` deep-merged into the framework's
data (mappings key by key, lists and values replaced) and checked by the same :class:`Framework` model and
tree check as a framework file. The rules a variant selects (``defaults.reverse``, ``defaults.qualitative``,
``defaults.execution``, ``grades``, ``rounding.grade_places``) are the scoring layer's named rules, documented
in ``docs/scoring-rules.md``.

:func:`grade_flip` says how near the grade is to changing: the smallest change of a single row that would
move the total across the nearest grade boundary.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from ..errors import FrameworkError, InputErrors, Problems, format_field, line_of
from ..inputs.locate import DATA, FRAMEWORKS_DIR, VARIANTS, frameworks_dir_for
from ..inputs.schema import CODE_PATTERN, ParamsFile
from ..inputs.validation import input_errors, validate
from ..inputs.yamlio import load_yaml
from ..numbers import ZERO, fmt_points
from . import budget
from .frameworks import Framework, _tree_problems
from .tree import Scorecard, score

VARIANTS_FILE = f"{VARIANTS}.yaml"
BUNDLED_VARIANTS = DATA / VARIANTS_FILE


class Variant(BaseModel):
    """One reading of the rules: its id, Chinese name, where it is used, and the framework data it changes."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)

    id: Annotated[str, Field(pattern=CODE_PATTERN, max_length=100)]
    name: Annotated[str, Field(min_length=1, max_length=60)]
    source: Annotated[str, Field(min_length=1)]
    requires: list[str] = []  # methods a framework must use on some leaf for the variant to apply
    changes: Annotated[dict[str, Any], Field(min_length=1)]


class VariantsFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    variants: Annotated[list[Variant], Field(min_length=1)]


@dataclass(frozen=True)
class VariantResult:
    """The total and grade of one department-year under one variant (``applicable`` False: the variant does not
    apply to its framework, ``note`` says why; total and grade are then None)."""

    id: str
    name: str
    source: str
    applicable: bool
    total: Decimal | None = None
    grade: str | None = None
    difference: Decimal | None = None  # total − the base total
    grade_differs: bool = False
    ambiguous: tuple[str, str] | None = None  # (lower, upper) grade when the total lies between printed bands
    note: str = ""

    @property
    def grade_text(self) -> str:
        """The grade as printed: 「良/优？」 when ambiguous."""
        if self.grade is None:
            return "—"
        return f"{self.ambiguous[0]}/{self.ambiguous[1]}？" if self.ambiguous else self.grade

    def as_dict(self) -> dict[str, Any]:
        from ..numbers import plain

        return {"id": self.id, "name": self.name, "source": self.source, "applicable": self.applicable,
                "total": plain(self.total), "grade": self.grade, "difference": plain(self.difference),
                "grade_differs": self.grade_differs, "ambiguous": list(self.ambiguous) if self.ambiguous else None,
                "note": self.note}


@dataclass(frozen=True)
class FlipResult:
    """The smallest single-row change that moves the total across the nearest grade boundary."""

    grade: str  # the grade now
    to_grade: str  # the grade across the boundary
    boundary: Decimal  # the band's lower edge crossed (the 「良」 line)
    distance: Decimal  # |total − boundary|
    needed: Decimal  # points the row must gain (up) or lose (down) to flip the grade
    row: str  # the row (leaf) of the form
    path: tuple[str, ...]
    score: Decimal  # its score now
    new_score: Decimal  # the score it would need
    max: Decimal  # its points

    @property
    def direction(self) -> str:
        return "up" if self.new_score > self.score else "down"

    def text(self) -> str:
        """「离「良」线差 1.88 分：最小的单项变动是「…」由 4.78 分降至 2.89 分 …」"""
        up = self.direction == "up"
        return (f"离「{self.to_grade}」线差 {fmt_points(self.distance)} 分：最小的单项变动是"
                f"「{self.row}」由 {fmt_points(self.score)} 分{'升至' if up else '降至'} {fmt_points(self.new_score)} 分"
                f"（该项满分 {fmt_points(self.max)} 分，{'增' if up else '减'} {fmt_points(self.needed)} 分），"
                f"等级即由「{self.grade}」变为「{self.to_grade}」")

    def as_dict(self) -> dict[str, Any]:
        from ..numbers import plain

        return {"grade": self.grade, "to_grade": self.to_grade, "boundary": plain(self.boundary),
                "distance": plain(self.distance), "needed": plain(self.needed), "row": self.row,
                "path": list(self.path), "score": plain(self.score), "new_score": plain(self.new_score),
                "max": plain(self.max), "direction": self.direction, "text": self.text()}


# ---------------------------------------------------------------------- the file


def find_variants(frameworks_dir: str | Path | None = None) -> Path:
    """The variants file: ``frameworks_dir/variants.yaml`` when there is one, else the bundled."""
    if frameworks_dir is not None and (Path(frameworks_dir) / VARIANTS_FILE).is_file():
        return Path(frameworks_dir) / VARIANTS_FILE
    return BUNDLED_VARIANTS


def load_variants(path: str | Path | None = None) -> tuple[Variant, ...]:
    """The variants of ``path`` (by default the bundled file), checked; raise :class:`InputErrors` naming the file
    and the field of every problem — an unknown key in ``changes`` among them."""
    path = Path(path) if path is not None else BUNDLED_VARIANTS
    try:
        stat = path.stat()
    except FileNotFoundError:
        raise InputErrors([FrameworkError(path, "(文件)", "口径差异文件不存在")]) from None
    return _load(str(path), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=16)
def _load(path: str, mtime_ns: int, size: int) -> tuple[Variant, ...]:
    data, lines = load_yaml(path)
    parsed = validate(VariantsFile, data, path, lines)
    problems = []
    seen: set[str] = set()
    for i, variant in enumerate(parsed.variants):
        if variant.id in seen:
            problems.append(FrameworkError(path, ("variants", i, "id"), f"口径 id「{variant.id}」重复",
                                           line=line_of(lines, ("variants", i, "id"))))
        seen.add(variant.id)
        for key, value in variant.changes.items():
            where = ("variants", i, "changes", key)
            field = Framework.model_fields.get(key)
            if field is None or key in ("id", "path", "tree"):
                problems.append(FrameworkError(path, where, f"口径不能修改框架的「{key}」",
                                               line=line_of(lines, where)))
                continue
            try:
                kind = Annotated[(field.annotation, *field.metadata)] if field.metadata else field.annotation
                TypeAdapter(kind).validate_python(value)
            except ValidationError as exc:
                for err in input_errors(exc, path):
                    field = format_field(where) + (f".{err.field}" if err.field and err.field != "(文件)" else "")
                    problems.append(FrameworkError(path, field, err.detail, expected=err.expected, found=err.found,
                                                   line=line_of(lines, where)))
    if problems:
        raise InputErrors(problems)
    return tuple(parsed.variants)


# ---------------------------------------------------------------------- applying


def merge(base: Any, changes: Any) -> Any:
    """``changes`` deep-merged into ``base``: mappings key by key, anything else replaced."""
    if isinstance(base, dict) and isinstance(changes, dict):
        return {**base, **{k: merge(base.get(k), v) for k, v in changes.items()}}
    return changes


def uses(framework: Framework, method: str) -> bool:
    return any(n.method == method for _, n in framework.walk())


def apply(framework: Framework, variant: Variant) -> Framework | None:
    """``framework`` under ``variant``; None when the variant does not apply to it (a method it requires is not
    used). Raise :class:`InputErrors` when the result is not a valid framework."""
    if any(not uses(framework, m) for m in variant.requires):
        return None
    data = merge(framework.model_dump(mode="python", exclude={"path"}), variant.changes)
    where = f"{framework.path or framework.id}（口径 {variant.id}）"
    try:
        fw = Framework.model_validate(data)
    except ValidationError as exc:
        raise InputErrors(input_errors(exc, where)) from None
    problems = _tree_problems(fw)
    if problems:
        raise InputErrors([FrameworkError(where, field, message) for field, message in problems])
    return fw.model_copy(update={"path": framework.path})


def scorecard(params: ParamsFile, framework: Framework) -> Scorecard:
    """``params`` scored under ``framework`` (a form's defects read, as :func:`perflib.evaluate` reads them)."""
    metrics = budget.compute(params.budget.funds, params.execution, params.key_projects, unit=params.money_unit,
                             rule=framework.execution_rule, kinds=params.budget.by_kind)
    return score(params, framework, metrics, Problems("(口径)"))


def score_variants(evaluation: Any, framework: Framework | None = None, *,
                   variants: tuple[Variant, ...] | None = None,
                   frameworks_dir: str | Path | None = None) -> list[VariantResult]:
    """The total and grade of ``evaluation`` (an :class:`~perflib.Evaluation`, or a :class:`ParamsFile` with its
    ``framework``) under each variant: by default those of the params folder's ``frameworks/variants.yaml``, else
    the bundled ones. A variant that does not apply, or under which the form cannot be scored (its qualitative
    tier not among the variant's), is listed as not applicable with the reason."""
    if isinstance(evaluation, ParamsFile):
        if framework is None:
            raise TypeError("score_variants(params, framework): a params file needs its framework")
        params, base = evaluation, scorecard(evaluation, framework)
    else:
        params, framework, base = evaluation.params, framework or evaluation.framework, evaluation.scorecard
        if frameworks_dir is None and getattr(evaluation, "path", None) is not None:
            folder = frameworks_dir_for(Path(evaluation.path))
            frameworks_dir = folder if folder.name == FRAMEWORKS_DIR else None
    if variants is None:
        variants = load_variants(find_variants(frameworks_dir))
    out = []
    for v in variants:
        fw = apply(framework, v)
        if fw is None:
            out.append(VariantResult(v.id, v.name, v.source, False,
                                     note=f"框架「{framework.name}」没有 {'、'.join(v.requires)} 计分的指标"))
            continue
        try:
            card = scorecard(params, fw)
        except InputErrors as exc:
            out.append(VariantResult(v.id, v.name, v.source, False, note=f"按此口径无法评分：{exc.errors[0].message}"))
            continue
        out.append(VariantResult(v.id, v.name, v.source, True, card.total, card.grade, card.total - base.total,
                                 card.grade != base.grade, fw.grade_ambiguity(card.total)))
    return out


def variants_note(results: list[VariantResult]) -> str:
    """One cell for the review's column: the variants under which the grade differs (or is ambiguous), e.g.
    「等级 80/70/60（优良中差）：优；等级按整数分段（总分取整后定级）：良/优？」; empty when every variant agrees."""
    return "；".join(f"{r.name}：{r.grade_text}" for r in results
                    if r.applicable and (r.grade_differs or r.ambiguous))


# ---------------------------------------------------------------------- the nearest grade boundary


def grade_flip(evaluation: Any) -> FlipResult | None:
    """The smallest change of one row (a leaf of the scored tree: an indicator, a 管理效率 leaf, a metric leaf)
    that moves the total across the nearest grade boundary: the points needed are the distance to the boundary
    (to drop below a band's lower edge, that distance and one unit of the framework's rounding more); a row
    can give at most what it has lost (up) or has (down); of the rows that can, the one needing the smallest
    change relative to its points. The other boundary is tried when no single row can reach the nearest. None
    when no row can change the grade. ``evaluation`` is an :class:`~perflib.Evaluation` or a :class:`Scorecard`."""
    card: Scorecard = getattr(evaluation, "scorecard", evaluation)
    fw, total, grade = card.framework, card.total, card.grade
    step = Decimal(1).scaleb(-fw.rounding.places)
    ordered = sorted(fw.grades, key=lambda g: g.min)
    leaves = [n for n in card.walk() if not n.children and n.max > 0]
    candidates = []
    here = next(i for i, g in enumerate(ordered) if g.name == grade)
    if here + 1 < len(ordered):  # up: the next band's edge
        edge = ordered[here + 1].min
        target = _first(fw, edge, total, up=True, step=step)
        candidates.append((edge - total, ordered[here + 1].name, edge, target - total, True))
    if here > 0:  # down: below this band's edge
        edge = ordered[here].min
        target = _first(fw, edge, total, up=False, step=step)
        candidates.append((total - edge, ordered[here - 1].name, edge, total - target, False))
    for distance, to_grade, edge, needed, up in sorted(candidates, key=lambda c: c[0]):
        able = [n for n in leaves if (n.max - n.score if up else n.score) >= needed]
        if not able:
            continue
        row = min(able, key=lambda n: needed / n.max)
        return FlipResult(grade, to_grade, edge, distance, needed, row.name, row.path, row.score,
                          row.score + needed if up else row.score - needed, row.max)
    return None


def _first(fw: Framework, edge: Decimal, total: Decimal, *, up: bool, step: Decimal) -> Decimal:
    """The total nearest ``total``, on the rounding's grid, graded across ``edge``."""
    now = fw.grade(total)
    t = edge if up else edge - step
    back = -step if up else step  # integer grading: 89.5 grades 优, so the first total across may lie before the edge
    while fw.grade(t + back) != now and (t + back - total) * (1 if up else -1) > ZERO:
        t += back
    while fw.grade(t) == now:
        t += step if up else -step
    return t
