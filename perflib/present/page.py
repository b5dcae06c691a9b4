"""Standalone pages (the batch's index) in the reports' offline style: a Jinja template and the stylesheet.

The reports themselves are wrapped by nbconvert's template (:mod:`perflib.engine.export`), which
inlines the same ``templates/report.css``.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from markupsafe import Markup

TEMPLATES = Path(__file__).resolve().parent / "templates"
STYLESHEET = TEMPLATES / "report.css"


@cache
def _environment():  # jinja2.Environment
    from jinja2 import Environment, FileSystemLoader

    return Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True, keep_trailing_newline=True)


def page(title: str, body: Markup) -> str:
    """A whole page: ``title`` is escaped, ``body`` must be trusted HTML (built by :mod:`.html`)."""
    css = Markup(STYLESHEET.read_text(encoding="utf-8"))
    return _environment().get_template("page.html.j2").render(title=title, body=Markup(body), css=css)
