"""Out-of-range integers and deep JSON on every socket event: an error ack, nothing stored.

The events and their payload schemas are read from the namespaces the server
registered, so a new handler is covered without a hand list.
"""
from __future__ import annotations

import typing

import requests
from pydantic import BaseModel

from app.extensions import socketio
from tests.core.test_bad_input import _row_counts as _all_row_counts

HUGE = 2**63


def _row_counts(app) -> dict:
    """Stored rows, but the outbox: connecting and leaving publish presence events, as they should."""
    return {table: count for table, count in _all_row_counts(app).items() if table != "outbox"}


def _events(namespace: str) -> list[tuple[str, type[BaseModel]]]:
    """(event name, payload schema) of every handler of `namespace` that takes a payload."""
    handlers = socketio.server.namespace_handlers[namespace]
    events = []
    for attribute in dir(handlers):
        method = getattr(handlers, attribute)
        if not attribute.startswith("on_") or not hasattr(method, "__wrapped__"):
            continue
        schema = typing.get_type_hints(method.__wrapped__).get("data")
        if isinstance(schema, type) and issubclass(schema, BaseModel):
            event = attribute.removeprefix("on_").replace("_", ":", 1) if attribute.count("_") > 1 else \
                attribute.removeprefix("on_")
            events.append((event, schema))
    return events


def _sample(schema: type[BaseModel]) -> dict:
    """A payload filling every field with a plausible value of its type."""
    values = {}
    for name, prop in schema.model_json_schema().get("properties", {}).items():
        kinds = {o.get("type") for o in prop.get("anyOf", [prop])}
        if "enum" in prop:
            values[name] = prop["enum"][0]
        elif "integer" in kinds:
            values[name] = 1
        elif "boolean" in kinds:
            values[name] = True
        elif "array" in kinds:
            values[name] = []
        else:
            values[name] = "x"
    return values


def _integer_fields(schema: type[BaseModel]) -> list[str]:
    fields = []
    for name, prop in schema.model_json_schema().get("properties", {}).items():
        options = prop.get("anyOf", [prop])
        if any(o.get("type") == "integer" or o.get("items", {}).get("type") == "integer" for o in options):
            fields.append(name)
    return fields


def _check_every_event(connect, namespace: str) -> int:
    """Each (event, field) on a fresh socket: a socket sending many bad events is rightly dropped."""
    checked = 0
    events = _events(namespace)
    assert events, f"no handlers found on {namespace}"
    for event, schema in events:
        for field in _integer_fields(schema):
            is_list = schema.model_json_schema()["properties"][field].get("type") == "array" or any(
                o.get("type") == "array" for o in schema.model_json_schema()["properties"][field].get("anyOf", []))
            client = connect()
            for bad in (HUGE, -HUGE, 10**40):
                payload = _sample(schema) | {field: [bad] if is_list else bad}
                ack = client.call(event, payload)
                assert ack["ok"] is False, (event, payload, ack)
                assert ack["error"]["code"] == "validation_failed", (event, payload, ack)
                assert any(key.startswith(field) for key in ack["error"]["details"]["fields"]), (event, ack)
                checked += 1
            client.close()
    return checked


def test_every_widget_event_bounds_its_integers(app, make_widget_project, make_conversation, connect_widget):
    project, _ = make_widget_project()
    _, visitor = make_conversation(project)
    before = _row_counts(app)
    assert _check_every_event(lambda: connect_widget(project, visitor), "/widget") >= 6
    assert _row_counts(app) == before


def test_every_agent_event_bounds_its_integers(app, make_widget_project, make_conversation, connect_agent):
    project, manager = make_widget_project()
    make_conversation(project)
    before = _row_counts(app)
    assert _check_every_event(lambda: connect_agent(manager), "/agent") >= 6
    assert _row_counts(app) == before


def test_a_deeply_nested_packet_hurts_nobody(app, make_widget_project, make_visitor, connect_widget, live_server):
    project, _ = make_widget_project()
    widget = connect_widget(project, make_visitor(project))
    before = _row_counts(app)
    # A raw Socket.IO EVENT packet (the client library itself could not encode this depth).
    widget.sio.eio.send('2/widget,["message:send",' + "[" * 100_000 + "]" * 100_000 + "]")
    widget.sio.eio.send('2/widget,["message:send",{"a":' + '{"a":' * 5_000 + "1" + "}" * 5_001 + "]")
    assert requests.get(f"{live_server}/readyz", timeout=5).status_code == 200
    assert _row_counts(app) == before
