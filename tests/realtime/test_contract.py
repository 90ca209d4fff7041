"""The realtime contract itself: it is exported as JSON Schema, and it refuses what breaks it.

That every event the realtime tests receive validates is checked by the
`_every_event_follows_the_contract` fixture (tests/realtime/conftest.py).
"""
import json

import pytest
from pydantic import ValidationError

from app.realtime import contract


def test_the_schema_command_exports_every_event_payload_and_ack(app):
    result = app.test_cli_runner().invoke(args=["realtime-schema"])
    assert result.exit_code == 0, result.output
    schema = json.loads(result.output)
    names = set(schema["properties"])
    assert {f"server{ns}/{event}" for ns, event in contract.SERVER_EVENTS} <= names
    assert {f"client{ns}/{event}" for ns, event in contract.CLIENT_EVENTS} <= names
    assert {f"ack{ns}/{event}" for ns, event in contract.CLIENT_EVENTS} <= names
    message_new = schema["$defs"]["AgentMessageNew"]
    assert set(message_new["required"]) == {"event_id", "project_id", "message"}


def test_a_flat_resource_event_breaks_the_contract():
    flat = {"id": 1, "conversation_id": 2, "seq": 1, "sender_type": "visitor", "sender_id": 3, "sender": None,
            "content": "hi", "private": False, "client_msg_id": "x", "created_at": "2026-01-01T00:00:00Z",
            "project_id": 4, "event_id": 5}
    with pytest.raises(ValidationError):
        contract.server_event("/agent", "message:new", flat)
    wrapped = {"event_id": 5, "project_id": 4, "message": {k: v for k, v in flat.items()
                                                           if k not in ("project_id", "event_id")}}
    assert contract.server_event("/agent", "message:new", wrapped).message.id == 1


def test_an_event_outside_the_contract_is_refused():
    with pytest.raises(ValueError):
        contract.server_event("/widget", "presence", {"user_id": 1, "status": "online"})
