"""TOTP two-factor sign-in through /api/v1/me/2fa and /api/v1/auth/2fa/verify."""
from concurrent.futures import ThreadPoolExecutor

import pyotp
import pytest
import requests

from tests.auth.conftest import code_at


def _login(api, user):
    return api.post("/auth/login", json={"email": user["email"], "password": user["password"]})


def test_setup_answers_a_secret_an_otpauth_uri_and_a_qr_svg(api, make_user):
    user = make_user()
    setup = api.post("/me/2fa/setup", token=user["access_token"])
    assert setup.status_code == 200
    body = setup.json
    assert pyotp.TOTP(body["secret"]).now().isdigit()
    assert body["otpauth_uri"].startswith("otpauth://totp/")
    assert body["secret"] in body["otpauth_uri"]
    assert body["qr_svg"].lstrip().startswith("<svg") and "</svg>" in body["qr_svg"]
    assert api.get("/me", token=user["access_token"]).json["two_factor_enabled"] is False


def test_enable_needs_a_valid_code_and_answers_ten_recovery_codes(api, make_user, enrol_2fa):
    user = make_user()
    api.post("/me/2fa/setup", token=user["access_token"])
    wrong = api.post("/me/2fa/enable", json={"code": "000000"}, token=user["access_token"])
    assert wrong.status_code == 401
    assert wrong.json["error"]["code"] == "invalid_mfa_code"
    _, codes = enrol_2fa(user)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert api.get("/me", token=user["access_token"]).json["two_factor_enabled"] is True


def test_login_then_requires_the_code(api, make_user, enrol_2fa):
    user = make_user()
    secret, _ = enrol_2fa(user)
    first = _login(api, user)
    assert first.status_code == 200
    assert first.json["mfa_required"] is True
    assert "access_token" not in first.json
    mfa_token = first.json["mfa_token"]
    # The step token opens no other route.
    assert api.get("/me", token=mfa_token).status_code == 401
    assert api.post("/auth/refresh", json={"refresh_token": mfa_token}).status_code == 401

    verified = api.post("/auth/2fa/verify", json={"mfa_token": mfa_token, "code": code_at(secret)})
    assert verified.status_code == 200, verified.json
    assert verified.json["user"]["id"] == user["user"]["id"]
    assert api.get("/me", token=verified.json["access_token"]).status_code == 200


def test_the_same_code_is_refused_the_second_time(api, make_user, enrol_2fa):
    user = make_user()
    secret, _ = enrol_2fa(user)
    code = code_at(secret)
    first = api.post("/auth/2fa/verify", json={"mfa_token": _login(api, user).json["mfa_token"], "code": code})
    assert first.status_code == 200
    replay = api.post("/auth/2fa/verify", json={"mfa_token": _login(api, user).json["mfa_token"], "code": code})
    assert replay.status_code == 401
    assert replay.json["error"]["code"] == "invalid_mfa_code"
    # An older step than the last one used is refused too.
    older = api.post("/auth/2fa/verify", json={"mfa_token": _login(api, user).json["mfa_token"],
                                               "code": code_at(secret, -1)})
    assert older.status_code == 401


def test_a_recovery_code_works_once(api, make_user, enrol_2fa):
    user = make_user()
    _, codes = enrol_2fa(user)
    body = {"mfa_token": _login(api, user).json["mfa_token"], "recovery_code": codes[3].upper()}
    assert api.post("/auth/2fa/verify", json=body).status_code == 200
    again = api.post("/auth/2fa/verify", json=body | {"mfa_token": _login(api, user).json["mfa_token"]})
    assert again.status_code == 401
    other = {"mfa_token": _login(api, user).json["mfa_token"], "recovery_code": codes[4]}
    assert api.post("/auth/2fa/verify", json=other).status_code == 200


def test_a_tampered_mfa_token_is_refused(api, make_user, enrol_2fa):
    user = make_user()
    secret, _ = enrol_2fa(user)
    token = _login(api, user).json["mfa_token"]
    response = api.post("/auth/2fa/verify", json={"mfa_token": token[:-2] + "xx", "code": code_at(secret)})
    assert response.status_code == 401
    assert response.json["error"]["code"] == "invalid_mfa_token"


def test_an_mfa_token_works_once(api, make_user, enrol_2fa):
    user = make_user()
    secret, codes = enrol_2fa(user)
    token = _login(api, user).json["mfa_token"]
    assert api.post("/auth/2fa/verify", json={"mfa_token": token, "code": code_at(secret)}).status_code == 200

    # Replayed with a code that would otherwise be good: the next time step, or a recovery code.
    for second_factor in ({"code": code_at(secret, +1)}, {"recovery_code": codes[0]}):
        replay = api.post("/auth/2fa/verify", json={"mfa_token": token, **second_factor})
        assert replay.status_code == 401, second_factor
        assert replay.json["error"]["code"] == "mfa_token_used"
    # The refused replay spent neither code: both still finish a fresh sign-in.
    fresh = {"mfa_token": _login(api, user).json["mfa_token"], "recovery_code": codes[0]}
    assert api.post("/auth/2fa/verify", json=fresh).status_code == 200
    fresh = {"mfa_token": _login(api, user).json["mfa_token"], "code": code_at(secret, +1)}
    assert api.post("/auth/2fa/verify", json=fresh).status_code == 200


