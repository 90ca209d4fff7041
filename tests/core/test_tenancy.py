"""Tenant isolation, checked for every project route the app has (new routes are covered automatically)."""
import re

import pytest

PROJECT_ROUTE = re.compile(r"^/api/v1/projects/<int:project_id>")


def _project_routes(app):
    routes = []
    for rule in app.url_map.iter_rules():
        if PROJECT_ROUTE.match(rule.rule):
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                routes.append((method, rule))
    return routes


@pytest.fixture
def two_tenants(api, make_project, make_user):
    """Project A with some resources, and a manager (plus a manager API key) of project B."""
    project_a, manager_a = make_project(name="A")
    pid = project_a["id"]
    invitation = api.post(
        f"/projects/{pid}/invitations", json={"email": "x@example.com"}, token=manager_a["access_token"]
    ).json
    key = api.post(f"/projects/{pid}/api-keys", json={"name": "k"}, token=manager_a["access_token"]).json
    project_b, manager_b = make_project(name="B")
    key_b = api.post(
        f"/projects/{project_b['id']}/api-keys", json={"name": "kb", "role": "MANAGER"}, token=manager_b["access_token"]
    ).json
    ids = {"user_id": manager_a["user"]["id"], "invitation_id": invitation["id"], "api_key_id": key["id"]}
    return project_a, manager_a, ids, [manager_b["access_token"], key_b["key"]]


def test_every_project_route_answers_404_to_another_tenant(app, api, two_tenants):
    project_a, manager_a, ids, outsiders = two_tenants
    routes = _project_routes(app)
    assert len(routes) >= 12  # projects, members, invitations, api keys … and every later module
    for method, rule in routes:
        values = {name: ids.get(name, 1) for name in rule.arguments}
        values["project_id"] = project_a["id"]
        path = rule.rule
        for name, value in values.items():
            path = re.sub(rf"<(\w+:)?{name}>", str(value), path)
        for token in outsiders:
            response = api.request(method, path, json={}, token=token)
            assert response.status_code == 404, f"{method} {path} answered {response.status_code} to another tenant"
            assert response.json["error"]["code"] == "project_not_found"
    # and project A is untouched
    assert api.get(f"/projects/{project_a['id']}", token=manager_a["access_token"]).json["name"] == "A"
    assert len(api.get(f"/projects/{project_a['id']}/api-keys", token=manager_a["access_token"]).json["items"]) == 1
