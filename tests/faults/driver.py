"""The fault suite's load: visitors and agents as Socket.IO clients, greenlets of this one process.

    python -m tests.faults.driver <config.json> <result.json>

Run by the suite as a subprocess (gevent must patch first thing, which a
pytest process cannot). Each visitor behaves as the widget does: it sends with
a `client_msg_id`, counts a message as sent only when the ack says so,
retries an unacknowledged send with the same id before anything newer, and
after every reconnect (or a gap in `seq`) asks for what it missed. Agents
listen on /agent and resume per conversation the same way.

The run stops when the config's `stop_file` appears (or after `max_seconds`);
then every client retries what is still unacknowledged and resumes once more,
and the result file lists what each client sent, had acknowledged, and saw.
"""
from __future__ import annotations

from gevent import monkey

monkey.patch_all()

import json  # noqa: E402
import os  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import uuid  # noqa: E402

import gevent  # noqa: E402
import gevent.pool  # noqa: E402
import requests  # noqa: E402
import socketio  # noqa: E402

ACK_TIMEOUT = 15.0  # a loaded server acks late; a widget waits before it retries


class _PatientClient(socketio.Client):
    """A reconnect waits for its namespace as socket.io-client (the widget, the dashboard) does.

    python-socketio's reconnect loop gives the namespace 1 s, then drops the
    connection and tries again later: in a storm, a client whose own process is
    busy with a thousand others misses that second however soon the server
    answers, and keeps coming back without ever staying.
    """

    def connect(self, *args, wait_timeout: float = 20, **kwargs) -> None:
        super().connect(*args, wait_timeout=wait_timeout, **kwargs)


def _client(origin: str | None = None) -> socketio.Client:
    extra = {"websocket_extra_options": {"origin": origin}} if origin else {}
    # socket.io-client's own back-off (1 s doubling to 5 s, ±50 %): a storm of reconnects spreads out.
    return _PatientClient(reconnection=True, reconnection_delay=1, reconnection_delay_max=5,
                          randomization_factor=0.5, request_timeout=15, **extra)


class Seen:
    """What one client has seen of one or more conversations: {conversation_id: {seq: message id}}."""

    def __init__(self) -> None:
        self.by_conversation: dict[int, dict[int, int]] = {}
        self.duplicates = 0

    def add(self, message: dict) -> bool:
        """Record a message; True when there is a gap before it (a resume is due)."""
        seqs = self.by_conversation.setdefault(message["conversation_id"], {})
        if message["seq"] in seqs:
            self.duplicates += 1
            return False
        seqs[message["seq"]] = message["id"]
        return message["seq"] > 1 and (message["seq"] - 1) not in seqs

    def last_seq(self, conversation_id: int) -> int:
        """The highest seq with no gap below it."""
        seqs = self.by_conversation.get(conversation_id, {})
        last = 0
        while last + 1 in seqs:
            last += 1
        return last


