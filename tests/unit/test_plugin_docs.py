"""Every hook is documented in docs/plugins.md with its exact signature."""

import inspect
from pathlib import Path

from auzap_console.plugin import hookspecs

DOCS = Path(__file__).resolve().parents[2] / "docs" / "plugins.md"


def test_every_hook_is_documented_with_its_signature():
    text = DOCS.read_text()
    for name in hookspecs.HOOK_NAMES:
        signature = f"{name}{inspect.signature(getattr(hookspecs, name))}".replace("'", "")
        assert f"### `{signature}`" in text, f"docs/plugins.md lacks: ### `{signature}`"
