"""Every hook a plugin may implement. Names never change; arguments may only be added.

Contribution hooks receive a `register` callback: the core validates each item, refuses
duplicates, and records which plugin supplied it. Decision hooks (`firstresult`) return a
value or None to let the next plugin decide.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from auzap_console.plugin import PROJECT, hookspec

if TYPE_CHECKING:
    from datetime import date, datetime

    from sqlmodel import Session

    from auzap_console.plugin.types import (
        BookingRefusal,
        RegisterChannelProvider,
        RegisterDashboardCard,
        RegisterMigration,
        RegisterPage,
        RegisterPersona,
        RegisterSchedule,
        RegisterSegmentFilter,
        RegisterSetting,
        RegisterTool,
    )
    from auzap_console.services.context import Actor


@hookspec
def register_personas(register: RegisterPersona) -> None:
    """Contribute AI personas.

    Args:
        register: ``register(Persona(...))``.
    """


@hookspec
def register_tools(register: RegisterTool) -> None:
    """Contribute tools the agents may call.

    Args:
        register: ``register(function, personas=["customer_assistant"], writes=False,
            needs_confirmation=False, name=None)``. The function's signature and docstring
            become its JSON schema; its first parameter is the server-side ``ToolContext``.
    """


@hookspec
def register_pages(register: RegisterPage) -> None:
    """Contribute console pages.

    Args:
        register: ``register(route="/daycare", title="Creche", component=fn, icon="dog", role="staff")``.
    """


@hookspec
def register_schedules(register: RegisterSchedule) -> None:
    """Contribute periodic jobs.

    Args:
        register: ``register(name="daily-summary", cron="0 18 * * *", function="pkg.jobs:fn", queue="low")``.
    """


@hookspec
def register_channel_providers(register: RegisterChannelProvider) -> None:
    """Contribute WhatsApp providers.

    Args:
        register: ``register(name="waha", title="WAHA", factory=callable, fields=[ProviderField(...)], help="…")``;
            `fields` are what the Channels form asks for (see `plugin.types.ProviderField`).
    """


@hookspec
def register_migrations(register: RegisterMigration) -> None:
    """Contribute an Alembic version directory (a branch) for the plugin's own tables.

    Args:
        register: ``register(branch="daycare", directory="/path/to/versions")``.
    """


@hookspec
def register_segment_filters(register: RegisterSegmentFilter) -> None:
    """Contribute campaign segment filters.

    Args:
        register: ``register(name="species", title="Espécie", apply=fn)``.
    """


@hookspec
def register_dashboard_cards(register: RegisterDashboardCard) -> None:
    """Contribute dashboard figures.

    Args:
        register: ``register(name="occupancy", title="Ocupação hoje", compute=fn, icon="bed")``.
    """


@hookspec
def register_settings(register: RegisterSetting) -> None:
    """Declare per-shop settings; the Plugins page shows them as a form (owner only).

    Args:
        register: ``register(name="assinatura", label="Assinatura das dicas", kind="text", default="", help="…")``;
            `kind` is text, number, bool or choice (with `choices=(...)`).
    """


@hookspec
def prompt_context(tenant_id: int, customer_id: int | None, persona: str) -> str | None:
    """Add a paragraph to the agent's prompt (e.g. a daycare stay in progress).

    Runs before the model is called, outside any transaction: open
    `tenant_session(tenant_id)` to read what you need.

    Args:
        tenant_id: The tenant of the conversation.
        customer_id: The customer talking, if known.
        persona: The persona answering.

    Returns:
        Text to append to the system prompt, or None.
    """


@hookspec
def message_received(tenant_id: int, conversation_id: int, message_id: int, text: str) -> None:
    """Observe every inbound message after it is stored (do not block: enqueue work).

    Args:
        tenant_id: The tenant.
        conversation_id: The conversation.
        message_id: The stored message.
        text: Its text.
    """


@hookspec(firstresult=True)
def select_persona(
    tenant_id: int,
    customer_id: int | None,
    phone: str,
    default: str,
    text: str,
    conversation_persona: str | None,
    session: Session,
) -> str | None:
    """Decide which persona answers an inbound message (first non-None answer wins).

    Called for every inbound message, inside the transaction that stores it: read through
    `session` (never open another session here; on SQLite it would wait for this one's lock).
    Returning another persona than `conversation_persona` moves the open conversation to it,
    with a note in the thread.

    Args:
        tenant_id: The tenant.
        customer_id: The customer (a new contact is created before routing).
        phone: The sender's E.164 phone.
        default: What the core would choose (the open conversation's persona, or by audience for a new one).
        text: The message.
        conversation_persona: The open conversation's persona, or None when this message opens a conversation.
        session: The ingest transaction, scoped to the tenant.

    Returns:
        A persona name, or None to leave the decision to others.
    """


@hookspec
def booking_refusal(
    session: Session,
    actor: Actor,
    category: str,
    pet_id: int | None,
    starts_at: datetime,
    ends_at: datetime,
    exclude_appointment: int | None,
    final: bool,
) -> str | BookingRefusal | None:
    """Refuse an Agenda booking that a vertical cannot take (e.g. no daycare place left that day).

    The core asks after its own checks (opening hours, the service's capacity, professionals):
    for each free time it offers (`final` False) and for each booking or move (`final` True),
    inside that transaction: read through `session`, and lock what you count when `final`.
    The first reason given refuses the time; a plugin that raises is logged and ignored.

    Args:
        session: The caller's transaction, scoped to the shop.
        actor: Who is booking (staff, or the agent acting for a customer), for the service API.
        category: The service's category (`models.catalog.CATEGORIES`: "bath", "daycare", "hotel"…).
        pet_id: The pet booked, when known (None while only listing free times).
        starts_at: The start (aware, UTC).
        ends_at: The end (aware, UTC): for a stay, the pick-up.
        exclude_appointment: The appointment being moved (do not count it against itself).
        final: True when the booking is being written.

    Returns:
        Why not, in Portuguese (shown to staff and to customers), or None to let it through; a
        `BookingRefusal(reason, pet=True)` when the pet is the obstacle (e.g. vaccines), so the
        agent does not offer other times.
    """


@hookspec
def seed_demo(session: Session, tenant_id: int, today: date) -> None:
    """Add the plugin's own demo data to the demo shop, so its pages are not empty on first run.

    Called once, when the demo shop is created (`scripts/run.sh`, `auzap demo`), inside that
    transaction and after the core's customers, pets and chats exist. Write through `session`;
    rows must carry `tenant_id`.

    Args:
        session: The demo's transaction, scoped to the demo shop.
        tenant_id: The demo shop.
        today: The shop's local date the demo is built around.
    """


HOOK_NAMES: tuple[str, ...] = tuple(
    name for name, value in list(globals().items()) if callable(value) and hasattr(value, f"{PROJECT}_spec")
)
"""Every hook, read from the specs above (pluggy marks each with `auzap_spec`)."""
