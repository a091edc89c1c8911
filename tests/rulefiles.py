"""The rule book's figures, read straight from the YAML files in ``rules/`` without the package.

Tests compute what they expect from these (a small-claims limit is half the wage figure in force on
the filing day, the pass mark is the one in scoring.yaml), so a changed or newly added figure in
``rules/`` changes the expectation with it, and a wrong reading in the code is not copied into the
test.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

RULES = Path(__file__).resolve().parent.parent / "rules"


def read(relative: str) -> Any:
    return yaml.safe_load((RULES / relative).read_text(encoding="utf-8"))


@dataclass(frozen=True)
class Figure:
    province: str
    data_year: int
    amount: Decimal
    published_on: date


@functools.cache
def wage_files() -> dict[str, dict[str, Any]]:
    """Each province's wage file, by the province's name as cases write it."""
    files = [read(str(p.relative_to(RULES))) for p in sorted((RULES / "parameters" / "wages").glob("*.yaml"))]
    return {f["province"]: f for f in files}


def provinces() -> list[str]:
    return sorted(p for p, f in wage_files().items() if any(v["amount"] for v in f["values"]))


def figures(province: str) -> list[Figure]:
    """The figures with an amount, oldest publication first."""
    return sorted(
        (Figure(province, v["data_year"], Decimal(str(v["amount"])), v["published_on"])
         for v in wage_files()[province]["values"] if v["amount"] is not None),
        key=lambda f: f.published_on)


def figure_in_force(province: str, on: date) -> Figure | None:
    """民诉法解释 第272条: the figure published latest on or before ``on``."""
    published = [f for f in figures(province) if f.published_on <= on]
    return published[-1] if published else None


def small_claims() -> dict[str, Any]:
    return dict(read("parameters/small_claims.yaml"))


#: 民事诉讼法（2023年修正）第一百六十五条: 百分之五十以下 small claims; 超过百分之五十但在二倍以下 by agreement.
#: These are the law's own figures, so a changed fraction in small_claims.yaml is caught, not followed.
LAW_SHARE, LAW_MULTIPLE = Decimal("0.5"), Decimal(2)


def _next_month(day: date) -> date:
    return date(day.year + 1, 1, 1) if day.month == 12 else date(day.year, day.month + 1, 1)


def notice_in_force(province: str, on: date) -> dict[str, Any] | None:
    """The high court's notice of limits effective latest on or before ``on``, unless it has lapsed."""
    notices = sorted(wage_files()[province].get("announcements", []), key=lambda n: n["effective_from"])
    started = [n for n in notices if n["effective_from"] <= on]
    if not started or (started[-1].get("effective_until") and on > started[-1]["effective_until"]):
        return None
    return started[-1]


def first_day_with_limits(province: str) -> date:
    """The first day a figure or a notice gives the province's limits."""
    days = [f.published_on for f in figures(province)]
    days += [n["effective_from"] for n in wage_files()[province].get("announcements", [])]
    return min(days)


def has_limits(province: str, on: date) -> bool:
    """Whether a notice or a published figure gives the province's limits on ``on``."""
    return notice_in_force(province, on) is not None or figure_in_force(province, on) is not None


def limits(province: str, on: date) -> tuple[Decimal, Decimal | None]:
    """(at most this: small claims; at most this with the parties' agreement, None if the data
    cannot tell), 民诉法 第165条 applied to the wage figure in force, or the amounts a high court's
    notice in force announced (docs/interpretations.md: announced limits win over computed ones).
    The figures and notices are data; the fractions are the law's."""
    notice = notice_in_force(province, on)
    figure = figure_in_force(province, on)
    if notice is not None and notice.get("later_figures_apply") == "next_month":
        used = (notice.get("based_on") or {}).get("data_year")
        newer = [f for f in figures(province)
                 if (f.data_year > used if used else f.published_on > notice["effective_from"])
                 and _next_month(f.published_on) <= on]
        if newer:  # the notice itself says newer statistics replace its amounts
            notice, figure = None, newer[-1]
    if notice is None:
        assert figure is not None, (province, on)
        return figure.amount * LAW_SHARE, figure.amount * LAW_MULTIPLE
    mandatory = Decimal(str(notice["mandatory_limit"]))
    if notice.get("consent_limit"):
        return mandatory, Decimal(str(notice["consent_limit"]))
    basis = notice.get("based_on") or {}
    if basis.get("amount"):
        return mandatory, Decimal(str(basis["amount"])) * LAW_MULTIPLE
    return mandatory, None


def pass_mark() -> Decimal:
    return Decimal(str(read("parameters/scoring.yaml")["pass_mark"]))


def edit(path: Path, old: str, new: str) -> None:
    """Replace the first ``old`` in a copied rule file by ``new``; fail if ``old`` is not there, so
    a test never "breaks" a file that has moved on."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
