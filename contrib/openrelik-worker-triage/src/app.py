# SPDX-License-Identifier: Apache-2.0
"""The Celery application of the worker, as OpenRelik's workers define it.

Start it from this folder, with REDIS_URL set and the triage programs on
PATH:

    celery --app=src.app worker --task-events --concurrency=2 \
        --loglevel=INFO -Q openrelik-worker-triage
"""
import os

from celery import Celery

REDIS_URL = os.getenv("REDIS_URL", "redis://localhost:6379/0")

celery = Celery(broker=REDIS_URL, backend=REDIS_URL, include=["src.tasks"])
celery.conf.update(
    task_serializer="json",
    result_serializer="json",
    accept_content=["json"],
    # One evidence item can take hours: hand the task back if the worker
    # dies, and take one at a time.
    task_acks_late=True,
    worker_prefetch_multiplier=1,
    broker_connection_retry_on_startup=True,
)
