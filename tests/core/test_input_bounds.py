"""No input yields a 500: out-of-range integers, deep JSON and tampered cursors, on every route.

The routes come from the URL map and their documented schemas, so a new route
is covered without anyone adding it here.
"""
from __future__ import annotations

import base64
import json
import re
from typing import Any

import pytest

from tests.core.test_bad_input import _row_counts

HUGE = 2**63  # one past the largest 64-bit signed integer
OUT_OF_RANGE = [str(HUGE), "9" * 30, "2147483648", "-1", "0"]
_ARG = re.compile(r"<(?:(\w+):)?(\w+)>")


def _api_routes(app) -> list[tuple[str, Any, dict]]:
    """(method, rule, @documented metadata) of every /api/v1 route."""
    routes = []
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1"):
            meta = getattr(app.view_functions[rule.endpoint], "__openapi__", {})
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                routes.append((method, rule, meta))
    return routes


def _path(rule, values: dict) -> str:
    return _ARG.sub(lambda m: str(values.get(m.group(2), 1)), rule.rule)


def _integer_fields(model) -> list[str]:
    """Top-level fields of a pydantic model that take integers (or lists of integers)."""
    fields = []
    for name, prop in model.model_json_schema().get("properties", {}).items():
        options = prop.get("anyOf", [prop])
        if any(o.get("type") == "integer" or o.get("items", {}).get("type") == "integer" for o in options):
            fields.append(name)
    return fields


def _as_integer_value(model, name: str, value: int):
    prop = model.model_json_schema()["properties"][name]
    is_list = any(o.get("type") == "array" for o in prop.get("anyOf", [prop]))
    return [value] if is_list else value


def _assert_envelope(response, status_range=range(400, 500)) -> None:
    assert response.status_code in status_range, (response.status_code, response.get_data(as_text=True)[:300])
    assert response.is_json, response.get_data(as_text=True)[:300]
    assert set(response.json["error"]) == {"code", "message", "details"}


@pytest.fixture
def world(api, make_widget_project, make_conversation):
    """A project with one of each resource; `ids` maps every path argument name to a real id."""
    project, manager = make_widget_project()
    pid = project["id"]
    token = manager["access_token"]
    conversation_id, visitor = make_conversation(project)
    invitation = api.post(f"/projects/{pid}/invitations", json={"email": "i@example.com"}, token=token).json
    key = api.post(f"/projects/{pid}/api-keys", json={"name": "k"}, token=token).json
    # An endpoint on the allowlisted loopback, for an event nothing here fires (no delivery rows appear).
    webhook = api.post(f"/projects/{pid}/webhooks", json={"url": "http://127.0.0.1:9/hook",
                                                       "events": ["conversation.assigned"]}, token=token).json
    # A rule whose trigger nothing here fires, so no run changes the counts while the test compares them.
    rule = api.post(f"/projects/{pid}/actions", token=token, json={
        "name": "r", "trigger": {"type": "visitor.identified"}, "effects": [{"type": "add_tag", "tag": "t"}]}).json
    ids = {
        "project_id": pid,
        "conversation_id": conversation_id,
        "visitor_id": visitor["visitor"]["id"],
        "user_id": manager["user"]["id"],
        "invitation_id": invitation["id"],
        "api_key_id": key["id"],
        "webhook_id": webhook["id"],
        "rule_id": rule["id"],
        "attachment_id": 1,
        "token": "not-a-token",
    }
    return project, manager, ids


def test_every_route_answers_404_to_an_out_of_range_id(app, api, world):
    project, manager, ids = world
    routes = [(m, r) for m, r, _ in _api_routes(app) if any(c == "int" for c, _ in _ARG.findall(r.rule))]
    assert len(routes) >= 20
    before = _row_counts(app)
    for method, rule in routes:
        for name in [n for c, n in _ARG.findall(rule.rule) if c == "int"]:
            for bad in OUT_OF_RANGE:
                response = api.request(method, _path(rule, ids | {name: bad}), json={}, token=manager["access_token"])
                assert response.status_code == 404, f"{method} {rule.rule} with {name}={bad}: {response.status_code}"
                _assert_envelope(response)
    assert _row_counts(app) == before


