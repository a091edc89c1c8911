"""The rule host shared by triage and scoring: the condition language and its durable-rules phases.

Neither the triage engine nor the rectification lifecycle owns it, so the two import it rather than
each other; it knows rule files (``ruledata``) and nothing about cases or scores.
"""

from propertytriage.rulehost.conditions import (
    FactValue,
    RuleEvaluator,
    first_match,
    holds,
    referenced_facts,
    to_durable,
)
from propertytriage.rulehost.phase import PhaseEngine

__all__ = [
    "FactValue", "PhaseEngine", "RuleEvaluator", "first_match", "holds", "referenced_facts", "to_durable",
]
