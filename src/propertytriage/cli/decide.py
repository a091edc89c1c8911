"""The batch decision path, kept in the engine's layer (``engine/batch.py``) so the web shares it."""

from propertytriage.engine.batch import MAX_REPORTED, case_of, decide_every, subject

__all__ = ["MAX_REPORTED", "case_of", "decide_every", "subject"]
