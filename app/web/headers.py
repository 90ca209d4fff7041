"""Security headers on every response, and cookie flags.

The dashboard gets a strict CSP (its built index.html has no inline script or style); API
responses get one that allows nothing; the widget frame sets its own, whose frame-ancestors
are the project's allowed origins, and is the only page that may be framed.
"""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, request

DASHBOARD_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "font-src 'self' data:; connect-src 'self' ws: wss:; media-src 'self' blob:; object-src 'none'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
# The demo page plays a customer site: its inline <style> stays, scripts still come from files only.
DEMO_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "connect-src 'self' ws: wss:; frame-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
)
API_CSP = "default-src 'none'; frame-ancestors 'none'"
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()"
HSTS = "max-age=31536000; includeSubDomains"


def _policy_for(path: str, mimetype: str | None) -> str:
    if mimetype != "text/html" or path.startswith("/api/"):
        return API_CSP
    if path == "/demo" or path.startswith("/widget/"):
        return DEMO_CSP
    return DASHBOARD_CSP


def init_app(app: Flask) -> None:
    """Add the headers after every request and set the cookie flags."""
    is_https = urlsplit(app.config["PUBLIC_URL"]).scheme == "https"
    app.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SECURE=is_https,
        SESSION_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SECURE=is_https,
        REMEMBER_COOKIE_SAMESITE="Lax",
    )

    @app.after_request
    def security_headers(response):
        headers = response.headers
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "no-referrer")
        headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        if "Content-Security-Policy" not in headers:
            headers["Content-Security-Policy"] = _policy_for(request.path, response.mimetype)
            # Older browsers ignore frame-ancestors; everything but the widget frame refuses framing.
            headers.setdefault("X-Frame-Options", "DENY")
        if is_https:
            headers.setdefault("Strict-Transport-Security", HSTS)
        return response
