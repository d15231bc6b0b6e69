"""Integration tests run on the real PostgreSQL server, as the non-owner app role."""

import pytest

pytestmark = pytest.mark.postgres


@pytest.fixture(autouse=True)
def _postgres(use_postgres):
    return use_postgres
