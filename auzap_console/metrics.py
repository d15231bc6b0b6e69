"""Prometheus metrics.

Per process: the web backend exposes its own registry; job metrics are observed where the
job runs (the web process in local mode, the `rq` workers in production).
"""

from __future__ import annotations

from prometheus_client import Counter, Histogram

WEBHOOKS = Counter("auzap_webhooks_total", "Webhook deliveries by provider and result", ["provider", "result"])
MESSAGES = Counter("auzap_messages_total", "Messages processed by direction and outcome", ["direction", "outcome"])
JOB_LATENCY = Histogram("auzap_job_seconds", "Job run time", ["job"], buckets=(0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120))
MODEL_LATENCY = Histogram("auzap_model_seconds", "Model call latency", ["engine"], buckets=(0.01, 0.05, 0.1, 0.5, 1, 2, 5, 10, 30, 60))
MODEL_TOKENS = Counter("auzap_model_tokens_total", "Model tokens", ["engine", "kind"])
