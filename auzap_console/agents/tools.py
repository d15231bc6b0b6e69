"""Tools are typed Python functions; their JSON schema comes from the signature and docstring.

The first parameter is always the server-side `ToolContext` (tenant, customer,
conversation): the model never sees it and cannot choose a tenant or a customer.
"""

from __future__ import annotations

import inspect
import re
import types
import typing
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Literal, get_args, get_origin

from auzap_console.plugin.types import ToolSpec

NAME_RE = re.compile(r"^[a-zA-Z0-9_-]{1,64}$")


@dataclass
class ToolContext:
    """What a tool knows about the conversation, set by the server."""

    tenant_id: int
    persona: str
    customer_id: int | None = None
    conversation_id: int | None = None
    channel_id: int | None = None
    phone: str = ""
    confirmed: bool = False
    state: dict = field(default_factory=dict)
    session: Any = field(default=None, repr=False)
    now: datetime | None = None
    message: str = ""  # the customer's latest words (e.g. for gender agreement)

    @property
    def actor(self):
        """The service-layer actor the AI acts as: staff of this tenant, never more."""
        from auzap_console.services.context import Actor

        return Actor(tenant_id=self.tenant_id, user_id=None, role="staff")


class ToolError(Exception):
    """A tool refused or failed; the message goes back to the model (in Portuguese)."""


def _json_type(annotation: Any) -> dict:
    origin = get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        non_none = [a for a in get_args(annotation) if a is not type(None)]
        return _json_type(non_none[0]) if len(non_none) == 1 else {"anyOf": [_json_type(a) for a in non_none]}
    if origin is Literal:
        values = list(get_args(annotation))
        return {"type": "string" if isinstance(values[0], str) else "integer", "enum": values}
    if origin in (list, tuple):
        args = get_args(annotation)
        return {"type": "array", "items": _json_type(args[0]) if args else {}}
    simple = {
        str: {"type": "string"},
        int: {"type": "integer"},
        float: {"type": "number"},
        bool: {"type": "boolean"},
        date: {"type": "string", "format": "date"},
        datetime: {"type": "string", "format": "date-time"},
    }
    if annotation in simple:
        return dict(simple[annotation])
    if annotation is dict or origin is dict:
        return {"type": "object"}
    raise TypeError(f"unsupported tool parameter type: {annotation!r}")


def _docstring_parts(doc: str) -> tuple[str, dict[str, str]]:
    """Summary and `Args:` descriptions of a Google-style docstring."""
    doc = inspect.cleandoc(doc or "")
    summary = doc.split("\n\n", 1)[0].replace("\n", " ").strip()
    params: dict[str, str] = {}
    match = re.search(r"^Args:\n((?:[ \t]+.*\n?)+)", doc, re.MULTILINE)
    if match:
        current = None
        for line in match.group(1).splitlines():
            m = re.match(r"^\s+(\w+)(?: \([^)]*\))?:\s*(.*)$", line)
            if m and len(line) - len(line.lstrip()) <= 4:
                current = m.group(1)
                params[current] = m.group(2).strip()
            elif current:
                params[current] += " " + line.strip()
    return summary, params


def tool_spec(
    function: Callable[..., Any],
    *,
    personas: list[str] | tuple[str, ...] = (),
    writes: bool = False,
    needs_confirmation: bool = False,
    name: str | None = None,
    audiences: list[str] | tuple[str, ...] = (),
    examples: list[str] | tuple[str, ...] = (),
    slots: dict[str, str] | None = None,
    fill_with: dict[str, str] | None = None,
    label: str = "",
) -> ToolSpec:
    """Build a `ToolSpec` from a function `(ctx: ToolContext, ...) -> dict | str`."""
    name = name or function.__name__
    if not NAME_RE.match(name):
        raise ValueError(f"invalid tool name {name!r}")
    if not personas and not audiences:
        raise ValueError(f"tool {name!r} must name at least one persona or audience")
    if set(audiences) - {"customer", "lead", "owner"}:
        raise ValueError(f"tool {name!r}: audiences must be customer, lead or owner")
    hints = typing.get_type_hints(function)
    params = list(inspect.signature(function).parameters.values())
    if not params or params[0].name not in ("ctx", "context"):
        raise ValueError(f"tool {name!r}: the first parameter must be `ctx: ToolContext`")
    summary, descriptions = _docstring_parts(function.__doc__ or "")
    if not summary:
        raise ValueError(f"tool {name!r} needs a docstring: it is the model's description")
    properties, required = {}, []
    unknown = (set(slots or {}) | set(fill_with or {})) - {p.name for p in params[1:]}
    if unknown:
        raise ValueError(f"tool {name!r}: slots/fill_with name unknown parameters {sorted(unknown)}")
    for p in params[1:]:
        if p.name not in hints:
            raise ValueError(f"tool {name!r}: parameter {p.name!r} needs a type annotation")
        schema = _json_type(hints[p.name])
        if p.name in descriptions:
            schema["description"] = descriptions[p.name]
        properties[p.name] = schema
        if p.default is inspect.Parameter.empty:
            required.append(p.name)
    parameters = {"type": "object", "properties": properties, "required": required, "additionalProperties": False}
    return ToolSpec(
        name=name,
        function=function,
        description=summary,
        parameters=parameters,
        personas=tuple(personas),
        writes=writes,
        needs_confirmation=needs_confirmation,
        audiences=tuple(audiences),
        examples=tuple(examples),
        slots=dict(slots or {}),
        fill_with=dict(fill_with or {}),
        label=label,
    )


def coerce_arguments(spec: ToolSpec, arguments: dict) -> dict:
    """Check the model's arguments against the schema; convert dates; refuse unknown keys."""
    props = spec.parameters["properties"]
    unknown = set(arguments) - set(props)
    if unknown:
        raise ToolError(f"argumentos desconhecidos: {', '.join(sorted(unknown))}")
    missing = [k for k in spec.parameters["required"] if k not in arguments]
    if missing:
        raise ToolError(f"faltam argumentos: {', '.join(missing)}")
    hints = typing.get_type_hints(spec.function)
    clean = {}
    for key, value in arguments.items():
        target = hints[key]
        non_none = (
            [a for a in get_args(target) if a is not type(None)] if get_origin(target) in (typing.Union, types.UnionType) else [target]
        )
        kind = non_none[0] if non_none else target
        try:
            if value is None:
                clean[key] = None
            elif kind is date:
                clean[key] = value if isinstance(value, date) else date.fromisoformat(str(value))
            elif kind is datetime:
                clean[key] = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
            elif kind is int:
                clean[key] = int(value)
            elif kind is float:
                clean[key] = float(value)
            elif kind is bool:
                clean[key] = value if isinstance(value, bool) else str(value).lower() in ("true", "1", "sim")
            elif get_origin(kind) is Literal:
                if value not in get_args(kind):
                    raise ValueError(value)
                clean[key] = value
            else:
                clean[key] = value
        except (TypeError, ValueError) as exc:
            raise ToolError(f"valor inválido para {key}: {value!r}") from exc
    return clean


def openai_schema(spec: ToolSpec) -> dict:
    """The chat-completions `tools` entry for a tool."""
    return {"type": "function", "function": {"name": spec.name, "description": spec.description, "parameters": spec.parameters}}
