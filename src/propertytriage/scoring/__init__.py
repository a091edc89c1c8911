"""Joint scoring of property companies (联合赋分) and the rectification lifecycle (限期整改).

Usable on its own by a mediation center that only scores companies:

* :func:`score` — the evaluators' sheets (SPEC §2.3) to one total, with a per-category breakdown;
* :func:`rubric_items` — the rubric in force (``rules/scoring/rubric.yaml``), adding up to 100;
* :func:`replay` — a company's history of scores, notices and inspections to its current state.

Rules live in ``rules/scoring/``; see docs/scoring.md for the rubric, the combination rule, the
lifecycle and the history format. Modules: ``schema`` (file shapes), ``rubric`` (loader and checks),
``combine`` (the total), ``deadline`` (calendar), ``lifecycle`` (replay on the shared rule host,
``propertytriage.rulehost``), ``state``/``results`` (outputs), ``casestatus`` (what triage reads).
The history models a case carries live in ``propertytriage.models.history``.
"""

from propertytriage.models.history import (
    InspectionEvent,
    NoticeEvent,
    RectificationHistory,
    ScoreEvent,
)
from propertytriage.scoring.casestatus import HistoryStatus, history_score_status, history_status
from propertytriage.scoring.combine import score, score_with, total_with
from propertytriage.scoring.deadline import Deadline, deadline_after
from propertytriage.scoring.lifecycle import replay, replay_with
from propertytriage.scoring.results import CategoryScore, ItemScore, ScoreResult
from propertytriage.scoring.rubric import (
    ScoringRules,
    default_scoring_rules,
    load_rubric,
    load_scoring_rules,
    rubric_items,
)
from propertytriage.scoring.state import RectificationState

__all__ = [
    "CategoryScore",
    "Deadline",
    "HistoryStatus",
    "InspectionEvent",
    "ItemScore",
    "NoticeEvent",
    "RectificationHistory",
    "RectificationState",
    "ScoreEvent",
    "ScoreResult",
    "ScoringRules",
    "deadline_after",
    "default_scoring_rules",
    "history_score_status",
    "history_status",
    "load_rubric",
    "load_scoring_rules",
    "replay",
    "replay_with",
    "rubric_items",
    "score",
    "score_with",
    "total_with",
]
