"""Unit tests run on the embedded SQLite database."""

import pytest


@pytest.fixture(autouse=True)
def _sqlite(use_sqlite):
    return use_sqlite
