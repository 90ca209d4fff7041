"""Sign-in with an OpenID provider started here on loopback: PKCE, state, nonce and the linking rules."""
import re
import uuid
from urllib.parse import parse_qsl, urlsplit

import limits
import pytest
import requests

from tests.auth.oidc_provider import OpenIDProvider


@pytest.fixture(scope="session")
def provider():
    server = OpenIDProvider().start()
    yield server
    server.stop()


@pytest.fixture
def with_provider(app, provider, monkeypatch):
    monkeypatch.setitem(app.config, "OIDC_ISSUER", provider.issuer)
    monkeypatch.setitem(app.config, "OIDC_CLIENT_ID", provider.client_id)
    monkeypatch.setitem(app.config, "OIDC_CLIENT_SECRET", provider.client_secret)
    monkeypatch.setitem(app.config, "OIDC_NAME", "Acme SSO")
    return provider


def _claims(email: str | None = None, verified=True, sub: str | None = None, name: str = "Olga Owner") -> dict:
    return {"sub": sub or uuid.uuid4().hex, "email": email or f"o-{uuid.uuid4().hex[:8]}@example.com",
            "email_verified": verified, "name": name}


def _through_provider(client, provider, claims: dict, *, forge_state: bool = False) -> dict:
    """Run the browser's part of the flow; returns the fragment the dashboard receives."""
    provider.next_user = claims
    start = client.get("/auth/oidc/oidc/start")
    assert start.status_code == 302
    cookie = start.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie  # the session holding state, nonce and verifier
    query = dict(parse_qsl(urlsplit(start.headers["Location"]).query))
    assert query["code_challenge_method"] == "S256" and query["code_challenge"] and query["nonce"] and query["state"]
    back = requests.get(start.headers["Location"], allow_redirects=False, timeout=10)
    callback = urlsplit(back.headers["Location"])
    path = f"{callback.path}?{callback.query}"
    if forge_state:
        path = re.sub(r"state=[^&]+", "state=forged-state", path)
    done = client.get(path)
    assert done.status_code == 302
    assert done.headers["Location"].startswith("http://127.0.0.1:5999/oidc-complete#")
    return dict(parse_qsl(done.headers["Location"].split("#", 1)[1]))


def _exchange(api, fragment: dict):
    return api.post("/auth/oidc/exchange", json={"code": fragment["code"]})


def test_providers_are_listed_only_when_configured(api, app, client, with_provider, monkeypatch):
    listed = api.get("/auth/oidc/providers").json["providers"]
    assert [(p["id"], p["name"]) for p in listed] == [("oidc", "Acme SSO")]
    monkeypatch.setitem(app.config, "OIDC_ISSUER", "")
    assert api.get("/auth/oidc/providers").json["providers"] == []
    assert client.get("/auth/oidc/oidc/start").status_code == 404


def test_sign_up_then_sign_in_with_the_provider(api, client, with_provider):
    claims = _claims()
    first = _exchange(api, _through_provider(client, with_provider, claims))
    assert first.status_code == 200, first.json
    me = api.get("/me", token=first.json["access_token"]).json
    assert me["email"] == claims["email"] and me["email_verified"] is True and me["name"] == "Olga Owner"
    again = _exchange(api, fragment := _through_provider(client, with_provider, claims))
    assert again.json["user"]["id"] == first.json["user"]["id"]
    assert _exchange(api, fragment).status_code == 422  # the one-time code is spent
    identities = api.get("/me/identities", token=first.json["access_token"]).json["items"]
    assert [i["provider"] for i in identities] == ["oidc"]


def test_a_forged_state_is_refused(client, with_provider):
    fragment = _through_provider(client, with_provider, _claims(), forge_state=True)
    assert fragment["error"] == "oidc_refused" and "code" not in fragment


def test_a_wrong_nonce_is_refused(client, with_provider):
    with_provider.nonce_override = "not-the-nonce-we-sent"
    try:
        fragment = _through_provider(client, with_provider, _claims())
    finally:
        with_provider.nonce_override = None
    assert fragment["error"] == "oidc_refused" and "code" not in fragment


