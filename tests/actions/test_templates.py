"""The template gallery: five ready rules, each added with one call and then an ordinary rule."""


def test_the_gallery_holds_the_five_templates(api, make_project):
    project, manager = make_project()
    response = api.get(f"/projects/{project['id']}/action-templates", token=manager["access_token"])
    assert response.status_code == 200
    names = [t["name"] for t in response.json["items"]]
    assert names == ["Greet new chats", "Auto-reply outside business hours", "Tag billing questions",
                     "Escalate if unanswered for 5 minutes", "Round-robin new chats"]


def test_every_template_becomes_a_valid_rule_with_one_call(api, make_project):
    project, manager = make_project()
    templates = api.get(f"/projects/{project['id']}/action-templates", token=manager["access_token"]).json["items"]
    for template in templates:
        added = api.post(f"/projects/{project['id']}/action-templates/{template['key']}", json={},
                         token=manager["access_token"])
        assert added.status_code == 201, added.json
        assert added.json["name"] == template["name"]
        assert added.json["trigger"]["type"] == template["rule"]["trigger"]["type"]
        assert added.json["effects"] == template["rule"]["effects"]
    rules = api.get(f"/projects/{project['id']}/actions", token=manager["access_token"]).json["items"]
    assert [r["name"] for r in rules] == [t["name"] for t in templates]


def test_an_added_template_is_edited_like_any_rule(api, make_project):
    project, manager = make_project()
    rule = api.post(
        f"/projects/{project['id']}/action-templates/escalate_unanswered_5_minutes",
        json={"enabled": False},
        token=manager["access_token"],
    ).json
    assert rule["enabled"] is False
    changed = api.patch(f"/projects/{project['id']}/actions/{rule['id']}",
                        json={"trigger": {"type": "no_agent_reply", "minutes": 15}, "enabled": True},
                        token=manager["access_token"])
    assert changed.status_code == 200
    assert changed.json["trigger"] == {"type": "no_agent_reply", "minutes": 15, "first_response_only": False}


def test_an_unknown_template_is_a_404(api, make_project):
    project, manager = make_project()
    response = api.post(f"/projects/{project['id']}/action-templates/launch_rockets", json={},
                        token=manager["access_token"])
    assert response.status_code == 404
    assert response.json["error"]["code"] == "template_not_found"