def test_every_integer_query_argument_is_bounded(app, api, world):
    project, manager, ids = world
    checked = 0
    before = _row_counts(app)
    for method, rule, meta in _api_routes(app):
        if meta.get("query") is None:
            continue
        for field in _integer_fields(meta["query"]):
            for bad in (HUGE, -HUGE, 10**30):
                response = api.request(method, f"{_path(rule, ids)}?{field}={bad}", token=manager["access_token"])
                assert response.status_code == 400, f"{method} {rule.rule}?{field}={bad}: {response.status_code}"
                assert response.json["error"]["code"] == "validation_failed"
                assert field in response.json["error"]["details"]["fields"]
                checked += 1
    assert checked >= 6
    assert _row_counts(app) == before


def test_every_integer_in_a_body_is_bounded(app, api, world):
    project, manager, ids = world
    checked = 0
    before = _row_counts(app)
    for method, rule, meta in _api_routes(app):
        if meta.get("body") is None:
            continue
        for field in _integer_fields(meta["body"]):
            for bad in (HUGE, -HUGE):
                body = {field: _as_integer_value(meta["body"], field, bad)}
                response = api.request(method, _path(rule, ids), json=body, token=manager["access_token"])
                assert response.status_code == 400, f"{method} {rule.rule} {body}: {response.status_code}"
                assert response.json["error"]["code"] == "validation_failed"
                assert any(key.startswith(field) for key in response.json["error"]["details"]["fields"])
                checked += 1
    assert checked >= 4
    assert _row_counts(app) == before


def test_visitor_attribute_numbers_are_bounded(app, api, world):
    project, manager, ids = world
    before = _row_counts(app)
    for value in ("9223372036854775808", "1e400", "NaN", "-Infinity"):
        response = api.patch(f"/projects/{ids['project_id']}/visitors/{ids['visitor_id']}",
                             data='{"attributes": {"n": %s}}' % value, token=manager["access_token"],
                             headers={"Content-Type": "application/json"})
        assert response.status_code == 400, (value, response.json)
        _assert_envelope(response)
    assert _row_counts(app) == before


def test_deep_json_is_refused_on_every_json_route(app, api, world):
    project, manager, ids = world
    routes = [(m, r) for m, r, meta in _api_routes(app) if meta.get("body") is not None]
    assert len(routes) >= 10
    before = _row_counts(app)
    for depth in (33, 100_000):
        for opening, closing in (("[", "]"), ('{"a":', "}")):
            body = '{"a": ' + opening * depth + "1" + closing * depth + "}"
            for method, rule in routes:
                response = api.request(method, _path(rule, ids), data=body, token=manager["access_token"],
                                       headers={"Content-Type": "application/json"})
                assert response.status_code == 400, f"{method} {rule.rule}: {response.status_code}"
                assert response.json["error"]["code"] == "json_too_deep", (rule.rule, response.json)
    assert _row_counts(app) == before


def test_deep_json_is_refused_without_signing_in(app, api):
    body = "[" * 100_000 + "]" * 100_000
    for path in ("/auth/login", "/auth/register", "/widget/session", "/auth/refresh"):
        response = api.post(path, data=body, headers={"Content-Type": "application/json"})
        assert response.status_code == 400
        assert response.json["error"]["code"] == "json_too_deep"


def test_brackets_inside_strings_do_not_count(api, make_project):
    project, manager = make_project()
    response = api.patch(f"/projects/{project['id']}", token=manager["access_token"],
                         json={"name": '\\"[' + "[" * 50 + "{" * 50})
    assert response.status_code == 200, response.json


