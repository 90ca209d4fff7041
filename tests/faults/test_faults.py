"""Faults under load, in production mode on real processes: what survives, what is lost (nothing).

Each scenario runs the same story: visitors send steadily (the load driver,
tests/faults/driver.py) while agents listen; a fault strikes; the clients
retry and resume as the widget and the dashboard do; then `check_delivery`
proves every acknowledged message is stored exactly once, in seq order, and
reached every client, and that nothing unacknowledged passes for sent.
"""
from __future__ import annotations

import os
import signal
import time
import uuid

import pytest
import requests

from tests.faults.invariants import check_delivery
from tests.faults.stack import Load, _wait

# Not yet green on this machine: run by `make test-faults`, outside `make test` until it is.
pytestmark = pytest.mark.faults

# A few hundred messages per second are asked for; on a small shared machine the clients send what they can.
RATE = float(os.environ.get("FAULTS_RATE", "200"))
VISITORS = 10


def _unpublished(stack) -> int:
    return stack.sql("SELECT count(*) FROM outbox WHERE published_at IS NULL")[0][0]


def _settle_outbox(stack, timeout: float = 30) -> None:
    """The relay publishes every committed row (its sweep runs every RELAY_SWEEP_SECONDS)."""
    _wait(lambda: _unpublished(stack) == 0, timeout, "the relay published every committed outbox row")


def test_web_process_killed_between_commit_and_emit(stack, tmp_path):
    trigger = tmp_path / "kill-web"
    web = stack.add_web("web1", config="tests/faults/gunicorn_faults.py", LIVECHAT_FAULT_TRIGGER=str(trigger))
    listener = stack.add_web("web2")  # the agent listens here, so it hears the relay, not a reconnect
    stack.add_worker()
    web.wait_ready()
    listener.wait_ready()
    seeded = stack.project(web.url)
    load = Load(stack, [web.url], seeded["project"], [seeded["token"]], visitors=VISITORS, rate=RATE,
                agent_urls=[listener.url])
    load.wait_ready()
    first_workers = web.worker_pids()
    time.sleep(2)

    trigger.touch()  # the next send commits, then its web process dies before emitting anything
    _wait(lambda: not trigger.exists(), 20, "a send committed and its process was killed")
    _wait(lambda: web.worker_pids() and web.worker_pids() != first_workers, 30, "gunicorn started a new worker")
    web.wait_ready()
    time.sleep(3)

    result = load.finish()
    _settle_outbox(stack)
    outcome = check_delivery(stack, result)
    print(f"\nweb process SIGKILLed between commit and emit: {outcome}")
    assert outcome.acked > VISITORS


def test_rq_worker_killed_in_the_middle_of_a_job(stack, tmp_path):
    trigger = tmp_path / "kill-horse"
    # Without the fast path every delivery is the relay job's, so a killed job is felt by every client.
    web = stack.add_web("web1", REALTIME_FAST_PATH="0")
    worker = stack.add_worker(["-m", "tests.faults.inject", "worker"], LIVECHAT_FAULT_TRIGGER=str(trigger),
                              REALTIME_FAST_PATH="0")
    web.wait_ready()
    seeded = stack.project(web.url)
    load = Load(stack, [web.url], seeded["project"], [seeded["token"]], visitors=VISITORS, rate=RATE / 2)
    load.wait_ready()
    time.sleep(2)

    trigger.touch()  # the next drain emits its rows, then its work horse dies before stamping them
    _wait(lambda: not trigger.exists(), 30, "a drain job was killed mid-way")
    time.sleep(4)

    result = load.finish()
    _settle_outbox(stack)
    assert worker.is_running(), "worker.py itself survives its work horse"
    assert "Work-horse terminated unexpectedly" in worker.output()
    outcome = check_delivery(stack, result)
    print(f"\nRQ work horse SIGKILLed mid-drain: {outcome}")
    assert outcome.live_duplicates > 0 or outcome.acked > VISITORS  # re-emitted rows are dropped by clients


