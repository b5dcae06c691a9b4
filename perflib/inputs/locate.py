"""Where things are found: a params file's frameworks folder, the bundled frameworks, templates and example.

A framework named in an input file is looked up in the params folder's ``frameworks/`` first (a
bureau's own or amended framework), then among the frameworks that ship with perflib. So a file
written anywhere (``excel-import --out SOMEWHERE``) still finds the standard frameworks.
"""

from __future__ import annotations

from pathlib import Path

FRAMEWORKS_DIR = "frameworks"
#: a bureau's own rule variants (perflib.scoring.variants) beside its frameworks: ``frameworks/variants.yaml``
VARIANTS = "variants"
#: The folder of a department's project self-evaluations: ``<code>/projects/<year>/<project key>.yaml``
PROJECTS_DIR = "projects"
DATA = Path(__file__).resolve().parent.parent / "data"
BUNDLED_FRAMEWORKS = DATA / "frameworks"
BUNDLED_NOTEBOOKS = DATA / "notebooks"
EXAMPLE = DATA / "example"
REPORT_TEMPLATE = "report.ipynb"
OVERVIEW_TEMPLATE = "overview.ipynb"
MONITOR_TEMPLATE = "monitor.ipynb"


def frameworks_dir_for(path: Path) -> Path:
    """The frameworks folder of a params file laid out as ``<root>/<code>/<year>.yaml`` (or, a project's,
    ``<root>/<code>/projects/<year>/<key>.yaml``)."""
    if len(path.parents) > 3 and path.parent.parent.name == PROJECTS_DIR:
        candidate = path.parents[3] / FRAMEWORKS_DIR
        if candidate.is_dir():
            return candidate
    for candidate in (path.parent.parent / FRAMEWORKS_DIR, path.parent / FRAMEWORKS_DIR):
        if candidate.is_dir():
            return candidate
    return path.parent.parent / FRAMEWORKS_DIR


def search_path(frameworks_dir: str | Path | None) -> list[Path]:
    """Where frameworks are looked for, in order: ``frameworks_dir`` (when given), then the bundled ones."""
    return [*([Path(frameworks_dir)] if frameworks_dir else []), BUNDLED_FRAMEWORKS]


def find_framework(framework_id: str, frameworks_dir: str | Path | None) -> Path | None:
    """The file of framework ``framework_id``: in ``frameworks_dir`` first, else bundled; None if neither."""
    for folder in search_path(frameworks_dir):
        candidate = folder / f"{framework_id}.yaml"
        if candidate.is_file():
            return candidate
    return None


def available(frameworks_dir: str | Path | None) -> list[str]:
    """The ids of every framework that :func:`find_framework` can find, sorted."""
    return sorted({p.stem for folder in search_path(frameworks_dir) for p in folder.glob("*.yaml")} - {VARIANTS})


def notebook_template(name: str, cwd: Path | None = None) -> Path:
    """A notebook template: ``notebooks/<name>`` of the current folder when there is one, else the bundled."""
    local = (cwd or Path.cwd()) / "notebooks" / name
    return local if local.is_file() else BUNDLED_NOTEBOOKS / name