def _b64(value: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")


def _tampered_cursors(real: str | None) -> list[str]:
    cursors = [_b64(v) for v in ([{"a": 1}], [[1, 2]], [1e23], ["2024-01-01T00:00:00", 1], [HUGE, HUGE],
                                 ["2024-01-01T00:00:00+00:00", 1], [None, None], "x", [])]
    cursors += ["%%%", "a" * 400, "", ".", "e30.e30"]
    if real:
        payload, _, signature = real.rpartition(".")
        cursors.append(payload + "." + signature[::-1])
        cursors.append(_b64([123456789, 1]) + "." + signature)
    return [c for c in cursors if c]


def test_tampered_cursors_are_refused_on_every_list(app, api, world, make_visitor):
    project, manager, ids = world
    token = manager["access_token"]
    for _ in range(3):  # enough rows that every list has a next page at limit=1
        make_visitor(project)
        api.post("/projects", json={"name": "more"}, token=token)
    lists = [(m, r) for m, r, meta in _api_routes(app) if meta.get("paged")]
    assert len(lists) >= 5
    before = _row_counts(app)
    for method, rule in lists:
        path = _path(rule, ids)
        real = api.request(method, f"{path}?limit=1", token=token).json.get("next_cursor")
        for cursor in _tampered_cursors(real):
            response = api.request(method, path, query_string={"cursor": cursor}, token=token)
            assert response.status_code == 400, f"{rule.rule} cursor={cursor!r}: {response.status_code}"
            assert response.json["error"]["code"] in ("invalid_cursor", "validation_failed"), response.json
    assert _row_counts(app) == before


def test_a_cursor_of_one_list_does_not_work_on_another_shape(app, api, world):
    project, manager, ids = world
    token = manager["access_token"]
    api.post("/projects", json={"name": "second"}, token=token)
    cursor = api.get("/projects?limit=1", token=token).json["next_cursor"]
    assert cursor
    assert api.get("/projects", query_string={"cursor": cursor}, token=token).status_code == 200
    response = api.get(f"/projects/{ids['project_id']}/conversations", query_string={"cursor": cursor}, token=token)
    assert response.status_code in (200, 400)  # a well-formed, signed cursor is at worst an empty page


def test_unknown_api_paths_and_methods_answer_json(app, api, world):
    project, manager, ids = world
    token = manager["access_token"]
    for method in ("GET", "POST", "PUT", "PATCH", "DELETE"):
        for path in ("/api/v1/nothing-here", "/api/v1/projects/-1", "/api/v1/projects/abc/members", "/api/v2/x",
                     "/api", "/api/"):
            response = api.request(method, path, token=token)
            assert response.status_code == 404, (method, path, response.status_code)
            _assert_envelope(response)
    # A real path with a wrong method: 405 whose Allow lists the path's own methods.
    for method, rule, _ in _api_routes(app):
        allowed = {m for m2, r2, _ in _api_routes(app) if r2.rule == rule.rule for m in [m2]}
        wrong = next(m for m in ("PUT", "PATCH", "DELETE", "POST", "GET") if m not in allowed)
        response = api.request(wrong, _path(rule, ids), token=token)
        assert response.status_code == 405, (wrong, rule.rule, response.status_code)
        _assert_envelope(response)
        assert {m.strip() for m in response.headers["Allow"].split(",")} - {"HEAD", "OPTIONS"} == allowed


def test_the_dashboard_serves_only_non_api_gets(client):
    assert client.post("/inbox").status_code == 405
    assert client.get("/inbox").status_code in (200, 503)  # 503: the dashboard is not built here
    response = client.get("/api/v1/no/such/thing")
    assert response.status_code == 404 and response.is_json


def _raw_exchange(base_url: str, request: bytes) -> tuple[int, dict, dict]:
    """Send raw bytes to the live server; (status, headers, JSON body) of its answer."""
    import socket
    from urllib.parse import urlsplit

    url = urlsplit(base_url)
    with socket.create_connection((url.hostname, url.port), timeout=10) as sock:
        sock.sendall(request)
        received = b""
        while chunk := sock.recv(65536):
            received += chunk
    head, _, body = received.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
    return int(lines[0].split()[1]), headers, json.loads(body)


@pytest.mark.parametrize("request_bytes, status, code", [
    (b"GET /api/v1/" + b"a" * 9000 + b" HTTP/1.1\r\nHost: x\r\n\r\n", 414, "uri_too_long"),
    (b"GET /api/v1/me HTTP/1.1\r\nHost: x\r\n" + b"X-Big: " + b"v" * 20_000 + b"\r\n\r\n", 431, "headers_too_large"),
    (b"GET /api/v1/me HTTP/1.1\r\nHost: x\r\n" + b"".join(b"X-%d: %s\r\n" % (i, b"v" * 900) for i in range(30))
     + b"\r\n", 431, "headers_too_large"),
    (b"NOT A REQUEST\r\n\r\n", 400, "bad_request"),
], ids=["long url", "long header", "many headers", "garbage"])
def test_requests_refused_by_the_web_server_get_the_envelope(live_server, request_bytes, status, code):
    got_status, headers, body = _raw_exchange(live_server, request_bytes)
    assert got_status == status
    assert headers["content-type"] == "application/json"
    assert body["error"]["code"] == code and set(body["error"]) == {"code", "message", "details"}
