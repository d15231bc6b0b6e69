"""Training plans, sessions and progress for AuZap Console, written against the public plugin API only."""
