"""The data that crosses the public boundary: cases in, decisions and scores out."""

from propertytriage.models.case import Attempt, Case
from propertytriage.models.decision import Decision, Reason
from propertytriage.models.scorecard import Evaluation, Scorecard

__all__ = ["Attempt", "Case", "Decision", "Evaluation", "Reason", "Scorecard"]
