"""Visitor notes: permissions, tenant isolation and the live event agents hear."""


def _path(project, visitor, nid=None):
    return f"/projects/{project['id']}/visitors/{visitor['visitor']['id']}/notes" + (f"/{nid}" if nid else "")


def test_agents_add_and_list_notes(api, make_widget_project, make_visitor, add_member):
    project, manager = make_widget_project()
    agent = add_member(project, manager)
    visitor = make_visitor(project)
    first = api.post(_path(project, visitor), json={"content": "VIP customer"}, token=agent["access_token"])
    assert first.status_code == 201, first.json
    assert first.json["author_id"] == agent["user"]["id"]
    assert first.json["visitor_id"] == visitor["visitor"]["id"]
    api.post(_path(project, visitor), json={"content": "Prefers email"}, token=manager["access_token"])
    listing = api.get(_path(project, visitor), token=agent["access_token"]).json["items"]
    assert [n["content"] for n in listing] == ["Prefers email", "VIP customer"]


def test_only_the_author_edits(api, make_widget_project, make_visitor, add_member):
    project, manager = make_widget_project()
    agent = add_member(project, manager)
    visitor = make_visitor(project)
    note = api.post(_path(project, visitor), json={"content": "a"}, token=agent["access_token"]).json
    assert api.patch(_path(project, visitor, note["id"]), json={"content": "b"},
                     token=manager["access_token"]).status_code == 403
    edited = api.patch(_path(project, visitor, note["id"]), json={"content": "b"}, token=agent["access_token"])
    assert edited.status_code == 200
    assert edited.json["content"] == "b"


def test_managers_delete_any_note_agents_only_their_own(api, make_widget_project, make_visitor, add_member):
    project, manager = make_widget_project()
    agent = add_member(project, manager)
    other = add_member(project, manager)
    visitor = make_visitor(project)
    note = api.post(_path(project, visitor), json={"content": "a"}, token=agent["access_token"]).json
    assert api.delete(_path(project, visitor, note["id"]), token=other["access_token"]).status_code == 403
    assert api.delete(_path(project, visitor, note["id"]), token=manager["access_token"]).status_code == 204
    own = api.post(_path(project, visitor), json={"content": "b"}, token=other["access_token"]).json
    assert api.delete(_path(project, visitor, own["id"]), token=other["access_token"]).status_code == 204
    assert api.get(_path(project, visitor), token=manager["access_token"]).json["items"] == []


def test_a_note_under_another_visitor_is_404(api, make_widget_project, make_visitor):
    project, manager = make_widget_project()
    visitor, other_visitor = make_visitor(project), make_visitor(project)
    note = api.post(_path(project, visitor), json={"content": "a"}, token=manager["access_token"]).json
    assert api.patch(_path(project, other_visitor, note["id"]), json={"content": "b"},
                     token=manager["access_token"]).status_code == 404


def test_another_tenant_gets_404_on_every_route(api, make_widget_project, make_visitor):
    project, manager = make_widget_project()
    _, stranger = make_widget_project(name="Other")
    visitor = make_visitor(project)
    note = api.post(_path(project, visitor), json={"content": "a"}, token=manager["access_token"]).json
    for method, path in (
        ("GET", _path(project, visitor)),
        ("POST", _path(project, visitor)),
        ("PATCH", _path(project, visitor, note["id"])),
        ("DELETE", _path(project, visitor, note["id"])),
    ):
        assert api.request(method, path, json={"content": "x"}, token=stranger["access_token"]).status_code == 404
    own, own_manager = make_widget_project(name="Third")
    own_visitor = make_visitor(own)
    # a visitor of project A under project C's URL
    assert api.get(f"/projects/{own['id']}/visitors/{visitor['visitor']['id']}/notes",
                   token=own_manager["access_token"]).status_code == 404
    assert api.get(_path(own, own_visitor), token=own_manager["access_token"]).json["items"] == []


def test_a_note_appears_live_for_another_agent(rest, make_widget_project, make_visitor, add_member, connect_agent):
    project, manager = make_widget_project()
    agent = add_member(project, manager)
    visitor = make_visitor(project)
    watcher = connect_agent(agent)
    note = rest.request("POST", _path(project, visitor), manager["access_token"],
                        json={"content": "Called about invoice"}).json()
    event = watcher.wait_for("visitor_note:created", lambda data: data["note"]["id"] == note["id"])
    assert event["note"]["content"] == "Called about invoice"
    assert event["project_id"] == project["id"]
    rest.request("DELETE", _path(project, visitor, note["id"]), manager["access_token"])
    watcher.wait_for("visitor_note:deleted", lambda data: data["note"]["id"] == note["id"])
