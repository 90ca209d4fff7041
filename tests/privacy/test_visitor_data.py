"""Visitor data rights: a manager exports or erases one visitor; both are audited."""
from tests.inbox.test_attachments import PNG, _reply_with, _upload_as_agent


def _visitor_with_a_conversation(api, make_widget_project, make_conversation, make_visitor):
    project, manager = make_widget_project()
    visitor = make_visitor(project, name="Vera Visitor", email="vera@example.com")
    conversation_id, _ = make_conversation(project, content="My order 1234 for Vera", visitor=visitor)
    upload = _upload_as_agent(api, project, manager)
    assert _reply_with(api, project, manager, conversation_id, upload.json["id"]).status_code == 201
    return project, manager, visitor["visitor"]["id"], conversation_id


def test_a_manager_exports_everything_about_a_visitor(api, make_widget_project, make_conversation, make_visitor):
    project, manager, visitor_id, conversation_id = _visitor_with_a_conversation(
        api, make_widget_project, make_conversation, make_visitor)
    response = api.get(f"/projects/{project['id']}/visitors/{visitor_id}/export", token=manager["access_token"])
    assert response.status_code == 200
    body = response.json
    assert body["visitor"]["email"] == "vera@example.com"
    [conversation] = body["conversations"]
    assert conversation["id"] == conversation_id
    assert "My order 1234 for Vera" in [m["content"] for m in conversation["messages"]]
    assert body["notes"] == []
    log = api.get(f"/projects/{project['id']}/audit-logs", token=manager["access_token"],
                  query_string={"action": "visitor.export"}).json["items"]
    assert log[0]["target"] == {"type": "visitor", "id": str(visitor_id)}


def test_erasing_a_visitor_removes_identity_content_and_files(api, client, make_widget_project, make_conversation,
                                                             make_visitor):
    project, manager, visitor_id, conversation_id = _visitor_with_a_conversation(
        api, make_widget_project, make_conversation, make_visitor)
    pid = project["id"]
    messages = api.get(f"/projects/{pid}/conversations/{conversation_id}/messages", token=manager["access_token"]).json
    [attachment] = [a for m in messages["items"] for a in m.get("attachments", [])]
    assert client.get(f"/api/v1/attachments/{attachment['id']}",
                      headers={"Authorization": f"Bearer {manager['access_token']}"}).data == PNG

    assert api.post(f"/projects/{pid}/visitors/{visitor_id}/erase", token=manager["access_token"]).status_code == 204

    visitor = api.get(f"/projects/{pid}/visitors/{visitor_id}", token=manager["access_token"]).json
    assert visitor["name"] is None and visitor["email"] is None
    after = api.get(f"/projects/{pid}/conversations/{conversation_id}/messages", token=manager["access_token"]).json
    assert after["items"] and all(m["content"] in ("[erased]",) for m in after["items"])
    assert not [a for m in after["items"] for a in m.get("attachments", [])]
    assert client.get(f"/api/v1/attachments/{attachment['id']}",
                      headers={"Authorization": f"Bearer {manager['access_token']}"}).status_code == 404
    # The conversation still counts.
    assert api.get(f"/projects/{pid}/conversations/{conversation_id}", token=manager["access_token"]).status_code == 200
    log = api.get(f"/projects/{pid}/audit-logs", token=manager["access_token"],
                  query_string={"action": "visitor.erase"}).json["items"]
    assert log[0]["actor"]["id"] == manager["user"]["id"]


def test_only_managers_export_or_erase(api, make_widget_project, make_conversation, make_visitor, add_member):
    project, manager, visitor_id, _ = _visitor_with_a_conversation(
        api, make_widget_project, make_conversation, make_visitor)
    agent = add_member(project, manager)
    base = f"/projects/{project['id']}/visitors/{visitor_id}"
    assert api.get(base + "/export", token=agent["access_token"]).status_code == 403
    assert api.post(base + "/erase", token=agent["access_token"]).status_code == 403
    assert api.get(base + "/export", token=manager["access_token"]).json["visitor"]["name"] == "Vera Visitor"
