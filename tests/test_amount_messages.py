"""Every amount, score and point value keeps at most two decimal places, and says so (issue 7, point 12)."""

from __future__ import annotations

import pytest

from propertytriage import InputError, triage


@pytest.mark.parametrize("amount", ["1.001", "1.0000001", "0.123456789"])
def test_too_many_decimal_places_says_two(amount: str) -> None:
    case = {"case_id": "M-1", "filed_on": "2025-03-01", "province": "内蒙古自治区",
            "dispute_type": "fee_arrears", "claimant": "owner", "claim_amount": amount}
    with pytest.raises(InputError) as refused:
        triage(case)
    problem = refused.value.problems[0]
    assert problem.location == "claim_amount"
    assert "两位小数" in problem.zh and "two decimal places" in problem.en
    assert "6" not in problem.zh + problem.en


def test_trailing_zeros_are_not_extra_places() -> None:
    case = {"case_id": "M-2", "filed_on": "2025-03-01", "province": "内蒙古自治区",
            "dispute_type": "fee_arrears", "claimant": "owner", "claim_amount": "12.5000000000"}
    assert triage(case).case_id == "M-2"
