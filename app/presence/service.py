"""Who is connected: agents and visitors are online while any of their sockets is.

Each socket is recorded with an expiry; the web process that holds it keeps
refreshing it, so a crashed process's sockets fade out after the TTL.
Redis holds the records in production (every web process sees them), a dict
in embedded mode.
"""
from __future__ import annotations

import threading
import time
from typing import Iterable

from flask import Flask, current_app
from redis import Redis

from app.extensions import socketio

AGENT = "agent"
VISITOR = "visitor"
# The Socket.IO namespace of each kind of person (the one definition; the realtime gateway serves them).
AGENT_NAMESPACE = "/agent"
WIDGET_NAMESPACE = "/widget"
AGENT_STATUSES = ("online", "away")
_EXTENSION = "livechat_presence"


class MemoryPresence:
    """Embedded mode: one process holds every socket."""

    def __init__(self, ttl: int) -> None:
        self.ttl = ttl
        self.lock = threading.Lock()
        self.sockets: dict[tuple[str, int], dict[str, float]] = {}
        self.statuses: dict[int, str] = {}

    def _live(self, kind: str, key: int) -> dict[str, float]:
        now = time.time()
        entries = self.sockets.get((kind, key), {})
        for sid in [s for s, expiry in entries.items() if expiry < now]:
            del entries[sid]
        return entries

    def add(self, kind: str, key: int, sid: str) -> bool:
        with self.lock:
            entries = self._live(kind, key)
            was_offline = not entries
            entries[sid] = time.time() + self.ttl
            self.sockets[(kind, key)] = entries
            return was_offline

    def remove(self, kind: str, key: int, sid: str) -> bool:
        with self.lock:
            entries = self._live(kind, key)
            entries.pop(sid, None)
            return not entries

    def refresh(self, kind: str, key: int, sid: str) -> None:
        with self.lock:
            entries = self.sockets.setdefault((kind, key), {})
            entries[sid] = time.time() + self.ttl

    def online(self, kind: str, keys: Iterable[int]) -> set[int]:
        with self.lock:
            return {key for key in keys if self._live(kind, key)}

    def socket_ids(self, kind: str, key: int) -> list[str]:
        with self.lock:
            return list(self._live(kind, key))

    def set_status(self, user_id: int, status: str) -> None:
        with self.lock:
            self.statuses[user_id] = status

    def stored_status(self, user_id: int) -> str:
        with self.lock:
            return self.statuses.get(user_id, "online")


class RedisPresence:
    """Production mode: a sorted set per person (member = socket id, score = expiry)."""

    def __init__(self, url: str, ttl: int) -> None:
        self.redis = Redis.from_url(url)
        self.ttl = ttl

    @staticmethod
    def _key(kind: str, key: int) -> str:
        return f"livechat:presence:{kind}:{key}"

    def _change(self, kind: str, key: int, sid: str, adding: bool) -> tuple[int, int]:
        now = time.time()
        pipe = self.redis.pipeline()
        name = self._key(kind, key)
        pipe.zremrangebyscore(name, 0, now)
        pipe.zcard(name)
        if adding:
            pipe.zadd(name, {sid: now + self.ttl})
        else:
            pipe.zrem(name, sid)
        pipe.zcard(name)
        pipe.expire(name, self.ttl * 2)
        _, before, _, after, _ = pipe.execute()
        return before, after

    def add(self, kind: str, key: int, sid: str) -> bool:
        before, _ = self._change(kind, key, sid, adding=True)
        return before == 0

    def remove(self, kind: str, key: int, sid: str) -> bool:
        _, after = self._change(kind, key, sid, adding=False)
        return after == 0

    def refresh(self, kind: str, key: int, sid: str) -> None:
        name = self._key(kind, key)
        pipe = self.redis.pipeline()
        pipe.zadd(name, {sid: time.time() + self.ttl})
        pipe.expire(name, self.ttl * 2)
        pipe.execute()

    def online(self, kind: str, keys: Iterable[int]) -> set[int]:
        keys = list(keys)
        if not keys:
            return set()
        now = time.time()
        pipe = self.redis.pipeline()
        for key in keys:
            pipe.zcount(self._key(kind, key), now, "+inf")
        return {key for key, count in zip(keys, pipe.execute()) if count}

    def socket_ids(self, kind: str, key: int) -> list[str]:
        return [sid.decode() for sid in self.redis.zrangebyscore(self._key(kind, key), time.time(), "+inf")]

    def set_status(self, user_id: int, status: str) -> None:
        self.redis.set(f"livechat:presence:status:{user_id}", status, ex=7 * 24 * 3600)

    def stored_status(self, user_id: int) -> str:
        value = self.redis.get(f"livechat:presence:status:{user_id}")
        return value.decode() if value else "online"


def init_app(app: Flask) -> None:
    """Choose the store from configuration alone."""
    ttl = app.config["PRESENCE_TTL_SECONDS"]
    url = app.config["REDIS_URL"]
    app.extensions[_EXTENSION] = RedisPresence(url, ttl) if url else MemoryPresence(ttl)


def store():
    """The presence store of the current app."""
    return current_app.extensions[_EXTENSION]


def connect(kind: str, key: int, sid: str) -> bool:
    """Record a socket; True when it is this person's first (they just came online)."""
    return store().add(kind, key, sid)


def disconnect(kind: str, key: int, sid: str) -> bool:
    """Forget a socket; True when it was this person's last (they just went offline)."""
    return store().remove(kind, key, sid)


def refresh(kind: str, key: int, sid: str) -> None:
    """Push a live socket's expiry forward."""
    store().refresh(kind, key, sid)


def socket_ids(kind: str, key: int) -> list[str]:
    """The live socket ids of one person, on every web process."""
    return store().socket_ids(kind, key)


def online_ids(kind: str, keys: Iterable[int]) -> set[int]:
    """Those of `keys` with at least one live socket."""
    return store().online(kind, keys)


def is_online(kind: str, key: int) -> bool:
    """True while `key` has a live socket."""
    return bool(online_ids(kind, [key]))


def agent_status(user_id: int) -> str:
    """online / away while connected (as the agent chose), else offline."""
    if not is_online(AGENT, user_id):
        return "offline"
    return store().stored_status(user_id)


def set_agent_status(user_id: int, status: str) -> None:
    """Remember the agent's chosen status (online or away)."""
    store().set_status(user_id, status)


def available_agents(user_ids: Iterable[int]) -> set[int]:
    """Agents connected and not away."""
    online = online_ids(AGENT, user_ids)
    return {uid for uid in online if store().stored_status(uid) == "online"}


def disconnect_agent(user_id: int) -> None:
    """Close every dashboard socket of `user_id`, on whichever web process holds it.

    An agent's socket joins its projects' rooms when it connects; after a
    membership is removed it must stop hearing that project at once. The
    dashboard reconnects by itself and joins only the projects it still has.
    """
    for sid in socket_ids(AGENT, user_id):
        # Through the Socket.IO message queue this reaches the process that holds the socket.
        socketio.server.disconnect(sid, namespace=AGENT_NAMESPACE)
