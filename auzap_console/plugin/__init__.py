"""The plugin framework (pluggy): `hookimpl` is what plugin authors import.

from auzap_console.plugin import hookimpl

@hookimpl
def register_tools(register):
register(my_tool, personas=["customer_assistant"])
"""

import pluggy

PROJECT = "auzap"
hookimpl = pluggy.HookimplMarker(PROJECT)
hookspec = pluggy.HookspecMarker(PROJECT)

__all__ = ["PROJECT", "hookimpl", "hookspec"]
