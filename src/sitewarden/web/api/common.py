"""What every API handler shares: JSON errors, bounded query parameters, role checks and JSON bodies."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse

from sitewarden.store.users import User
from sitewarden.web.context import principal

MAX_LIMIT = 500


class ApiError(Exception):
    """An answer other than success, with a message for the caller."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def error_response(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message, "status": status}, status_code=status)


def admin(request: Request) -> User:
    user = principal(request)
    if user is None:
        raise ApiError(401, "authentication required: send Authorization: Bearer <token>")
    if not user.is_admin:
        raise ApiError(403, "this needs the admin role")
    return user


def integer(request: Request, name: str, default: int, low: int = 0, high: int = 1_000_000_000) -> int:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ApiError(400, f"query parameter '{name}' must be an integer") from None
    if not low <= value <= high:
        raise ApiError(400, f"query parameter '{name}' must be between {low} and {high}")
    return value


def moment(request: Request, name: str) -> datetime | None:
    raw = request.query_params.get(name)
    if not raw:
        return None
    try:
        value = datetime.fromisoformat(raw)
    except ValueError:
        raise ApiError(400, f"query parameter '{name}' must be an ISO 8601 date-time") from None
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def choice(request: Request, name: str, allowed: tuple[str, ...] | list[str]) -> str | None:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return None
    if raw not in allowed:
        raise ApiError(400, f"query parameter '{name}' must be one of {', '.join(allowed)}")
    return raw


def text(request: Request, name: str, most: int = 200) -> str | None:
    raw = request.query_params.get(name)
    return raw[:most] if raw else None


async def json_object(request: Request) -> dict[str, Any]:
    """The request body as a JSON object, or a 400 saying why not."""
    body = await request.body()
    if len(body) > 1_000_000:
        raise ApiError(413, "the request body is larger than 1 MB")
    try:
        data = json.loads(body or b"null")
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise ApiError(400, "the request body is not valid JSON") from None
    if not isinstance(data, dict):
        raise ApiError(400, "the request body must be a JSON object")
    return data


def iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def page(items: list[Any], total: int, limit: int, offset: int) -> dict[str, Any]:
    return {"items": items, "total": total, "limit": limit, "offset": offset}
