"""Routes of the API as a whole: the OpenAPI document."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app

from app.core.openapi import build_spec, documented

bp = Blueprint("api", __name__, url_prefix="/api/v1")
_SPEC_KEY = "livechat_openapi"


@bp.get("/openapi.json")
@documented(summary="This OpenAPI document", auth="none")
def openapi() -> dict[str, Any]:
    """The OpenAPI 3 document of every /api/v1 route."""
    spec = current_app.extensions.get(_SPEC_KEY)
    if spec is None:
        spec = current_app.extensions[_SPEC_KEY] = build_spec(current_app)
    return spec
