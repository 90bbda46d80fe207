"""What the ingress and the workers tell Prometheus, and `/healthz`, served by a small tornado server.

Metrics (prometheus-client, the process's default registry):
- `oralblanc_updates_received_total{outcome}` (ingress): `new`, `duplicate`, `refused` (bad secret),
  `invalid`, `failed` (not stored: Telegram will send it again);
- `oralblanc_updates_handled_total{outcome}` (workers): `done`, `skipped` (done already), `kept`
  (retried later), `let_go`, `failed`;
- `oralblanc_update_reply_seconds` (workers): from the update's arrival at the ingress (held in the
  inbox) to the end of its handling, replies sent;
- `oralblanc_queue_depth{queue}`: jobs waiting per queue, read from PostgreSQL at each scrape;
- `oralblanc_speech_real_time_factor` (speech workers): transcription time / audio duration per note;
- `oralblanc_handed_over_total{queue,outcome}`: speech and scoring jobs done (`done`, by the worker
  taking that queue) or given up (`given_up`, by the waiting update worker: nobody took them);
- `oralblanc_errors_total{where}`: handler errors (`handler`), failed jobs (`job`), ingress errors.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from prometheus_client import CONTENT_TYPE_LATEST, Counter, Gauge, Histogram, generate_latest

log = logging.getLogger(__name__)

UPDATES_RECEIVED = Counter(
    "oralblanc_updates_received_total", "Updates posted to the webhook ingress", ["outcome"]
)
UPDATES_HANDLED = Counter("oralblanc_updates_handled_total", "Update jobs run by the workers", ["outcome"])
UPDATE_REPLY_SECONDS = Histogram(
    "oralblanc_update_reply_seconds",
    "From the update's arrival at the ingress to the end of its handling",
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120),
)
QUEUE_DEPTH = Gauge("oralblanc_queue_depth", "Jobs waiting in each queue", ["queue"])
SPEECH_REAL_TIME_FACTOR = Histogram(
    "oralblanc_speech_real_time_factor",
    "Seconds of speech-to-text per second of audio, in speech jobs",
    buckets=(0.02, 0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1, 1.5, 2, 5),
)
HANDED_OVER = Counter(
    "oralblanc_handed_over_total",
    "Speech and scoring jobs: done by the worker taking that queue, or given up by the waiting one",
    ["queue", "outcome"],
)
ERRORS = Counter("oralblanc_errors_total", "Errors", ["where"])

Health = Callable[[], Awaitable[bool]]
Depths = Callable[[], Awaitable[dict[str, int]]]


def http_routes(health: Health, depths: Depths | None) -> list[tuple[str, Any, dict[str, Any]]]:
    """tornado routes: GET /healthz (200 `ok` or 503), GET /metrics (Prometheus text format)."""
    import tornado.web

    class HealthHandler(tornado.web.RequestHandler):
        async def get(self) -> None:
            try:
                ok = await health()
            except Exception:
                ok = False
            self.set_status(200 if ok else 503)
            self.set_header("Content-Type", "text/plain; charset=utf-8")
            self.finish("ok\n" if ok else "unavailable\n")

    class MetricsHandler(tornado.web.RequestHandler):
        async def get(self) -> None:
            if depths is not None:
                try:
                    for queue, depth in (await depths()).items():
                        QUEUE_DEPTH.labels(queue).set(depth)
                except Exception:
                    log.warning("queue depth not read", exc_info=True)
            self.set_header("Content-Type", CONTENT_TYPE_LATEST)
            self.finish(generate_latest())

    return [(r"/healthz", HealthHandler, {}), (r"/metrics", MetricsHandler, {})]


__all__ = [
    "ERRORS",
    "HANDED_OVER",
    "SPEECH_REAL_TIME_FACTOR",
    "QUEUE_DEPTH",
    "UPDATES_HANDLED",
    "UPDATES_RECEIVED",
    "UPDATE_REPLY_SECONDS",
    "http_routes",
]
