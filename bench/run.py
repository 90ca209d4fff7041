"""`make bench`: the product and two bare relays, side by side, driven by one Node generator.

    .venv/bin/python bench/run.py [--label baseline] [--rates 100,200,...] [--step 8] [--no-profile]

In one run, on loopback only:
1. a fresh Redis (its own port, its own process; the shared 6379 is never used)
   and a fresh PostgreSQL database on BENCH_POSTGRES_URL (dropped at the end);
2. the product in production mode: gunicorn with the gevent-websocket worker
   (gunicorn.conf.py, one process), `worker.py`, PostgreSQL, the Redis queue;
   `bench/gen.mjs` climbs the ladder of rates against it, then py-spy samples its
   web process during a fixed-rate run (the top of the profile goes in the report);
3. the bare Flask-SocketIO relay (`bench/relay_flask.py`: gunicorn, the same
   gevent-websocket worker, the Redis queue, no database) and the bare Node
   socket.io relay (`bench/relay_node.mjs`), each driven up the same ladder;
4. everything stopped; a dated section with the machine, the command, every
   step, the headlines (highest rate with visitor → agent p99 ≤ 50 ms and every
   send acked) and the ratios product / relay goes into bench/RESULTS.md, and
   the latency-vs-rate plot into bench/latency-vs-rate-<label>.png.
"""
from __future__ import annotations