def test_redis_restarted(stack, servers):
    _, redis = servers
    web = stack.add_web("web1")
    stack.add_worker()
    web.wait_ready()
    seeded = stack.project(web.url)
    load = Load(stack, [web.url], seeded["project"], [seeded["token"]], visitors=VISITORS, rate=RATE)
    load.wait_ready()
    time.sleep(2)

    redis.stop()  # pub/sub, the job queues and the rate-limit counters are gone
    time.sleep(3)
    during = requests.get(f"{web.url}/readyz", timeout=10)
    redis.start()
    _wait(lambda: requests.get(f"{web.url}/readyz", timeout=10).status_code == 200, 60, "ready again")
    time.sleep(4)

    result = load.finish()
    _settle_outbox(stack)
    assert during.status_code == 503 and "redis" in during.json()["checks"]
    assert all(worker.is_running() for worker in stack.workers), "worker.py survives a Redis restart"
    outcome = check_delivery(stack, result)
    print(f"\nRedis restarted (3 s down): {outcome}")
    assert "internal_error" not in outcome.client_errors
    assert 500 not in web.statuses()
    # Rate limits held meanwhile: the widget's message windows live in each process's memory.


def test_postgresql_restarted(stack, servers):
    postgres, _ = servers
    web = stack.add_web("web1")
    stack.add_worker()
    web.wait_ready()
    seeded = stack.project(web.url)
    project = seeded["project"]
    headers = {"Authorization": f"Bearer {seeded['token']}"}
    load = Load(stack, [web.url], project, [seeded["token"]], visitors=VISITORS, rate=RATE)
    load.wait_ready()
    time.sleep(2)
    conversation_id = stack.sql("SELECT min(id) FROM conversations")[0][0]

    postgres.stop()
    try:
        time.sleep(1)
        ready = requests.get(f"{web.url}/readyz", timeout=15)
        reply = requests.post(f"{web.url}/api/v1/projects/{project['id']}/conversations/{conversation_id}/messages",
                              json={"content": "are you there?", "client_msg_id": uuid.uuid4().hex},
                              headers=headers, timeout=15)
        listing = requests.get(f"{web.url}/api/v1/projects/{project['id']}/conversations", headers=headers,
                               timeout=15)
        time.sleep(2)
    finally:
        postgres.start()
    _wait(lambda: requests.get(f"{web.url}/readyz", timeout=10).status_code == 200, 60, "ready again")
    time.sleep(4)

    result = load.finish()
    _settle_outbox(stack)
    assert ready.status_code == 503 and ready.json()["checks"]["database"] != "ok"
    for response in (reply, listing):
        assert response.status_code == 503, response.text
        assert response.json()["error"]["code"] == "service_unavailable"
        assert "Traceback" not in response.text
    outcome = check_delivery(stack, result)
    print(f"\nPostgreSQL restarted (~3 s down): {outcome}")
    assert 500 not in web.statuses()
    assert set(outcome.client_errors) <= {"service_unavailable", "TimeoutError", "BadNamespaceError"}, \
        outcome.client_errors


def test_a_thousand_clients_reconnect_at_once_and_resume(stack):
    clients = int(os.environ.get("FAULTS_STORM_CLIENTS", "1000"))
    web = stack.add_web("web1", WIDGET_SESSION_RATE="100000 per minute")
    other = stack.add_web("web2")
    stack.add_worker()
    web.wait_ready()
    other.wait_ready()
    seeded = stack.project(web.url)
    project = seeded["project"]
    headers = {"Authorization": f"Bearer {seeded['token']}"}
    # Every client opens its conversation (one message), then idles on web1.
    load = Load(stack, [web.url], project, [seeded["token"]], visitors=clients, rate=0, max_seconds=600)
    load.wait_ready(timeout=900)  # a loaded machine opens 1,000 conversations slowly

    # web1 dies: every client's socket drops at once. Meanwhile agents answer through web2.
    for pid in web.worker_pids():
        os.kill(pid, signal.SIGKILL)
    conversations = [row[0] for row in stack.sql("SELECT id FROM conversations ORDER BY id")]
    for conversation_id in conversations[:: max(1, len(conversations) // 50)]:
        response = requests.post(
            f"{other.url}/api/v1/projects/{project['id']}/conversations/{conversation_id}/messages",
            json={"content": "We answered while you were away", "client_msg_id": uuid.uuid4().hex},
            headers=headers, timeout=30)
        assert response.status_code == 201, response.text
    web.wait_ready(timeout=60)

    result = load.finish(timeout=600)
    _settle_outbox(stack)
    outcome = check_delivery(stack, result)
    reconnected = sum(1 for v in result["visitors"] if v["reconnects"] >= 1)
    print(f"\n{clients} clients reconnecting at once: {reconnected} reconnected and resumed; {outcome}")
    assert reconnected == clients

