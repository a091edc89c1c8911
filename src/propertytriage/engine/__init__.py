"""The rules engine: facts from a case, phases compiled onto durable-rules, the Decision."""

from propertytriage.engine.triage import Triage, triage

__all__ = ["Triage", "triage"]
