"""Tenant isolation on PostgreSQL, as the non-owner app role (services and event handlers)."""

from tests.isolation_cases import *  # noqa: F403
