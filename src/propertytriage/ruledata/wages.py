"""Province wage figures as effective-dated data.

The small-claims limit follows the province's average annual wage "of the previous year"; until a
year's figure is published, the latest published one applies (民诉法解释 第二百七十二条). So the
figure in force on a day is the one *published* latest on or before that day, whatever its data year.

Where the province's high court announced its limits, those amounts decide from the notice's own
effective date until the next notice: the basic-level court applies what its high court announced,
rounded as announced, and a reason must be able to cite that notice (docs/interpretations.md).
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from propertytriage.errors import MissingWageFigureError, Problem, RuleDataError
from propertytriage.ruledata.schema import SmallClaimsFile, WageFile


def yuan_text(amount: Decimal) -> str:
    """An amount as a reason prints it: thousands separated, no ``.00`` for whole yuan."""
    text = f"{amount:,.2f}"
    return text[:-3] if text.endswith(".00") else text


def _day(on: date) -> str:
    return f"{on.year}年{on.month}月{on.day}日"


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


@dataclass(frozen=True)
class Announcement:
    """A high court's announced limits and the wage figure it says they are computed from."""

    province: str
    court: str
    document: str | None
    announced_on: date | None
    effective_from: date
    effective_from_estimated: bool
    effective_until: date | None
    later_figures_apply: str | None
    based_on_year: int | None
    based_on_series: str | None
    based_on_amount: Decimal | None
    mandatory_limit: Decimal
    consent_limit: Decimal | None
    """As stated in the notice; None if it states none (then settled by ``WageTable.consent_limit``)."""
    verified: bool
    source: str

    def label(self) -> str:
        """How a reason names the notice: court, number, date, and from when it applies."""
        parts = [p for p in (self.document, self.announced_on and f"{_day(self.announced_on)}发布") if p]
        start = f"自{_day(self.effective_from)}起适用"
        if self.effective_from_estimated:
            start = f"最迟{start}"
        if self.effective_until is not None:
            start += f"至{_day(self.effective_until)}"
        parts.append(start)
        return f"{self.court}通知（{'，'.join(parts)}）"


@dataclass(frozen=True)
class Limits:
    """The small-claims limits in force for a filing, and the words a reason needs to justify them.

    ``explain`` fills the placeholders of ``rules/triage/court.yaml``: ``mandatory_limit``,
    ``consent_limit``, ``mandatory_basis`` (what the 50% limit is), ``consent_basis`` (what the 200%
    limit is), ``wage_caveat`` (待核实 and newer-figure warnings, or empty) and, where a figure is
    known, ``wage_year``, ``wage_amount`` and ``wage_series``.
    """

    mandatory: Decimal
    consent: Decimal
    announcement: Announcement | None
    figure: WageFigure | None
    explain: dict[str, str]


