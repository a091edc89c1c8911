"""``/healthz``: open to anyone, so a load balancer or a reverse proxy can check the process."""

from __future__ import annotations

from fastapi import APIRouter, Request

from propertytriage.web.openapi import json_response, ref
from propertytriage.web.schemas import HealthStatus

router = APIRouter()


@router.get("/healthz", name="healthz", tags=["health"],
            responses={200: json_response(ref(HealthStatus, "serialization"), "the process serves")})
async def healthz(request: Request) -> HealthStatus:
    """The process is up; the versions it serves."""
    return HealthStatus(status="ok", version=request.app.version, rules_version=request.app.state.rules_version)
