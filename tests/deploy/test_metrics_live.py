"""/metrics and JSON logs of a real production stack: gunicorn with two workers (multiprocess metrics)."""
from __future__ import annotations

import json
import time

import requests

from tests.core.test_metrics import samples, value
from tests.faults.stack import Load, Stack, _wait

TOKEN = "metrics-token-" + "y" * 24


def _scrape(url: str) -> dict:
    response = requests.get(f"{url}/metrics", headers={"Authorization": f"Bearer {TOKEN}"}, timeout=10)
    assert response.status_code == 200, response.text
    return samples(response.text)


def test_counters_move_across_worker_processes_and_logs_are_json_without_secrets(tmp_path):
    stack = Stack(tmp_path)
    try:
        web = stack.add_web("web1", WEB_CONCURRENCY="2", METRICS_TOKEN=TOKEN)
        stack.add_worker()
        web.wait_ready()
        assert len(web.worker_pids()) == 2
        refused = requests.get(f"{web.url}/metrics", timeout=10)
        assert refused.status_code == 401
        before = _scrape(web.url)

        seeded = stack.project(web.url)
        load = Load(stack, [web.url], seeded["project"], [seeded["token"]], visitors=6, rate=30)
        load.wait_ready()
        # Whichever worker answers, the gauge adds up every worker's sockets: 6 visitors, 1 agent.
        _wait(lambda: value(_scrape(web.url), "livechat_sockets_connected", namespace="/widget") == 6, 20,
              "six widget sockets counted")
        assert value(_scrape(web.url), "livechat_sockets_connected", namespace="/agent") == 1
        time.sleep(2)
        result = load.finish()
        listed = requests.get(f"{web.url}/api/v1/projects/{seeded['project']['id']}/conversations",
                              headers={"Authorization": f"Bearer {seeded['token']}"}, timeout=10)
        assert listed.status_code == 200
        acked = sum(len(v["acked"]) for v in result["visitors"])
        _wait(lambda: value(_scrape(web.url), "livechat_sockets_connected", namespace="/widget") == 0, 20,
              "the sockets are gone from the gauge once closed")

        after = _scrape(web.url)
        assert value(after, "livechat_messages_acked_total", channel="widget") - \
            value(before, "livechat_messages_acked_total", channel="widget") == acked
        assert value(after, "livechat_ack_latency_seconds_count", channel="widget") == acked
        assert value(after, "livechat_http_request_duration_seconds_count", endpoint="widget.widget_session",
                     method="POST", status="200") >= 6
        assert value(after, "livechat_outbox_lag_seconds") < 60
        for queue in ("default", "outbox"):
            assert ("livechat_rq_queue_depth", (("queue", queue),)) in after

        lines = [line for line in web.output().splitlines() if line.startswith("{")]
        records = [json.loads(line) for line in lines]
        access = [r for r in records if r.get("message") == "request"]
        assert access and all(r["request_id"] and r["route"] is not None for r in access if r["status"] != 404)
        assert any(r.get("user_id") for r in access)
        assert any(r.get("project_id") for r in access)
        log_text = web.output()
        assert "fault-suite " not in log_text  # message content never logged
        assert seeded["token"] not in log_text and TOKEN not in log_text
        assert "visitor_token" not in log_text
    finally:
        stack.close()
