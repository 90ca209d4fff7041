"""Load generator for the messaging core, against production mode.

    python bench/load.py --visitors 50 --agents 3 --rate 25 --duration 30

Without --url it starts the production stack itself on a fresh PostgreSQL
database: gunicorn with one gevent-websocket worker (wsgi:app), one
`worker.py` (RQ + the outbox relay) and Redis as the Socket.IO message queue;
it stops them and drops the database at the end.

V visitors (python-socketio clients, greenlets of one process) first open
their conversations (one message each, at --opening-rate), then send R
messages per second in total over /widget for the measured window, naming
their conversation as the widget does; A agents listen on /agent. Reported:
visitor → agent latency (send → every agent's `message:new`), ack latency,
throughput, lost and duplicated deliveries (per agent, by (conversation_id,
seq), over both phases), and the server processes' RSS. Results print as a
markdown table.
"""
from __future__ import annotations

# The generator's 1,000+ socket clients are greenlets, not OS threads.
from gevent import monkey

monkey.patch_all()

import argparse
import os
import platform
import random
import statistics
import subprocess
import sys
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests
import socketio

ROOT = Path(__file__).resolve().parent.parent
ORIGIN = "https://bench.example.com"
POSTGRES = os.environ.get("BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
REDIS = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")


# --- the stack ---------------------------------------------------------------------

class Stack:
    """gunicorn (gevent-websocket worker) + worker.py on a fresh database."""

    def __init__(self, port: int, fast_path: bool, web_workers: int = 1) -> None:
        import psycopg
        from redis import Redis

        self.db_name = f"livechat_bench_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(POSTGRES, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{self.db_name}"')
        Redis.from_url(REDIS).flushdb()
        self.url = f"http://127.0.0.1:{port}"
        self.env = dict(os.environ) | {
            "DATABASE_URL": POSTGRES.rsplit("/", 1)[0] + "/" + self.db_name,
            "REDIS_URL": REDIS,
            "SECRET_KEY": "bench-secret-" + "x" * 40,
            "PUBLIC_URL": self.url,
            "LIVECHAT_INSTANCE": f"/tmp/{self.db_name}",
            "REALTIME_FAST_PATH": "1" if fast_path else "0",
            "WIDGET_VISITOR_MESSAGE_RATE": "100000/minute",
            "WIDGET_PROJECT_MESSAGE_RATE": "1000000/minute",
            "WIDGET_SESSION_RATE": "100000 per minute",
            "REGISTER_RATE_PER_IP": "100000 per hour",
        }
        subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "db", "upgrade"], cwd=ROOT, env=self.env,
                       check=True, capture_output=True)
        log = open(f"/tmp/{self.db_name}.log", "w")
        self.web = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "-w", str(web_workers),
             "-b", f"127.0.0.1:{port}", "--log-level", "warning", "wsgi:app"],
            cwd=ROOT, env=self.env, stdout=log, stderr=log)
        self.worker = subprocess.Popen([sys.executable, "worker.py"], cwd=ROOT, env=self.env, stdout=log, stderr=log)
        deadline = time.monotonic() + 30
        while True:
            try:
                if requests.get(f"{self.url}/readyz", timeout=3).status_code == 200:
                    break
            except requests.RequestException:
                pass
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("the server did not start; see " + log.name)
            time.sleep(0.2)

    def rss_mb(self) -> dict[str, float]:
        """Resident memory of the web process (gunicorn's worker included) and the job worker."""
        def rss(pid: int) -> float:
            total = 0.0
            pids = [pid] + [int(p) for p in subprocess.run(["pgrep", "-P", str(pid)], capture_output=True,
                                                            text=True).stdout.split()]
            for one in pids:
                try:
                    for line in Path(f"/proc/{one}/status").read_text().splitlines():
                        if line.startswith("VmRSS:"):
                            total += int(line.split()[1]) / 1024
                except FileNotFoundError:
                    pass
            return round(total, 1)

        return {"web": rss(self.web.pid), "worker": rss(self.worker.pid)}

    def stop(self) -> None:
        import psycopg

        for process in (self.web, self.worker):
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
        with psycopg.connect(POSTGRES, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{self.db_name}" WITH (FORCE)')


# --- the load ----------------------------------------------------------------------

class Recorder:
    """Send times by client_msg_id, and what each agent received."""

    def __init__(self, agents: int) -> None:
        self.lock = threading.Lock()
        self.sent_at: dict[str, float] = {}
        self.acked: dict[str, tuple[int, int]] = {}
        self.ack_ms: list[float] = []
        self.opening_ack_ms: list[float] = []
        self.failures: list[object] = []
        self.latency_ms: list[float] = []
        # Sends before this is set open the visitors' conversations: counted for
        # lost and duplicated deliveries, reported apart from the measured window.
        self.measuring = False
        self.measured: set[str] = set()
        self.received: list[dict[tuple[int, int], int]] = [{} for _ in range(agents)]

    def on_agent_message(self, agent: int, message: dict) -> None:
        now = time.perf_counter()
        with self.lock:
            key = (message["conversation_id"], message["seq"])
            seen = self.received[agent]
            seen[key] = seen.get(key, 0) + 1
            client_msg_id = message.get("client_msg_id") or ""
            sent = self.sent_at.get(client_msg_id) if client_msg_id in self.measured else None
            if sent is not None and seen[key] == 1 and message["sender_type"] == "visitor":
                self.latency_ms.append((now - sent) * 1000)


def _percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))], 1)