import argparse
import collections
import json
import os
import platform
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from datetime import datetime, timezone
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
PY = sys.executable
POSTGRES = os.environ.get("BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
MARKER = "<!-- make bench inserts each new run below this line -->"
HEADLINE_P99_MS = 50.0
WORKER_CLASS = "geventwebsocket.gunicorn.workers.GeventWebSocketWorker"


def log(*parts: object) -> None:
    print("[bench]", *parts, file=sys.stderr, flush=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_ready(url: str, process: subprocess.Popen, seconds: float = 40) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{url}: the server exited ({process.returncode})")
        try:
            with urllib.request.urlopen(url + "/readyz", timeout=3) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{url}: not ready after {seconds}s")


def stop(process: subprocess.Popen | None) -> None:
    if process is None or process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def children(pid: int) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout
    return [int(p) for p in out.split()]


def rss_mb(pids: list[int]) -> float:
    total = 0.0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) / 1024
        except FileNotFoundError:
            pass
    return round(total, 1)


def generate(url: str, target: str, args: argparse.Namespace, rates: str | None = None,
             step: float | None = None, on_ladder=None) -> dict:
    """Run bench/gen.mjs once; its JSON result. `on_ladder()` is called when the set-up is over."""
    command = ["node", str(BENCH / "gen.mjs"), "--url", url, "--target", target,
               "--visitors", str(args.visitors), "--agents", str(args.agents),
               "--rates", rates or args.rates, "--step", str(step or args.step), "--settle", str(args.settle)]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    for line in process.stderr:
        sys.stderr.write(line)
        if on_ladder is not None and "] opening:" in line:
            on_ladder()
    out = process.stdout.read()
    if process.wait(timeout=900) != 0:
        raise RuntimeError(f"generator failed against {target}")
    return json.loads(out.strip().splitlines()[-1])


# --- the servers ----------------------------------------------------------------------

class Redis:
    """A private redis-server for this run."""

    def __init__(self) -> None:
        self.port = free_port()
        self.dir = tempfile.mkdtemp(prefix="bench-redis-")
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", self.dir], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.05)
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def stop(self) -> None:
        stop(self.process)
        shutil.rmtree(self.dir, ignore_errors=True)


class Product:
    """gunicorn (gunicorn.conf.py, gevent-websocket worker) + worker.py on a database made for the run."""

    def __init__(self, redis_url: str, log_path: Path) -> None:
        import psycopg

        self.db_name = f"livechat_bench_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(POSTGRES, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{self.db_name}"')
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.instance = tempfile.mkdtemp(prefix="bench-instance-")
        env = dict(os.environ) | {
            "DATABASE_URL": POSTGRES.rsplit("/", 1)[0] + "/" + self.db_name,
            "REDIS_URL": redis_url,
            "SECRET_KEY": "bench-secret-" + "x" * 40,
            "PUBLIC_URL": self.url,
            "LIVECHAT_INSTANCE": self.instance,
            # The abuse limits would refuse a load test's traffic from one address.
            "WIDGET_VISITOR_MESSAGE_RATE": "100000/minute",
            "WIDGET_PROJECT_MESSAGE_RATE": "10000000/minute",
            "WIDGET_SESSION_RATE": "100000 per minute",
            "WIDGET_IP_MESSAGE_RATE": "10000000/minute",
            "WIDGET_NEW_VISITOR_RATE": "100000/minute",
            "REGISTER_RATE_PER_IP": "100000 per hour",
        }
        self.web = self.worker = None
        try:
            subprocess.run([PY, "-m", "flask", "--app", "wsgi", "db", "upgrade"], cwd=ROOT, env=env, check=True,
                           capture_output=True)
            out = open(log_path, "w")
            self.web = subprocess.Popen([PY, "-m", "gunicorn", "-c", "gunicorn.conf.py", "-w", "1",
                                         "-b", f"127.0.0.1:{self.port}", "--log-level", "warning", "wsgi:app"],
                                        cwd=ROOT, env=env, stdout=out, stderr=out)
            self.worker = subprocess.Popen([PY, "worker.py"], cwd=ROOT, env=env, stdout=out, stderr=out)
            wait_ready(self.url, self.web)
        except Exception:
            self.stop()
            raise

    def web_pid(self) -> int:
        """The gunicorn worker (the one process serving sockets), not the master."""
        return children(self.web.pid)[0]

    def rss(self) -> dict[str, float]:
        return {"web": rss_mb([self.web_pid()]), "worker": rss_mb([self.worker.pid, *children(self.worker.pid)])}

    def stop(self) -> None:
        import psycopg

        stop(self.web)
        stop(self.worker)
        with psycopg.connect(POSTGRES, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{self.db_name}" WITH (FORCE)')
        shutil.rmtree(self.instance, ignore_errors=True)


def start_flask_relay(redis_url: str, log_path: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    out = open(log_path, "w")
    process = subprocess.Popen([PY, "-m", "gunicorn", "-k", WORKER_CLASS, "-w", "1", "-b", f"127.0.0.1:{port}",
                                "--worker-connections", "10000", "--log-level", "warning", "--chdir", str(BENCH),
                                "relay_flask:app"],
                               cwd=BENCH, env=dict(os.environ) | {"BENCH_REDIS_URL": redis_url},
                               stdout=out, stderr=out)
    url = f"http://127.0.0.1:{port}"
    wait_ready(url, process)
    return process, url


def start_node_relay(log_path: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    out = open(log_path, "w")
    process = subprocess.Popen(["node", str(BENCH / "relay_node.mjs"), str(port)], cwd=BENCH, stdout=out, stderr=out)
    url = f"http://127.0.0.1:{port}"
    wait_ready(url, process)
    return process, url


# --- the profile ------------------------------------------------------------------------

_FRAME = re.compile(r"^(?P<function>.*?) \((?P<file>[^()]*?)(?::\d+)?\)$")


def _short(frame: str) -> str:
    match = _FRAME.match(frame.strip())
    if not match:
        return frame.strip()
    path = match["file"]
    for anchor in ("site-packages/", str(ROOT) + "/"):
        if anchor in path:
            path = path.split(anchor, 1)[1]
    return f"{match['function']} ({path})"


_PLUMBING = ("(gevent/pywsgi.py)", "(gevent/baseserver.py)", "(gevent/greenlet.py)", "(geventwebsocket/handler.py)",
             "(flask/app.py)", "(engineio/middleware.py)", "(flask_socketio/__init__.py)", "(engineio/socket.py)",
             "(engineio/base_server.py)", "(engineio/server.py)")


def profile_top(raw: Path, top: int = 25) -> tuple[int, list[tuple[str, float]], list[tuple[str, float]]]:
    """Collapsed py-spy stacks → (samples, top inclusive, top self), shares in % of samples."""
    inclusive: collections.Counter[str] = collections.Counter()
    own: collections.Counter[str] = collections.Counter()
    total = 0
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        n = int(count)
        total += n
        frames = [_short(f) for f in stack.split(";") if f and not f.startswith("process ") and
                  not f.startswith("thread ")]
        for name in set(frames):
            if not name.endswith(_PLUMBING):  # the server loop and WSGI wrappers every sample passes through
                inclusive[name] += n
        if frames:
            own[frames[-1]] += n
    share = lambda counter: [(name, round(100 * n / total, 1)) for name, n in counter.most_common(top)]  # noqa: E731
    return total, share(inclusive), share(own)


def profile_product(product: Product, args: argparse.Namespace, out: Path) -> dict:
    """py-spy on the web process while the generator sends at args.profile_rate."""
    py_spy = shutil.which("py-spy", path=str(Path(PY).parent)) or shutil.which("py-spy")
    if not py_spy:
        log("py-spy not found: no profile")
        return {}
    seconds = args.profile_seconds
    recorders = []

    def record() -> None:  # the sending only, not the set-up's logins and widget sessions
        recorders.append(subprocess.Popen(
            [py_spy, "record", "--nonblocking", "-r", "100", "-d", str(int(seconds)), "--format", "raw",
             "-o", str(out), "-p", str(product.web_pid())], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))

    try:
        run = generate(product.url, "product", args, rates=f"{args.profile_rate:g}", step=seconds, on_ladder=record)
    finally:
        for recorder in recorders:
            recorder.wait(timeout=120)
    if not out.exists():
        return {"run": run}
    total, inclusive, own = profile_top(out)
    return {"run": run, "samples": total, "inclusive": inclusive, "self": own}


# --- the report ---------------------------------------------------------------------------

def headline(result: dict) -> tuple[float | None, bool]:
    """(highest rate with visitor → agent p99 ≤ 50 ms, every send acked, nothing lost; True if the ladder's top).

    The highest passing step, even above a failing one: on a shared machine a
    neighbour's burst can spoil one 8-second step's p99 (the table shows each).
    """
    steps = result["steps"]
    passing = [step["rate"] for step in steps
               if step["acked"] == step["sent"] and not step["unanswered"] and not step["lost"]
               and step["lat_p99"] is not None and step["lat_p99"] <= HEADLINE_P99_MS]
    best = max(passing, default=None)
    return best, best is not None and best == steps[-1]["rate"] and not steps[-1].get("saturated")


def saturation(result: dict) -> float:
    return max((step["acked_per_s"] for step in result["steps"]), default=0.0)


def machine() -> dict:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    mem = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
               if line.startswith("MemTotal"))
    version = lambda *cmd: subprocess.run(cmd, capture_output=True, text=True).stdout.strip().splitlines()[0]  # noqa: E731
    import psycopg

    with psycopg.connect(POSTGRES) as conn:
        pg = conn.execute("SHOW server_version").fetchone()[0]
    return {
        "host": platform.node(), "cpus": os.cpu_count(), "cpu": cpu, "ram_gb": round(mem / 1024 / 1024),
        "kernel": platform.release(), "python": platform.python_version(), "node": version("node", "--version"),
        "postgres": pg, "redis": version("redis-server", "--version").split()[2].removeprefix("v="),
    }


def plot(results: dict[str, dict], path: Path, title: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axis = plt.subplots(figsize=(8, 5), dpi=110)
    for (name, result), colour in zip(results.items(), ("tab:red", "tab:blue", "tab:green")):
        steps = [s for s in result["steps"] if s["lat_p99"] is not None]
        rates = [s["rate"] for s in steps]
        axis.plot(rates, [s["lat_p99"] for s in steps], "o-", color=colour, label=f"{name} p99")
        axis.plot(rates, [s["lat_p50"] for s in steps], "o--", color=colour, alpha=0.5, label=f"{name} p50")
    axis.axhline(HEADLINE_P99_MS, color="grey", linestyle=":", label="50 ms")
    axis.set_yscale("log")
    axis.set_xlabel("offered rate (messages/s, each fanned out to every agent)")
    axis.set_ylabel("visitor → agent latency (ms)")
    axis.set_title(title, fontsize=10)
    axis.grid(True, which="both", alpha=0.3)
    axis.legend(fontsize=8)
    figure.tight_layout()
    figure.savefig(path)
    plt.close(figure)


def fmt(value: object) -> str:
    return "–" if value is None else f"{value:g}" if isinstance(value, float) else str(value)


def report(args: argparse.Namespace, info: dict, results: dict[str, dict], rss: dict, prof: dict,
           plot_path: Path, started: datetime, minutes: float) -> str:
    lines = [f"### {started:%Y-%m-%d %H:%M} UTC — `{args.label}`", ""]
    lines.append(f"Command: `make bench BENCH_ARGS=\"{' '.join(sys.argv[1:])}\"` ({minutes:.1f} min). Machine: "
                 f"{info['host']}, {info['cpus']} × {info['cpu']}, {info['ram_gb']} GB RAM, Linux {info['kernel']}, "
                 f"Python {info['python']}, Node {info['node']}, PostgreSQL {info['postgres']}, "
                 f"Redis {info['redis']}; load average before the run {args.load_before}. Generator: "
                 f"`bench/gen.mjs` (socket.io-client), {args.visitors} visitors, {args.agents} agents, "
                 f"{args.step:g} s per step, on the same machine.")
    lines.append("")
    product = results.get("product")
    lines += ["| server | highest rate with p99 ≤ 50 ms, all acked (msg/s) | saturation (acked msg/s) | "
              "opening burst ack p50 / p99 (ms) | lost / dup deliveries |", "| --- | --- | --- | --- | --- |"]
    for name, result in results.items():
        best, topped = headline(result)
        opening = result["opening"]
        lines.append(f"| {name} | **{fmt(best)}{'+' if topped else ''}** | {fmt(saturation(result))} | "
                     f"{fmt(opening['ack_p50'])} / {fmt(opening['ack_p99'])} | "
                     f"{sum(s['lost'] for s in result['steps']) + opening['lost']} / "
                     f"{result['duplicated_deliveries']} |")
    if product:
        best_product = headline(product)[0] or 0
        for name in ("flask relay", "node relay"):
            if name in results:
                best_relay = headline(results[name])[0]
                ratio = f"{100 * best_product / best_relay:.0f} %" if best_relay else "–"
                sat = (
                    f"{100 * saturation(product) / saturation(results[name]):.0f} %"
                    if saturation(results[name])
                    else "–"
                )
                lines.append("")
                lines.append(f"Product / {name}: headline rate **{ratio}**, saturation {sat}.")
    lines += ["", "Every step (visitor → agent and ack latency in ms; refused = error acks by code):", "",
              "| server | rate | sent / acked / unanswered | refused | acked/s | ack p50 / p99 | "
              "visitor → agent p50 / p95 / p99 / max | lost |", "| --- | --- | --- | --- | --- | --- | --- | --- |"]
    for name, result in results.items():
        for s in result["steps"]:
            lines.append(f"| {name} | {s['rate']} | {s['sent']} / {s['acked']} / {s['unanswered']} | "
                         f"{json.dumps(s['refused']) if s['refused'] else '–'} | {fmt(s['acked_per_s'])} | "
                         f"{fmt(s['ack_p50'])} / {fmt(s['ack_p99'])} | {fmt(s['lat_p50'])} / {fmt(s['lat_p95'])} / "
                         f"{fmt(s['lat_p99'])} / {fmt(s['lat_max'])} | {s['lost']} |")
    if product and product.get("session_p50") is not None:
        lines += [
            "",
            f"Product widget sessions during set-up (`POST /api/v1/widget/session`, browser user agent "
            f"and page, 20 concurrent): {product.get('sessions_per_s', '–')}/s, p50 "
            f"{product['session_p50']} ms, p99 {product['session_p99']} ms. "
            f"RSS after the ladder: web {rss.get('web')} MB, worker {rss.get('worker')} MB.",
        ]
    lines += ["", f"![visitor → agent latency vs rate]({plot_path.name})", ""]
    if prof.get("samples"):
        run = prof["run"]["steps"][0]
        lines += [f"Profile of the product's web process: `py-spy record --nonblocking -r 100 --format raw` while "
                  f"the generator sent {run['rate']} msg/s for {args.profile_seconds:g} s (acked {run['acked']} / "
                  f"{run['sent']}, visitor → agent p50 / p99 {fmt(run['lat_p50'])} / {fmt(run['lat_p99'])} ms); "
                  f"{prof['samples']} samples. Top by inclusive share, then by own (leaf) share:", "",
                  "| inclusive % | function |", "| --- | --- |"]
        lines += [f"| {share} | `{name}` |" for name, share in prof["inclusive"]]
        lines += ["", "| own % | function |", "| --- | --- |"]
        lines += [f"| {share} | `{name}` |" for name, share in prof["self"][:15]]
        lines.append("")
    return "\n".join(lines) + "\n"


def write_results(section: str) -> None:
    path = BENCH / "RESULTS.md"
    text = path.read_text() if path.exists() else f"# Benchmarks\n\n{MARKER}\n"
    if MARKER not in text:
        text = text.rstrip() + f"\n\n{MARKER}\n"
    head, tail = text.split(MARKER, 1)
    path.write_text(f"{head}{MARKER}\n\n{section}{tail}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--label", default="run", help="names the RESULTS.md section and the plot file")
    parser.add_argument("--rates", default="100,200,300,500,700,1000,1500,2000")
    parser.add_argument("--step", type=float, default=8.0, help="seconds per rate")
    parser.add_argument("--settle", type=float, default=8.0, help="seconds to wait for a step's acks and deliveries")
    parser.add_argument("--visitors", type=int, default=200)
    parser.add_argument("--agents", type=int, default=5)
    parser.add_argument("--servers", default="product,flask relay,node relay")
    parser.add_argument("--profile-rate", type=float, default=150.0)
    parser.add_argument("--profile-seconds", type=float, default=10.0)
    parser.add_argument("--no-profile", action="store_true")
    parser.add_argument("--no-write", action="store_true", help="print the section instead of writing RESULTS.md")
    parser.add_argument("--render", help="write the report of a saved bench/results-<label>.json again, run nothing")
    args = parser.parse_args()
    if args.render:
        return render(Path(args.render), args.no_write)
    servers = [s.strip() for s in args.servers.split(",")]
    started = datetime.now(timezone.utc)
    args.load_before = " ".join(Path("/proc/loadavg").read_text().split()[:3])
    info = machine()
    logs = Path(tempfile.mkdtemp(prefix="bench-logs-"))
    log("logs in", logs)
    results: dict[str, dict] = {}
    rss: dict = {}
    prof: dict = {}
    redis = Redis()
    try:
        if "product" in servers:
            log("product: starting")
            product = Product(redis.url, logs / "product.log")
            try:
                results["product"] = generate(product.url, "product", args)
                rss = product.rss()
                if not args.no_profile:
                    log("product: profiling")
                    prof = profile_product(product, args, logs / "profile.txt")
            finally:
                product.stop()
            errors = [line for line in (logs / "product.log").read_text().splitlines() if "Error" in line]
            if errors:
                log(f"product log: {len(errors)} error lines, first: {errors[0][:200]}")
        for name, start in (("flask relay", lambda: start_flask_relay(redis.url, logs / "flask.log")),
                            ("node relay", lambda: start_node_relay(logs / "node.log"))):
            if name not in servers:
                continue
            log(f"{name}: starting")
            process, url = start()
            try:
                results[name] = generate(url, "relay", args)
            finally:
                stop(process)
    finally:
        redis.stop()
    minutes = (datetime.now(timezone.utc) - started).total_seconds() / 60
    saved = BENCH / f"results-{args.label}.json"
    saved.write_text(json.dumps({"args": vars(args), "argv": sys.argv[1:], "info": info, "started": started.isoformat(),
                                 "minutes": minutes, "rss": rss, "results": results, "profile": prof}, indent=1))
    return render(saved, args.no_write)


def render(saved: Path, no_write: bool) -> int:
    """The RESULTS.md section and the plot of one saved run."""
    data = json.loads(saved.read_text())
    args = argparse.Namespace(**data["args"])
    sys.argv[1:] = data["argv"]
    started = datetime.fromisoformat(data["started"])
    results = data["results"]
    plot_path = BENCH / f"latency-vs-rate-{args.label}.png"
    plot(results, plot_path, f"{args.label}: {args.visitors} visitors, {args.agents} agents, {started:%Y-%m-%d}")
    section = report(args, data["info"], results, data["rss"], data["profile"], plot_path, started, data["minutes"])
    if no_write:
        print(section)
    else:
        write_results(section)
        log("wrote bench/RESULTS.md and", plot_path.name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
