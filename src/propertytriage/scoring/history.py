"""The history models, where scoring has always offered them; they live in ``models.history``.

A case carries its company's history, so the models belong with the case; scoring replays them.
"""

from propertytriage.models.history import (
    Event,
    InspectionEvent,
    NoticeEvent,
    RectificationHistory,
    ScoreEvent,
)

__all__ = ["Event", "InspectionEvent", "NoticeEvent", "RectificationHistory", "ScoreEvent"]
