"""The password policy, constant-cost sign-in and the auth routes' rate limits."""
import statistics
import time
import uuid

import pytest


def _email() -> str:
    return f"p-{uuid.uuid4().hex[:10]}@example.com"


@pytest.mark.parametrize("password, reason", [
    ("password", "at least 10"),
    ("12345678", "at least 10"),
    ("password123", "too weak"),
    ("\u200b" * 10, "too weak"),
    ("qwertyuiop", "too weak"),
])
def test_weak_passwords_are_refused_with_a_reason(api, password, reason):
    response = api.post("/auth/register", json={"email": _email(), "name": "Weak", "password": password})
    assert response.status_code == 400
    error = response.json["error"]
    assert error["code"] in ("weak_password", "validation_failed")
    text = error["message"] + " ".join(" ".join(v) for v in error["details"].get("fields", {}).values())
    assert reason in text


def test_a_password_built_from_the_email_is_refused(api):
    email = _email()
    response = api.post("/auth/register", json={"email": email, "name": "Me", "password": email.split("@")[0] + "1"})
    assert response.status_code == 400
    assert response.json["error"]["code"] == "weak_password"


def test_passwords_are_kept_exactly_as_typed(api):
    email, password = _email(), "  spaces around my passphrase  "
    assert api.post("/auth/register", json={"email": email, "name": "S", "password": password}).status_code == 201
    assert api.post("/auth/login", json={"email": email, "password": password}).status_code == 200
    assert api.post("/auth/login", json={"email": email, "password": password.strip()}).status_code == 401


def test_change_password_applies_the_policy(api, make_user):
    user = make_user()
    weak = api.post("/me/password", json={"current_password": user["password"], "new_password": "password123"},
                    token=user["access_token"])
    assert weak.status_code == 400
    assert weak.json["error"]["code"] == "weak_password"
    assert "new_password" in weak.json["error"]["details"]["fields"]


def test_sign_in_costs_the_same_for_unknown_and_known_emails(app, api, make_user, monkeypatch):
    monkeypatch.setitem(app.config, "PASSWORD_HASH_COST", "default")  # the production cost
    user = make_user()

    def timed(email: str) -> float:
        started = time.perf_counter()
        response = api.post("/auth/login", json={"email": email, "password": "not the password at all"})
        assert response.status_code == 401
        return time.perf_counter() - started

    timed(_email())  # warm-up: the dummy hash is made once
    # Interleaved, so a busy machine slows both kinds alike.
    known_times, unknown_times = [], []
    for _ in range(10):
        known_times.append(timed(user["email"]))
        unknown_times.append(timed(_email()))
    known, unknown = statistics.median(known_times), statistics.median(unknown_times)
    assert 0.5 < known / unknown < 2, (known, unknown)


def test_sign_in_is_limited_per_email(app, api, make_user, monkeypatch):
    monkeypatch.setitem(app.config, "AUTH_RATE_LIMIT", None)  # the real limits
    user = make_user()
    statuses = [api.post("/auth/login", json={"email": user["email"], "password": "wrong password " + str(n)}
                         ).status_code for n in range(6)]
    assert statuses == [401] * 5 + [429]
    blocked = api.post("/auth/login", json={"email": user["email"], "password": user["password"]})
    assert blocked.status_code == 429
    assert int(blocked.headers["Retry-After"]) > 0
    assert blocked.json["error"]["code"] == "rate_limited"
    # Another account from the same address is not blocked by this one's limit.
    other = make_user()
    assert api.post("/auth/login", json={"email": other["email"], "password": other["password"]}).status_code == 200


def test_sign_in_is_limited_per_ip(app, api, make_user, monkeypatch):
    monkeypatch.setitem(app.config, "AUTH_RATE_LIMIT", None)
    ip = {"REMOTE_ADDR": "127.0.0.9"}
    statuses = [api.post("/auth/login", json={"email": _email(), "password": "wrong password"},
                         environ_base=ip).status_code for _ in range(21)]
    assert statuses == [401] * 20 + [429]


def test_password_reset_requests_are_limited(app, api, make_user, monkeypatch):
    monkeypatch.setitem(app.config, "AUTH_RATE_LIMIT", None)
    email = _email()
    statuses = [api.post("/auth/password/forgot", json={"email": email}, environ_base={"REMOTE_ADDR": "127.0.0.10"}
                         ).status_code for _ in range(4)]
    assert statuses == [202, 202, 202, 429]


def test_sign_up_is_limited_per_ip(app, api, monkeypatch):
    monkeypatch.setitem(app.config, "AUTH_RATE_LIMIT", None)
    statuses = [api.post("/auth/register", json={"email": _email(), "name": "N", "password": "a fine passphrase 7"},
                         environ_base={"REMOTE_ADDR": "127.0.0.11"}).status_code for _ in range(11)]
    assert statuses == [201] * 10 + [429]
