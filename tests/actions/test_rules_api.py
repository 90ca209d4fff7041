"""Rules CRUD: managers edit, agents read, other tenants see nothing; bad parts are 422s naming them."""
import pytest

from tests.actions.conftest import BILLING_RULE


def test_manager_creates_reads_updates_and_deletes_a_rule(api, make_project, make_rule):
    project, manager = make_project()
    token = manager["access_token"]
    rule = make_rule(project, manager)
    assert rule["name"] == "Tag billing questions"
    assert rule["enabled"] is True and rule["match"] == "all" and rule["run_count"] == 0
    assert rule["trigger"] == {"type": "message.created", "sender": "visitor"}
    assert rule["last_run_at"] is None and rule["last_error"] is None

    base = f"/projects/{project['id']}/actions"
    assert [r["id"] for r in api.get(base, token=token).json["items"]] == [rule["id"]]
    changed = api.patch(f"{base}/{rule['id']}", json={"enabled": False, "match": "any"}, token=token)
    assert changed.status_code == 200, changed.json
    assert changed.json["enabled"] is False and changed.json["match"] == "any"
    assert api.get(f"{base}/{rule['id']}", token=token).json["enabled"] is False

    assert api.delete(f"{base}/{rule['id']}", token=token).status_code == 204
    assert api.get(f"{base}/{rule['id']}", token=token).status_code == 404


def test_rules_are_listed_in_position_order(api, make_project, make_rule):
    project, manager = make_project()
    first = make_rule(project, manager, name="first")
    second = make_rule(project, manager, name="second")
    assert second["position"] > first["position"]
    api.patch(f"/projects/{project['id']}/actions/{second['id']}", json={"position": 0}, token=manager["access_token"])
    api.patch(f"/projects/{project['id']}/actions/{first['id']}", json={"position": 5}, token=manager["access_token"])
    names = [
        r["name"] for r in api.get(f"/projects/{project['id']}/actions", token=manager["access_token"]).json["items"]
    ]
    assert names == ["second", "first"]


def test_agents_read_rules_but_cannot_edit_them(api, make_project, make_rule, add_member):
    project, manager = make_project()
    agent = add_member(project, manager, "AGENT")
    rule = make_rule(project, manager)
    base = f"/projects/{project['id']}/actions"
    token = agent["access_token"]
    assert api.get(base, token=token).status_code == 200
    assert api.get(f"{base}/{rule['id']}/runs", token=token).status_code == 200
    assert api.post(base, json=BILLING_RULE, token=token).status_code == 403
    assert api.patch(f"{base}/{rule['id']}", json={"enabled": False}, token=token).status_code == 403
    assert api.delete(f"{base}/{rule['id']}", token=token).status_code == 403
    assert (
        api.post(f"/projects/{project['id']}/action-templates/greet_new_chats", json={}, token=token).status_code == 403
    )
    assert api.get(f"{base}/{rule['id']}", token=manager["access_token"]).json["enabled"] is True


def test_another_tenant_sees_neither_rules_nor_runs(api, make_project, make_rule):
    project_a, manager_a = make_project(name="A")
    project_b, manager_b = make_project(name="B")
    rule = make_rule(project_a, manager_a)
    outsider = manager_b["access_token"]
    for method, path in [("GET", f"/projects/{project_a['id']}/actions/{rule['id']}"),
                         ("PATCH", f"/projects/{project_a['id']}/actions/{rule['id']}"),
                         ("GET", f"/projects/{project_a['id']}/actions/{rule['id']}/runs"),
                         ("GET", f"/projects/{project_a['id']}/actions")]:
        assert api.request(method, path, json={}, token=outsider).status_code == 404
    # B's own URL with A's rule id: still not found, and nothing of A listed.
    assert api.get(f"/projects/{project_b['id']}/actions/{rule['id']}", token=outsider).status_code == 404
    assert api.get(f"/projects/{project_b['id']}/actions/{rule['id']}/runs", token=outsider).status_code == 404
    assert api.delete(f"/projects/{project_b['id']}/actions/{rule['id']}", token=outsider).status_code == 404
    assert api.get(f"/projects/{project_b['id']}/actions", token=outsider).json["items"] == []
    assert (
        api.get(f"/projects/{project_a['id']}/actions/{rule['id']}", token=manager_a["access_token"]).status_code == 200
    )


