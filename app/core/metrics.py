"""Prometheus metrics: `GET /metrics`, and one-line hooks for the code paths worth watching.

Counters and histograms live in the process that observes them. Under
gunicorn with several workers `gunicorn.conf.py` sets PROMETHEUS_MULTIPROC_DIR
before anything imports `prometheus_client`, which then keeps every worker's
values in files there; a scrape (answered by any worker) adds them up.
Outbox lag and RQ queue depths are read from PostgreSQL and Redis at scrape
time, so they are the same whichever process answers.

Access: with METRICS_TOKEN set, `Authorization: Bearer <token>` is required;
without it only loopback clients that came through no proxy are answered.
"""
from __future__ import annotations

import hmac
import ipaddress
import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager

from flask import Blueprint, Flask, Response, current_app, g, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.metrics_core import Metric
from sqlalchemy import func, select

from app.core.errors import Forbidden, Unauthorized

log = logging.getLogger(__name__)

bp = Blueprint("metrics", __name__)

# Latency buckets in seconds: chat sends are fast (ms), the interesting tail is 50 ms – 2 s.
_LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

SOCKETS = Gauge(
    "livechat_sockets_connected", "Socket.IO connections open now, by namespace.", ["namespace"],
    multiprocess_mode="livesum",
)
MESSAGES_ACKED = Counter(
    "livechat_messages_acked", "Messages stored and acknowledged to their sender, by channel.", ["channel"],
)
ACK_LATENCY = Histogram(
    "livechat_ack_latency_seconds", "From receiving a send to acknowledging it (the message committed).",
    ["channel"], buckets=_LATENCY_BUCKETS,
)
SEND_ERRORS = Counter(
    "livechat_send_errors", "Sends answered with an error ack instead of a stored message, by error code.", ["code"],
)
WEBHOOK_FAILURES = Counter(
    "livechat_webhook_failures", "Webhook delivery attempts that failed (network error or non-2xx answer).",
)
HTTP_REQUESTS = Histogram(
    "livechat_http_request_duration_seconds", "HTTP requests by route (endpoint name), method and status.",
    ["endpoint", "method", "status"], buckets=_LATENCY_BUCKETS,
)


# --- hooks (one line at each call site) -------------------------------------------------

def socket_connected(namespace: str) -> None:
    """A Socket.IO client connected to `namespace`."""
    SOCKETS.labels(namespace).inc()


def socket_disconnected(namespace: str) -> None:
    """A Socket.IO client of `namespace` went away."""
    SOCKETS.labels(namespace).dec()


def message_acked(channel: str, started: float) -> None:
    """A send on `channel` ("widget", "agent", "api") was committed and acked; `started` is its time.monotonic()."""
    MESSAGES_ACKED.labels(channel).inc()
    ACK_LATENCY.labels(channel).observe(time.monotonic() - started)


@contextmanager
def timed_send(channel: str) -> Iterator[None]:
    """Wrap a send: counted and timed once it returns (stored, about to be acked), and finished before a
    graceful exit drops the process's sockets."""
    from app.core import lifecycle  # lifecycle is loaded after metrics

    started = time.monotonic()
    with lifecycle.send_in_flight():
        yield
    message_acked(channel, started)


def send_failed(code: str) -> None:
    """A send was answered with an error ack (`code` is the error's code)."""
    SEND_ERRORS.labels(code).inc()


def webhook_failed() -> None:
    """A webhook delivery attempt failed."""
    WEBHOOK_FAILURES.inc()


# --- read at scrape time -----------------------------------------------------------------

