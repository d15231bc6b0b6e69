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


def test_the_documented_services_exist_with_those_parameters():
    import importlib
    import re

    text = DOCS.read_text()
    section = text[text.index("## Services a plugin uses") : text.index("## Reference")]
    calls = re.findall(r"`(?:auzap_console\.jobs\.queues\.)?(\w+)\.(\w+)\(([^)]*)\)`", section)
    assert len(calls) >= 12
    for module, function, params in calls:
        package = "auzap_console.jobs" if module == "queues" else "auzap_console.services"
        target = getattr(importlib.import_module(f"{package}.{module}"), function)
        real = inspect.signature(target).parameters
        for param in re.findall(r"(\w+)(?:=[^,]*)?", params):
            if param != "args":
                assert param in real, f"{module}.{function} has no parameter {param!r}"
