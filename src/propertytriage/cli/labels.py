"""The Chinese a clerk reads in the command's own messages for the contract's English values."""

from __future__ import annotations

from propertytriage.models.vocabulary import Awaiting, CourtTrack, FormId, NextStage

# keyed by the contract's vocabulary: a word misspelt here fails type checking
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
FORM_ZH: dict[FormId, str] = {"scorecard": "评分表", "rectification_notice": "整改建议书", "focus_table": "争议焦点表",
           "inquiry_form": "要素式询问表"}
