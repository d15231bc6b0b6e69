"""The SDR persona (an ordinary AuZap plugin)."""
