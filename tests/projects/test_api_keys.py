"""Project API keys: shown once, stored hashed, scoped to one project, revocable."""
from app.extensions import db
from app.projects.models import ApiKey


def _create_key(api, project, manager, role="AGENT", name="integration"):
    response = api.post(
        f"/projects/{project['id']}/api-keys", json={"name": name, "role": role}, token=manager["access_token"]
    )
    assert response.status_code == 201, response.json
    return response.json


def test_key_acts_inside_its_project(api, make_project):
    project, manager = make_project()
    key = _create_key(api, project, manager)
    assert key["key"].startswith(f"lck_{key['prefix']}_")
    response = api.get(f"/projects/{project['id']}", token=key["key"])
    assert response.status_code == 200
    assert response.json["role"] == "AGENT"
    assert api.get(f"/projects/{project['id']}/members", token=key["key"]).status_code == 200


def test_key_role_is_enforced(api, make_project):
    project, manager = make_project()
    agent_key = _create_key(api, project, manager, role="AGENT")
    manager_key = _create_key(api, project, manager, role="MANAGER")
    assert api.patch(f"/projects/{project['id']}", json={"name": "X"}, token=agent_key["key"]).status_code == 403
    assert api.patch(f"/projects/{project['id']}", json={"name": "X"}, token=manager_key["key"]).status_code == 200


def test_key_gets_404_on_another_project(api, make_project):
    project, manager = make_project()
    other, _ = make_project()
    key = _create_key(api, project, manager, role="MANAGER")
    assert api.get(f"/projects/{other['id']}", token=key["key"]).status_code == 404
    assert api.get(f"/projects/{other['id']}/members", token=key["key"]).status_code == 404


def test_key_cannot_use_account_endpoints(api, make_project):
    project, manager = make_project()
    key = _create_key(api, project, manager)
    assert api.get("/me", token=key["key"]).status_code == 403
    assert api.get("/projects", token=key["key"]).status_code == 403


def test_revoked_key_is_refused(api, make_project):
    project, manager = make_project()
    key = _create_key(api, project, manager)
    assert (
        api.delete(f"/projects/{project['id']}/api-keys/{key['id']}", token=manager["access_token"]).status_code == 204
    )
    response = api.get(f"/projects/{project['id']}", token=key["key"])
    assert response.status_code == 401
    assert response.json["error"]["code"] == "invalid_api_key"


def test_wrong_secret_with_a_valid_prefix_is_refused(api, make_project):
    project, manager = make_project()
    key = _create_key(api, project, manager)
    forged = key["key"][:-4] + "AAAA"
    assert api.get(f"/projects/{project['id']}", token=forged).status_code == 401


def test_keys_are_listed_by_prefix_without_secret_and_stored_hashed(api, app, make_project):
    project, manager = make_project()
    key = _create_key(api, project, manager)
    api.get(f"/projects/{project['id']}", token=key["key"])
    listed = api.get(f"/projects/{project['id']}/api-keys", token=manager["access_token"]).json["items"]
    assert len(listed) == 1
    assert "key" not in listed[0]
    assert listed[0]["prefix"] == key["prefix"]
    assert listed[0]["last_used_at"] is not None
    with app.app_context():
        stored = db.session.get(ApiKey, key["id"])
        assert key["key"] not in (stored.key_hash, stored.prefix)


def test_even_a_manager_key_cannot_delete_its_project(api, make_project):
    project, manager = make_project()
    key = _create_key(api, project, manager, role="MANAGER")
    response = api.delete(f"/projects/{project['id']}", token=key["key"])
    assert response.status_code == 403
    assert response.json["error"]["code"] == "user_required"
    assert api.get(f"/projects/{project['id']}", token=manager["access_token"]).status_code == 200