def test_an_unverified_provider_email_is_refused(api, client, with_provider, make_user):
    victim = make_user()
    fragment = _through_provider(client, with_provider, _claims(email=victim["email"], verified=False))
    assert fragment == {"error": "oidc_email_unverified"}
    fresh = _through_provider(client, with_provider, _claims(verified=False))
    assert fresh == {"error": "oidc_email_unverified"}


def test_a_pre_registered_account_is_not_taken_over(api, client, with_provider):
    email = f"victim-{uuid.uuid4().hex[:8]}@example.com"
    # Someone who does not own the mailbox registers the address first (it stays unverified).
    squatter = api.post("/auth/register", json={"email": email, "name": "Squatter",
                                                "password": "squatter passphrase 99"}).json
    owner = _exchange(api, _through_provider(client, with_provider, _claims(email=email, name="Real Owner")))
    assert owner.status_code == 200
    assert api.get("/me", token=owner.json["access_token"]).json["name"] == "Real Owner"
    # The squatter's password and sessions no longer work.
    assert api.post("/auth/login", json={"email": email, "password": "squatter passphrase 99"}).status_code == 401
    assert api.post("/auth/refresh", json={"refresh_token": squatter["refresh_token"]}).status_code == 401
    assert api.get("/me", token=squatter["access_token"]).status_code == 401


def test_a_verified_account_is_linked_and_keeps_its_password(app, api, client, with_provider, make_user):
    from sqlalchemy import update

    from app.core.db import utcnow
    from app.extensions import db
    from app.users.models import User

    user = make_user()
    with app.app_context():
        db.session.execute(update(User).where(User.id == user["user"]["id"]).values(email_verified_at=utcnow()))
        db.session.commit()
    linked = _exchange(api, _through_provider(client, with_provider, _claims(email=user["email"])))
    assert linked.json["user"]["id"] == user["user"]["id"]
    assert api.post("/auth/login", json={"email": user["email"], "password": user["password"]}).status_code == 200
    [identity] = api.get("/me/identities", token=user["access_token"]).json["items"]
    assert api.delete(f"/me/identities/{identity['id']}", token=user["access_token"]).status_code == 204


def test_the_last_way_to_sign_in_cannot_be_unlinked(api, client, with_provider):
    tokens = _exchange(api, _through_provider(client, with_provider, _claims())).json
    [identity] = api.get("/me/identities", token=tokens["access_token"]).json["items"]
    refused = api.delete(f"/me/identities/{identity['id']}", token=tokens["access_token"])
    assert refused.status_code == 409
    assert refused.json["error"]["code"] == "last_sign_in_method"


def _allowed(app, setting: str) -> int:
    """How many requests the setting's limit lets through (e.g. "20 per 5 minutes" → 20)."""
    return limits.parse(app.config[setting]).amount


def test_the_provider_callback_is_rate_limited_per_ip(app, client, with_provider, monkeypatch):
    monkeypatch.setitem(app.config, "AUTH_RATE_LIMIT", None)  # the real limit
    allowed = _allowed(app, "OIDC_CALLBACK_RATE_PER_IP")
    callback = "/auth/oidc/oidc/callback?code=guessed&state=guessed"
    ip = {"REMOTE_ADDR": "127.0.0.21"}
    statuses = [client.get(callback, environ_base=ip).status_code for _ in range(allowed + 1)]
    assert statuses == [302] * allowed + [429]  # each refused (a redirect with #error=…), then limited
    limited = client.get(callback, environ_base=ip)
    assert limited.status_code == 429
    assert int(limited.headers["Retry-After"]) > 0
    assert limited.json["error"]["code"] == "rate_limited"
    # Another address is not blocked by this one's limit.
    assert client.get(callback, environ_base={"REMOTE_ADDR": "127.0.0.22"}).status_code == 302


def test_guessing_exchange_codes_is_rate_limited_per_ip(app, api, with_provider, monkeypatch):
    monkeypatch.setitem(app.config, "AUTH_RATE_LIMIT", None)
    allowed = _allowed(app, "OIDC_CALLBACK_RATE_PER_IP")
    ip = {"REMOTE_ADDR": "127.0.0.23"}
    statuses = [api.post("/auth/oidc/exchange", json={"code": f"guess-{n}"}, environ_base=ip).status_code
                for n in range(allowed + 1)]
    assert statuses == [422] * allowed + [429]