class WageTable:
    """Look up the wage figure, or the announced limits, in force for a province on a date."""

    def __init__(
        self,
        by_province: dict[str, list[WageFigure]],
        known_unrecorded: dict[str, dict[int, date]] | None = None,
        announcements: dict[str, list[Announcement]] | None = None,
    ) -> None:
        self._by_province = {p: sorted(v, key=lambda f: f.published_on) for p, v in by_province.items()}
        self._dates = {p: [f.published_on for f in v] for p, v in self._by_province.items()}
        # Years whose release is known to have happened (we have its date) but whose amount we lack.
        self._unrecorded = known_unrecorded or {}
        self._announcements = {
            p: sorted(v, key=lambda a: a.effective_from) for p, v in (announcements or {}).items()
        }
        self._announced_dates = {p: [a.effective_from for a in v] for p, v in self._announcements.items()}

    @classmethod
    def from_files(cls, files: list[tuple[str, WageFile]]) -> WageTable:
        """Build the table, refusing two files for one province or two figures on one date."""
        table: dict[str, list[WageFigure]] = {}
        unrecorded: dict[str, dict[int, date]] = {}
        announced: dict[str, list[Announcement]] = {}
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
            announced[data.province] = _announcements(name, data)
        return cls(table, unrecorded, announced)

    def recorded_years(self, province: str) -> set[int]:
        """Data years with a figure for ``province`` (whenever they take effect)."""
        return {f.data_year for f in self._by_province.get(province, [])}

    def unrecorded_releases(self, province: str) -> dict[int, date]:
        """Data years known to have been published (with the date) but whose amount is not recorded."""
        return dict(self._unrecorded.get(province, {}))

    def announcements(self, province: str) -> list[Announcement]:
        """The province's announced limits, oldest first."""
        return list(self._announcements.get(province, []))

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

    def announcement_in_force(self, province: str, on: date) -> Announcement | None:
        """The notice effective latest on or before ``on``, or None if the court announced none by then."""
        index = bisect.bisect_right(self._announced_dates.get(province, []), on)
        if not index:
            return None
        notice = self._announcements[province][index - 1]
        if notice.effective_until is not None and on > notice.effective_until:
            return None  # the notice has lapsed: the computed limit applies again
        return notice

    def limits_in_force(self, province: str, on: date, rules: SmallClaimsFile) -> Limits:
        """The limits a case filed on ``on`` is held to: announced where a notice is in force, else computed.

        Raises MissingWageFigureError when neither a notice nor a published figure covers the day.
        """
        notice = self.announcement_in_force(province, on)
        if notice is None:
            return self._computed_limits(self.in_force(province, on), on, rules, None)
        successor = self._figure_replacing(notice, on)
        if successor is not None:
            return self._computed_limits(successor, on, rules, notice)
        return self._announced_limits(notice, on, rules)

    def _figure_replacing(self, notice: Announcement, on: date) -> WageFigure | None:
        """For a notice that later statistics replace by themselves, the figure that has done so by ``on``.

        A figure replaces it when it is newer than the one the notice used (a later data year, or,
        if the notice names none, published after the notice took effect) and the first day of the
        month after its publication has come.
        """
        if notice.later_figures_apply != "next_month":
            return None
        newer = [
            f for f in self._by_province.get(notice.province, [])
            if (f.data_year > notice.based_on_year if notice.based_on_year is not None
                else f.published_on > notice.effective_from)
            and _next_month(f.published_on) <= on
        ]
        return max(newer, key=lambda f: f.published_on) if newer else None

    def _computed_limits(
        self, figure: WageFigure, on: date, rules: SmallClaimsFile, under: Announcement | None
    ) -> Limits:
        mandatory = figure.amount * rules.mandatory_fraction
        consent = figure.amount * rules.consent_fraction
        caveat = "" if figure.verified and not figure.published_on_estimated else "（该数据待核实）"
        basis = f"{figure.province}{figure.data_year}年度{figure.series_title}"
        rule = ""
        if under is not None:
            rule = f"（依{under.label()}，新数据自公布次月1日起适用）"
            if not under.verified:
                caveat += "（该通知仅见于转载或报道，待核实）"
        caveat += self._newer_figure_caveat(figure.province, figure.data_year, on, rules)
        return Limits(mandatory, consent, under, figure, {
            "mandatory_limit": yuan_text(mandatory),
            "consent_limit": yuan_text(consent),
            "mandatory_basis": f"{basis}{yuan_text(figure.amount)}元的百分之五十{rule}",
            "consent_basis": f"{basis}的二倍",
            "wage_caveat": caveat,
            "wage_year": str(figure.data_year),
            "wage_amount": yuan_text(figure.amount),
            "wage_series": figure.series_title,
        })

    def consent_limit(self, notice: Announcement, rules: SmallClaimsFile) -> tuple[Decimal, str]:
        """A notice's consent limit and where it comes from, when the notice may state none.

        The law sets it at twice the wage figure (民事诉讼法 第一百六十五条第二款), not at a multiple of
        a limit the court may have rounded: 江苏's 51811 is 103621 / 2 rounded up, and 4 × 51811 =
        207244 where the court announced 2 × 103621 = 207242. So the source, in order: the notice's
        own consent limit (``announced``); the consent fraction of the wage the notice names
        (``based_on``); of this file's figure for the data year the notice names, same series
        (``figure``); and only when neither amount is known, the announced limit scaled by
        consent / mandatory fraction (``scaled``).
        """
        if notice.consent_limit is not None:
            return notice.consent_limit, "announced"
        if notice.based_on_amount is not None:
            return notice.based_on_amount * rules.consent_fraction, "based_on"
        figure = self._figure_named_by(notice)
        if figure is not None:
            return figure.amount * rules.consent_fraction, "figure"
        return notice.mandatory_limit * rules.consent_fraction / rules.mandatory_fraction, "scaled"

    def _figure_named_by(self, notice: Announcement) -> WageFigure | None:
        """This file's figure for the data year a notice names, if it is of the notice's series."""
        if notice.based_on_year is None:
            return None
        for figure in self._by_province.get(notice.province, []):
            if figure.data_year == notice.based_on_year and notice.based_on_series in (None, figure.series_title):
                return figure
        return None

    def _announced_limits(self, notice: Announcement, on: date, rules: SmallClaimsFile) -> Limits:
        consent, source = self.consent_limit(notice, rules)
        times = rules.consent_fraction / rules.mandatory_fraction
        figure = self._figure_named_by(notice)
        wage = "该通知所据" + (f"{notice.based_on_year}年度" if notice.based_on_year is not None else "")
        caveat = "" if notice.verified else "（该通知仅见于转载或报道，待核实）"
        if notice.effective_from_estimated:
            caveat += "（该通知的施行日期未查到原文，待核实）"
        if source == "announced":
            consent_basis = "该通知公布的约定适用小额诉讼的标的额上限"
        elif source == "based_on":
            amount = notice.based_on_amount or Decimal(0)
            consent_basis = f"{wage}{notice.based_on_series or ''}{yuan_text(amount)}元的二倍（通知未载明此上限）"
        elif source == "figure" and figure is not None:
            consent_basis = (f"{wage}{figure.series_title}{yuan_text(figure.amount)}元的二倍"
                             "（通知未载明此上限，按本系统收录的该年度数据计算）")
            if not figure.verified or figure.published_on_estimated:
                caveat += "（该工资数据待核实）"
        else:
            consent_basis = f"该通知公布上限的{yuan_text(times)}倍（通知未载明此上限，按公布上限推算）"
        if notice.later_figures_apply is not None and notice.based_on_year is not None:
            # newer figures replace it by themselves: only a figure missing from the data matters
            caveat += self._newer_figure_caveat(notice.province, notice.based_on_year, on, rules)
        else:
            caveat += self._newer_than_notice_caveat(notice, on)
        explain = {
            "mandatory_limit": yuan_text(notice.mandatory_limit),
            "consent_limit": yuan_text(consent),
            "mandatory_basis": f"{notice.label()}公布的小额诉讼标的额上限",
            "consent_basis": consent_basis,
            "wage_caveat": caveat,
        }
        if notice.based_on_year is not None:
            explain["wage_year"] = str(notice.based_on_year)
        series = notice.based_on_series or (figure.series_title if figure else None)
        if series:
            explain["wage_series"] = series
        wage_amount = notice.based_on_amount or (figure.amount if figure else None)
        if wage_amount is not None:
            explain["wage_amount"] = yuan_text(wage_amount)
        return Limits(notice.mandatory_limit, consent, notice, None, explain)

    def _releases(self, province: str) -> list[tuple[int, date]]:
        """Every publication known for the province (recorded or not) as (data year, day), by day."""
        known = [(f.data_year, f.published_on) for f in self._by_province.get(province, [])]
        known += list(self._unrecorded.get(province, {}).items())
        return sorted(known, key=lambda r: (r[1], r[0]))

    def _newer_than_notice_caveat(self, notice: Announcement, on: date) -> str:
        """Warn that the court may have announced anew: newer statistics, or a notice a year old.

        Statistics published after the notice took effect are named with their dates; a notice in
        force for a year or more is said to be so (courts that announce limits do so yearly or every
        other year), since a later notice missing from the data would otherwise pass unnoticed.
        """
        parts = [
            f"{year}年度数据已于{_day(day)}公布" for year, day in self._releases(notice.province)
            if notice.effective_from < day <= on
            and (notice.based_on_year is None or year > notice.based_on_year)
        ]
        start = notice.effective_from
        anniversary = date(start.year + 1, start.month, 28 if (start.month, start.day) == (2, 29) else start.day)
        if on >= anniversary:
            parts.append("该通知施行已满一年")
        if not parts:
            return ""
        return f"（{'；'.join(parts)}，高级人民法院如已公布新标准，本系统尚未收录，请核实）"

    def _newer_figure_caveat(self, province: str, data_year: int, on: date, rules: SmallClaimsFile) -> str:
        """Say so when a figure newer than ``data_year``'s has (or normally would have) been published.

        A year whose figure is recorded is never mentioned (it takes effect on its own publication
        date); a year known to have been released by ``on`` is named with its date; the years with
        no record whose usual publication date has passed are given as runs (2025–2099年度), so the
        text does not grow with the distance to ``on``: only the recorded data can lengthen it.
        """
        expected = rules.newer_figure_expected_by
        recorded = self.recorded_years(province)
        releases = self.unrecorded_releases(province)
        # the latest data year whose figure is normally out by ``on`` (published the following year)
        reached = (on.month, on.day) >= (expected.month, expected.day)
        last_due = on.year - 1 if reached else on.year - 2
        parts = [
            f"{year}年度数据已于{_day(day)}公布"
            for year, day in sorted(releases.items())
            if data_year < year < on.year and year not in recorded and day <= on
        ]
        runs = _gaps(data_year + 1, last_due, recorded | set(releases))
        if runs:
            parts.append(_years(runs) + "年度数据按惯例应已公布")
        if not parts:
            return ""
        return "（" + "；".join(parts) + "，本系统尚未收录，所用上限可能已过时，请核实）"


