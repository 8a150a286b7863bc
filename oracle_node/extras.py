"""Optional dependencies: which extra brings which module, and one clear error when absent.

The node's runtime is the base install. onnxruntime comes from the ``cpu`` or the ``gpu``
extra (never both), the consumer testing kit, the demo and the reference data sets from
``kit``, and the Ray proving backend from ``cluster``. Code that needs one of them imports it
under :func:`needs_extra`, so a missing module becomes one
:class:`~oracle_node.exceptions.MissingExtraError` naming the extra to install.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from contextlib import contextmanager

from oracle_node.exceptions import MissingExtraError

# Top-level modules each extra provides (what a ModuleNotFoundError may name), main one first.
EXTRA_MODULES: dict[str, tuple[str, ...]] = {
    "cpu": ("onnxruntime",),
    "gpu": ("onnxruntime",),
    "kit": ("ape", "ape_solidity", "ape_foundry", "ethpm_types", "sklearn", "pytest", "_pytest"),
    "cluster": ("ray",),
}


@contextmanager
def needs_extra(what: str, *extras: str) -> Iterator[None]:
    """Turn an import of a module that ``extras`` provide, found missing, into one error.

    A missing module that none of ``extras`` provides is a real bug and is re-raised as is.
    """
    try:
        yield
    except ModuleNotFoundError as exc:
        top = (exc.name or "").split(".")[0]
        if not any(top in EXTRA_MODULES.get(extra, ()) for extra in extras):
            raise
        raise MissingExtraError(what, top, extras) from None


def require_extra(what: str, extra: str) -> None:
    """Fail before any work starts when a module of ``extra`` is missing (nothing imported)."""
    for module in EXTRA_MODULES[extra]:
        if not _installed(module):
            raise MissingExtraError(what, module, (extra,))


def _installed(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except ValueError:  # sys.modules holds None for it: its import is blocked
        return False
