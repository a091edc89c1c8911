"""Cells as clerks type them: each accepted form gives the contract's value, the rest a bilingual error."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from propertytriage.sheets.cells import CellError, convert, number_text, to_code, to_date, to_decimal_text
from propertytriage.sheets.columns import catalogue

BOOK = catalogue()


def column(header: str):
    found = BOOK.column(header)
    assert found is not None, header
    return found


@pytest.mark.parametrize("typed", [
    "2025-04-02", "2025/4/2", "2025.4.2", "2025年4月2日", "2025年04月02日", " 2025-4-2\u3000", "２０２５－０４－０２",
    "2025/04/02 00:00:00", "20250402", date(2025, 4, 2), datetime(2025, 4, 2, 9, 30), 45749, 45749.0, "45749",
])
def test_dates_in_every_form_a_clerk_types(typed):
    assert convert(typed, column("登记日期"), BOOK) == "2025-04-02"


@given(st.dates(min_value=date(1900, 3, 1), max_value=date(2100, 12, 31)))
def test_serial_numbers_and_written_dates_agree(day):
    serial = (day - date(1899, 12, 30)).days  # Excel's serial for dates after its 1900-02-29
    assert to_date(serial) == day.isoformat()
    for text in (f"{day.year}/{day.month}/{day.day}", f"{day.year}.{day.month}.{day.day}",
                 f"{day.year}年{day.month}月{day.day}日"):
        assert to_date(text) == day.isoformat()


@pytest.mark.parametrize("typed", [
    "2025-04-02T09:30:00", "2025-04-02T09:30", "2025-04-02t09:30:00", "2025-04-02 T09:30:00", "2025-04-02T09:30:00Z",
    "2025-04-02T09:30:00.250+08:00", "2025-04-02T23:30:00-0500", "２０２５－０４－０２Ｔ０９：３０：００",
    "2025-04-02 09:30:00", "2025/4/2 9:30",
])
def test_an_iso_datetime_in_a_date_cell_is_its_date_as_typed(typed):
    """A time after the date, with ISO's T or a space, is taken off; an offset does not move the day."""
    assert convert(typed, column("登记日期"), BOOK) == "2025-04-02"


@given(st.datetimes(min_value=datetime(1900, 3, 1), max_value=datetime(2100, 12, 31)), st.sampled_from(["T", " "]))
def test_any_iso_datetime_reads_as_its_date(moment, separator):
    assert to_date(moment.isoformat(sep=separator)) == moment.date().isoformat()


@pytest.mark.parametrize("typed", ["2025-04-02T", "2025-04-02T0930", "2025-04-02X09:30", "2025-04-02T09:30 上午"])
def test_a_date_with_something_else_after_it_is_refused(typed):
    with pytest.raises(CellError) as caught:
        to_date(typed)
    assert caught.value.code == "not_a_date"


@pytest.mark.parametrize(("typed", "code"), [
    ("2025-02-30", "not_a_calendar_date"), ("2025年13月1日", "not_a_calendar_date"), ("下周一", "not_a_date"),
    ("4/2/2025", "not_a_date"), (0, "not_a_date"), (45749.5, "not_a_date"), (True, "not_a_date"),
])
def test_what_is_not_a_date(typed, code):
    with pytest.raises(CellError) as caught:
        convert(typed, column("登记日期"), BOOK)
    assert caught.value.code == code
    assert caught.value.zh and caught.value.en


@pytest.mark.parametrize(("typed", "text"), [
    ("3912.00", "3912.00"), ("3,912.00元", "3912.00"), ("３，９１２．５０元", "3912.50"), ("¥1,234,567.8", "1234567.8"),
    (" 3912 元 ", "3912"), ("3912元整", "3912"), (3912.5, "3912.50"), (0.1 + 0.2, "0.30"), (1200, "1200.00"),
    (3912.125, "3912.125"), ("3912.125元", "3912.125"),  # left for the model to refuse (two places at most)
])
def test_amounts_as_typed(typed, text):
    assert convert(typed, column("标的额（元）"), BOOK) == text


