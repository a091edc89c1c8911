"""propertytriage: triage of residential property-management disputes (物业纠纷).

A dispute climbs 业委会协商 → 街道社区协调 → 物业纠纷调解中心调解 → 人民法院; the rules that move it
live as data in ``rules/`` and every decision says which rule fired and on what legal basis.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from propertytriage.errors import (
    EngineError,
    InputError,
    MissingWageFigureError,
    PropertyTriageError,
    RenderError,
    RuleDataError,
)
from propertytriage.lazynames import loader

if TYPE_CHECKING:
    from propertytriage.engine import Triage, triage
    from propertytriage.models import Attempt, Case, Decision, Reason, Scorecard
    from propertytriage.scoring import ScoreResult

__all__ = [
    "Attempt",
    "Case",
    "Decision",
    "EngineError",
    "InputError",
    "MissingWageFigureError",
    "PropertyTriageError",
    "Reason",
    "RenderError",
    "RuleDataError",
    "ScoreResult",
    "Scorecard",
    "Triage",
    "render_form",
    "score",
    "triage",
]

__version__ = "0.1.0"


def score(scorecard: Scorecard | dict[str, Any]) -> ScoreResult:
    """Score a company from the evaluators' sheets (see :mod:`propertytriage.scoring`)."""
    from propertytriage.scoring import score as _score

    return _score(scorecard)


def render_form(
    form_id: str,
    case: Case | dict[str, Any],
    *,
    scorecard: Scorecard | dict[str, Any] | None = None,
    format: str = "pdf",
) -> bytes:
    """Render one form for a case: PDF bytes, or the HTML as UTF-8 when ``format="html"``."""
    from propertytriage.rendering import render_form as _render

    return _render(form_id, case, scorecard=scorecard, format=format)


# The models and the engine load when first asked for (PEP 562), not with the package: every
# command starts by importing the package, and the ledger's reading commands (show, cases, due)
# never validate a Case or decide one, while loading those modules took most of a second.
_LAZY = {"Triage": "propertytriage.engine", "triage": "propertytriage.engine",
         "Attempt": "propertytriage.models", "Case": "propertytriage.models", "Decision": "propertytriage.models",
         "Reason": "propertytriage.models", "Scorecard": "propertytriage.models",
         "ScoreResult": "propertytriage.scoring"}


__getattr__ = loader(__name__, _LAZY, globals())
