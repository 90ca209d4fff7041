"""Mailed links against a real SMTP server on loopback: verification, password reset, retries."""
import re
import uuid

import pytest

from tests.helpers import html_body, text_body


def _link(mail, path: str) -> str:
    match = re.search(rf"(http://\S+/{path}\?token=([\w-]+))", text_body(mail))
    assert match, text_body(mail)
    return match.group(2)


def _address() -> str:
    return f"mail-{uuid.uuid4().hex[:10]}@example.com"


def test_sign_up_mails_a_verification_link_that_verifies_the_address(api, make_user, smtp_sink, rq_worker):
    user = make_user(email=_address(), name="Ana <b>")
    assert api.get("/me", token=user["access_token"]).json["email_verified"] is False  # the banner shows
    mail = smtp_sink.wait_for(user["email"])
    assert "Ana <b>" in text_body(mail)
    assert "Ana &lt;b&gt;" in html_body(mail)  # the HTML body is autoescaped
    token = _link(mail, "verify-email")
    assert api.post("/auth/verify-email", json={"token": token}).status_code == 204
    assert api.get("/me", token=user["access_token"]).json["email_verified"] is True
    assert api.post("/auth/verify-email", json={"token": token}).status_code == 400


def test_forgot_password_answers_the_same_whatever_the_email(api, make_user, smtp_sink, rq_worker):
    user = make_user(email=_address())
    known = api.post("/auth/password/forgot", json={"email": user["email"]})
    unknown = api.post("/auth/password/forgot", json={"email": _address()})
    assert known.status_code == unknown.status_code == 202
    assert known.json == unknown.json


def test_a_reset_link_works_once_and_signs_out_every_session(api, make_user, smtp_sink, rq_worker):
    user = make_user(email=_address())
    other_session = api.post("/auth/login", json={"email": user["email"], "password": user["password"]}).json
    assert api.post("/auth/password/forgot", json={"email": user["email"]}).status_code == 202
    mail = [m for m in _wait_all(smtp_sink, user["email"], 2) if "reset" in m["Subject"].lower()][0]
    token = _link(mail, "reset-password")

    weak = api.post("/auth/password/reset", json={"token": token, "password": "password123"})
    assert weak.status_code == 400
    assert weak.json["error"]["code"] == "weak_password"

    new_password = "  a fresh passphrase, kept as typed  "
    assert api.post("/auth/password/reset", json={"token": token, "password": new_password}).status_code == 204
    again = api.post("/auth/password/reset", json={"token": token, "password": "yet another passphrase 9"})
    assert again.status_code == 400
    assert again.json["error"]["code"] == "invalid_link_token"

    for session in (user, other_session):
        assert api.post("/auth/refresh", json={"refresh_token": session["refresh_token"]}).status_code == 401
        assert api.get("/me", token=session["access_token"]).status_code == 401
    assert api.post("/auth/login", json={"email": user["email"], "password": user["password"]}).status_code == 401
    # Kept exactly as typed: the spaces belong to the password.
    assert api.post("/auth/login", json={"email": user["email"], "password": new_password.strip()}).status_code == 401
    signed_in = api.post("/auth/login", json={"email": user["email"], "password": new_password})
    assert signed_in.status_code == 200


def test_an_expired_reset_link_is_refused(app, api, make_user, smtp_sink, rq_worker):
    from sqlalchemy import update

    from app.auth.models import OneTimeToken
    from app.core.db import utcnow
    from app.extensions import db

    user = make_user(email=_address())
    api.post("/auth/password/forgot", json={"email": user["email"]})
    mail = [m for m in _wait_all(smtp_sink, user["email"], 2) if "reset" in m["Subject"].lower()][0]
    with app.app_context():
        db.session.execute(update(OneTimeToken).values(expires_at=utcnow()))
        db.session.commit()
    response = api.post("/auth/password/reset", json={"token": _link(mail, "reset-password"),
                                                      "password": "a fresh passphrase 42"})
    assert response.status_code == 400


def test_a_failing_smtp_server_then_a_working_one_delivers_the_mail_once(app, api, make_user, smtp_sink, rq_worker):
    user = make_user(email=_address())
    smtp_sink.wait_for(user["email"])  # the verification mail
    smtp_sink.fail_next(user["email"], 2)
    assert api.post("/auth/password/forgot", json={"email": user["email"]}).status_code == 202
    mails = _wait_all(smtp_sink, user["email"], 2, timeout=40)
    import time

    time.sleep(2)  # would a duplicate follow?
    resets = [m for m in smtp_sink.all_to(user["email"]) if "reset" in m["Subject"].lower()]
    assert len(resets) == 1
    assert len(mails) == 2


def _wait_all(sink, to: str, count: int, timeout: float = 20.0) -> list:
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = sink.all_to(to)
        if len(found) >= count:
            return found
        time.sleep(0.05)
    raise AssertionError(f"fewer than {count} mails to {to} within {timeout}s")


def test_without_smtp_the_mail_is_kept_in_the_instance_folder(app, api, make_user, monkeypatch):
    import time
    from pathlib import Path

    if app.config["BACKEND"] != "sqlite":
        pytest.skip("embedded mode's behaviour; production's worker process has its own SMTP_URL")
    monkeypatch.setitem(app.config, "SMTP_URL", "")
    user = make_user(email=_address())
    folder = Path(app.config["MAIL_DIR"])
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        kept = [path for path in folder.glob("*.eml") if user["email"] in path.name] if folder.exists() else []
        if kept:
            break
        time.sleep(0.05)
    assert kept, "the verification mail was not written to instance/mail/"
    assert "/verify-email?token=" in kept[0].read_text()
