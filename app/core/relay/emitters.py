"""Which web processes are alive to emit their own rows, so that the relay leaves those rows to them.

A web process with the fast path on names itself in every outbox row it writes
(`outbox.emitter`) and, in production, keeps a heartbeat in Redis. The relay
emits a row only when nobody else will:

* it names no emitter (the fast path is off, or the emitter gave the row up
  because its emit failed);
* its emitter's heartbeat stopped (the process died between commit and emit);
* it is older than RELAY_EMITTER_GRACE_SECONDS (a last resort).

So when a loaded process stamps its rows published late, the relay does not
emit them a second time. Embedded mode has one process: the relay runs beside
the fast path and knows its own name.
"""
from __future__ import annotations

import logging
import os
import secrets
import socket
import threading
import time

from flask import Flask
from redis import Redis
from redis.exceptions import RedisError

log = logging.getLogger(__name__)

KEY = "livechat:relay:emitters"  # sorted set: emitter name -> when its heartbeat expires (unix seconds)
HEARTBEAT_SECONDS = 2.0
TTL_SECONDS = 6.0
_EXTENSION = "livechat_relay_emitter"
_REDIS = "livechat_relay_emitter_redis"
_lock = threading.Lock()


def _redis(app: Flask) -> Redis:
    client: Redis | None = app.extensions.get(_REDIS)
    if client is None:  # redis-py's pool starts afresh in a forked process
        client = Redis.from_url(app.config["REDIS_URL"], socket_timeout=2)
        app.extensions[_REDIS] = client
    return client


def name(app: Flask) -> str | None:
    """This process's emitter name (None with the fast path off); the first call in a process starts its heartbeat."""
    if not app.config.get("REALTIME_FAST_PATH"):
        return None
    pid = os.getpid()
    with _lock:
        current = app.extensions.get(_EXTENSION)
        if current is not None and current[0] == pid:
            known: str = current[1]
            return known
        # After a fork (gunicorn workers) each process names itself anew.
        emitter = f"{socket.gethostname()[:32]}:{pid}:{secrets.token_hex(4)}"
        app.extensions[_EXTENSION] = (pid, emitter)
    if app.config.get("REDIS_URL"):
        redis = _redis(app)
        _beat(redis, emitter)  # alive before its first row commits
        threading.Thread(target=_heartbeat, args=(redis, emitter), name="relay-emitter", daemon=True).start()
    return emitter


def _beat(redis: Redis, emitter: str) -> bool:
    try:
        redis.zadd(KEY, {emitter: time.time() + TTL_SECONDS})
        return True
    except RedisError as error:
        log.warning("emitter heartbeat failed (%s); the relay may emit this process's rows again", error)
        return False


def _heartbeat(redis: Redis, emitter: str) -> None:
    while True:
        time.sleep(HEARTBEAT_SECONDS)
        _beat(redis, emitter)


def alive(app: Flask) -> set[str]:
    """The emitters whose rows the relay leaves alone; empty when that cannot be known (Redis down)."""
    if not app.config.get("REDIS_URL"):
        current = app.extensions.get(_EXTENSION)
        return {current[1]} if current is not None and current[0] == os.getpid() else set()
    redis = _redis(app)
    now = time.time()
    try:
        names = redis.zrangebyscore(KEY, now, "+inf")
        redis.zremrangebyscore(KEY, "-inf", now - 3600)  # long-dead processes
    except RedisError as error:
        log.warning("could not read the live emitters (%s); emitting every late row", error)
        return set()
    return {n.decode() if isinstance(n, bytes) else str(n) for n in names}
