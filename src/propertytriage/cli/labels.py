"""The Chinese a clerk reads in the command's own messages for the contract's English values."""

from __future__ import annotations

from propertytriage.models.labels import AWAIT_ZH, STAGE_ZH, TRACK_ZH
from propertytriage.models.vocabulary import FormId

__all__ = ["AWAIT_ZH", "FORM_ZH", "STAGE_ZH", "TRACK_ZH"]

# the short form names fit the command's table; the pages print the forms' full titles
FORM_ZH: dict[FormId, str] = {"scorecard": "评分表", "rectification_notice": "整改建议书", "focus_table": "争议焦点表",
           "inquiry_form": "要素式询问表"}
