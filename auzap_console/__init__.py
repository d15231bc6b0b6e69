"""AuZap Console: the console where pet shops run WhatsApp AI agents."""

__version__ = "0.1.0"
