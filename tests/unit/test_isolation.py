"""Tenant isolation on the embedded SQLite database (services and event handlers)."""

from tests.isolation_cases import *  # noqa: F403
