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


def limits(province: str, on: date) -> tuple[Decimal, Decimal]:
    """(at most this: small claims; at most this with the parties' agreement), 民诉法 第165条,
    applied to the wage figure in force (the figure is data; the fractions are the law's)."""
    figure = figure_in_force(province, on)
    assert figure is not None, (province, on)
    return figure.amount * LAW_SHARE, figure.amount * LAW_MULTIPLE


def pass_mark() -> Decimal:
    return Decimal(str(read("parameters/scoring.yaml")["pass_mark"]))