def _next_month(day: date) -> date:
    """The first day of the month after ``day``."""
    return date(day.year + 1, 1, 1) if day.month == 12 else date(day.year, day.month + 1, 1)


def _gaps(first: int, last: int, skip: set[int]) -> list[tuple[int, int]]:
    """The runs of years from ``first`` to ``last`` not in ``skip``; as many runs as ``skip`` allows."""
    runs: list[tuple[int, int]] = []
    start = first
    for year in sorted(y for y in skip if first <= y <= last):
        if year > start:
            runs.append((start, year - 1))
        start = year + 1
    if start <= last:
        runs.append((start, last))
    return runs


def _years(runs: list[tuple[int, int]]) -> str:
    """Runs of years as a reason prints them: 2023、2025、2026、2028–2099."""
    return "、".join(
        str(a) if a == b else f"{a}、{b}" if b == a + 1 else f"{a}–{b}" for a, b in runs
    )


def _announcements(name: str, data: WageFile) -> list[Announcement]:
    """The file's notices; two notices on one day, or a consent limit below the limit, are refused."""
    result: list[Announcement] = []
    seen: set[date] = set()
    for i, a in enumerate(data.announcements):
        where = f"announcements[{i}]"
        if a.effective_from in seen:
            raise RuleDataError(
                name, f"{where}.effective_from", "两个通知的施行日期相同",
                "two announcements take effect on the same day",
            )
        seen.add(a.effective_from)
        if a.effective_until is not None and a.effective_until < a.effective_from:
            raise RuleDataError(
                name, f"{where}.effective_until", "截止日期早于施行日期",
                "the last day comes before the first",
            )
        if a.consent_limit is not None and a.consent_limit < a.mandatory_limit:
            raise RuleDataError(
                name, f"{where}.consent_limit", "约定适用上限不能低于小额诉讼上限",
                "the consent limit cannot be below the mandatory limit",
            )
        basis = a.based_on
        result.append(Announcement(
            province=data.province,
            court=a.court,
            document=a.document,
            announced_on=a.announced_on,
            effective_from=a.effective_from,
            effective_from_estimated=a.effective_from_estimated,
            effective_until=a.effective_until,
            later_figures_apply=a.later_figures_apply,
            based_on_year=basis.data_year if basis else None,
            based_on_series=basis.series_title if basis else None,
            based_on_amount=basis.amount if basis else None,
            mandatory_limit=a.mandatory_limit,
            consent_limit=a.consent_limit,
            verified=a.verified,
            source=a.reference.title,
        ))
    return result