class Participant:
    """Shared by visitors and agents: a socket that resumes by seq."""

    namespace = ""

    def __init__(self, url: str, origin: str | None = None) -> None:
        self.url = url
        self.seen = Seen()
        self.sio = _client(origin)
        self.reconnects = -1
        self.resume_errors = 0
        self.sio.on("connect", self._on_connect, namespace=self.namespace)
        self.sio.on("message:new", self._on_message, namespace=self.namespace)

    def _on_connect(self) -> None:
        self.reconnects += 1
        gevent.spawn(self.resume)

    def _on_message(self, event: dict) -> None:
        message = event.get("message", event)  # {event_id, message} per the contract; flat before it
        if self.seen.add(message):
            gevent.spawn(self.resume_conversation, message["conversation_id"])

    def conversations(self) -> list[int]:
        return list(self.seen.by_conversation)

    def resume(self) -> None:
        for conversation_id in self.conversations():
            self.resume_conversation(conversation_id)

    def resume_until_done(self, deadline: float) -> None:
        """The final resume: like a client that keeps its socket, retried while the server is busy."""
        for conversation_id in self.conversations():
            while not self.resume_conversation(conversation_id) and time.monotonic() < deadline:
                gevent.sleep(1)
                self.wait_connected(max(0.1, deadline - time.monotonic()))

    def resume_conversation(self, conversation_id: int) -> bool:
        """Ask for everything after the last seq seen without a gap; False when the server did not answer."""
        while True:
            try:
                ack = self.sio.call("sync", {"conversation_id": conversation_id,
                                             "after_seq": self.seen.last_seq(conversation_id)},
                                    namespace=self.namespace, timeout=ACK_TIMEOUT)
            except Exception:  # noqa: BLE001 - disconnected meanwhile: the next connect resumes
                self.resume_errors += 1
                return False
            if not ack.get("ok"):
                self.resume_errors += 1
                return False
            for message in ack["messages"]:
                self.seen.add(message)
            if not ack.get("has_more"):
                return True

    def wait_connected(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while not self.sio.connected and time.monotonic() < deadline:
            gevent.sleep(0.1)
        return self.sio.connected


class Agent(Participant):
    namespace = "/agent"

    def __init__(self, url: str, token: str) -> None:
        super().__init__(url)
        self.sio.connect(url, namespaces=["/agent"], auth={"token": token}, transports=["websocket"],
                         wait_timeout=20)


class Visitor(Participant):
    namespace = "/widget"

    def __init__(self, url: str, project_key: str, origin: str) -> None:
        super().__init__(url, origin)
        self.origin = origin
        session = None
        for _ in range(50):
            try:
                response = requests.post(f"{url}/api/v1/widget/session", json={"project_key": project_key},
                                         headers={"Origin": origin}, timeout=10)
                if response.status_code == 200:
                    session = response.json()
                    break
            except requests.RequestException:
                pass
            gevent.sleep(0.2)
        if session is None:
            raise RuntimeError("no widget session")
        self.visitor_id = session["visitor"]["id"]
        self.conversation_id: int | None = None
        self.acked: dict[str, dict] = {}
        self.pending: list[str] = []  # sent, not acknowledged yet: retried first, in order
        self.contents: dict[str, str] = {}
        self.errors: dict[str, int] = {}
        for attempt in range(30):  # a busy server may turn a connection away: try again, as the widget does
            try:
                self.sio.connect(url, namespaces=["/widget"], transports=["websocket"], wait_timeout=20,
                                 auth={"project_key": project_key, "visitor_token": session["visitor_token"]})
                break
            except socketio.exceptions.ConnectionError:
                if attempt == 29:
                    raise
                gevent.sleep(0.5)

    def conversations(self) -> list[int]:
        return [self.conversation_id] if self.conversation_id else []

    def new_message(self) -> None:
        client_msg_id = uuid.uuid4().hex
        self.contents[client_msg_id] = f"fault-suite {client_msg_id[:8]}"
        self.pending.append(client_msg_id)

    def send_pending(self) -> bool:
        """Try the oldest unacknowledged message; True when it was acknowledged."""
        if not self.pending:
            return True
        client_msg_id = self.pending[0]
        payload = {"client_msg_id": client_msg_id, "content": self.contents[client_msg_id]}
        if self.conversation_id:
            payload["conversation_id"] = self.conversation_id
        try:
            ack = self.sio.call("message:send", payload, namespace="/widget", timeout=ACK_TIMEOUT)
        except Exception as error:  # noqa: BLE001 - no ack: not sent, as far as this visitor knows
            self._count(type(error).__name__)
            return False
        if not ack.get("ok"):
            self._count(ack.get("error", {}).get("code", "unknown"))
            return False
        message = ack["message"]
        self.pending.pop(0)
        self.acked[client_msg_id] = {"id": message["id"], "seq": message["seq"],
                                     "conversation_id": message["conversation_id"]}
        self.conversation_id = message["conversation_id"]
        self.seen.add(message)
        return True

    def _count(self, code: str) -> None:
        self.errors[code] = self.errors.get(code, 0) + 1


def _stop_requested(config: dict, started: float) -> bool:
    return os.path.exists(config["stop_file"]) or time.monotonic() - started > config.get("max_seconds", 120)


def main(config_path: str, result_path: str) -> int:
    config = json.load(open(config_path))
    urls = config["urls"]
    agent_urls = config.get("agent_urls") or urls
    agents = [Agent(agent_urls[i % len(agent_urls)], token) for i, token in enumerate(config.get("agent_tokens", []))]
    pool = gevent.pool.Pool(50)
    visitors = pool.map(lambda i: Visitor(urls[i % len(urls)], config["project_key"], config["origin"]),
                        range(config["visitors"]))
    # Every visitor opens its conversation before the measured load (a first message creates it), a few at
    # a time as real visitors arrive.
    for visitor in visitors:
        visitor.new_message()
    opening = gevent.pool.Pool(20)
    opening.map(lambda v: [v.send_pending() or gevent.sleep(0.5) for _ in range(20) if v.pending], visitors)
    open(config["ready_file"], "w").close()

    started = time.monotonic()
    rate = config.get("rate", 0)
    senders = [v for v in visitors][: config.get("senders", len(visitors))]

    def keep_sending(visitor: Visitor, interval: float) -> None:
        next_at = time.monotonic()
        while not _stop_requested(config, started):
            if not visitor.pending:
                visitor.new_message()
            if not visitor.send_pending():
                gevent.sleep(0.2)  # a failed send waits a moment before its retry, like the widget
            next_at += interval
            gevent.sleep(max(0.0, next_at - time.monotonic()))

    if rate and senders:
        interval = len(senders) / rate
        gevent.joinall([gevent.spawn(keep_sending, v, interval) for v in senders])
    else:
        while not _stop_requested(config, started):
            gevent.sleep(0.2)
    elapsed = time.monotonic() - started

    # Wrap up as clients would: reconnect, retry what is unacknowledged, resume.
    everyone = agents + visitors
    deadline = time.monotonic() + config.get("wrap_up_seconds", 120)
    for participant in everyone:
        participant.wait_connected(max(0.1, deadline - time.monotonic()))

    def finish(visitor: Visitor) -> None:
        while visitor.pending and time.monotonic() < deadline + 60:
            if not visitor.sio.connected or not visitor.send_pending():
                gevent.sleep(0.5)

    pool.map(finish, visitors)
    gevent.sleep(config.get("settle_seconds", 2))
    pool.map(lambda p: p.resume_until_done(deadline + 60), everyone)
    for agent in agents:  # conversations an agent never heard of live are in the visitors' acks
        for visitor in visitors:
            if visitor.conversation_id and visitor.conversation_id not in agent.seen.by_conversation:
                agent.seen.by_conversation[visitor.conversation_id] = {}
                while not agent.resume_conversation(visitor.conversation_id) and time.monotonic() < deadline + 60:
                    gevent.sleep(1)

    result = {
        "elapsed": elapsed,
        "visitors": [{
            "visitor_id": v.visitor_id, "conversation_id": v.conversation_id, "acked": v.acked,
            "never_acked": v.pending, "errors": v.errors, "reconnects": v.reconnects,
            "seen": {str(c): s for c, s in v.seen.by_conversation.items()}, "duplicates": v.seen.duplicates,
            "resume_errors": v.resume_errors,
        } for v in visitors],
        "agents": [{
            "seen": {str(c): s for c, s in a.seen.by_conversation.items()}, "duplicates": a.seen.duplicates,
            "reconnects": a.reconnects, "resume_errors": a.resume_errors,
        } for a in agents],
    }
    json.dump(result, open(result_path, "w"))
    for participant in everyone:
        try:
            participant.sio.disconnect()
        except Exception:  # noqa: BLE001
            pass
    return 0


if __name__ == "__main__":
    os._exit(main(sys.argv[1], sys.argv[2]))