def run(url: str, visitors: int, agents: int, rate: float, duration: float, opening_rate: float) -> dict:
    """Drive the load; returns the measurements."""
    http = requests.Session()
    password = "bench password 123"

    def register(name: str) -> dict:
        email = f"{name}-{uuid.uuid4().hex[:8]}@bench.example.com"
        response = http.post(f"{url}/api/v1/auth/register", json={"email": email, "password": password, "name": name})
        response.raise_for_status()
        return response.json()

    manager = register("manager")
    auth = {"Authorization": f"Bearer {manager['access_token']}"}
    project = http.post(f"{url}/api/v1/projects", json={"name": "Bench", "allowed_origins": [ORIGIN]},
                        headers=auth).json()
    team = [manager]
    for n in range(agents - 1):
        member = register(f"agent{n}")
        invitation = http.post(f"{url}/api/v1/projects/{project['id']}/invitations",
                               json={"email": member["user"]["email"], "role": "AGENT"}, headers=auth).json()
        token = invitation["accept_url"].rsplit("/", 1)[1]
        http.post(f"{url}/api/v1/invitations/{token}/accept",
                  headers={"Authorization": f"Bearer {member['access_token']}"}).raise_for_status()
        team.append(member)

    recorder = Recorder(agents)
    agent_clients = []
    for index, member in enumerate(team):
        client = socketio.Client(reconnection=False)
        client.on("message:new", lambda event, i=index: recorder.on_agent_message(i, event["message"]),
                  namespace="/agent")
        client.connect(url, namespaces=["/agent"], auth={"token": member["access_token"]}, transports=["websocket"])
        agent_clients.append(client)

    def open_visitor(_: int) -> socketio.Client:
        session = http.post(f"{url}/api/v1/widget/session", json={"project_key": project["public_key"]},
                            headers={"Origin": ORIGIN}).json()
        client = socketio.Client(reconnection=False, websocket_extra_options={"origin": ORIGIN})
        client.connect(url, namespaces=["/widget"], transports=["websocket"],
                       auth={"project_key": project["public_key"], "visitor_token": session["visitor_token"]})
        return client

    with ThreadPoolExecutor(max_workers=16) as pool:
        visitor_clients = list(pool.map(open_visitor, range(visitors)))

    # Like the widget: once a visitor knows its conversation, every send names it.
    conversations: dict[int, int] = {}

    def send(client: socketio.Client) -> None:
        client_msg_id = uuid.uuid4().hex
        payload = {"client_msg_id": client_msg_id, "content": "bench " + "x" * 80}
        if id(client) in conversations:
            payload["conversation_id"] = conversations[id(client)]
        started = time.perf_counter()
        with recorder.lock:
            recorder.sent_at[client_msg_id] = started
            is_measured = recorder.measuring
            if is_measured:
                recorder.measured.add(client_msg_id)
        try:
            ack = client.call("message:send", payload, namespace="/widget", timeout=30)
        except Exception as error:  # noqa: BLE001 - a timeout is a measured failure
            with recorder.lock:
                recorder.failures.append(repr(error))
            return
        elapsed = (time.perf_counter() - started) * 1000
        with recorder.lock:
            if ack.get("ok"):
                (recorder.ack_ms if is_measured else recorder.opening_ack_ms).append(elapsed)
                recorder.acked[client_msg_id] = (ack["message"]["conversation_id"], ack["message"]["seq"])
                conversations[id(client)] = ack["message"]["conversation_id"]
            else:
                recorder.failures.append(ack.get("error"))

    def paced(picks, rate: float, duration: float | None = None) -> float:
        """Send from each client of `picks` in turn at `rate`, for `duration` seconds if given; the seconds taken."""
        interval = 1.0 / rate
        started = next_at = time.perf_counter()
        with ThreadPoolExecutor(max_workers=64) as pool:
            for client in picks:
                if duration is not None and time.perf_counter() - started >= duration:
                    break
                pool.submit(send, client)
                next_at += interval
                time.sleep(max(0.0, next_at - time.perf_counter()))
        return time.perf_counter() - started

    def settle(seconds: float) -> None:
        """Let the deliveries of everything acked so far land."""
        until = time.monotonic() + seconds
        while time.monotonic() < until:
            with recorder.lock:
                if all(len(seen) >= len(recorder.acked) for seen in recorder.received):
                    return
            time.sleep(0.1)

    # Every visitor opens its conversation first, at a gentler pace: a first
    # message also creates the thread (and tells the agents about it).
    if opening_rate:
        opening_seconds = paced(visitor_clients, opening_rate)
        settle(30)
    recorder.measuring = True
    send_seconds = paced(iter(lambda: random.choice(visitor_clients), None), rate, duration)
    settle(10)
    for client in visitor_clients + agent_clients:
        client.disconnect()

    acked = set(recorder.acked.values())
    lost = sum(len(acked - set(seen)) for seen in recorder.received)
    duplicated = sum(count - 1 for seen in recorder.received for count in seen.values() if count > 1)
    measured_acked = sum(1 for client_msg_id in recorder.measured if client_msg_id in recorder.acked)
    return {
        "sent": len(recorder.measured),
        "acked": measured_acked,
        "failed": len(recorder.failures),
        "throughput": round(measured_acked / send_seconds, 1),
        "opened": len(recorder.opening_ack_ms),
        "opening_rate": round(len(recorder.opening_ack_ms) / opening_seconds, 1) if opening_rate else 0,
        "opening_ack_p50": _percentile(recorder.opening_ack_ms, 50),
        "opening_ack_p99": _percentile(recorder.opening_ack_ms, 99),
        "ack_p50": _percentile(recorder.ack_ms, 50),
        "ack_p95": _percentile(recorder.ack_ms, 95),
        "ack_p99": _percentile(recorder.ack_ms, 99),
        "lat_p50": _percentile(recorder.latency_ms, 50),
        "lat_p95": _percentile(recorder.latency_ms, 95),
        "lat_p99": _percentile(recorder.latency_ms, 99),
        "lat_mean": round(statistics.fmean(recorder.latency_ms), 1) if recorder.latency_ms else float("nan"),
        "deliveries": sum(len(seen) for seen in recorder.received),
        "lost": lost,
        "duplicated": duplicated,
        "failures_sample": recorder.failures[:3],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", help="an already running production server (skip starting the stack)")
    parser.add_argument("--port", type=int, default=5077)
    parser.add_argument("--visitors", type=int, default=50)
    parser.add_argument("--agents", type=int, default=3)
    parser.add_argument("--rate", type=float, default=25.0, help="messages per second, all visitors together")
    parser.add_argument("--duration", type=float, default=30.0, help="seconds of sending")
    parser.add_argument("--opening-rate", type=float, default=50.0,
                        help="messages per second while every visitor opens its conversation, before the "
                             "measured window (0: no opening phase)")
    parser.add_argument("--no-fast-path", action="store_true", help="deliver through the outbox relay only")
    parser.add_argument("--web-workers", type=int, default=1,
                        help="gunicorn processes (websocket-only clients need no sticky sessions)")
    args = parser.parse_args()

    stack = None if args.url else Stack(args.port, fast_path=not args.no_fast_path, web_workers=args.web_workers)
    url = args.url or stack.url
    try:
        result = run(url, args.visitors, args.agents, args.rate, args.duration, args.opening_rate)
        rss = stack.rss_mb() if stack else {}
    finally:
        if stack:
            stack.stop()
    mode = "relay only (REALTIME_FAST_PATH=0)" if args.no_fast_path else "fast path + relay"
    mode += f", {args.web_workers} web process{'es' if args.web_workers > 1 else ''}"
    print(
        f"\n### {args.visitors} visitors, {args.agents} agents, {args.rate:g} msg/s for {args.duration:g}s — {mode}\n"
    )
    print(f"machine: {platform.node()} · {os.cpu_count()} CPUs · Python {platform.python_version()}\n")
    print("| metric | value |\n| --- | --- |")
    rows = [
        ("opening: conversations opened (msg/s), ack p50 / p99 (ms)",
         f"{result['opened']} ({result['opening_rate']}/s), {result['opening_ack_p50']} / {result['opening_ack_p99']}"),
        ("measured: messages sent / acked / failed", f"{result['sent']} / {result['acked']} / {result['failed']}"),
        ("throughput (acked msg/s)", result["throughput"]),
        ("ack latency p50 / p95 / p99 (ms)", f"{result['ack_p50']} / {result['ack_p95']} / {result['ack_p99']}"),
        ("visitor → agent latency p50 / p95 / p99 (ms)",
         f"{result['lat_p50']} / {result['lat_p95']} / {result['lat_p99']}"),
        ("agent deliveries (unique, both phases)", result["deliveries"]),
        ("lost / duplicated deliveries (both phases)", f"{result['lost']} / {result['duplicated']}"),
    ]
    if rss:
        rows.append(("RSS after the run (MB): web / worker", f"{rss['web']} / {rss['worker']}"))
    for name, value in rows:
        print(f"| {name} | {value} |")
    if result["failures_sample"]:
        print(f"\nfirst failures: {result['failures_sample']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
