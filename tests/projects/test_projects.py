"""Projects (tenants) and roles through /api/v1/projects."""


def test_creator_becomes_manager_and_sees_the_project(api, make_user):
    owner = make_user()
    created = api.post(
        "/projects", json={"name": "Acme", "allowed_origins": ["https://acme.test"]}, token=owner["access_token"]
    )
    assert created.status_code == 201
    project = created.json
    assert project["role"] == "MANAGER"
    assert project["public_key"].startswith("pk_")
    assert project["allowed_origins"] == ["https://acme.test"]
    assert project["widget"]["position"] == "right"

    listed = api.get("/projects", token=owner["access_token"]).json
    assert [p["id"] for p in listed["items"]] == [project["id"]]
    assert listed["next_cursor"] is None
    assert api.get(f"/projects/{project['id']}", token=owner["access_token"]).json["name"] == "Acme"


def test_projects_list_is_cursor_paginated(api, make_user):
    owner = make_user()
    ids = [api.post("/projects", json={"name": f"P{i}"}, token=owner["access_token"]).json["id"] for i in range(3)]
    first = api.get("/projects?limit=2", token=owner["access_token"]).json
    second = api.get(f"/projects?limit=2&cursor={first['next_cursor']}", token=owner["access_token"]).json
    assert [p["id"] for p in first["items"] + second["items"]] == ids
    assert second["next_cursor"] is None


def test_manager_updates_name_origins_and_widget(api, make_project):
    project, manager = make_project()
    response = api.patch(
        f"/projects/{project['id']}",
        json={
            "name": "Acme Support",
            "allowed_origins": ["https://Acme.test/", "https://*.acme.test", "http://localhost:8080"],
            "widget": {"color": "#FF0000", "position": "left", "greeting": "Hello"},
        },
        token=manager["access_token"],
    )
    assert response.status_code == 200
    body = response.json
    assert body["name"] == "Acme Support"
    assert body["allowed_origins"] == ["https://acme.test", "https://*.acme.test", "http://localhost:8080"]
    assert body["widget"]["color"] == "#ff0000"
    assert body["widget"]["position"] == "left"


def test_agent_reads_but_cannot_change_settings(api, make_project, add_member):
    project, manager = make_project()
    agent = add_member(project, manager, "AGENT")
    read = api.get(f"/projects/{project['id']}", token=agent["access_token"])
    assert read.status_code == 200
    assert read.json["role"] == "AGENT"
    assert "identity_secret" not in read.json
    response = api.patch(f"/projects/{project['id']}", json={"name": "Mine"}, token=agent["access_token"])
    assert response.status_code == 403
    assert response.json["error"]["code"] == "insufficient_role"
    assert api.get(f"/projects/{project['id']}", token=manager["access_token"]).json["name"] == "Acme"


def test_agent_cannot_invite_or_create_api_keys_or_delete(api, make_project, add_member):
    project, manager = make_project()
    agent = add_member(project, manager, "AGENT")
    pid = project["id"]
    token = agent["access_token"]
    assert api.post(f"/projects/{pid}/invitations", json={"email": "x@example.com"}, token=token).status_code == 403
    assert api.post(f"/projects/{pid}/api-keys", json={"name": "ci"}, token=token).status_code == 403
    assert api.get(f"/projects/{pid}/api-keys", token=token).status_code == 403
    assert api.delete(f"/projects/{pid}", token=token).status_code == 403
    assert (
        api.patch(f"/projects/{pid}/members/{manager['user']['id']}", json={"role": "AGENT"}, token=token).status_code
        == 403
    )


def test_manager_deletes_the_project(api, make_project):
    project, manager = make_project()
    assert api.delete(f"/projects/{project['id']}", token=manager["access_token"]).status_code == 204
    assert api.get(f"/projects/{project['id']}", token=manager["access_token"]).status_code == 404
    assert api.get("/projects", token=manager["access_token"]).json["items"] == []


def test_members_listing_and_role_change(api, make_project, add_member):
    project, manager = make_project()
    agent = add_member(project, manager, "AGENT")
    members = api.get(f"/projects/{project['id']}/members", token=agent["access_token"]).json["items"]
    assert {(m["user"]["email"], m["role"]) for m in members} == {
        (manager["email"], "MANAGER"),
        (agent["email"], "AGENT"),
    }

    promoted = api.patch(
        f"/projects/{project['id']}/members/{agent['user']['id']}",
        json={"role": "MANAGER"},
        token=manager["access_token"],
    )
    assert promoted.status_code == 200
    assert promoted.json["role"] == "MANAGER"
    assert (
        api.post(f"/projects/{project['id']}/api-keys", json={"name": "x"}, token=agent["access_token"]).status_code
        == 201
    )


def test_last_manager_cannot_be_demoted_or_removed(api, make_project):
    project, manager = make_project()
    url = f"/projects/{project['id']}/members/{manager['user']['id']}"
    demoted = api.patch(url, json={"role": "AGENT"}, token=manager["access_token"])
    assert demoted.status_code == 409
    assert demoted.json["error"]["code"] == "last_manager"
    removed = api.delete(url, token=manager["access_token"])
    assert removed.status_code == 409
    assert api.get(f"/projects/{project['id']}", token=manager["access_token"]).json["role"] == "MANAGER"


def test_a_manager_can_leave_when_another_remains(api, make_project, add_member):
    project, manager = make_project()
    second = add_member(project, manager, "MANAGER")
    assert (
        api.delete(
            f"/projects/{project['id']}/members/{manager['user']['id']}", token=second["access_token"]
        ).status_code
        == 204
    )
    assert api.get(f"/projects/{project['id']}", token=manager["access_token"]).status_code == 404


def test_removed_member_loses_access(api, make_project, add_member):
    project, manager = make_project()
    agent = add_member(project, manager)
    assert (
        api.delete(
            f"/projects/{project['id']}/members/{agent['user']['id']}", token=manager["access_token"]
        ).status_code
        == 204
    )
    assert api.get(f"/projects/{project['id']}", token=agent["access_token"]).status_code == 404


def test_non_member_gets_404_not_403(api, make_project, make_user):
    project, _ = make_project()
    stranger = make_user()
    response = api.get(f"/projects/{project['id']}", token=stranger["access_token"])
    assert response.status_code == 404
    assert api.get("/projects/999999", token=stranger["access_token"]).json == response.json
