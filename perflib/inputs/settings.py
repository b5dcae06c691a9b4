"""A workspace's own settings: ``params/settings.yaml``, beside the department folders.

What a bureau decides once for all its departments, and that no single input file says. So far: the
monitoring rules of its region, which ``perflib monitor-template`` puts on every new form (a snapshot
names its own rules; this is only the choice a new one starts from).

.. code-block:: yaml

    monitoring:
      rules: sichuan-2025     # params/monitoring/<id>.yaml, or one that ships with perflib

The file is optional; without it (or with ``rules`` left empty) nothing is chosen for the bureau, and
``monitor-template`` asks for ``--rules``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from ..errors import InputError, InputErrors
from .schema import CODE_PATTERN
from .validation import validate
from .yamlio import load_yaml

SETTINGS_FILE = "settings.yaml"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)


class MonitoringSettings(_Model):
    rules: Annotated[str, Field(pattern=CODE_PATTERN, max_length=100)] | None = None  # the region's rules' id


class Settings(_Model):
    schema_version: Literal[1] = 1
    monitoring: MonitoringSettings = MonitoringSettings()


@dataclass(frozen=True)
class Loaded:
    """The settings of a params folder, the file they come from (which need not exist), its line numbers."""

    settings: Settings
    path: Path
    lines: dict[tuple, int] = field(default_factory=dict)


def settings_file(params_dir: str | Path) -> Path:
    """Where a params folder's settings are: ``<params_dir>/settings.yaml``."""
    return Path(params_dir) / SETTINGS_FILE


def load_settings(params_dir: str | Path) -> Loaded:
    """The settings of ``params_dir`` (the defaults when it has no settings file); :class:`InputErrors`
    naming the file and the field when they cannot be read."""
    path = settings_file(params_dir)
    if not path.is_file():
        return Loaded(Settings(), path)
    try:
        data, lines = load_yaml(path)
    except InputError as exc:
        raise InputErrors([exc]) from None
    return Loaded(validate(Settings, data if data is not None else {}, path, lines), path, lines)
