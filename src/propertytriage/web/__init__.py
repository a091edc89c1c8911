"""``propertytriage serve``: the HTTP API of SPEC §6 (FastAPI on uvicorn).

Modules: ``app`` (factory and error boundary), ``problems`` (RFC 9457 answers), ``auth`` and
``roles`` (tokens, the permission matrix), ``tokens`` (the token store), ``middleware`` (version
stamp, body limit), ``openapi`` (the contract), ``bodies`` (request parsing), ``routes/``, and
``commands`` (``serve`` and ``token`` on the command line).
"""

from propertytriage.web.app import create_app

__all__ = ["create_app"]
