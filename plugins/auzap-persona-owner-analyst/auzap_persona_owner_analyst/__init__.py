"""The owner analyst persona (an ordinary AuZap plugin)."""
