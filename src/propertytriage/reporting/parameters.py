"""``rules/parameters/statistics.yaml``: how the report rounds its rates and bands its scores.

A court whose superior counts 化解率 by cutting the figure (94.69%) rather than rounding it (94.70%)
must be able to match it without a code change, so the rounding rule is data, checked on load like
every other rule file: a mistake names the file, the key and the fix.
"""

from __future__ import annotations

import functools
from decimal import Decimal
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from propertytriage.errors import RuleDataError
from propertytriage.ruledata import default_rulebook
from propertytriage.ruledata.paths import rules_dir

FILE = "parameters/statistics.yaml"

Rounding = Literal["half_up", "down", "half_even"]


class StatisticsFile(BaseModel):
    """The shape of ``statistics.yaml``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    percent_places: int = Field(ge=0, le=6)
    rounding: Rounding
    score_band_width: int = Field(ge=1, le=100)
    max_period_months: int = Field(ge=1, le=1200)
    resolution_rate_definition: str = Field(min_length=1)
    basis: list[str] = Field(min_length=1)


def load_statistics(root: Path | None = None) -> StatisticsFile:
    """Read and check the file; the pass mark must sit on a band edge and every basis be cited."""
    root = root or rules_dir()
    path = root / FILE
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise RuleDataError(FILE, "", "文件不存在", "file is missing") from None
    except yaml.YAMLError as error:
        raise RuleDataError(FILE, "", f"YAML 格式错误：{error}", f"not valid YAML: {error}") from None
    try:
        parameters = StatisticsFile.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise RuleDataError(FILE, where, f"取值无效：{first['msg']}", first["msg"]) from None
    # default_rulebook() and default_rulebook(None) are two entries of its cache: load the book once
    book = default_rulebook(root) if root != rules_dir() else default_rulebook()
    for cid in parameters.basis:
        if cid not in book.citations:
            raise RuleDataError(FILE, "basis", f"依据「{cid}」未在 citations.yaml 中登记",
                                f"basis {cid!r} is not in citations.yaml; add it there first")
    if book.scoring.pass_mark % Decimal(parameters.score_band_width) != 0:
        raise RuleDataError(
            FILE, "score_band_width",
            f"及格线 {book.scoring.pass_mark} 须落在分数段的边界上（段宽须能整除及格线）",
            f"the pass mark {book.scoring.pass_mark} must fall on a band edge (the width must divide it)",
        )
    return parameters


@functools.cache
def statistics_parameters() -> StatisticsFile:
    """The parameters in force, read once per process."""
    return load_statistics()
