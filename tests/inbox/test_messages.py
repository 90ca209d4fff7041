"""Agent messages over REST: seq order, idempotency, limits, private notes and resume by seq."""
import uuid


def _post(api, token, project, conversation_id, content="On it!", **fields):
    body = {"content": content, "client_msg_id": fields.pop("client_msg_id", uuid.uuid4().hex), **fields}
    return api.post(f"/projects/{project['id']}/conversations/{conversation_id}/messages", json=body, token=token)


def test_an_agent_reply_gets_the_next_seq(api, make_widget_project, make_conversation):
    project, manager = make_widget_project()
    conversation_id, _ = make_conversation(project)
    response = _post(api, manager["access_token"], project, conversation_id, "Hello from support")
    assert response.status_code == 201
    message = response.json
    assert message["seq"] == 2
    assert message["sender_type"] == "agent"
    assert message["sender_id"] == manager["user"]["id"]
    assert message["sender"]["name"] == manager["user"]["name"]
    assert message["private"] is False
    for key in ("id", "conversation_id", "content", "client_msg_id", "created_at"):
        assert key in message


def test_a_retry_with_the_same_client_msg_id_stores_one_message(api, make_widget_project, make_conversation):
    project, manager = make_widget_project()
    conversation_id, _ = make_conversation(project)
    first = _post(api, manager["access_token"], project, conversation_id, client_msg_id="retry-1")
    again = _post(api, manager["access_token"], project, conversation_id, client_msg_id="retry-1")
    assert first.status_code == 201 and again.status_code == 200
    assert again.json["id"] == first.json["id"]
    messages = api.get(f"/projects/{project['id']}/conversations/{conversation_id}/messages",
                       token=manager["access_token"]).json
    assert [m["seq"] for m in messages["items"]] == [1, 2]
    assert messages["last_seq"] == 2


def test_too_long_content_is_refused_and_nothing_is_stored(api, make_widget_project, make_conversation):
    project, manager = make_widget_project()
    conversation_id, _ = make_conversation(project)
    response = _post(api, manager["access_token"], project, conversation_id, "x" * 5001)
    assert response.status_code == 413
    assert response.json["error"]["code"] == "content_too_long"
    empty = _post(api, manager["access_token"], project, conversation_id, "   ")
    assert empty.status_code == 400
    assert empty.json["error"]["code"] == "empty_message"
    missing = api.post(f"/projects/{project['id']}/conversations/{conversation_id}/messages",
                       json={"content": "hi"}, token=manager["access_token"])
    assert missing.status_code == 400
    conversation = api.get(f"/projects/{project['id']}/conversations/{conversation_id}", token=manager["access_token"])
    assert conversation.json["last_seq"] == 1


def test_messages_resume_after_a_seq_and_page_backwards(api, make_widget_project, make_conversation):
    project, manager = make_widget_project()
    conversation_id, _ = make_conversation(project)
    for i in range(5):
        _post(api, manager["access_token"], project, conversation_id, f"reply {i}")
    path = f"/projects/{project['id']}/conversations/{conversation_id}/messages"
    after = api.get(f"{path}?after_seq=3", token=manager["access_token"]).json
    assert [m["seq"] for m in after["items"]] == [4, 5, 6]
    before = api.get(f"{path}?before_seq=4&limit=2", token=manager["access_token"]).json
    assert [m["seq"] for m in before["items"]] == [2, 3]
    assert api.get(f"{path}?after_seq=-1", token=manager["access_token"]).status_code == 400


def test_private_notes_are_stored_for_agents(api, make_widget_project, make_conversation):
    project, manager = make_widget_project()
    conversation_id, _ = make_conversation(project)
    note = _post(api, manager["access_token"], project, conversation_id, "internal: VIP", private=True)
    assert note.status_code == 201 and note.json["private"] is True
    conversation = api.get(f"/projects/{project['id']}/conversations/{conversation_id}", token=manager["access_token"])
    assert conversation.json["first_response_at"] is None


def test_the_first_public_reply_sets_first_response_at(api, make_widget_project, make_conversation):
    project, manager = make_widget_project()
    conversation_id, _ = make_conversation(project)
    _post(api, manager["access_token"], project, conversation_id, "Hi!")
    conversation = api.get(f"/projects/{project['id']}/conversations/{conversation_id}", token=manager["access_token"])
    assert conversation.json["first_response_at"] is not None


def test_an_agent_of_another_project_gets_404(api, make_widget_project, make_conversation):
    project, _ = make_widget_project()
    _, stranger = make_widget_project(name="Other")
    conversation_id, _ = make_conversation(project)
    assert _post(api, stranger["access_token"], project, conversation_id).status_code == 404
    other_project, _ = make_widget_project(name="Mine", manager=stranger)
    # its own project id with a foreign conversation id is still a 404
    assert _post(api, stranger["access_token"], other_project, conversation_id).status_code == 404


def test_concurrent_sends_get_seq_one_to_fifty_without_gaps(app, api, make_widget_project, make_conversation,
                                                           add_member):
    """Service-level race: threads writing into one conversation at once (the socket test races over the wire)."""
    import threading

    from app.extensions import db
    from app.inbox import service as inbox
    from app.inbox.schemas import MessageCreate
    from app.projects.models import Project
    from app.users.models import User

    project, manager = make_widget_project()
    conversation_id, _ = make_conversation(project)
    agent = add_member(project, manager)
    errors = []

    def send(user_id: int, n: int) -> None:
        with app.app_context():
            try:
                inbox.send_agent_message(db.session.get(Project, project["id"]), conversation_id,
                                         db.session.get(User, user_id),
                                         MessageCreate(content=f"m{n}", client_msg_id=f"c{user_id}-{n}"))
            except Exception as error:  # noqa: BLE001 - collected and asserted below
                errors.append(error)
            finally:
                db.session.remove()

    users = [manager["user"]["id"], agent["user"]["id"]]
    threads = [threading.Thread(target=send, args=(users[i % 2], i)) for i in range(49)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    items = api.get(f"/projects/{project['id']}/conversations/{conversation_id}/messages?limit=100",
                    token=manager["access_token"]).json["items"]
    assert [m["seq"] for m in items] == list(range(1, 51))


def test_nul_characters_are_refused_not_a_server_error(api, make_widget_project, make_conversation):
    project, manager = make_widget_project()
    conversation_id, _ = make_conversation(project)
    response = _post(api, manager["access_token"], project, conversation_id, "a\x00b")
    assert response.status_code == 400
    assert response.json["error"]["code"] == "validation_failed"
    search = api.get(f"/projects/{project['id']}/conversations?q=%00", token=manager["access_token"])
    assert search.status_code == 400
