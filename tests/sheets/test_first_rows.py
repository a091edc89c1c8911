"""The index of the rows each case was first seen on, against a plain dict."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from propertytriage.sheets.first_rows import FirstRows


@given(st.lists(st.text(min_size=1, max_size=6), max_size=60))
def test_first_rows_answers_as_a_dict_does(case_ids):
    expected: dict[str, int] = {}
    with FirstRows() as index:
        for row, case_id in enumerate(case_ids, start=2):
            assert index.setdefault(case_id, row) == expected.setdefault(case_id, row)


def test_case_numbers_differing_in_case_or_width_are_different_cases():
    with FirstRows() as index:
        assert [index.setdefault(c, r) for r, c in enumerate(["ab", "AB", "ａｂ", "ab ", "ab"], start=2)] == [2, 3, 4, 5, 2]
