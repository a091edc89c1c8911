"""The Chinese a clerk reads for the contract's stages, tracks and waits, wherever they are shown.

One table for the command line and the pages (both sit above the models), so a stage is never called
two names. Keyed by the contract's vocabulary: a word misspelt here fails type checking.
"""

from __future__ import annotations

from propertytriage.models.vocabulary import Awaiting, CourtTrack, NextStage

STAGE_ZH: dict[NextStage, str] = {
    "owners_committee": "业委会协商",
    "community": "街道社区协调",
    "mediation_center": "调解中心调解",
    "court": "人民法院",
    "closed": "已化解结案",
    "out_of_scope": "不属物业纠纷",
}
TRACK_ZH: dict[CourtTrack, str] = {"small_claims": "小额诉讼", "fast_track": "速裁团队", "ordinary": "民事审判庭"}
AWAIT_ZH: dict[Awaiting, str] = {"company_score": "待联合评分", "rectification_acceptance": "待整改验收"}
