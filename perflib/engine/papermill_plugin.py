"""The ``papermill.engine`` entry points, so that ``papermill --engine perflib-warm`` finds perflib.

papermill loads its entry points while ``papermill.engines`` is itself being imported, and
:mod:`perflib.engine.engines` imports papermill: pointing the entry points at it directly is a circular
import. These stand-ins import nothing at load time and hand every call to the real engines.
"""

from __future__ import annotations


class _Deferred:
    _target = ""

    @classmethod
    def _engine(cls):
        from . import engines

        return getattr(engines, cls._target)

    @classmethod
    def execute_notebook(cls, *args, **kwargs):
        return cls._engine().execute_notebook(*args, **kwargs)

    @classmethod
    def nb_kernel_name(cls, *args, **kwargs):
        return cls._engine().nb_kernel_name(*args, **kwargs)

    @classmethod
    def nb_language(cls, *args, **kwargs):
        return cls._engine().nb_language(*args, **kwargs)


class ColdEngine(_Deferred):
    """perflib-cold: a new kernel per notebook (see :class:`perflib.engine.engines.ColdEngine`)."""

    _target = "ColdEngine"


class WarmEngine(_Deferred):
    """perflib-warm: kernels reused between notebooks (see :class:`perflib.engine.engines.WarmEngine`)."""

    _target = "WarmEngine"