class _LiveCollector:
    """Values read from PostgreSQL and Redis when scraped: outbox lag, queue depths."""

    def __init__(self, app: Flask) -> None:
        self.app = app

    def collect(self) -> Iterator[Metric]:
        from app.core.db import utcnow  # at scrape time only
        from app.core.models import OutboxEvent  # at scrape time only
        from app.extensions import db  # at scrape time only

        database_up = GaugeMetricFamily("livechat_database_up", "1 when the database answered this scrape.")
        lag = GaugeMetricFamily(
            "livechat_outbox_lag_seconds",
            "Age of the oldest outbox row not yet published to sockets (0 when none waits).",
        )
        try:
            oldest = db.session.scalar(
                select(func.min(OutboxEvent.created_at)).where(OutboxEvent.published_at.is_(None))
            )
            if oldest is not None and oldest.tzinfo is None:
                oldest = oldest.replace(tzinfo=utcnow().tzinfo)
            lag.add_metric([], max(0.0, (utcnow() - oldest).total_seconds()) if oldest else 0.0)
            database_up.add_metric([], 1)
        except Exception as error:  # noqa: BLE001 - a scrape reports the outage, it does not fail
            db.session.rollback()
            log.warning("metrics: the database did not answer (%s)", type(error).__name__)
            database_up.add_metric([], 0)
        finally:
            db.session.rollback()
        yield database_up
        if lag.samples:
            yield lag
        yield from self._queues()

    def _queues(self) -> Iterator[Metric]:
        from app.core.jobs import _EXTENSION, QUEUES  # jobs imports metrics' users

        executor = self.app.extensions.get(_EXTENSION)
        redis = getattr(executor, "redis", None)
        if redis is None:
            return
        depth = GaugeMetricFamily("livechat_rq_queue_depth", "Jobs waiting in each RQ queue.", labels=["queue"])
        failed = GaugeMetricFamily("livechat_rq_failed_jobs", "Jobs in each RQ queue's failed registry.",
                                   labels=["queue"])
        redis_up = GaugeMetricFamily("livechat_redis_up", "1 when Redis answered this scrape.")
        try:
            with redis.pipeline(transaction=False) as pipe:
                for queue in QUEUES:
                    pipe.llen(f"rq:queue:{queue}")
                    pipe.zcard(f"rq:failed:{queue}")
                counts = pipe.execute()
            for index, queue in enumerate(QUEUES):
                depth.add_metric([queue], counts[2 * index])
                failed.add_metric([queue], counts[2 * index + 1])
            redis_up.add_metric([], 1)
        except Exception as error:  # noqa: BLE001
            log.warning("metrics: Redis did not answer (%s)", type(error).__name__)
            redis_up.add_metric([], 0)
        yield redis_up
        if depth.samples:
            yield depth
            yield failed


def _is_allowed() -> bool:
    token = current_app.config.get("METRICS_TOKEN") or ""
    if token:
        header = request.headers.get("Authorization", "")
        scheme, _, given = header.partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), token.encode()):
            raise Unauthorized("A valid metrics token is required.", code="metrics_token_required")
        return True
    # No token: loopback only. A request a proxy forwarded arrives from loopback too, so it is refused
    # unless the app trusts that proxy (TRUSTED_PROXY_COUNT), which then shows the real client address.
    forwarded = request.headers.get("X-Forwarded-For") and not current_app.config.get("TRUSTED_PROXY_COUNT")
    try:
        is_loopback = ipaddress.ip_address(request.remote_addr or "").is_loopback
    except ValueError:
        is_loopback = False
    if not is_loopback or forwarded:
        raise Forbidden("Metrics answer loopback clients only; set METRICS_TOKEN to scrape from elsewhere.",
                        code="metrics_forbidden")
    return True


@bp.get("/metrics")
def scrape() -> Response:
    """Prometheus text exposition of this deployment's metrics."""
    _is_allowed()
    if current_app.config.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]  # unannotated upstream
        body = generate_latest(registry)
    else:
        body = generate_latest(REGISTRY)
    live = CollectorRegistry()
    live.register(_LiveCollector(current_app))  # collected below, inside this request
    body += generate_latest(live)
    return Response(body, content_type=CONTENT_TYPE_LATEST, headers={"Cache-Control": "no-store"})


def init_app(app: Flask) -> None:
    """Serve /metrics and time every HTTP request by its route."""
    app.register_blueprint(bp)

    @app.before_request
    def _start_timer() -> None:
        g.metrics_started = time.monotonic()

    @app.after_request
    def _observe(response: Response) -> Response:
        started = g.pop("metrics_started", None)
        if started is not None:
            endpoint = request.url_rule.endpoint if request.url_rule is not None else "unmatched"
            HTTP_REQUESTS.labels(endpoint, request.method, str(response.status_code)).observe(
                time.monotonic() - started
            )
        return response
