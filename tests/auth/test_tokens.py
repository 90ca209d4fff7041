"""Accounts and tokens through /api/v1/auth and /api/v1/me."""
import base64
import json
from datetime import timedelta

import jwt as pyjwt
from flask_jwt_extended import create_access_token


def _claims(token: str) -> dict:
    return pyjwt.decode(token, options={"verify_signature": False})


def test_register_returns_tokens_and_the_user(api):
    response = api.post(
        "/auth/register", json={"email": "Ana@Example.com", "password": "long enough pw", "name": "Ana"}
    )
    assert response.status_code == 201
    body = response.json
    assert body["user"]["email"] == "ana@example.com"
    assert body["user"]["name"] == "Ana"
    assert body["access_token"] and body["refresh_token"]
    me = api.get("/me", token=body["access_token"])
    assert me.status_code == 200
    assert me.json["email"] == "ana@example.com"


def test_email_is_unique_case_insensitively(api, make_user):
    make_user(email="bob@example.com")
    response = api.post("/auth/register", json={"email": "BOB@example.com", "password": "long enough pw", "name": "B"})
    assert response.status_code == 409
    assert response.json["error"]["code"] == "email_taken"


def test_login_with_any_case_of_the_email(api, make_user):
    user = make_user(email="carol@example.com")
    response = api.post("/auth/login", json={"email": "CAROL@example.com", "password": user["password"]})
    assert response.status_code == 200
    assert response.json["user"]["id"] == user["user"]["id"]


def test_login_errors_do_not_reveal_whether_the_email_exists(api, make_user):
    user = make_user()
    wrong_password = api.post("/auth/login", json={"email": user["email"], "password": "nope nope nope"})
    unknown_email = api.post("/auth/login", json={"email": "ghost@example.com", "password": "nope nope nope"})
    assert wrong_password.status_code == unknown_email.status_code == 401
    assert wrong_password.json == unknown_email.json


def test_refresh_rotates_and_reuse_revokes_the_family(api, make_user):
    user = make_user()
    first = api.post("/auth/refresh", json={"refresh_token": user["refresh_token"]})
    assert first.status_code == 200
    assert first.json["refresh_token"] != user["refresh_token"]
    second = api.post("/auth/refresh", json={"refresh_token": first.json["refresh_token"]})
    assert second.status_code == 200

    reused = api.post("/auth/refresh", json={"refresh_token": user["refresh_token"]})
    assert reused.status_code == 401
    assert reused.json["error"]["code"] == "refresh_token_reused"

    newest = api.post("/auth/refresh", json={"refresh_token": second.json["refresh_token"]})
    assert newest.status_code == 401
    assert api.get("/me", token=second.json["access_token"]).status_code == 401


def test_reuse_in_one_family_leaves_other_sessions_alone(api, make_user):
    user = make_user()
    other = api.post("/auth/login", json={"email": user["email"], "password": user["password"]}).json
    api.post("/auth/refresh", json={"refresh_token": user["refresh_token"]})
    api.post("/auth/refresh", json={"refresh_token": user["refresh_token"]})
    assert api.get("/me", token=other["access_token"]).status_code == 200
    assert api.post("/auth/refresh", json={"refresh_token": other["refresh_token"]}).status_code == 200


def test_logout_revokes_the_session(api, make_user):
    user = make_user()
    assert api.post("/auth/logout", json={"refresh_token": user["refresh_token"]}).status_code == 204
    assert api.post("/auth/refresh", json={"refresh_token": user["refresh_token"]}).status_code == 401
    response = api.get("/me", token=user["access_token"])
    assert response.status_code == 401
    assert response.json["error"]["code"] == "token_revoked"


def test_password_change_revokes_other_sessions_only(api, make_user):
    user = make_user()
    laptop = api.post("/auth/login", json={"email": user["email"], "password": user["password"]}).json
    changed = api.post(
        "/me/password",
        json={"current_password": user["password"], "new_password": "a brand new secret"},
        token=user["access_token"],
    )
    assert changed.status_code == 204
    assert api.get("/me", token=laptop["access_token"]).status_code == 401
    assert api.post("/auth/refresh", json={"refresh_token": laptop["refresh_token"]}).status_code == 401
    assert api.get("/me", token=user["access_token"]).status_code == 200
    assert api.post("/auth/login", json={"email": user["email"], "password": user["password"]}).status_code == 401
    assert api.post("/auth/login", json={"email": user["email"], "password": "a brand new secret"}).status_code == 200


def test_access_token_lifetime_is_short(make_user):
    user = make_user()
    claims = _claims(user["access_token"])
    assert 0 < claims["exp"] - claims["iat"] <= 15 * 60
    assert claims["type"] == "access"


# --- JWT attacks --------------------------------------------------------------

def _b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def _assert_refused(api, token: str) -> None:
    response = api.get("/me", token=token)
    assert response.status_code == 401, response.json
    assert set(response.json["error"]) == {"code", "message", "details"}


def test_alg_none_token_is_refused(api, make_user):
    claims = _claims(make_user()["access_token"])
    _assert_refused(api, f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64(claims)}.")


def test_token_signed_with_another_key_is_refused(api, make_user):
    claims = _claims(make_user()["access_token"])
    _assert_refused(api, pyjwt.encode(claims, "not-our-secret-" + "y" * 32, algorithm="HS256"))


def test_token_with_another_algorithm_is_refused(api, app, make_user):
    claims = _claims(make_user()["access_token"])
    _assert_refused(api, pyjwt.encode(claims, app.config["JWT_SECRET_KEY"], algorithm="HS512"))


def test_expired_token_is_refused(api, app, make_user):
    user = make_user()
    with app.test_request_context():
        token = create_access_token(
            identity=str(user["user"]["id"]),
            additional_claims={"fam": _claims(user["access_token"])["fam"]},
            expires_delta=timedelta(seconds=-5),
        )
    response = api.get("/me", token=token)
    assert response.status_code == 401
    assert response.json["error"]["code"] == "token_expired"


def test_tampered_claims_are_refused(api, make_user):
    me, other = make_user(), make_user()
    header, payload, signature = me["access_token"].split(".")
    claims = _claims(me["access_token"]) | {"sub": str(other["user"]["id"])}
    _assert_refused(api, f"{header}.{_b64(claims)}.{signature}")


def test_refresh_token_used_as_access_token_is_refused(api, make_user):
    _assert_refused(api, make_user()["refresh_token"])


def test_access_token_used_as_refresh_token_is_refused(api, make_user):
    response = api.post("/auth/refresh", json={"refresh_token": make_user()["access_token"]})
    assert response.status_code == 401
    assert response.json["error"]["code"] == "invalid_refresh_token"


def test_garbage_and_missing_tokens_are_refused(api):
    _assert_refused(api, "not.a.token")
    response = api.get("/me")
    assert response.status_code == 401
    assert response.json["error"]["code"] == "unauthorized"


def test_login_is_rate_limited_per_address(app, api, make_user):
    user = make_user()
    app.config["AUTH_RATE_LIMIT"] = "3 per minute"
    try:
        statuses = [
            api.post("/auth/login", json={"email": user["email"], "password": "wrong wrong"}).status_code
            for _ in range(4)
        ]
        limited = api.post("/auth/login", json={"email": user["email"], "password": user["password"]})
    finally:
        app.config["AUTH_RATE_LIMIT"] = "10000 per minute"
    assert statuses[:3] == [401, 401, 401]
    assert statuses[3] == 429
    assert limited.status_code == 429
    assert limited.json["error"]["code"] == "rate_limited"