def test_wrong_codes_do_not_spend_the_mfa_token(api, make_user, enrol_2fa):
    user = make_user()
    secret, _ = enrol_2fa(user)
    token = _login(api, user).json["mfa_token"]
    for wrong in ({"code": "000000"}, {"recovery_code": "00000-00000-00000-00000"}):
        refused = api.post("/auth/2fa/verify", json={"mfa_token": token, **wrong})
        assert refused.status_code == 401
        assert refused.json["error"]["code"] == "invalid_mfa_code"
    assert api.post("/auth/2fa/verify", json={"mfa_token": token, "code": code_at(secret)}).status_code == 200


def test_an_mfa_token_spent_in_one_process_is_refused_in_another(api, make_user, enrol_2fa, live_server):
    user = make_user()
    secret, _ = enrol_2fa(user)
    url = f"{live_server}/api/v1/auth"
    token = requests.post(f"{url}/login", json={"email": user["email"], "password": user["password"]},
                          timeout=10).json()["mfa_token"]
    done = requests.post(f"{url}/2fa/verify", json={"mfa_token": token, "code": code_at(secret)}, timeout=10)
    assert done.status_code == 200, done.text
    # This test's own process is another web process over the same database.
    replay = api.post("/auth/2fa/verify", json={"mfa_token": token, "code": code_at(secret, +1)})
    assert replay.status_code == 401
    assert replay.json["error"]["code"] == "mfa_token_used"


def test_of_two_concurrent_verifies_of_one_mfa_token_one_wins(make_user, enrol_2fa, live_server):
    user = make_user()
    _, codes = enrol_2fa(user)
    url = f"{live_server}/api/v1/auth"
    token = requests.post(f"{url}/login", json={"email": user["email"], "password": user["password"]},
                          timeout=10).json()["mfa_token"]

    def verify(recovery_code: str) -> requests.Response:
        return requests.post(f"{url}/2fa/verify", json={"mfa_token": token, "recovery_code": recovery_code},
                             timeout=30)

    with ThreadPoolExecutor(max_workers=2) as pool:
        answers = list(pool.map(verify, codes[:2]))
    assert sorted(answer.status_code for answer in answers) == [200, 401], [a.text for a in answers]
    loser = next(answer for answer in answers if answer.status_code == 401)
    assert loser.json()["error"]["code"] == "mfa_token_used"


def test_an_expired_mfa_token_is_refused(app, api, make_user, enrol_2fa):
    from datetime import timedelta

    from sqlalchemy import update

    from app.auth.models import OneTimeToken
    from app.core.db import utcnow
    from app.extensions import db

    user = make_user()
    secret, _ = enrol_2fa(user)
    token = _login(api, user).json["mfa_token"]
    with app.app_context():
        db.session.execute(update(OneTimeToken).where(OneTimeToken.user_id == user["user"]["id"])
                           .values(expires_at=utcnow() - timedelta(seconds=1)))
        db.session.commit()
    expired = api.post("/auth/2fa/verify", json={"mfa_token": token, "code": code_at(secret)})
    assert expired.status_code == 401
    assert expired.json["error"]["code"] == "invalid_mfa_token"


@pytest.mark.parametrize("route, body", [
    ("/auth/verify-email", lambda token: {"token": token}),
    ("/auth/password/reset", lambda token: {"token": token, "password": "a brand new passphrase 4"}),
    ("/auth/oidc/exchange", lambda token: {"code": token}),
])
def test_the_mfa_token_is_no_mailed_link_or_provider_code(api, make_user, enrol_2fa, route, body):
    user = make_user()
    enrol_2fa(user)
    token = _login(api, user).json["mfa_token"]
    refused = api.post(route, json=body(token))
    assert refused.status_code == 422
    assert refused.json["error"]["code"] == "invalid_link_token"


def test_the_mfa_token_opens_no_socket(api, make_user, enrol_2fa, live_server):
    from tests.realtime.conftest import ConnectionRefused, SocketClient

    user = make_user()
    enrol_2fa(user)
    token = _login(api, user).json["mfa_token"]
    client = SocketClient(live_server, "/agent", origin=None)
    try:
        with pytest.raises(ConnectionRefused) as refused:
            client.connect({"token": token})
        assert refused.value.args[0]["data"]["code"] == "invalid_token"
    finally:
        client.close()


