"""Conversations over REST: list filters, search, assignment, status changes, unread counts."""
import uuid


def _reply(api, token, project, conversation_id, content="ok", **fields):
    return api.post(f"/projects/{project['id']}/conversations/{conversation_id}/messages",
                    json={"content": content, "client_msg_id": uuid.uuid4().hex, **fields}, token=token)


def test_list_rows_carry_visitor_last_message_and_unread(api, make_widget_project, make_conversation):
    project, manager = make_widget_project()
    conversation_id, visitor = make_conversation(project, "Where is my order?")
    response = api.get(f"/projects/{project['id']}/conversations", token=manager["access_token"])
    assert response.status_code == 200
    [row] = response.json["items"]
    assert row["id"] == conversation_id
    assert row["status"] == "open"
    assert row["visitor"]["id"] == visitor["visitor"]["id"]
    assert row["last_message"]["content"] == "Where is my order?"
    assert row["unread_count"] == 1
    for key in ("project_id", "visitor_id", "assignee_id", "priority", "tags", "last_seq", "last_message_at",
                "created_at"):
        assert key in row


def test_reading_clears_the_unread_count(api, make_widget_project, make_conversation):
    project, manager = make_widget_project()
    conversation_id, _ = make_conversation(project)
    read = api.post(f"/projects/{project['id']}/conversations/{conversation_id}/read", json={"seq": 99},
                    token=manager["access_token"])
    assert read.status_code == 200
    assert read.json == {"conversation_id": conversation_id, "last_read_seq": 1, "unread_count": 0}
    row = api.get(f"/projects/{project['id']}/conversations/{conversation_id}", token=manager["access_token"]).json
    assert row["unread_count"] == 0


def test_only_visitor_messages_count_as_unread(api, make_widget_project, make_conversation, add_member):
    project, manager = make_widget_project()
    colleague = add_member(project, manager)
    conversation_id, visitor = make_conversation(project, "first question")
    path = f"/projects/{project['id']}/conversations/{conversation_id}"

    def unread(user) -> tuple[int, int]:
        row = api.get(path, token=user["access_token"]).json
        [listed] = api.get(f"/projects/{project['id']}/conversations", token=user["access_token"]).json["items"]
        return row["unread_count"], listed["unread_count"]

    assert unread(manager) == (1, 1)
    api.post(f"{path}/read", json={"seq": 1}, token=manager["access_token"])
    # A reply and a system line ("assigned to …") are nothing to answer, for anyone.
    api.post(f"{path}/messages", json={"content": "On it", "client_msg_id": "r1"}, token=manager["access_token"])
    api.patch(path, json={"assignee_id": colleague["user"]["id"]}, token=manager["access_token"])
    assert unread(manager) == (0, 0)
    assert unread(colleague) == (1, 1)

    make_conversation(project, "second question", visitor=visitor)
    assert unread(manager) == (1, 1)
    assert unread(colleague) == (2, 2)
    read = api.post(f"{path}/read", json={"seq": 3}, token=colleague["access_token"])
    assert read.json["unread_count"] == 1  # read up to the system line; the second question is still new


def test_assigning_writes_a_system_message_and_filters_by_assignee(api, make_widget_project, make_conversation,
                                                                    add_member):
    project, manager = make_widget_project()
    agent = add_member(project, manager)
    mine, _ = make_conversation(project)
    theirs, _ = make_conversation(project)
    make_conversation(project)
    path = f"/projects/{project['id']}/conversations"
    assert api.patch(f"{path}/{mine}", json={"assignee_id": manager["user"]["id"]},
                     token=manager["access_token"]).status_code == 200
    response = api.patch(f"{path}/{theirs}", json={"assignee_id": agent["user"]["id"]}, token=manager["access_token"])
    assert response.json["assignee_id"] == agent["user"]["id"]
    messages = api.get(f"{path}/{theirs}/messages", token=manager["access_token"]).json["items"]
    assert messages[-1]["sender_type"] == "system" and "assigned" in messages[-1]["content"]

    def ids(query):
        return {c["id"] for c in api.get(f"{path}?{query}", token=manager["access_token"]).json["items"]}

    assert ids("assignee=me") == {mine}
    assert ids(f"assignee={agent['user']['id']}") == {theirs}
    assert ids("assignee=any") == {mine, theirs}
    assert len(ids("assignee=none")) == 1
    unassigned = api.patch(f"{path}/{theirs}", json={"assignee_id": None}, token=manager["access_token"])
    assert unassigned.json["assignee_id"] is None


def test_assigning_to_a_non_member_is_refused(api, make_widget_project, make_conversation, make_user):
    project, manager = make_widget_project()
    conversation_id, _ = make_conversation(project)
    outsider = make_user()
    response = api.patch(f"/projects/{project['id']}/conversations/{conversation_id}",
                         json={"assignee_id": outsider["user"]["id"]}, token=manager["access_token"])
    # 422: the body matches its schema; the id names no member (issue 14's status convention).
    assert response.status_code == 422
    assert response.json["error"]["code"] == "invalid_assignee"


