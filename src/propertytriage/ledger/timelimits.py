"""The court's time limits and the mediation period, read from ``rules/parameters/time_limits.yaml``."""

from __future__ import annotations

import functools

import yaml
from pydantic import BaseModel, ConfigDict, Field

from propertytriage.errors import RuleDataError
from propertytriage.ruledata.loader import default_rulebook
from propertytriage.ruledata.paths import rules_dir

_FILE = ConfigDict(extra="forbid", frozen=True)
_NAME = "parameters/time_limits.yaml"


class Period(BaseModel):
    model_config = _FILE

    title: str
    days: int | None = Field(default=None, ge=1)
    months: int | None = Field(default=None, ge=1)
    basis: list[str]
    verified: bool = True


class TimeLimits(BaseModel):
    model_config = _FILE

    pre_litigation_mediation: Period
    trial: dict[str, Period]
    follow_up: Period


@functools.cache
def time_limits() -> TimeLimits:
    """The periods in force; RuleDataError naming the file and the basis if one is not cited."""
    path = rules_dir() / _NAME
    try:
        limits = TimeLimits.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
    except (OSError, yaml.YAMLError, ValueError) as error:
        raise RuleDataError(_NAME, "", f"无法读取：{error}", f"cannot be read: {error}") from None
    citations = default_rulebook().citations
    periods = {"pre_litigation_mediation": limits.pre_litigation_mediation, "follow_up": limits.follow_up,
               **{f"trial.{k}": v for k, v in limits.trial.items()}}
    for where, period in periods.items():
        for cid in period.basis:
            if cid not in citations:
                raise RuleDataError(_NAME, f"{where}.basis", f"依据「{cid}」未在 citations.yaml 中登记",
                                    f"basis {cid!r} is not in citations.yaml; add it there first")
    return limits


@functools.lru_cache(maxsize=64)
def basis_label(ids: tuple[str, ...]) -> str:
    """How a deadline names its basis, as decisions name theirs."""
    return default_rulebook().basis_label(list(ids)) if ids else "（无依据）"
