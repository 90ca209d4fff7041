"""One error envelope for the whole API: {"error": {code, message, details}}."""
from __future__ import annotations

import logging
from typing import Any

from flask import Flask, Response, jsonify
from werkzeug.exceptions import HTTPException

log = logging.getLogger(__name__)


def envelope(code: str, message: str, details: dict[str, Any] | None = None) -> dict[str, Any]:
    """The one error body of the API, the auth errors and the socket acks: {"error": {code, message, details}}."""
    return {"error": {"code": code, "message": message, "details": details or {}}}


class APIError(Exception):
    """Base of every error a route may raise; the handler renders the envelope."""

    status = 400
    code = "bad_request"
    message = "The request could not be processed."

    def __init__(self, message: str | None = None, *, code: str | None = None,
                 details: dict[str, Any] | None = None) -> None:
        super().__init__(message or self.message)
        self.message = message or self.message
        self.code = code or self.code
        self.details = details or {}

    def to_response(self) -> tuple[Response, int]:
        """The envelope as a JSON response, and the status."""
        return jsonify(envelope(self.code, self.message, self.details)), self.status


class BadRequest(APIError):
    status, code, message = 400, "bad_request", "The request is malformed."


class ValidationFailed(APIError):
    status, code, message = 400, "validation_failed", "Some fields are invalid."


class Unauthorized(APIError):
    status, code, message = 401, "unauthorized", "Authentication is required."


class Forbidden(APIError):
    status, code, message = 403, "forbidden", "You are not allowed to do this."


class NotFound(APIError):
    status, code, message = 404, "not_found", "The resource does not exist."


class Conflict(APIError):
    status, code, message = 409, "conflict", "The request conflicts with the current state."


class PayloadTooLarge(APIError):
    status, code, message = 413, "payload_too_large", "The request body is too large."


class Unprocessable(APIError):
    status, code, message = 422, "unprocessable", "The request cannot be carried out."


class TooManyRequests(APIError):
    status, code, message = 429, "rate_limited", "Too many requests; slow down."


class ServiceUnavailable(APIError):
    status, code, message = 503, "service_unavailable", "The service is briefly unavailable; try again shortly."

    def to_response(self) -> tuple[Response, int]:
        """The envelope, with Retry-After so clients and proxies back off a moment."""
        body, status = super().to_response()
        body.headers["Retry-After"] = "2"
        return body, status
class Overloaded(APIError):
    """The server is saturated and stored nothing: retry after `details.retry_after_ms`."""

    status, code, message = 503, "overloaded", "The server is busy; retry shortly."


_HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "payload_too_large",
    415: "unsupported_media_type",
    429: "rate_limited",
}


def init_app(app: Flask) -> None:
    """Render every error, ours or Werkzeug's, as the envelope."""

    @app.errorhandler(APIError)
    def handle_api_error(error: APIError) -> tuple[Response, int]:
        response, status = error.to_response()
        if status == 429 and "retry_after" in error.details:
            response.headers["Retry-After"] = str(error.details["retry_after"])
        return response, status

    @app.errorhandler(HTTPException)
    def handle_http_exception(error: HTTPException) -> Response:
        status = error.code or 500
        code = _HTTP_CODES.get(status, "http_error")
        message = error.description or error.name
        if status == 429:
            message = f"Too many requests: limit is {error.description}."
        response = jsonify(envelope(code, message))
        response.status_code = status
        for header in ("Allow", "Retry-After"):
            if error.get_response().headers.get(header):
                response.headers[header] = error.get_response().headers[header]
        return response

    @app.errorhandler(Exception)
    def handle_unexpected(error: Exception) -> tuple[Response, int]:
        if is_outage(error):
            rollback_quietly()
            log.warning("service unavailable: %s", outage_reason(error))
            return ServiceUnavailable().to_response()
        log.exception("Unhandled error")
        return jsonify(envelope("internal_error", "Something went wrong on our side.")), 500


def is_outage(error: BaseException) -> bool:
    """True when `error` means the database or Redis cannot be reached (a restart, a network cut, an
    exhausted connection pool), not a bug."""
    from redis.exceptions import ConnectionError as RedisConnectionError  # only when an error happens
    from redis.exceptions import TimeoutError as RedisTimeoutError  # only when an error happens
    from sqlalchemy.exc import DBAPIError, OperationalError  # only when an error happens
    from sqlalchemy.exc import TimeoutError as PoolTimeout  # only when an error happens

    # PoolTimeout: every database connection of the process stayed busy (overload): retry later, as for an outage.
    if isinstance(error, (OperationalError, PoolTimeout)) or (isinstance(error, DBAPIError)
                                                               and error.connection_invalidated):
        return True
    return isinstance(error, (RedisConnectionError, RedisTimeoutError, ConnectionError))


def outage_reason(error: BaseException) -> str:
    """A one-line reason for the logs (the driver's message, no stack)."""
    cause = getattr(error, "orig", None) or error
    return f"{type(cause).__name__}: {str(cause).splitlines()[0][:200] if str(cause) else ''}"


def rollback_quietly() -> None:
    """Roll the session back, ignoring a connection that is already gone."""
    from app.extensions import db  # extensions import errors' users

    try:
        db.session.rollback()
    except Exception:  # noqa: BLE001 - the connection is gone; the pool discards it
        pass