@pytest.mark.parametrize("change, field, code", [
    ({"trigger": {"type": "conversation.exploded"}}, "trigger.type", "unknown_trigger"),
    ({"trigger": {"type": "no_agent_reply"}}, "trigger.minutes", "invalid_rule"),
    ({"trigger": {"type": "message.created", "sender": "robot"}}, "trigger.sender", "invalid_rule"),
    ({"conditions": [{"field": "visitor.password", "operator": "equals", "value": "x"}]},
     "conditions[0].field", "unknown_field"),
    ({"conditions": [{"field": "message.content", "operator": "sounds_like", "value": "x"}]},
     "conditions[0].operator", "unknown_operator"),
    ({"conditions": [{"field": "agents.online", "operator": "contains", "value": 1}]},
     "conditions[0].operator", "unknown_operator"),
    ({"conditions": [{"field": "conversation.status", "operator": "equals", "value": "exploded"}]},
     "conditions[0].value", "invalid_rule"),
    ({"effects": [{"type": "launch_rocket"}]}, "effects[0].type", "unknown_effect"),
    ({"effects": [{"type": "add_tag"}]}, "effects[0].tag", "invalid_rule"),
    ({"effects": [{"type": "set_status", "status": "snoozed"}]}, "effects[0].minutes", "invalid_rule"),
    ({"effects": [{"type": "assign", "agent_id": 999999}]}, "effects[0].agent_id", "invalid_rule"),
    ({"effects": []}, "effects", "invalid_rule"),
])
def test_a_bad_part_is_a_422_naming_it(api, make_project, change, field, code):
    project, manager = make_project()
    response = api.post(f"/projects/{project['id']}/actions", json={**BILLING_RULE, **change},
                        token=manager["access_token"])
    assert response.status_code == 422, response.json
    assert response.json["error"]["code"] == code
    assert response.json["error"]["details"]["field"] == field
    assert field in response.json["error"]["message"]
    assert api.get(f"/projects/{project['id']}/actions", token=manager["access_token"]).json["items"] == []


@pytest.mark.parametrize("change, field", [({"match": "some"}, "match"), ({"name": ""}, "name"),
                                           ({"trigger": "soon"}, "trigger")])
def test_a_body_off_its_documented_schema_is_a_400(api, make_project, change, field):
    project, manager = make_project()
    response = api.post(f"/projects/{project['id']}/actions", json={**BILLING_RULE, **change},
                        token=manager["access_token"])
    assert response.status_code == 400, response.json
    assert response.json["error"]["code"] == "validation_failed"
    assert field in response.json["error"]["details"]["fields"]


@pytest.mark.parametrize("effect, field", [
    ({"type": "call_webhook"}, "effects[0].webhook_id"),
    ({"type": "call_webhook", "webhook_id": "hook"}, "effects[0].webhook_id"),
    ({"type": "call_webhook", "webhook_id": 1, "url": "https://example.com/"}, "effects[0].url"),
    ({"type": "email_transcript", "to": "boss@example.com"}, "effects[0].to"),
])
def test_a_bad_integration_effect_is_a_422_naming_it(api, make_project, effect, field):
    project, manager = make_project()
    response = api.post(f"/projects/{project['id']}/actions", json={**BILLING_RULE, "effects": [effect]},
                        token=manager["access_token"])
    assert response.status_code == 422, response.json
    assert response.json["error"]["code"] == "invalid_rule"
    assert response.json["error"]["details"]["field"] == field
    assert api.get(f"/projects/{project['id']}/actions", token=manager["access_token"]).json["items"] == []


@pytest.mark.parametrize("pattern", [
    r"(a+)+\1",              # a backreference: no linear-time matcher exists
    r"(?=a)(a|aa)*b",         # look-ahead
    r"(x{1000}){1000}",      # a program far over the memory budget
    r"([a-z]",               # does not compile at all
])
def test_a_pathological_regex_is_refused_at_save(api, make_project, pattern):
    project, manager = make_project()
    rule = {**BILLING_RULE, "conditions": [{"field": "message.content", "operator": "matches", "value": pattern}]}
    response = api.post(f"/projects/{project['id']}/actions", json=rule, token=manager["access_token"])
    assert response.status_code == 422, response.json
    assert response.json["error"]["code"] == "unsafe_pattern"
    assert response.json["error"]["details"]["field"] == "conditions[0].value"


def test_a_patch_is_checked_like_a_new_rule(api, make_project, make_rule):
    project, manager = make_project()
    rule = make_rule(project, manager)
    response = api.patch(f"/projects/{project['id']}/actions/{rule['id']}",
                         json={"conditions": [{"field": "nope", "operator": "equals", "value": "x"}]},
                         token=manager["access_token"])
    assert response.status_code == 422
    assert response.json["error"]["details"]["field"] == "conditions[0].field"
    stored = api.get(f"/projects/{project['id']}/actions/{rule['id']}", token=manager["access_token"]).json
    assert stored["conditions"] == rule["conditions"]


def test_rule_routes_are_in_the_openapi_document(api):
    paths = api.get("/openapi.json").json["paths"]
    assert set(paths["/api/v1/projects/{project_id}/actions"]) >= {"get", "post"}
    assert set(paths["/api/v1/projects/{project_id}/actions/{rule_id}"]) >= {"get", "patch", "delete"}
    assert "get" in paths["/api/v1/projects/{project_id}/actions/{rule_id}/runs"]
    assert "get" in paths["/api/v1/projects/{project_id}/action-templates"]
    assert "post" in paths["/api/v1/projects/{project_id}/action-templates/{key}"]
