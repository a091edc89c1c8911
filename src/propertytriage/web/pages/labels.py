"""The Chinese a clerk reads on the pages for the contract's English values.

Keyed by the contract's vocabulary, so a word misspelt here fails type checking. Stages, tracks and
waits come from ``models/labels.py``, shared with the command line.
"""

from __future__ import annotations

from propertytriage.models.labels import AWAIT_ZH, STAGE_ZH, TRACK_ZH
from propertytriage.models.vocabulary import FormId, Outcome, Stage
from propertytriage.web.roles import Role

__all__ = ["ATTEMPT_STAGE_ZH", "AWAIT_ZH", "FORM_ZH", "OUTCOME_ZH", "ROLE_ZH", "STAGE_ZH", "TRACK_ZH"]

ATTEMPT_STAGE_ZH: dict[Stage, str] = {
    "owners_committee": "业委会协商",
    "community": "街道社区协调",
    "mediation_center": "调解中心调解",
    "court": "法院诉前调解",
}
OUTCOME_ZH: dict[Outcome, str] = {"resolved": "已化解", "failed": "未化解"}
FORM_ZH: dict[FormId, str] = {"scorecard": "物业服务评分表", "rectification_notice": "限期整改建议书",
                              "focus_table": "争议焦点表", "inquiry_form": "要素式询问表"}
ROLE_ZH: dict[Role, str] = {"admin": "管理员", "court": "人民法院", "mediation_center": "物业纠纷调解中心",
                            "housing_center": "住房保障综合服务中心", "owners_committee": "业主委员会",
                            "community": "街道社区"}
DISPUTE_ZH = {
    "fee_arrears": "欠缴物业费", "service_quality": "服务质量", "common_revenue": "公共收益", "parking": "停车",
    "renovation": "装修管理", "maintenance_fund": "专项维修资金", "other_property": "其他物业服务纠纷",
    "neighbor": "邻里纠纷（非物业服务纠纷）",
}
CLAIMANT_ZH = {"property_company": "物业服务企业", "owner": "业主"}
EVENT_ZH = {"filed": "登记立案", "changed": "案件信息变更", "company_changed": "物业企业记录变更"}
FIELD_ZH = {
    "case_id": "案件编号", "filed_on": "登记日期", "province": "省份", "dispute_type": "纠纷类型", "claimant": "申请方",
    "claim_amount": "请求金额（元）", "has_owners_committee": "有业主委员会", "attempts": "处理经过",
    "company_score": "联合评分", "scorecard": "评分表", "rectification_history": "整改记录",
    "needs_appraisal": "需鉴定评估", "counterclaim": "有反诉", "whereabouts_unknown": "当事人下落不明",
    "foreign_related": "涉外", "parties_agree_small_claims": "双方同意适用小额诉讼",
    "contentious": "矛盾尖锐、争议较大",
    "property_company": "物业企业", "owners": "业主", "estate": "小区", "contract": "合同", "arrears": "欠费",
    "focus_points": "争议焦点", "venue": "承办机构", "facts": "事实与理由",
}
COMPANY_EVENT_ZH = {"score": "联合评分", "notice": "下发整改建议书", "inspection": "整改验收"}
FLAG_FIELDS = ("contentious", "needs_appraisal", "counterclaim", "whereabouts_unknown", "foreign_related",
               "parties_agree_small_claims")
