"""The bundled samples stay valid: examples/scorecard.json scores, examples/history.json replays."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

from propertytriage.scoring import replay, score

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def test_the_sample_scorecard_scores_below_the_pass_mark() -> None:
    result = score(json.loads((EXAMPLES / "scorecard.json").read_text(encoding="utf-8")))
    assert result.total == Decimal("54.6") and result.rectification_required


def test_the_sample_history_ends_rectified_after_one_penalty() -> None:
    state = replay(json.loads((EXAMPLES / "history.json").read_text(encoding="utf-8")))
    assert state.status == "rectified" and len(state.penalty_recommendations) == 1
