"""POST /api/v1/widget/session: origin check, visitor tokens, identity verification, CORS."""
import hashlib
import hmac

from tests.conftest import WIDGET_ORIGIN


def _session(api, project, origin=WIDGET_ORIGIN, **fields):
    headers = {"Origin": origin} if origin else {}
    return api.post("/widget/session", json={"project_key": project["public_key"], **fields}, headers=headers)


def test_a_new_visitor_gets_a_token_and_the_widget_config(api, make_widget_project):
    project, _ = make_widget_project()
    response = _session(api, project, page={"url": "https://shop.example.com/cart", "title": "Cart", "referrer": ""})
    assert response.status_code == 200
    body = response.json
    assert body["visitor_token"] and body["visitor"]["id"]
    config = body["config"]
    for key in ("color", "position", "greeting", "launcher_text", "away_message", "agents_online",
                "within_business_hours", "prechat", "locale"):
        assert key in config
    assert config["agents_online"] is False
    assert config["prechat"] == {"enabled": False, "fields": []}


def test_resuming_with_the_token_returns_the_same_visitor(api, make_widget_project, make_visitor):
    project, _ = make_widget_project()
    first = make_visitor(project)
    again = _session(api, project, visitor_token=first["visitor_token"])
    assert again.status_code == 200
    assert again.json["visitor"]["id"] == first["visitor"]["id"]


def test_a_forged_or_foreign_token_starts_a_new_visitor(api, make_widget_project, make_visitor):
    project, _ = make_widget_project()
    other, _ = make_widget_project(name="Other")
    first = make_visitor(project)
    foreign = make_visitor(other)
    forged = _session(api, project, visitor_token=first["visitor_token"][:-4] + "abcd")
    crossed = _session(api, project, visitor_token=foreign["visitor_token"])
    assert forged.json["visitor"]["id"] not in (first["visitor"]["id"], foreign["visitor"]["id"])
    assert crossed.json["visitor"]["id"] not in (first["visitor"]["id"], foreign["visitor"]["id"])


def test_an_origin_not_listed_is_refused(api, make_widget_project):
    project, _ = make_widget_project()
    for origin in ("https://evil.example", "http://shop.example.com", "https://shop.example.com:8443", None):
        response = _session(api, project, origin=origin)
        assert response.status_code == 403, origin
        assert response.json["error"]["code"] == "origin_not_allowed"


def test_a_wildcard_origin_matches_subdomains_only(api, make_widget_project):
    project, _ = make_widget_project(allowed_origins=["https://*.example.org"])
    assert _session(api, project, origin="https://help.example.org").status_code == 200
    assert _session(api, project, origin="https://a.b.example.org").status_code == 200
    assert _session(api, project, origin="https://example.org").status_code == 403
    assert _session(api, project, origin="https://badexample.org").status_code == 403


def test_an_unknown_project_key_is_404(api):
    response = api.post("/widget/session", json={"project_key": "pk_nope"}, headers={"Origin": WIDGET_ORIGIN})
    assert response.status_code == 404
    assert response.json["error"]["code"] == "unknown_project_key"


def test_cors_preflight_is_answered_so_the_server_can_judge_the_origin(client, make_widget_project):
    make_widget_project()
    for origin in (WIDGET_ORIGIN, "https://evil.example"):
        preflight = client.options("/api/v1/widget/session", headers={
            "Origin": origin, "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type"})
        assert preflight.headers["Access-Control-Allow-Origin"] == origin
        assert "POST" in preflight.headers["Access-Control-Allow-Methods"]
        assert "Access-Control-Allow-Credentials" not in preflight.headers


def test_a_refused_page_can_read_why_and_nothing_is_stored(api, make_widget_project):
    project, manager = make_widget_project()
    response = api.post("/widget/session", json={"project_key": project["public_key"]},
                        headers={"Origin": "https://evil.example"})
    assert response.status_code == 403
    assert response.json["error"]["code"] == "origin_not_allowed"
    assert response.headers["Access-Control-Allow-Origin"] == "https://evil.example"
    visitors = api.get(f"/projects/{project['id']}/visitors", token=manager["access_token"]).json["items"]
    assert visitors == []


def test_the_session_answer_carries_cors_headers_for_its_origin(api, make_widget_project):
    project, _ = make_widget_project()
    response = _session(api, project)
    assert response.headers["Access-Control-Allow-Origin"] == WIDGET_ORIGIN


def _signed(project, identifier):
    return hmac.new(project["identity_secret"].encode(), identifier.encode(), hashlib.sha256).hexdigest()


def test_a_verified_identity_resumes_the_same_visitor_on_another_device(api, make_widget_project):
    project, _ = make_widget_project()
    first = _session(api, project, identifier="user-42", identifier_hash=_signed(project, "user-42"), name="Ana")
    second = _session(api, project, identifier="user-42", identifier_hash=_signed(project, "user-42"))
    assert first.status_code == second.status_code == 200
    assert first.json["visitor"]["id"] == second.json["visitor"]["id"]
    assert second.json["visitor"]["identifier"] == "user-42"


def test_a_wrong_identifier_hash_is_refused(api, make_widget_project):
    project, _ = make_widget_project()
    response = _session(api, project, identifier="user-42", identifier_hash="0" * 64)
    assert response.status_code == 403
    assert response.json["error"]["code"] == "identity_verification_failed"


def test_an_unverified_identifier_never_resumes_someone_else(api, make_widget_project):
    project, _ = make_widget_project()
    owner = _session(api, project, identifier="user-42", identifier_hash=_signed(project, "user-42"))
    impostor = _session(api, project, identifier="user-42")
    assert impostor.status_code == 200
    assert impostor.json["visitor"]["id"] != owner.json["visitor"]["id"]


def test_a_project_can_require_verified_identities(api, make_widget_project):
    project, manager = make_widget_project()
    api.patch(f"/projects/{project['id']}", json={"identity_required": True}, token=manager["access_token"])
    refused = _session(api, project, identifier="user-7")
    assert refused.status_code == 403
    assert refused.json["error"]["code"] == "identity_required"
    accepted = _session(api, project, identifier="user-7", identifier_hash=_signed(project, "user-7"))
    assert accepted.status_code == 200


def test_attributes_are_bounded(api, make_widget_project):
    project, _ = make_widget_project()
    too_many = _session(api, project, attributes={f"k{i}": i for i in range(51)})
    too_long = _session(api, project, attributes={"plan": "x" * 501})
    nested = _session(api, project, attributes={"plan": {"deep": 1}})
    for response in (too_many, too_long, nested):
        assert response.status_code == 400
        assert response.json["error"]["code"] == "validation_failed"


def test_bad_bodies_are_clear_errors(api, make_widget_project):
    project, _ = make_widget_project()
    assert api.post("/widget/session", data="nope", headers={"Origin": WIDGET_ORIGIN,
                                                              "Content-Type": "application/json"}).status_code == 400
    assert _session(api, project, email="not-an-email").status_code == 400
    assert _session(api, project, unexpected=1).status_code == 400


def test_nul_characters_are_refused(api, make_widget_project):
    project, _ = make_widget_project()
    assert _session(api, project, name="A\x00").status_code == 400
    assert _session(api, project, attributes={"k\x00": "v"}).status_code == 400
