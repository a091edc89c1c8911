"""Province wage figures as effective-dated data.

The small-claims limit follows the province's average annual wage "of the previous year"; until a
year's figure is published, the latest published one applies (民诉法解释 第二百七十二条). So the
figure in force on a day is the one *published* latest on or before that day, whatever its data year.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from propertytriage.errors import MissingWageFigureError, Problem, RuleDataError
from propertytriage.ruledata.schema import WageFile


@dataclass(frozen=True)
class WageFigure:
    """One published figure and what a decision needs to explain it."""

    province: str
    data_year: int
    amount: Decimal
    published_on: date
    published_on_estimated: bool
    verified: bool
    series_title: str
    source: str


class WageTable:
    """Look up the wage figure in force for a province on a date."""

    def __init__(
        self,
        by_province: dict[str, list[WageFigure]],
        known_unrecorded: dict[str, dict[int, date]] | None = None,
    ) -> None:
        self._by_province = {p: sorted(v, key=lambda f: f.published_on) for p, v in by_province.items()}
        self._dates = {p: [f.published_on for f in v] for p, v in self._by_province.items()}
        # Years whose release is known to have happened (we have its date) but whose amount we lack.
        self._unrecorded = known_unrecorded or {}

    @classmethod
    def from_files(cls, files: list[tuple[str, WageFile]]) -> WageTable:
        """Build the table, refusing two files for one province or two figures on one date."""
        table: dict[str, list[WageFigure]] = {}
        unrecorded: dict[str, dict[int, date]] = {}
        for name, data in files:
            if data.province in table:
                raise RuleDataError(
                    name, "province", f"省份「{data.province}」已在另一个文件中",
                    f"province {data.province!r} already has a wage file",
                )
            figures: list[WageFigure] = []
            for i, v in enumerate(data.values):
                if v.amount is None:  # a documented gap: the year's figure was not found
                    if v.published_on is not None:
                        unrecorded.setdefault(data.province, {})[v.data_year] = v.published_on
                    continue
                if v.published_on is None:
                    raise RuleDataError(
                        name, f"values[{i}].published_on",
                        "有金额的年份须写明公布日期（未核实的可估计并标 published_on_estimated: true）",
                        "a figure needs its publication date (estimate it and mark "
                        "published_on_estimated: true if unknown)",
                    )
                figures.append(
                    WageFigure(
                        province=data.province,
                        data_year=v.data_year,
                        amount=v.amount,
                        published_on=v.published_on,
                        published_on_estimated=v.published_on_estimated,
                        verified=v.verified,
                        series_title=data.series_title,
                        source=v.reference.get("title") or "",
                    )
                )
            dates = [f.published_on for f in figures]
            if len(set(dates)) != len(dates):
                raise RuleDataError(
                    name, "values", "两个数字的公布日期相同", "two figures share a publication date"
                )
            table[data.province] = figures
        return cls(table, unrecorded)

    def recorded_years(self, province: str) -> set[int]:
        """Data years with a figure for ``province`` (whenever they take effect)."""
        return {f.data_year for f in self._by_province.get(province, [])}

    def unrecorded_releases(self, province: str) -> dict[int, date]:
        """Data years known to have been published (with the date) but whose amount is not recorded."""
        return dict(self._unrecorded.get(province, {}))

    @property
    def provinces(self) -> list[str]:
        """Provinces that have at least one figure."""
        return sorted(p for p, v in self._by_province.items() if v)

    def in_force(self, province: str, on: date) -> WageFigure:
        """The figure published latest on or before ``on``; an error if there is none."""
        figures = self._by_province.get(province)
        if not figures:
            known = "、".join(self.provinces) or "（无）"
            close = [p for p in self.provinces if province and (p.startswith(province) or province.startswith(p))]
            if close:
                raise MissingWageFigureError([Problem(
                    "province", "missing_wage_figure",
                    f"省份应写全称：是否指「{close[0]}」？",
                    f"write the province's full name: did you mean {close[0]!r}?",
                )])
            raise MissingWageFigureError([
                Problem(
                    "province", "missing_wage_figure",
                    f"没有「{province}」的就业人员年平均工资数据，无法确定小额诉讼标的额上限；"
                    f"请在 rules/parameters/wages/ 中补充（现有：{known}）",
                    f"no average-wage figure for province {province!r}, so the small-claims limit "
                    f"is unknown; add one under rules/parameters/wages/ (known: {known})",
                )
            ])
        index = bisect.bisect_right(self._dates[province], on)
        if index == 0:
            first = figures[0].published_on.isoformat()
            raise MissingWageFigureError([
                Problem(
                    "filed_on", "missing_wage_figure",
                    f"{on.isoformat()} 之前尚未公布「{province}」的工资数据（最早公布于 {first}）",
                    f"no wage figure for {province!r} was published by {on.isoformat()} "
                    f"(the earliest was published on {first})",
                )
            ])
        return figures[index - 1]

