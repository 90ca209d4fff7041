"""Agents' view of visitors: /api/v1/projects/{pid}/visitors."""


def test_agents_list_and_read_visitors_with_parsed_browser(api, make_widget_project, make_visitor):
    project, manager = make_widget_project()
    visitor = make_visitor(project, name="Ana", email="ana@example.net", attributes={"plan": "pro"},
                           page={"url": "https://shop.example.com/", "title": "Home", "referrer": "https://google.com"})
    listing = api.get(f"/projects/{project['id']}/visitors", token=manager["access_token"])
    assert listing.status_code == 200
    assert [v["id"] for v in listing.json["items"]] == [visitor["visitor"]["id"]]
    one = api.get(f"/projects/{project['id']}/visitors/{visitor['visitor']['id']}", token=manager["access_token"])
    assert one.json["name"] == "Ana"
    assert one.json["attributes"] == {"plan": "pro"}
    assert one.json["browser"].startswith("Chrome")
    assert one.json["os"].startswith("Linux")
    assert one.json["page_title"] == "Home"
    assert one.json["online"] is False


def test_agents_update_a_visitor_and_null_removes_an_attribute(api, make_widget_project, make_visitor):
    project, manager = make_widget_project()
    visitor = make_visitor(project, attributes={"plan": "pro", "seats": 3})
    path = f"/projects/{project['id']}/visitors/{visitor['visitor']['id']}"
    response = api.patch(path, json={"name": "Bea", "attributes": {"plan": None, "vip": True}},
                         token=manager["access_token"])
    assert response.status_code == 200
    assert response.json["name"] == "Bea"
    assert response.json["attributes"] == {"seats": 3, "vip": True}


def test_another_projects_member_gets_404(api, make_widget_project, make_visitor):
    project, _ = make_widget_project()
    _, stranger = make_widget_project(name="Other")
    visitor = make_visitor(project)
    for path in (f"/projects/{project['id']}/visitors",
                 f"/projects/{project['id']}/visitors/{visitor['visitor']['id']}"):
        assert api.get(path, token=stranger["access_token"]).status_code == 404


def test_search_visitors_by_name_or_email(api, make_widget_project, make_visitor):
    project, manager = make_widget_project()
    make_visitor(project, name="Ana")
    bob = make_visitor(project, name="Bob", email="bob@example.net")
    found = api.get(f"/projects/{project['id']}/visitors?q=bob", token=manager["access_token"])
    assert [v["id"] for v in found.json["items"]] == [bob["visitor"]["id"]]