@pytest.mark.parametrize(("typed", "code"), [
    ("1025-04-02", "implausible_date"), ("1899年12月31日", "implausible_date"), (date(1025, 4, 2), "implausible_date"),
    (datetime(1899, 12, 31, 0, 0), "implausible_date"), (60, "not_a_calendar_date"),
])
def test_a_year_before_excels_first_is_a_slip(typed, code):
    with pytest.raises(CellError) as caught:
        convert(typed, column("登记日期"), BOOK)
    assert caught.value.code == code and caught.value.zh and caught.value.en


@pytest.mark.parametrize(("serial", "day"), [(1, "1900-01-01"), (59, "1900-02-28"), (61, "1900-03-01"),
                                             (45749, "2025-04-02")])
def test_serials_count_past_excels_phantom_leap_day(serial, day):
    assert convert(serial, column("登记日期"), BOOK) == day == convert(str(serial), column("登记日期"), BOOK)


@pytest.mark.parametrize("typed", ["三千元", "3.912,00", "12,34", "1,2345.00", True])
def test_what_is_not_an_amount(typed):
    with pytest.raises(CellError):
        to_decimal_text(typed, units=("元",))


@given(st.decimals(min_value=0, max_value=Decimal("999999999999.99"), places=2))
def test_amounts_with_thousands_separators_keep_their_value(amount):
    assert Decimal(to_decimal_text(f"{amount:,}元", units=("元",))) == amount


def test_number_cells_show_what_excel_shows():
    assert number_text(1e-7) == "0.0000001"
    assert number_text(120.0) == "120"
    assert number_text(89.5) == "89.5"
    assert number_text(-0.0) == number_text(0.0) == "0"  # never "-0" for a cell Excel shows as 0


@pytest.mark.parametrize("typed", [150602198005061234, 1.506021980050612e17, "1.50602E+17", "1.50602e17", 1234567890123456])
def test_long_numbers_stored_as_numbers_are_refused_not_rounded(typed):
    with pytest.raises(CellError) as caught:
        convert(typed, column("业主1身份证号"), BOOK)
    assert caught.value.code == "number_not_text"
    assert "文本" in caught.value.zh and "Text" in caught.value.en


@pytest.mark.parametrize(("typed", "text"), [
    ("150602198005061234", "150602198005061234"), ("15060219800506123X", "15060219800506123X"),
    (13800000000, "13800000000"), (13800000000.0, "13800000000"), ("138 0000 0000 ", "138 0000 0000"),
])
def test_codes_kept_as_text(typed, text):
    assert to_code(typed) == text


def test_a_masked_number_is_refused():
    with pytest.raises(CellError) as caught:
        to_code("150602********1234")
    assert caught.value.code == "masked_number"


@pytest.mark.parametrize(("typed", "flag"), [
    ("是", True), ("否", False), ("√", True), ("×", False), ("TRUE", True), ("false", False), (True, True),
    (0, False), ("有", True), ("无", False), (" 是\u3000", True),
])
def test_flags(typed, flag):
    assert convert(typed, column("需要鉴定"), BOOK) is flag


@pytest.mark.parametrize(("typed", "outcome"), [
    ("成功", "resolved"), ("化解", "resolved"), ("未成功", "failed"), ("未化解", "failed"), ("failed", "failed"),
    ("Resolved", "resolved"),
])
def test_outcomes(typed, outcome):
    assert convert(typed, column("调解中心调解结果"), BOOK) == outcome


@pytest.mark.parametrize(("header", "typed", "key"), [
    ("纠纷类型", "欠缴物业费", "fee_arrears"), ("纠纷类型", "fee_arrears", "fee_arrears"), ("纠纷类型", "物业费", "fee_arrears"),
    ("申请方", "业主", "owner"), ("申请方", "物业公司", "property_company"), ("合同类型", "前期物业服务合同", "前期物业服务合同"),
])
def test_choices_by_name_key_or_alias(header, typed, key):
    assert convert(typed, column(header), BOOK) == key


def test_a_wrong_choice_lists_the_names_to_choose_from():
    with pytest.raises(CellError) as caught:
        convert("吵架", column("纠纷类型"), BOOK)
    assert "邻里纠纷" in caught.value.zh and "neighbor" in caught.value.en


def test_text_is_trimmed_of_full_width_and_trailing_spaces():
    assert convert("\u3000某某小区  ", column("小区名称"), BOOK) == "某某小区"
    assert convert(501, column("业主1房屋坐落"), BOOK) == "501"
