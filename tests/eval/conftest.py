"""The evaluation runs on the SQLite test database."""

import pytest


@pytest.fixture(autouse=True)
def _sqlite(use_sqlite):
    yield
