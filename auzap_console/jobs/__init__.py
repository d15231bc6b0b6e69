"""Background jobs: RQ queues in production, an in-process queue in local mode."""
