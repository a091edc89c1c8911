"""The words the contract speaks, declared once: stages, tracks, forms, awaited steps, evaluators.

The models, the rule-file schemas, the engine's ordering of its output and the forms all read these
declarations, so adding a form or an evaluator is one edit here (plus its rules and template), and a
word misspelt anywhere else fails type checking instead of silently never matching. Each ``Literal``
is the declaration; the tuples are its values in the order the output lists them.
"""

from __future__ import annotations

from typing import Literal, get_args

Stage = Literal["owners_committee", "community", "mediation_center", "court"]
"""The rungs of the ladder, lowest first (SPEC §1)."""

Ending = Literal["closed", "out_of_scope"]
"""Where a dispute goes when it leaves the ladder."""

NextStage = Literal[
    "owners_committee", "community", "mediation_center", "court", "closed", "out_of_scope"
]
"""Every value of ``Decision.next_stage``: a rung or an ending."""

Outcome = Literal["resolved", "failed"]

Claimant = Literal["property_company", "owner"]

CourtTrack = Literal["small_claims", "fast_track", "ordinary"]

Awaiting = Literal["company_score", "rectification_acceptance"]
"""What must happen before the next step, in the order a decision lists them."""

FormId = Literal["scorecard", "rectification_notice", "focus_table", "inquiry_form"]
"""The forms, in the order a decision lists them (the order they are used in)."""

Evaluator = Literal["mediation_center", "housing_center", "owners_committee", "community"]
"""The bodies that score a company (调解中心, 住房保障综合服务中心, 业主委员会, 街道社区)."""

STAGES: tuple[Stage, ...] = get_args(Stage)
ENDINGS: tuple[Ending, ...] = get_args(Ending)
NEXT_STAGES: tuple[NextStage, ...] = get_args(NextStage)
COURT_TRACKS: tuple[CourtTrack, ...] = get_args(CourtTrack)
AWAITING: tuple[Awaiting, ...] = get_args(Awaiting)
FORM_IDS: tuple[FormId, ...] = get_args(FormId)
EVALUATORS: tuple[Evaluator, ...] = get_args(Evaluator)

EVALUATOR_NAMES: dict[Evaluator, str] = {
    "mediation_center": "物业纠纷调解中心",
    "housing_center": "住房保障综合服务中心",
    "owners_committee": "业主委员会",
    "community": "街道社区",
}
"""The evaluators' full names, as scoring explanations print them."""

EVALUATOR_SHORT_NAMES: dict[Evaluator, str] = {
    "mediation_center": "调解中心",
    "housing_center": "住房保障综合服务中心",
    "owners_committee": "业主委员会",
    "community": "街道社区",
}
"""The evaluators' names as a scoring sheet's column heads print them."""
