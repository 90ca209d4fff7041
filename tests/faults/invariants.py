"""The checks every fault scenario ends with, so each test reads as a story.

After the fault, the load's clients have retried what was unacknowledged and
resumed by `seq`; then:

* every acknowledged message is stored exactly once (its `client_msg_id`
  appears once, with the id and seq its ack carried);
* each conversation's `seq` runs 1, 2, 3 … without a gap or a repeat;
* every acknowledged message reached every client: its visitor and each agent;
* nothing unacknowledged is shown as sent: every stored message of the run is
  one its sender had acknowledged (a send that failed and was retried with the
  same id counts once), and no client gave up on a message.
"""
from __future__ import annotations

from dataclasses import dataclass

from tests.faults.stack import Stack


@dataclass
class Outcome:
    """What a scenario did, for its assertions and its story: counts, errors the clients saw."""

    acked: int
    stored: int
    lost: int
    duplicated_rows: int
    client_errors: dict
    reconnects: int
    live_duplicates: int
    seconds: float

    def __str__(self) -> str:
        return (f"{self.acked} acked in {self.seconds:.0f} s of load, {self.stored} stored, lost {self.lost}, "
                f"duplicated rows {self.duplicated_rows}; errors seen by clients {self.client_errors}; "
                f"{self.reconnects} reconnects; {self.live_duplicates} duplicate deliveries dropped by clients")


def check_delivery(stack: Stack, result: dict) -> Outcome:
    """Assert the delivery guarantees over a finished load; returns what happened."""
    visitors = result["visitors"]
    acked = {cmid: ack for v in visitors for cmid, ack in v["acked"].items()}
    never_acked = [cmid for v in visitors for cmid in v["never_acked"]]
    assert not never_acked, f"{len(never_acked)} messages were never acknowledged, even after retries"
    conversation_ids = sorted({v["conversation_id"] for v in visitors if v["conversation_id"]})
    rows = stack.sql(
        "SELECT id, conversation_id, seq, client_msg_id, sender_type FROM messages "
        "WHERE conversation_id = ANY(%s) ORDER BY conversation_id, seq", conversation_ids)
    public = {row[0] for row in stack.sql(
        "SELECT id FROM messages WHERE conversation_id = ANY(%s) AND NOT is_private", conversation_ids)}

    by_cmid: dict[str, list[tuple]] = {}
    for row in rows:
        if row[4] == "visitor":
            by_cmid.setdefault(row[3], []).append(row)
    duplicated = {cmid: found for cmid, found in by_cmid.items() if len(found) > 1}
    assert not duplicated, f"stored more than once: {list(duplicated.items())[:5]}"
    missing = [cmid for cmid in acked if cmid not in by_cmid]
    assert not missing, f"{len(missing)} acknowledged messages are not stored: {missing[:5]}"
    for cmid, ack in acked.items():
        assert by_cmid[cmid][0][0] == ack["id"], f"{cmid}: the ack named message {ack['id']}, stored {by_cmid[cmid]}"
    unacked_stored = [cmid for cmid in by_cmid if cmid not in acked]
    assert not unacked_stored, f"stored but never acknowledged to the visitor: {unacked_stored[:5]}"

    seqs: dict[int, list[int]] = {}
    for _, conversation_id, seq, _, _ in rows:
        seqs.setdefault(conversation_id, []).append(seq)
    for conversation_id, found in seqs.items():
        assert found == list(range(1, len(found) + 1)), f"conversation {conversation_id}: seq {found[:20]}…"

    # Not only the visitors' own messages: whatever the conversation holds (agents' replies too).
    ids_by_conversation: dict[int, set[int]] = {}
    for message_id, conversation_id, *_ in rows:
        ids_by_conversation.setdefault(conversation_id, set()).add(message_id)
    for v in visitors:
        if not v["conversation_id"]:
            continue
        seen = set(v["seen"].get(str(v["conversation_id"]), {}).values())
        expected = ids_by_conversation.get(v["conversation_id"], set()) & public
        missing = len(expected - seen)
        assert expected <= seen, f"visitor {v['visitor_id']} never saw {missing} messages of its conversation"
    for index, agent in enumerate(result["agents"]):
        for conversation_id, expected in ids_by_conversation.items():
            seen = set(agent["seen"].get(str(conversation_id), {}).values())
            assert expected <= seen, \
                f"agent {index} never received {len(expected - seen)} acknowledged messages of {conversation_id}"

    errors: dict[str, int] = {}
    for v in visitors:
        for code, count in v["errors"].items():
            errors[code] = errors.get(code, 0) + count
    return Outcome(
        acked=len(acked), stored=len(by_cmid), lost=len(missing), duplicated_rows=len(duplicated),
        client_errors=errors,
        reconnects=sum(max(0, p["reconnects"]) for p in [*visitors, *result["agents"]]),
        live_duplicates=sum(p["duplicates"] for p in [*visitors, *result["agents"]]),
        seconds=result["elapsed"],
    )
