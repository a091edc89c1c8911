"""Rules and parameters of rules/ that no other test held to the law or the source they cite.

Each test here failed when a datum of rules/ was changed by hand (the mutation is named in the
test's docstring) and passes with the data as written. The expected values come from the law's text
or the mechanism's policy as quoted in the docstring, not from the data file itself.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from propertytriage import triage
from propertytriage.ledger.deadlines import case_deadlines
from propertytriage.scoring import deadline_after
from propertytriage.scoring.deadline import HolidayCalendar, default_calendar

# --- parameters/time_limits.yaml: each trial period cites the article that sets it ----------------

#: 民事诉讼法（2023年修正）: 第一百六十八条 小额诉讼 "两个月内审结"; 第一百六十四条 简易程序 "三个月内审结";
#: 第一百五十二条 普通程序 "六个月内审结". The fast-track team hears under the simplified procedure.
_TRIAL_ARTICLE = {"small_claims": "第一百六十八条", "fast_track": "第一百六十四条", "ordinary": "第一百五十二条"}


def _at_court_after_prelitigation_mediation(**facts: Any) -> dict[str, Any]:
    steps = [("owners_committee", "2025-08-01"), ("community", "2025-08-20"),
             ("mediation_center", "2025-09-05"), ("court", "2025-10-13")]
    return {"case_id": "R-1", "filed_on": "2025-07-01", "province": "内蒙古自治区",
            "dispute_type": "fee_arrears", "claimant": "property_company", "claim_amount": "2736",
            "attempts": [{"stage": s, "outcome": "failed", "on": on} for s, on in steps], **facts}


@pytest.mark.parametrize(("facts", "track"), [
    ({}, "small_claims"), ({"needs_appraisal": True}, "fast_track"), ({"contentious": True}, "ordinary"),
])
def test_each_trial_time_limit_cites_the_article_that_sets_it(facts: dict[str, Any], track: str) -> None:
    """Mutation: time_limits.yaml trial.small_claims basis cpl_168 → cpl_164 (the simplified
    procedure's three months cited for a two-month limit)."""
    case = _at_court_after_prelitigation_mediation(**facts)
    decision = triage(case).model_dump(mode="json")
    assert decision["court_track"] == track
    [item] = case_deadlines(case["case_id"], case, decision, [a["on"] for a in case["attempts"]])
    assert item.kind == f"trial.{track}"
    assert _TRIAL_ARTICLE[track] in item.basis
    assert all(article not in item.basis for other, article in _TRIAL_ARTICLE.items() if other != track)


# --- parameters/holidays.yaml: when each fixed holiday became one --------------------------------

def _without_schedules_from(year: int) -> HolidayCalendar:
    """The fixed dates in force, with the State Council's schedules used only before ``year``."""
    return HolidayCalendar(default_calendar().fixed_dates, last_year=year - 1)


@pytest.mark.parametrize("year", [2019, 2024])
def test_before_2025_the_second_of_may_was_a_working_day_under_the_law(year: int) -> None:
    """Mutation: holidays.yaml 05-02 in_force_from 2025-01-01 → 2024-01-01.

    《全国年节及纪念日放假办法》(国务院令第644号, in force 2014-01-01 to 2024-12-31) 第二条:
    "（四）劳动节，放假1天（5月1日）"; only 国务院令第795号 (in force 2025-01-01) made it "5月1日、2日".
    A period ending on a weekday 2 May before 2025, counted without the year's schedule, ends that day.
    """
    nominal = date(year, 5, 2)
    assert nominal.weekday() < 5
    deadline = deadline_after(nominal - timedelta(days=30), 30, _without_schedules_from(year))
    assert not deadline.calendar_covered
    assert deadline.due_on == nominal and not deadline.rolled


# --- parameters/wages/: a high court's notice decides from the day it says it applies ------------

def _at_court(**fields: Any) -> dict[str, Any]:
    stages = ["owners_committee", "community", "mediation_center"]
    return {"case_id": "W-1", "dispute_type": "fee_arrears", "claimant": "property_company",
            "attempts": [{"stage": s, "outcome": "failed"} for s in stages], **fields}


def test_jiangsu_s_2024_notice_applies_from_6_january_2024_and_not_a_day_earlier() -> None:
    """Mutation: wages/320000-jiangsu.yaml 苏高法电〔2024〕9号 effective_from 2024-01-06 → 2024-02-06.

    The notice (signed 2024年1月5日) reads "自2024年1月6日起…标的额在人民币60862元及以下的…适用小额诉讼的
    程序审理"; before it, the court's notice of 2022-01-07 set 51811元. A 60,862元 claim filed on
    6 January 2024 is a small claim under the new notice; filed the day before, it exceeds the old limit.
    """
    on_the_day = triage(_at_court(province="江苏省", filed_on="2024-01-06", claim_amount="60862"))
    assert on_the_day.court_track == "small_claims"
    deciding = on_the_day.reasons[-1]
    assert "苏高法电〔2024〕9号" in deciding.text and "60,862元" in deciding.text
    day_before = triage(_at_court(province="江苏省", filed_on="2024-01-05", claim_amount="60862"))
    assert day_before.court_track == "fast_track"
    assert "51,811元" in day_before.reasons[-1].text


# --- triage/court.yaml: each small-claims exclusion cites 第一百六十六条 --------------------------

@pytest.mark.parametrize("fact", ["needs_appraisal", "counterclaim", "whereabouts_unknown", "foreign_related"])
def test_each_small_claims_exclusion_is_decided_under_article_166(fact: str) -> None:
    """Mutation: court.yaml court.excluded.counterclaim basis [cpl_166] → [cpl_165].

    民事诉讼法（2023年修正）第一百六十六条 lists the cases the small-claims procedure does not take:
    "（二）涉外案件；（三）需要评估、鉴定或者对诉前评估、鉴定结果有异议的案件；（四）一方当事人下落不明的
    案件；（五）当事人提出反诉的案件". A claim far under the limit with one of them goes to the fast track,
    and the reason that decided it cites that article.
    """
    decision = triage(_at_court(province="内蒙古自治区", filed_on="2025-03-01", claim_amount="800",
                                **{fact: True}))
    assert decision.court_track == "fast_track"
    deciding = decision.reasons[-1]
    assert deciding.rule.startswith("court.excluded.")
    assert "第一百六十六条" in deciding.basis


# --- triage/rectification.yaml: the 60-point line, its reading and its basis ----------------------

@pytest.mark.parametrize(("score", "rule", "says"), [
    ("59.9", "rectification.required", "低于 60 分"),
    ("60", "rectification.not_required", "达到 60 分及以上"),
], ids=["59.9", "60"])
def test_the_reason_at_the_60_point_line_cites_article_1259_and_says_which_side_60_falls(
    score: str, rule: str, says: str
) -> None:
    """Mutations: rectification.yaml rectification.required basis drops civil_code_1259;
    its text "低于 {pass_mark} 分" → "不高于 {pass_mark} 分".

    The policy says "60分以下" → rectification and "60分以上" → mediation; 民法典 第一千二百五十九条
    ("以上、以下…包括本数") makes both include 60, so the product reads them as < 60 and ≥ 60 and must say
    so wherever the rule is written (SPEC §1). The reason deciding on either side cites that article
    and states the side: 59.9 is below 60, 60 reaches it.
    """
    decision = triage({"case_id": "S-1", "filed_on": "2025-03-01", "province": "内蒙古自治区",
                       "dispute_type": "fee_arrears", "claimant": "owner", "company_score": score,
                       "attempts": [{"stage": "owners_committee", "outcome": "failed"},
                                    {"stage": "community", "outcome": "failed"}]})
    assert decision.rectification_required is (rule == "rectification.required")
    [reason] = [r for r in decision.reasons if r.rule == rule]
    assert "第一千二百五十九条" in reason.basis
    assert says in reason.text


@pytest.mark.parametrize("year", [2027, 2028])
def test_the_third_of_may_is_no_statutory_holiday_where_the_schedule_is_unknown(year: int) -> None:
    """Mutation: holidays.yaml gains a fixed date 05-03 (劳动节).

    《全国年节及纪念日放假办法》第二条 (国务院令第795号, in force 2025-01-01): "劳动节，放假2天（5月1日、
    2日）". Longer May breaks come from the yearly schedule's 调休, which is unknown for a year it does not
    cover, so a period ending on a weekday 3 May there ends that day.
    """
    nominal = date(year, 5, 3)
    assert nominal.weekday() < 5
    deadline = deadline_after(nominal - timedelta(days=30), 30, _without_schedules_from(year))
    assert not deadline.calendar_covered
    assert deadline.due_on == nominal and not deadline.rolled


def test_jiangsu_s_2024_notice_lets_the_parties_agree_up_to_243448_yuan_and_no_further() -> None:
    """Mutation: wages/320000-jiangsu.yaml 苏高法电〔2024〕9号 consent_limit 243448 → 243449.

    The notice: "超过人民币60862元但在243448元以下的，当事人双方也可以约定适用小额诉讼的程序"; 以下 includes
    the number (民法典 第一千二百五十九条), so 243,448元 with the parties' agreement is a small claim and
    one fen more is not.
    """
    base = {"province": "江苏省", "filed_on": "2025-07-01", "parties_agree_small_claims": True}
    at_limit = triage(_at_court(claim_amount="243448", **base))
    assert at_limit.court_track == "small_claims"
    assert at_limit.reasons[-1].rule == "court.small_claims.by_agreement"
    assert triage(_at_court(claim_amount="243448.01", **base)).court_track == "fast_track"


# --- citations.yaml: the quoted law says the period the time limits count ------------------------

@pytest.mark.parametrize(("key", "says", "period", "length"), [
    ("cpl_168", "两个月内审结", "trial.small_claims", 2),
    ("cpl_164", "三个月内审结", "trial.fast_track", 3),
    ("cpl_152", "六个月内审结", "trial.ordinary", 6),
    ("spc_special_mediation_27", "调解期限为30日", "pre_litigation_mediation", 30),
], ids=["cpl_168", "cpl_164", "cpl_152", "spc_27"])
def test_the_quote_of_each_time_limit_s_article_states_that_period(
    key: str, says: str, period: str, length: int
) -> None:
    """Mutation: citations.yaml cpl_168 quote "两个月内审结" → "三个月内审结".

    SPEC §1: small claims 2 months (第168条), simplified procedure 3 months (第164条), ordinary procedure
    6 months (第152条), delegated pre-litigation mediation 30 days (特邀调解规定 第27条). The quote printed
    under every deadline is the law's text, so it must state the period the deadline counts, and the
    period must cite it.
    """
    from propertytriage.ledger.timelimits import time_limits
    from propertytriage.ruledata import default_rulebook

    citation = default_rulebook().citations[key]
    assert citation.verified and says in citation.quote
    limits = time_limits()
    counted = (limits.pre_litigation_mediation if period == "pre_litigation_mediation"
               else limits.trial[period.removeprefix("trial.")])
    assert key in counted.basis
    assert (counted.days if period == "pre_litigation_mediation" else counted.months) == length


def test_a_citation_marked_verified_carries_the_text_that_was_read_and_where() -> None:
    """Mutation: citations.yaml spc_cpl_interp_272 verified false → true (its quote is empty: the
    interpretation's text was never retrieved).

    A figure or citation that could not be verified is marked so (COMMON standards); verified means
    the article's words were read, so a verified citation quotes them and says where. An unverified one
    is printed with 出处待核实 under every decision that cites it.
    """
    from propertytriage.ruledata import default_rulebook

    citations = default_rulebook().citations
    for key, citation in citations.items():
        if citation.verified:
            assert citation.quote.strip() and citation.href, key
        else:
            assert citation.label().endswith("（出处待核实）"), key


# --- parameters/time_limits.yaml: a period the ledger counts names its source ---------------------

def test_every_period_the_ledger_would_count_cites_its_source() -> None:
    """Mutation: time_limits.yaml follow_up days null → 7 with its basis left empty.

    Deadlines a court may change are data "with their source or legal citation" (COMMON standards);
    the file says so for the follow-up visit ("set `days` (and cite the local rule in `basis`)"). A
    period with a length and no basis would be listed to clerks as due under "（无依据）".
    """
    from propertytriage.ledger.timelimits import time_limits

    limits = time_limits()
    periods = {"pre_litigation_mediation": limits.pre_litigation_mediation, "follow_up": limits.follow_up,
               **{f"trial.{track}": period for track, period in limits.trial.items()}}
    counted = {name: p for name, p in periods.items() if p.days is not None or p.months is not None}
    assert {"pre_litigation_mediation", "trial.small_claims", "trial.fast_track", "trial.ordinary"} <= set(counted)
    for name, period in counted.items():
        assert period.basis, f"{name} is counted but cites nothing"


# --- triage/pipeline.yaml: the ladder is listed in the order a dispute climbs it ------------------

def test_the_ladder_is_listed_in_the_order_a_dispute_climbs_it() -> None:
    """Mutation: pipeline.yaml lists community before owners_committee (escalates_to unchanged).

    SPEC §1: owners' committee, then street/community, then the mediation center, then the court.
    The report's ladder table and funnel (reporting/assemble.py, render.py) take their rows in the
    order the ladder is listed, so a listing out of that order would draw the funnel out of order
    while triage still climbs correctly.
    """
    from propertytriage.ruledata import default_rulebook

    ladder = default_rulebook().pipeline.ladder
    assert [r.stage for r in ladder] == ["owners_committee", "community", "mediation_center", "court"]
    assert [r.escalates_to for r in ladder] == [r.stage for r in ladder[1:]] + [None]
