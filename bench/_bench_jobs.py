"""The baseline job for pipeline.py (workers cannot run functions from __main__)."""


def noop() -> None:
    """Do nothing."""
