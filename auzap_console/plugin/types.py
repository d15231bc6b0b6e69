"""What plugins contribute: small frozen records the core validates and keeps."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol


@dataclass(frozen=True)
class Persona:
    """An AI persona: who answers, with which instructions and tools.

    Attributes:
        name: Unique id, e.g. ``"customer_assistant"`` (letters, digits, underscores).
        title: Name shown in the console, e.g. ``"Assistente de clientes"``.
        instructions: The persona's system instructions (Portuguese).
        default_tools: The tools the author built the persona around (shown for reference; every
            tool registered for the persona is enabled unless the tenant picks a list).
        audience: ``"customer"``, ``"owner"`` or ``"lead"``: who talks to it (routing and ordering).
        offline_intents: What the offline engine answers for this persona (documentation only).
        offline_help: What the offline engine says to a greeting or a message it cannot place
            (pt-BR, e.g. the persona's menu). Empty: a neutral safe reply and a hand-off to the team.
        primary: Answers its audience by default when several personas serve it (else the first
            registered one does; `select_persona` can always override).
        specialist: Answers only the messages its plugin claims with `select_persona` (e.g. hotel
            bookings); never the default for its audience, nor the stand-in when the shop's main
            persona is switched off.
    """

    name: str
    title: str
    instructions: str
    default_tools: tuple[str, ...] = ()
    audience: str = "customer"
    offline_intents: tuple[str, ...] = ()
    offline_help: str = ""
    primary: bool = False
    specialist: bool = False


@dataclass(frozen=True)
class ToolSpec:
    """A registered tool: a typed function plus who may call it and how the offline engine reaches it.

    Attributes:
        personas: Persona names that may call it.
        audiences: Audiences (``"customer"``, ``"lead"``, ``"owner"``) whose every persona may call it.
        examples: Phrases customers use to ask for it: the offline engine matches messages against them.
        slots: Parameter → extractor name, where the parameter's type and name do not say it.
        fill_with: Parameter → another tool that offers choices for it when it is missing
            (``{"when": "check_availability"}``: list the free times instead of asking).
    """

    name: str
    function: Callable[..., Any]
    description: str
    parameters: dict
    personas: tuple[str, ...]
    writes: bool = False
    needs_confirmation: bool = False
    label: str = ""  # a few pt-BR words for the owner ("agenda", "cadastro de pet"); defaults to the docstring's summary
    audiences: tuple[str, ...] = ()
    examples: tuple[str, ...] = ()
    slots: dict = field(default_factory=dict)
    fill_with: dict = field(default_factory=dict)

    @property
    def display_label(self) -> str:
        """What the inbox chip shows: the label, else the description's first sentence."""
        return self.label or self.description.split(".")[0][:60]

    def allowed_for(self, persona: Persona) -> bool:
        """Whether `persona` may call this tool (by name or by its audience)."""
        return persona.name in self.personas or persona.audience in self.audiences


@dataclass(frozen=True)
class PageSpec:
    """A console page contributed by a plugin (compiled into the frontend at build time)."""

    route: str
    title: str
    component: Callable[[], Any]
    icon: str = "puzzle"
    role: str = "staff"
    on_load: Any = None  # an event handler (or a list of them) run when the page opens, after the login check


@dataclass(frozen=True)
class ScheduleSpec:
    """A periodic job run by RQ's cron: `function` is a module-level function path."""

    name: str
    cron: str
    function: str
    queue: str = "low"


@dataclass(frozen=True)
class ProviderField:
    """One setting a provider needs, as the Channels form shows it (labels and help in pt-BR).

    `name` "base_url" and "external_id" fill the channel's columns; any other name is stored
    in the channel's encrypted credentials. `kind` "secret" is masked and, when editing, left
    blank keeps the stored value; "url" must be http(s).
    """

    name: str
    label: str
    kind: str = "text"  # text | url | secret
    required: bool = False
    help: str = ""
    placeholder: str = ""
    default: str = ""


@dataclass(frozen=True)
class ChannelProviderSpec:
    """A WhatsApp provider (Cloud API, WAHA, Evolution, simulator…) and the fields its form asks for.

    The adapter (`factory()`) may offer `check(channel)`: saving the form calls it to verify the
    credentials against the provider (raise `ProviderError` with `kind` "unreachable" or
    "unauthorized" for the clearest message).
    """

    name: str
    title: str
    factory: Callable[..., Any]
    fields: tuple[ProviderField, ...] = ()
    help: str = ""


@dataclass(frozen=True)
class MigrationSpec:
    """A plugin's Alembic version directory and its branch label."""

    branch: str
    directory: str


@dataclass(frozen=True)
class SegmentFilterSpec:
    """A campaign segment filter: `apply(select, value, tenant_id)` narrows a customer query.

    `kind` says what the Segments page asks the owner for: a whole ``"number"`` or a ``"text"``.
    """

    name: str
    title: str
    apply: Callable[..., Any]
    kind: str = "number"
    hint: str = ""


@dataclass(frozen=True)
class DashboardCardSpec:
    """A dashboard figure: `compute(session, actor) -> str`."""

    name: str
    title: str
    compute: Callable[..., str]
    icon: str = "chart-bar"


@dataclass(frozen=True)
class PluginSetting:
    """A per-shop setting a plugin declares; the Plugins page renders it as a form field.

    `kind` is "text", "number" (an integer), "bool" or "choice" (one of `choices`). `label`
    and `help` are pt-BR, for the owner. Read the shop's value with
    `auzap_console.services.plugins.settings_for(session, actor=..., plugin=...)`.
    """

    name: str
    label: str
    kind: str = "text"
    default: Any = None
    help: str = ""
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class BookingRefusal:
    """A vertical's no to an Agenda booking (hook `booking_refusal`; a plain string is one too).

    `reason` is pt-BR, shown to staff and customers. `pet` is True when the pet is the obstacle
    (e.g. its vaccines), not the time: the agent then does not offer other times.
    """

    reason: str
    pet: bool = False


@dataclass
class Contribution:
    """One item and the plugin that supplied it."""

    kind: str
    name: str
    plugin: str
    item: Any = field(repr=False)


# The `register` callbacks the contribution hooks receive, typed for plugin authors' editors
# and type checkers. Each call is validated by the core (a `PluginError` names the problem).


class RegisterPersona(Protocol):
    """``register(Persona(...))`` or ``register(name=..., title=..., instructions=..., ...)``."""

    def __call__(self, persona: Persona | None = None, /, **fields: Any) -> None: ...


class RegisterTool(Protocol):
    """``register(function, personas=[...], writes=False, ...)``: see `docs/plugins.md`."""

    def __call__(
        self,
        function: Callable[..., Any],
        /,
        *,
        personas: Sequence[str] = (),
        writes: bool = False,
        needs_confirmation: bool = False,
        name: str | None = None,
        audiences: Sequence[str] = (),
        examples: Sequence[str] = (),
        slots: dict[str, str] | None = None,
        fill_with: dict[str, str] | None = None,
        label: str = "",
    ) -> None: ...


class RegisterPage(Protocol):
    """``register(route="/daycare", title="Creche", component=fn, icon="dog", role="staff")``."""

    def __call__(self, *, route: str, title: str, component: Callable[[], Any], icon: str = "puzzle", role: str = "staff") -> None: ...


class RegisterSchedule(Protocol):
    """``register(name="daily-summary", cron="0 18 * * *", function="pkg.jobs:fn", queue="low")``."""

    def __call__(self, *, name: str, cron: str, function: str, queue: str = "low") -> None: ...


class RegisterChannelProvider(Protocol):
    """``register(name="waha", title="WAHA", factory=callable, fields=(ProviderField(...),), help="…")``."""

    def __call__(
        self, *, name: str, title: str, factory: Callable[..., Any], fields: Sequence[ProviderField] = (), help: str = ""
    ) -> None: ...


class RegisterMigration(Protocol):
    """``register(branch="daycare", directory="/path/to/versions")``."""

    def __call__(self, *, branch: str, directory: str) -> None: ...


class RegisterSegmentFilter(Protocol):
    """``register(name="species", title="Espécie do pet", apply=fn)``."""

    def __call__(self, *, name: str, title: str, apply: Callable[..., Any]) -> None: ...


class RegisterDashboardCard(Protocol):
    """``register(name="hotel-guests", title="Hóspedes hoje", compute=fn, icon="bed")``."""

    def __call__(self, *, name: str, title: str, compute: Callable[..., str], icon: str = "chart-bar") -> None: ...


class RegisterSetting(Protocol):
    """``register(name="assinatura", label="Assinatura das dicas", kind="text", default="", help="…")``."""

    def __call__(
        self, *, name: str, label: str, kind: str = "text", default: Any = None, help: str = "", choices: Sequence[str] = ()
    ) -> None: ...
