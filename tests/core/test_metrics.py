"""GET /metrics: Prometheus text, counters that move with traffic, and who may scrape."""
from __future__ import annotations

import pytest
from prometheus_client.parser import text_string_to_metric_families


def samples(body: str) -> dict[tuple, float]:
    """{(sample name, sorted labels): value} of a scrape."""
    found = {}
    for family in text_string_to_metric_families(body):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


def value(scrape: dict, name: str, **labels) -> float:
    return scrape.get((name, tuple(sorted(labels.items()))), 0.0)


@pytest.fixture
def metrics_token(app):
    """Set METRICS_TOKEN for one test."""
    saved = app.config.get("METRICS_TOKEN")
    app.config["METRICS_TOKEN"] = "scrape-me-" + "x" * 20
    yield app.config["METRICS_TOKEN"]
    app.config["METRICS_TOKEN"] = saved


def test_scrape_after_traffic_shows_the_counters_moving(client, api, make_project):
    before = samples(client.get("/metrics").get_data(as_text=True))
    for _ in range(3):
        assert client.get("/healthz").status_code == 200
    project, manager = make_project()
    assert api.get(f"/projects/{project['id']}/nope", token=manager["access_token"]).status_code == 404
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.content_type.startswith("text/plain")
    after = samples(response.get_data(as_text=True))
    count = "livechat_http_request_duration_seconds_count"
    assert value(after, count, endpoint="health.healthz", method="GET", status="200") - \
        value(before, count, endpoint="health.healthz", method="GET", status="200") == 3
    # Routes are labelled by endpoint name, never by raw path (ids would explode the series).
    assert value(after, count, endpoint="projects.create_project", method="POST", status="201") >= 1
    assert not any(f"/projects/{project['id']}" in str(labels) for _, labels in after)
    assert value(after, "livechat_database_up") == 1
    assert value(after, "livechat_outbox_lag_seconds") >= 0


def test_queue_depths_are_reported_in_production_mode(app, client):
    if app.config["BACKEND"] != "postgres":
        pytest.skip("RQ queues exist in production mode only")
    scrape = samples(client.get("/metrics").get_data(as_text=True))
    assert value(scrape, "livechat_redis_up") == 1
    for queue in ("default", "mail", "webhooks", "outbox"):
        assert ("livechat_rq_queue_depth", (("queue", queue),)) in scrape


def test_unauthenticated_scrape_is_refused_when_a_token_is_set(client, metrics_token):
    refused = client.get("/metrics")
    assert refused.status_code == 401
    assert refused.json["error"]["code"] == "metrics_token_required"
    assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 401
    allowed = client.get("/metrics", headers={"Authorization": f"Bearer {metrics_token}"},
                         environ_base={"REMOTE_ADDR": "203.0.113.7"})
    assert allowed.status_code == 200
    assert "livechat_http_request_duration_seconds" in allowed.get_data(as_text=True)


def test_without_a_token_only_direct_loopback_clients_may_scrape(client):
    remote = client.get("/metrics", environ_base={"REMOTE_ADDR": "203.0.113.7"})
    assert remote.status_code == 403
    assert remote.json["error"]["code"] == "metrics_forbidden"
    # Through a proxy the request comes from loopback too, but on behalf of someone else.
    proxied = client.get("/metrics", headers={"X-Forwarded-For": "203.0.113.7"})
    assert proxied.status_code == 403
    assert client.get("/metrics").status_code == 200


def test_every_response_carries_a_request_id(client):
    response = client.get("/healthz", headers={"X-Request-ID": "abc-123"})
    assert response.headers["X-Request-ID"] == "abc-123"
    generated = client.get("/healthz", headers={"X-Request-ID": "bad id with spaces"}).headers["X-Request-ID"]
    assert generated and " " not in generated
