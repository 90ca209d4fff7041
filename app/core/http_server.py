"""The gevent request handler: requests refused before they reach Flask still get the error envelope.

gevent's WSGI server answers an over-long request line (8 KB) with a bare `414`
and unparseable headers with a bare `400`, and has no limit on the total size
of the headers. This handler keeps gevent's parsing and limits, adds one on the
headers (`431` above MAX_HEADER_BYTES), and writes every such refusal as the
JSON envelope of the API. `python wsgi.py` and the gunicorn worker below use it.
"""
from __future__ import annotations

import io
import json
from typing import Any, BinaryIO

from gevent import pywsgi
from geventwebsocket.handler import WebSocketHandler

MAX_HEADER_BYTES = 16 * 1024

_REFUSALS = {
    "400": ("Bad Request", "bad_request", "The request is malformed."),
    "414": ("URI Too Long", "uri_too_long", f"The URL is longer than {pywsgi.MAX_REQUEST_LINE} bytes."),
    "431": (
        "Request Header Fields Too Large",
        "headers_too_large",
        f"The request headers are larger than {MAX_HEADER_BYTES} bytes.",
    ),
}


class HeadersTooLarge(ValueError):
    """The request's header block is over MAX_HEADER_BYTES."""


def refusal(status: str) -> bytes:
    """A complete HTTP response refusing the request with the JSON error envelope."""
    reason, code, message = _REFUSALS[status]
    body = json.dumps({"error": {"code": code, "message": message, "details": {}}}).encode()
    head = (
        f"HTTP/1.1 {status} {reason}\r\nConnection: close\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    )
    return head.encode("latin-1") + body


class JSONErrorHandler(WebSocketHandler):  # type: ignore[misc]  # gevent-websocket ships no types
    """gevent-websocket's handler, refusing malformed or oversized requests with the envelope."""

    def MessageClass(self, fp: BinaryIO, *args: Any) -> Any:  # noqa: N802 (gevent's name)
        """Read the header block within MAX_HEADER_BYTES, then let gevent parse it."""
        lines: list[bytes] = []
        size = 0
        while True:
            line = fp.readline(MAX_HEADER_BYTES + 1)
            size += len(line)
            if size > MAX_HEADER_BYTES:
                raise HeadersTooLarge()
            lines.append(line)
            if line in (b"\r\n", b"\n", b""):
                break
        return pywsgi.headers_factory(io.BytesIO(b"".join(lines)), *args)

    def handle_one_request(self) -> Any:
        result = super().handle_one_request()
        if isinstance(result, tuple) and result[0] in ("400", "414"):
            return result[0], refusal(result[0])
        return result

    def _handle_client_error(self, ex: Exception) -> tuple[str, bytes]:
        if isinstance(ex, HeadersTooLarge):
            self.log_error("Request headers too large (from %s)", self.client_address)
            return "431", refusal("431")
        status, _ = super()._handle_client_error(ex)
        return status, refusal("400")
