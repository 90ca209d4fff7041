"""Canned responses: scopes, variables, search and tenant isolation."""


def _path(project, rid=None):
    return f"/projects/{project['id']}/canned-responses" + (f"/{rid}" if rid else "")


def test_manager_creates_a_project_response_every_agent_sees(api, make_project, add_member):
    project, manager = make_project()
    agent = add_member(project, manager)
    created = api.post(_path(project), json={"shortcut": "hi", "title": "Greeting",
                                             "content": "Hello {{visitor.name}}, I am {{agent.name}}."},
                       token=manager["access_token"])
    assert created.status_code == 201, created.json
    assert created.json["scope"] == "project"
    assert created.json["owner_id"] is None
    listing = api.get(_path(project), token=agent["access_token"])
    assert [r["shortcut"] for r in listing.json["items"]] == ["hi"]


def test_agents_cannot_write_project_responses(api, make_project, add_member):
    project, manager = make_project()
    agent = add_member(project, manager)
    refused = api.post(_path(project), json={"shortcut": "x", "title": "X", "content": "x"},
                       token=agent["access_token"])
    assert refused.status_code == 403
    made = api.post(_path(project), json={"shortcut": "x", "title": "X", "content": "x"}, token=manager["access_token"])
    assert (
        api.patch(_path(project, made.json["id"]), json={"title": "Y"}, token=agent["access_token"]).status_code == 403
    )
    assert api.delete(_path(project, made.json["id"]), token=agent["access_token"]).status_code == 403


def test_personal_responses_are_their_owners_alone(api, make_project, add_member):
    project, manager = make_project()
    agent = add_member(project, manager)
    mine = api.post(_path(project), json={"shortcut": "bye", "title": "Bye", "content": "Bye!", "scope": "personal"},
                    token=agent["access_token"])
    assert mine.status_code == 201
    assert mine.json["owner_id"] == agent["user"]["id"]
    assert [r["id"] for r in api.get(_path(project), token=agent["access_token"]).json["items"]] == [mine.json["id"]]
    assert api.get(_path(project), token=manager["access_token"]).json["items"] == []
    assert api.get(_path(project, mine.json["id"]), token=manager["access_token"]).status_code == 404
    assert api.delete(_path(project, mine.json["id"]), token=manager["access_token"]).status_code == 404
    edited = api.patch(_path(project, mine.json["id"]), json={"content": "See you {{visitor.name}}"},
                       token=agent["access_token"])
    assert edited.json["content"] == "See you {{visitor.name}}"
    assert api.delete(_path(project, mine.json["id"]), token=agent["access_token"]).status_code == 204


def test_an_unknown_variable_is_a_422_naming_it(api, make_project):
    project, manager = make_project()
    response = api.post(_path(project), json={"shortcut": "x", "title": "X", "content": "Hi {{visitor.phone}}"},
                        token=manager["access_token"])
    assert response.status_code == 422
    assert response.json["error"]["code"] == "unknown_variable"
    assert response.json["error"]["details"]["variable"] == "visitor.phone"
    made = api.post(
        _path(project), json={"shortcut": "x", "title": "X", "content": "ok"}, token=manager["access_token"]
    )
    patched = api.patch(
        _path(project, made.json["id"]), json={"content": "{{ secret }}"}, token=manager["access_token"]
    )
    assert patched.status_code == 422


def test_variables_are_filled_for_a_conversation(api, make_widget_project, make_conversation, make_visitor):
    project, manager = make_widget_project(name="Acme Shop")
    visitor = make_visitor(project, name="Ana", email="ana@example.net")
    conversation_id, _ = make_conversation(project, visitor=visitor)
    made = api.post(_path(project), json={
        "shortcut": "hi", "title": "Hi",
        "content": "Hi {{visitor.name}} ({{ visitor.email }}), {{agent.name}} from {{project.name}} here."},
        token=manager["access_token"])
    rendered = api.post(_path(project, made.json["id"]) + "/render", json={"conversation_id": conversation_id},
                        token=manager["access_token"])
    assert rendered.status_code == 200, rendered.json
    assert rendered.json["content"] == "Hi Ana (ana@example.net), Manager from Acme Shop here."
    anonymous = make_visitor(project)
    rendered = api.post(_path(project, made.json["id"]) + "/render", json={"visitor_id": anonymous["visitor"]["id"]},
                        token=manager["access_token"])
    assert rendered.json["content"] == "Hi  (), Manager from Acme Shop here."


def test_search_by_shortcut_and_title(api, make_project):
    project, manager = make_project()
    for shortcut, title in (("refund", "Refund policy"), ("ship", "Shipping times"), ("hello", "Say hi")):
        api.post(_path(project), json={"shortcut": shortcut, "title": title, "content": title},
                 token=manager["access_token"])
    found = api.get(_path(project) + "?q=ship", token=manager["access_token"]).json["items"]
    assert [r["shortcut"] for r in found] == ["ship"]
    found = api.get(_path(project) + "?q=POLICY", token=manager["access_token"]).json["items"]
    assert [r["shortcut"] for r in found] == ["refund"]
    found = api.get(_path(project) + "?q=%25", token=manager["access_token"]).json["items"]
    assert found == []


def test_a_shortcut_is_unique_within_its_scope(api, make_project):
    project, manager = make_project()
    body = {"shortcut": "hi", "title": "Hi", "content": "Hi"}
    assert api.post(_path(project), json=body, token=manager["access_token"]).status_code == 201
    assert api.post(_path(project), json=body, token=manager["access_token"]).status_code == 409
    personal = api.post(_path(project), json=body | {"scope": "personal"}, token=manager["access_token"])
    assert personal.status_code == 201


def test_another_tenant_gets_404_on_every_route(api, make_project):
    project, manager = make_project()
    _, stranger = make_project(name="Other")
    made = api.post(_path(project), json={"shortcut": "hi", "title": "Hi", "content": "Hi"},
                    token=manager["access_token"]).json
    calls = [("GET", _path(project)), ("POST", _path(project)), ("GET", _path(project, made["id"])),
             ("PATCH", _path(project, made["id"])), ("DELETE", _path(project, made["id"])),
             ("POST", _path(project, made["id"]) + "/render")]
    for method, path in calls:
        response = api.request(method, path, json={"shortcut": "x", "title": "x", "content": "x"},
                               token=stranger["access_token"])
        assert response.status_code == 404, (method, path)
    # a response of another project is a 404 inside one's own project too
    own, own_manager = make_project(name="Third")
    assert api.get(_path(own, made["id"]), token=own_manager["access_token"]).status_code == 404
