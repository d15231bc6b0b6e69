"""Estimated model cost: USD per million tokens (input, output), kept in micro-dollars."""

from __future__ import annotations

PRICES_PER_MILLION: dict[str, tuple[float, float]] = {
    "gpt-4o-mini": (0.15, 0.60),
    "gpt-4o": (2.50, 10.00),
    "gpt-4.1-mini": (0.40, 1.60),
    "gpt-4.1": (2.00, 8.00),
    "offline": (0.0, 0.0),
}
DEFAULT_PRICE = (0.50, 1.50)  # unknown models (e.g. a local Ollama): a conservative guess


def cost_micro_usd(model: str, tokens_in: int, tokens_out: int) -> int:
    """Estimated cost of one call, in millionths of a dollar."""
    price_in, price_out = PRICES_PER_MILLION.get(model, DEFAULT_PRICE)
    return round(tokens_in * price_in + tokens_out * price_out)
