"""Attachments: type and size limits, and who may download them."""
import io
import uuid

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _upload_as_agent(api, project, user, data=PNG, name="shot.png", content_type="image/png"):
    return api.post(f"/projects/{project['id']}/attachments", token=user["access_token"],
                    data={"file": (io.BytesIO(data), name, content_type)}, content_type="multipart/form-data")


def _reply_with(api, project, user, conversation_id, attachment_id, private=False):
    return api.post(f"/projects/{project['id']}/conversations/{conversation_id}/messages", token=user["access_token"],
                    json={"content": "", "client_msg_id": uuid.uuid4().hex, "attachment_ids": [attachment_id],
                          "private": private})


def test_an_agent_sends_a_file_the_visitor_can_download(api, make_widget_project, make_conversation, client):
    project, manager = make_widget_project()
    conversation_id, visitor = make_conversation(project)
    upload = _upload_as_agent(api, project, manager)
    assert upload.status_code == 201
    assert upload.json["name"] == "shot.png" and upload.json["size"] == len(PNG)
    message = _reply_with(api, project, manager, conversation_id, upload.json["id"])
    assert message.status_code == 201
    [attachment] = message.json["attachments"]
    path = f"/api/v1/attachments/{attachment['id']}"
    as_visitor = client.get(path, headers={"Authorization": f"Bearer {visitor['visitor_token']}"})
    assert as_visitor.status_code == 200 and as_visitor.data == PNG
    # Never a token in the URL: it would outlive the page in history, logs and referrers.
    assert client.get(f"{path}?token={visitor['visitor_token']}").status_code == 404
    assert as_visitor.headers["X-Content-Type-Options"] == "nosniff"
    as_agent = client.get(path, headers={"Authorization": f"Bearer {manager['access_token']}"})
    assert as_agent.status_code == 200


def test_strangers_get_404(api, make_widget_project, make_conversation, make_visitor, client):
    project, manager = make_widget_project()
    conversation_id, _ = make_conversation(project)
    other_visitor = make_visitor(project)
    _, stranger = make_widget_project(name="Other")
    upload = _upload_as_agent(api, project, manager)
    _reply_with(api, project, manager, conversation_id, upload.json["id"])
    path = f"/api/v1/attachments/{upload.json['id']}"
    assert client.get(path, headers={"Authorization": f"Bearer {other_visitor['visitor_token']}"}).status_code == 404
    assert client.get(path, headers={"Authorization": f"Bearer {stranger['access_token']}"}).status_code == 404
    assert client.get(path).status_code == 404
    assert client.get(path, headers={"Authorization": "Bearer forged"}).status_code == 401  # not a token at all


def test_a_private_notes_file_is_not_the_visitors(api, make_widget_project, make_conversation, client):
    project, manager = make_widget_project()
    conversation_id, visitor = make_conversation(project)
    upload = _upload_as_agent(api, project, manager)
    _reply_with(api, project, manager, conversation_id, upload.json["id"], private=True)
    assert client.get(f"/api/v1/attachments/{upload.json['id']}",
                      headers={"Authorization": f"Bearer {visitor['visitor_token']}"}).status_code == 404


def test_types_and_sizes_are_limited(app, api, make_widget_project, monkeypatch):
    project, manager = make_widget_project()
    svg = _upload_as_agent(api, project, manager, b"<svg/>", "x.svg", "image/svg+xml")
    assert svg.status_code == 400 and svg.json["error"]["code"] == "attachment_type_not_allowed"
    fake = _upload_as_agent(api, project, manager, b"MZ\x90\x00 not a png", "x.png", "image/png")
    assert fake.status_code == 400 and fake.json["error"]["code"] == "attachment_type_mismatch"
    monkeypatch.setitem(app.config, "ATTACHMENT_MAX_BYTES", 1000)
    big = _upload_as_agent(api, project, manager, b"a" * 5000, "big.txt", "text/plain")
    assert big.status_code == 413 and big.json["error"]["code"] == "attachment_too_large"
    missing = api.post(f"/projects/{project['id']}/attachments", token=manager["access_token"], data={},
                       content_type="multipart/form-data")
    assert missing.status_code == 400 and missing.json["error"]["code"] == "file_required"


def test_a_visitor_uploads_with_its_token(api, make_widget_project, make_visitor):
    project, _ = make_widget_project()
    visitor = make_visitor(project)
    response = api.post("/widget/attachments", data={"file": (io.BytesIO(b"hello"), "note.txt", "text/plain")},
                        content_type="multipart/form-data",
                        headers={"Authorization": f"Bearer {visitor['visitor_token']}"})
    assert response.status_code == 201
    assert response.json["content_type"] == "text/plain"
    refused = api.post("/widget/attachments", data={"file": (io.BytesIO(b"hello"), "note.txt", "text/plain")},
                       content_type="multipart/form-data")
    assert refused.status_code == 401


def test_an_attachment_cannot_be_used_twice_or_by_someone_else(api, make_widget_project, make_conversation,
                                                                add_member):
    project, manager = make_widget_project()
    agent = add_member(project, manager)
    conversation_id, _ = make_conversation(project)
    upload = _upload_as_agent(api, project, manager)
    assert _reply_with(api, project, agent, conversation_id, upload.json["id"]).status_code == 404
    assert _reply_with(api, project, manager, conversation_id, upload.json["id"]).status_code == 201
    assert _reply_with(api, project, manager, conversation_id, upload.json["id"]).status_code == 404
