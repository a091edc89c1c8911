"""Names a package exports but loads only when first asked for (PEP 562).

Every command starts by importing the package, and the ledger's reading commands (show, cases, due)
never validate a Case, decide one or open a database through SQLAlchemy, while loading those modules
took most of a second; the package roots name them without loading them.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any


def loader(package: str, modules: dict[str, str], namespace: dict[str, Any]) -> Callable[[str], Any]:
    """The ``__getattr__`` of ``package``: each name of ``modules`` loaded from its module when asked for,
    then kept in the package's ``namespace`` so it is asked once."""

    def attribute(name: str) -> Any:
        module = modules.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(module), name)
        namespace[name] = value
        return value

    return attribute
