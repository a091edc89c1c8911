"""The data that crosses the public boundary: cases in, decisions and scores out."""

from __future__ import annotations

from typing import TYPE_CHECKING

from propertytriage.lazynames import loader

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


__getattr__ = loader(__name__, _LAZY, globals())