def test_verify_takes_exactly_one_of_a_code_and_a_recovery_code(api, make_user, enrol_2fa):
    user = make_user()
    secret, codes = enrol_2fa(user)
    token = _login(api, user).json["mfa_token"]
    for body in ({}, {"code": code_at(secret), "recovery_code": codes[0]}, {"recovery_code": f" {codes[0]} "}):
        refused = api.post("/auth/2fa/verify", json={"mfa_token": token, **body})
        assert refused.status_code == 400, body
        assert refused.json["error"]["code"] == "validation_failed"
    # The refusals spent nothing: the step, the code and the recovery code all still work.
    assert api.post("/auth/2fa/verify", json={"mfa_token": token, "recovery_code": codes[0]}).status_code == 200


def test_brute_force_of_the_code_is_rate_limited(app, api, make_user, enrol_2fa, monkeypatch):
    monkeypatch.setitem(app.config, "AUTH_RATE_LIMIT", None)  # the real limits: 5 failures / 5 min / account
    user = make_user()
    secret, _ = enrol_2fa(user)
    token = _login(api, user).json["mfa_token"]
    statuses = [api.post("/auth/2fa/verify", json={"mfa_token": token, "code": f"{n:06d}"}).status_code
                for n in range(6)]
    assert statuses[:5] == [401] * 5
    assert statuses[5] == 429
    limited = api.post("/auth/2fa/verify", json={"mfa_token": token, "code": code_at(secret)})
    assert limited.status_code == 429
    assert int(limited.headers["Retry-After"]) > 0
    assert limited.json["error"]["code"] == "rate_limited"


def test_disable_needs_the_password_and_a_code(api, make_user, enrol_2fa):
    user = make_user()
    secret, _ = enrol_2fa(user)
    token = user["access_token"]
    wrong_password = api.post("/me/2fa/disable", json={"password": "not the password", "code": code_at(secret)},
                              token=token)
    assert wrong_password.status_code == 401
    wrong_code = api.post("/me/2fa/disable", json={"password": user["password"], "code": "123456"}, token=token)
    assert wrong_code.status_code == 401
    missing_code = api.post("/me/2fa/disable", json={"password": user["password"]}, token=token)
    assert missing_code.status_code == 400
    assert api.get("/me", token=token).json["two_factor_enabled"] is True

    done = api.post("/me/2fa/disable", json={"password": user["password"], "code": code_at(secret)}, token=token)
    assert done.status_code == 204
    assert "access_token" in _login(api, user).json


def test_regenerating_recovery_codes_retires_the_old_ones(api, make_user, enrol_2fa):
    user = make_user()
    secret, old = enrol_2fa(user)
    fresh = api.post("/me/2fa/recovery-codes", json={"code": code_at(secret)}, token=user["access_token"])
    assert fresh.status_code == 200
    assert set(fresh.json["recovery_codes"]).isdisjoint(old)
    stale = {"mfa_token": _login(api, user).json["mfa_token"], "recovery_code": old[0]}
    assert api.post("/auth/2fa/verify", json=stale).status_code == 401
    new = {"mfa_token": _login(api, user).json["mfa_token"], "recovery_code": fresh.json["recovery_codes"][0]}
    assert api.post("/auth/2fa/verify", json=new).status_code == 200


def test_a_project_can_require_2fa_of_its_members(api, make_project, make_user, add_member, enrol_2fa):
    manager = make_user(name="Manager")
    project, _ = make_project(manager=manager)
    pid = project["id"]
    agent = add_member(project, manager)

    # A manager without 2FA cannot lock everyone (themselves included) out.
    refused = api.patch(f"/projects/{pid}", json={"require_2fa": True}, token=manager["access_token"])
    assert refused.status_code == 403
    assert refused.json["error"]["code"] == "mfa_enrolment_required"

    enrol_2fa(manager)
    turned_on = api.patch(f"/projects/{pid}", json={"require_2fa": True}, token=manager["access_token"])
    assert turned_on.status_code == 200
    assert turned_on.json["require_2fa"] is True

    for path in (f"/projects/{pid}", f"/projects/{pid}/conversations", f"/projects/{pid}/members"):
        blocked = api.get(path, token=agent["access_token"])
        assert blocked.status_code == 403, path
        assert blocked.json["error"]["code"] == "mfa_enrolment_required"
    assert api.get(f"/projects/{pid}/conversations", token=manager["access_token"]).status_code == 200
    # The agent can still reach their own profile to enrol, and is let in afterwards.
    enrol_2fa(agent)
    assert api.get(f"/projects/{pid}/conversations", token=agent["access_token"]).status_code == 200
    # Outsiders still get the tenancy 404, not a hint that the project exists.
    outsider = make_user()
    assert api.get(f"/projects/{pid}", token=outsider["access_token"]).status_code == 404