def test_resolve_snooze_tags_priority(api, make_widget_project, make_conversation):
    project, manager = make_widget_project()
    conversation_id, _ = make_conversation(project)
    path = f"/projects/{project['id']}/conversations/{conversation_id}"
    resolved = api.patch(path, json={"status": "resolved", "tags": ["Billing", "vip"], "priority": "high"},
                         token=manager["access_token"]).json
    assert resolved["status"] == "resolved" and resolved["resolved_at"]
    assert resolved["tags"] == ["billing", "vip"] and resolved["priority"] == "high"
    no_until = api.patch(path, json={"status": "snoozed"}, token=manager["access_token"])
    assert no_until.status_code == 400
    snoozed = api.patch(path, json={"status": "snoozed", "snoozed_until": "2099-01-01T09:00:00Z"},
                        token=manager["access_token"]).json
    assert snoozed["status"] == "snoozed" and snoozed["snoozed_until"].startswith("2099-01-01")
    listing = api.get(f"/projects/{project['id']}/conversations?tag=vip", token=manager["access_token"]).json
    assert [c["id"] for c in listing["items"]] == [conversation_id]
    assert api.get(f"/projects/{project['id']}/conversations?tag=vi", token=manager["access_token"]).json["items"] == []
    bad = api.patch(path, json={"status": "closed"}, token=manager["access_token"])
    assert bad.status_code == 400


def test_a_visitor_message_after_resolution_opens_a_new_conversation(app, api, make_widget_project,
                                                                      make_conversation):
    project, manager = make_widget_project()
    first, visitor = make_conversation(project)
    api.patch(f"/projects/{project['id']}/conversations/{first}", json={"status": "resolved"},
              token=manager["access_token"])
    second, _ = make_conversation(project, "one more thing", visitor=visitor)
    assert second != first
    listing = api.get(f"/projects/{project['id']}/visitors/{visitor['visitor']['id']}/conversations",
                      token=manager["access_token"]).json
    assert [c["id"] for c in listing["items"]] == [second, first]


def test_search_finds_conversations_by_message_text(api, make_widget_project, make_conversation):
    project, manager = make_widget_project()
    refund, _ = make_conversation(project, "I want a refund for order 1234")
    make_conversation(project, "How do I change my password?")
    found = api.get(f"/projects/{project['id']}/conversations?q=refund", token=manager["access_token"]).json
    assert [c["id"] for c in found["items"]] == [refund]
    assert (
        api.get(f"/projects/{project['id']}/conversations?q=100%25", token=manager["access_token"]).json["items"] == []
    )


def test_list_is_cursor_paginated_and_filters_by_status(api, make_widget_project, make_conversation):
    project, manager = make_widget_project()
    created = [make_conversation(project)[0] for _ in range(3)]
    path = f"/projects/{project['id']}/conversations"
    page = api.get(f"{path}?limit=2", token=manager["access_token"]).json
    rest = api.get(f"{path}?limit=2&cursor={page['next_cursor']}", token=manager["access_token"]).json
    assert {c["id"] for c in page["items"] + rest["items"]} == set(created)
    assert rest["next_cursor"] is None
    assert api.get(f"{path}?status=resolved", token=manager["access_token"]).json["items"] == []
    assert api.get(f"{path}?assignee=bogus", token=manager["access_token"]).status_code == 400


def test_inbox_settings_are_for_managers(api, make_widget_project, add_member):
    project, manager = make_widget_project()
    agent = add_member(project, manager)
    path = f"/projects/{project['id']}/inbox-settings"
    assert api.patch(path, json={"auto_assign": True}, token=agent["access_token"]).status_code == 403
    response = api.patch(path, json={"auto_assign": True, "agent_capacity": 3, "locale": "fr",
                                     "prechat": {"enabled": True, "fields": [{"name": "email", "type": "email",
                                                                              "required": True}]},
                                     "business_hours": {"timezone": "Europe/Paris",
                                                        "days": {"0": [["09:00", "17:00"]]}}},
                         token=manager["access_token"])
    assert response.status_code == 200, response.json
    assert api.get(path, token=agent["access_token"]).json["agent_capacity"] == 3
    bad = api.patch(path, json={"business_hours": {"timezone": "Mars/Olympus"}}, token=manager["access_token"])
    assert bad.status_code == 400


def test_business_hours_drive_the_widget_config(api, make_widget_project, make_visitor):
    from datetime import datetime, timezone

    project, manager = make_widget_project()
    tomorrow = str((datetime.now(timezone.utc).weekday() + 1) % 7)
    api.patch(f"/projects/{project['id']}/inbox-settings", token=manager["access_token"],
              json={"business_hours": {"timezone": "UTC", "days": {tomorrow: [["00:00", "23:59"]]}},
                    "prechat": {"enabled": True, "fields": [{"name": "email", "type": "email", "required": True}]},
                    "locale": "de"})
    config = make_visitor(project)["config"]
    assert config["within_business_hours"] is False
    assert config["prechat"]["enabled"] is True and config["prechat"]["fields"][0]["name"] == "email"
    assert config["locale"] == "de"
    api.patch(f"/projects/{project['id']}/inbox-settings", token=manager["access_token"],
              json={"business_hours": None})
    assert make_visitor(project)["config"]["within_business_hours"] is True


def test_search_matches_whole_words_and_prefixes_in_any_order(api, make_widget_project, make_conversation):
    project, manager = make_widget_project()
    parcel, _ = make_conversation(project, "My parcel never arrived in Lisbon")
    make_conversation(project, "Please update my billing address")

    def search(text: str) -> list[int]:
        response = api.get(f"/projects/{project['id']}/conversations", query_string={"q": text},
                           token=manager["access_token"])
        assert response.status_code == 200, response.json
        return [c["id"] for c in response.json["items"]]

    assert search("lisbon parcel") == [parcel]       # every word, any order, any case
    assert search("parc") == [parcel]                # a word's beginning
    assert search("parcel billing") == []            # both words must be in one message
    assert search('"parcel*') == [parcel]            # search syntax is taken as plain words
    assert search("NEAR( ") == []
    assert search("%") == []
