"""Bad input gets the envelope and the right status, stores nothing, and is never a 500."""
import pytest
from sqlalchemy import func, select

from app.extensions import db

VALID_REGISTER = {"email": "valid@example.com", "password": "long enough pw", "name": "V"}

CASES = [
    # (id, method, path, kwargs, status, code)
    ("malformed json", "POST", "/auth/register",
     {"data": "{not json", "headers": {"Content-Type": "application/json"}}, 400, "malformed_json"),
    ("json array", "POST", "/auth/register", {"json": [VALID_REGISTER]}, 400, "malformed_json"),
    ("json string", "POST", "/auth/login", {"json": "hello"}, 400, "malformed_json"),
    ("wrong type", "POST", "/auth/register", {"json": VALID_REGISTER | {"email": 5}}, 400, "validation_failed"),
    ("wrong type nested", "PATCH", "/projects/{pid}", {"json": {"widget": {"position": 3}}}, 400, "validation_failed"),
    ("missing field", "POST", "/auth/register", {"json": {"email": "m@example.com"}}, 400, "validation_failed"),
    ("empty body", "POST", "/projects", {}, 400, "validation_failed"),
    ("unknown field", "POST", "/auth/register",
     {"json": VALID_REGISTER | {"is_admin": True}}, 400, "validation_failed"),
    ("unknown enum", "POST", "/projects/{pid}/invitations",
     {"json": {"email": "e@example.com", "role": "OWNER"}}, 400, "validation_failed"),
    ("unknown enum key role", "POST", "/projects/{pid}/api-keys",
     {"json": {"name": "k", "role": "ROOT"}}, 400, "validation_failed"),
    ("bad email", "POST", "/auth/register",
     {"json": VALID_REGISTER | {"email": "not-an-email"}}, 400, "validation_failed"),
    ("short password", "POST", "/auth/register",
     {"json": VALID_REGISTER | {"password": "short"}}, 400, "validation_failed"),
    ("over-long name", "POST", "/auth/register",
     {"json": VALID_REGISTER | {"name": "n" * 500}}, 400, "validation_failed"),
    ("over-long project", "POST", "/projects", {"json": {"name": "p" * 500}}, 400, "validation_failed"),
    ("bad origin", "PATCH", "/projects/{pid}",
     {"json": {"allowed_origins": ["javascript:alert(1)"]}}, 400, "validation_failed"),
    ("bad colour", "PATCH", "/projects/{pid}",
     {"json": {"widget": {"color": "red; background: url(x)"}}}, 400, "validation_failed"),
    ("too many origins", "PATCH", "/projects/{pid}",
     {"json": {"allowed_origins": [f"https://s{i}.test" for i in range(60)]}}, 400, "validation_failed"),
    ("bad cursor", "GET", "/projects?cursor=%%%", {}, 400, "invalid_cursor"),
    ("limit zero", "GET", "/projects?limit=0", {}, 400, "validation_failed"),
    ("limit not a number", "GET", "/projects?limit=ten", {}, 400, "validation_failed"),
    ("nul character", "POST", "/auth/register",
     {"json": VALID_REGISTER | {"name": "bad\x00name"}}, 400, "validation_failed"),
    ("nul in a list", "PATCH", "/projects/{pid}",
     {"json": {"allowed_origins": ["https://a.test\x00"]}}, 400, "validation_failed"),
    ("oversized body", "POST", "/auth/register",
     {"json": VALID_REGISTER | {"name": "x" * (2 * 1024 * 1024)}}, 413, "payload_too_large"),
    ("wrong method", "PUT", "/projects/{pid}", {"json": {}}, 405, "method_not_allowed"),
    ("non-integer id", "GET", "/projects/abc", {}, 404, "not_found"),
]


def _row_counts(app) -> dict:
    with app.app_context():
        return {t.name: db.session.scalar(select(func.count()).select_from(t)) for t in db.metadata.sorted_tables}


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_bad_input_is_refused_cleanly(app, api, make_project, case):
    _, method, path, kwargs, status, code = case
    project, manager = make_project()
    before = _row_counts(app)
    response = api.request(method, path.format(pid=project["id"]), token=manager["access_token"], **kwargs)
    assert response.status_code == status, response.get_data(as_text=True)[:300]
    assert response.json["error"]["code"] == code
    assert set(response.json["error"]) == {"code", "message", "details"}
    assert _row_counts(app) == before


def test_validation_errors_name_the_fields(api):
    response = api.post("/auth/register", json={"email": "nope", "password": "x"})
    fields = response.json["error"]["details"]["fields"]
    assert {"email", "password", "name"} <= set(fields)


def test_duplicate_email_is_a_conflict_and_stores_nothing(app, api, make_user):
    make_user(email="dup@example.com")
    before = _row_counts(app)
    response = api.post("/auth/register", json=VALID_REGISTER | {"email": "DUP@example.com"})
    assert response.status_code == 409
    assert response.json["error"]["code"] == "email_taken"
    assert _row_counts(app) == before
