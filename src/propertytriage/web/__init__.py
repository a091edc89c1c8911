"""``propertytriage serve``: the HTTP API of SPEC §6 (FastAPI on uvicorn).

Modules: ``app`` (factory and error boundary), ``problems`` (RFC 9457 answers), ``auth`` and
``roles`` (tokens, the permission matrix), ``tokens`` (the token store), ``middleware`` (version
stamp, body limit), ``openapi`` (the contract), ``bodies`` (request parsing), ``routes/``, and
``commands`` (``serve`` and ``token`` on the command line).
"""

from __future__ import annotations

from typing import Any

__all__ = ["create_app"]


def __getattr__(name: str) -> Any:
    """``create_app`` on first use: the command line imports ``web.commands`` for every command, and
    FastAPI with SQLAlchemy would add more than half a second to each start."""
    if name == "create_app":
        from propertytriage.web.app import create_app

        return create_app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
