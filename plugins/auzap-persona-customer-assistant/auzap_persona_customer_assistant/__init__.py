"""The customer assistant persona (an ordinary AuZap plugin)."""
