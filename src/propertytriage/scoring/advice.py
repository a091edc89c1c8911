"""What a company's state asks for next, in words a mediator can act on."""

from __future__ import annotations

from datetime import date

from propertytriage.scoring.deadline import Deadline, deadline_after
from propertytriage.scoring.rubric import ScoringRules
from propertytriage.scoring.state import FixItem, NextAction, ProposedNotice, Status


def proposed_notice(
    status: Status, score_on: date | None, fix: list[FixItem], rules: ScoringRules
) -> ProposedNotice | None:
    """The notice a low score calls for, while none has been issued.

    Its deadline is counted from the score's date because the issue date is not known yet; the
    notice actually issued is recorded in the history and its own date then counts.
    """
    if status != "notice_due" or score_on is None:
        return None
    deadline = deadline_after(score_on, rules.lifecycle.deadline_days)
    return ProposedNotice(counted_from=score_on, deadline=deadline, items=fix)


def next_action(status: Status, deadline: Deadline | None) -> tuple[NextAction, str]:
    """The next step of the lifecycle and a sentence saying it."""
    if status == "unscored":
        return "score", ("尚无联合评分：由调解中心会同住房保障综合服务中心、业主委员会、"
                         "街道社区评分。")
    if status == "notice_due":
        return "issue_notice", "评分低于及格线：由物业管理行政主管部门下发限期整改建议书。"
    if status == "rectifying":
        due = deadline.due_on.isoformat() if deadline else "（未定）"
        return "inspect", f"整改期限届满日为 {due}：期满后进行整改验收。"
    if status == "rectified":
        return "mediation", "整改验收已通过：调解可以进行。"
    return "mediation", "评分达到及格线：调解可以进行。"
