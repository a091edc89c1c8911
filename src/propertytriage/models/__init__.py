"""The data that crosses the public boundary: cases in, decisions and scores out."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from propertytriage.models.case import Attempt, Case
    from propertytriage.models.decision import Decision, Reason
    from propertytriage.models.scorecard import Evaluation, Scorecard

__all__ = ["Attempt", "Case", "Decision", "Evaluation", "Reason", "Scorecard"]

# Loaded when first asked for (PEP 562): the vocabulary and the labels (models.labels) serve the
# ledger's lists, which never build a model; building the pydantic models took most of a second.
_LAZY = {"Attempt": "propertytriage.models.case", "Case": "propertytriage.models.case",
         "Decision": "propertytriage.models.decision", "Reason": "propertytriage.models.decision",
         "Evaluation": "propertytriage.models.scorecard", "Scorecard": "propertytriage.models.scorecard"}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'propertytriage.models' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
