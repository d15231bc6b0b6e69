"""Job functions the test workers import by path."""

from __future__ import annotations

import os

from redis import Redis


def flaky(key: str) -> str:
    """Fail on the first attempt, succeed on the second (counts attempts in Redis)."""
    attempts = Redis.from_url(os.environ["REDIS_URL"]).incr(key)
    if attempts < 2:
        raise RuntimeError("first attempt fails on purpose")
    return f"ok after {attempts}"


def slow_then_answer(tenant_id: int, conversation_id: int, delay: float) -> dict:
    """The real agent job, after a pause (room for a test to kill the worker first)."""
    import time

    from auzap_console.jobs.agent import answer_conversation

    time.sleep(delay)
    return answer_conversation(tenant_id, conversation_id)


def answer_then_slow(tenant_id: int, conversation_id: int, delay: float) -> dict:
    """The real agent job, then a pause (the reply is committed; the worker dies before the ack)."""
    import time

    from auzap_console.jobs.agent import answer_conversation

    result = answer_conversation(tenant_id, conversation_id)
    time.sleep(delay)
    return result


def record(label: str) -> str:
    """Append `label` to the Redis list `order` (to see which job ran first)."""
    Redis.from_url(os.environ["REDIS_URL"]).rpush("order", label)
    return label


def slow_then_reminders(now_iso: str, tenant_id: int, delay: float) -> dict:
    """The reminder cron job at an injected time, after a pause (the worker may be killed first)."""
    import time
    from datetime import datetime

    from auzap_console.jobs.reminders import send_due_reminders

    time.sleep(delay)
    return send_due_reminders(now=datetime.fromisoformat(now_iso), only_tenant=tenant_id)


def reminders_then_slow(now_iso: str, tenant_id: int, delay: float) -> dict:
    """The reminder cron job, then a pause (the reminder is committed; the worker dies before the ack)."""
    import time
    from datetime import datetime

    from auzap_console.jobs.reminders import send_due_reminders

    result = send_due_reminders(now=datetime.fromisoformat(now_iso), only_tenant=tenant_id)
    time.sleep(delay)
    return result


def slow_campaign_minute(now_iso: str, tenant_id: int, pause: float) -> dict:
    """The campaign cron job at an injected time, each recipient written `pause` s apart (room to kill the worker midway)."""
    import time
    from datetime import datetime

    from auzap_console.jobs.campaigns import send_due_campaigns
    from auzap_console.services import campaigns

    original = campaigns.deliver

    def slow_deliver(*args, **kwargs):
        time.sleep(pause)
        return original(*args, **kwargs)

    campaigns.deliver = slow_deliver
    try:
        return send_due_campaigns(datetime.fromisoformat(now_iso), only_tenant=tenant_id)
    finally:
        campaigns.deliver = original
