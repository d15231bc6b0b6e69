"""A platform's worth of rows on PostgreSQL, written with COPY (bench/dataset.py and the query-plan test).

At scale 1.0: 1,000 shops, 200,000 customers (and as many pets and conversations), 1,000,000
messages and 300,000 appointments. Shop 1 of the batch is the largest (10 % of every table); the
others share the rest evenly. Rows are written as the owner role (no RLS on COPY), ids are taken
from the tables' sequences, and the tables are ANALYZEd at the end, as autovacuum would.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import psycopg

BODIES_IN = (
    "oi, quanto custa o banho?",
    "tem horário para tosa amanhã?",
    "queria agendar banho e tosa para o Thor",
    "vocês buscam o pet em casa?",
    "obrigada! até sábado",
    "qual o valor da hidratação?",
    "meu cachorro tem pulgas, o que vocês indicam?",
)
BODIES_OUT = (
    "Olá! O banho P custa R$ 50,00. Quer agendar?",
    "Tenho 10:00 e 14:30 amanhã. Qual prefere?",
    "Agendado! Te espero às 10:00.",
    "Buscamos sim, a taxa é R$ 15,00.",
    "Por nada! Até sábado.",
)
FIRST = ("Ana", "Bruno", "Carla", "Diego", "Elaine", "Fábio", "Gabriela", "Heitor", "Isabela", "João", "Larissa", "Marcos")
LAST = ("Silva", "Souza", "Oliveira", "Santos", "Pereira", "Lima", "Costa", "Ferreira", "Almeida", "Ribeiro")
PETS = ("Thor", "Mel", "Bob", "Luna", "Nina", "Fred", "Pipoca", "Zeus", "Amora", "Toby")
SERVICES = (
    ("Banho P", 5000, 60, "bath"),
    ("Tosa completa", 9000, 90, "grooming"),
    ("Hidratação", 4000, 30, "bath"),
    ("Consulta", 12000, 30, "vet"),
)
TABLES = ("tenants", "services", "customers", "pets", "conversations", "messages", "appointments")


@dataclass
class Dataset:
    """What was written: the shops' ids (largest first) and, per shop, a conversation with many messages."""

    tenant_ids: list[int]
    busiest_conversation: dict[int, int] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)


def _share(total: int, shops: int, big: float = 0.10) -> list[int]:
    """How many rows each shop gets: the first `big` of the total, the rest evenly."""
    first = int(total * big) if shops > 1 else total
    rest = total - first
    return [first] + [rest // (shops - 1) + (1 if i < rest % (shops - 1) else 0) for i in range(shops - 1)] if shops > 1 else [first]


def _next_ids(cur, table: str, n: int) -> int:
    """Reserve `n` ids of `table`'s sequence; returns the first."""
    seq = cur.execute("SELECT pg_get_serial_sequence(%s, 'id')", (table,)).fetchone()[0]
    last = cur.execute("SELECT nextval(%s)", (seq,)).fetchone()[0]
    cur.execute("SELECT setval(%s, %s)", (seq, last + n))
    return last + 1


def _copy(cur, table: str, columns: tuple[str, ...], rows) -> int:
    count = 0
    with cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
            count += 1
    return count


def fill(admin_dsn: str, scale: float = 1.0, *, seed: int = 7, now: datetime | None = None) -> Dataset:
    """Write the dataset (scale 1.0: 1,000 shops … 1 M messages) through `admin_dsn` (psycopg URL)."""
    from auzap_console.services.auth import DEFAULT_BUSINESS_HOURS

    rnd = random.Random(seed)
    now = now or datetime.now(UTC)
    shops = max(2, int(1000 * scale))
    customers_per = _share(int(200_000 * scale), shops)
    messages_per = _share(int(1_000_000 * scale), shops)
    appointments_per = _share(int(300_000 * scale), shops)
    hours = json.dumps(DEFAULT_BUSINESS_HOURS)
    dataset = Dataset(tenant_ids=[])
    with psycopg.connect(admin_dsn.replace("postgresql+psycopg://", "postgresql://")) as conn, conn.cursor() as cur:
        first_tenant = _next_ids(cur, "tenants", shops)
        stamp = now.strftime("%Y%m%d%H%M%S%f")
        dataset.tenant_ids = list(range(first_tenant, first_tenant + shops))
        _copy(
            cur,
            "tenants",
            ("id", "slug", "name", "timezone", "locale", "currency", "business_hours", "settings", "created_at"),
            (
                (t, f"ds-{stamp}-{i}", f"Pet Shop {i}", "America/Sao_Paulo", "pt_BR", "BRL", hours, "{}", now - timedelta(days=400))
                for i, t in enumerate(dataset.tenant_ids)
            ),
        )
        service_ids: dict[int, list[int]] = {}
        first_service = _next_ids(cur, "services", shops * len(SERVICES))
        rows = []
        for i, t in enumerate(dataset.tenant_ids):
            service_ids[t] = [first_service + i * len(SERVICES) + k for k in range(len(SERVICES))]
            for sid, (name, price, minutes, category) in zip(service_ids[t], SERVICES, strict=True):
                rows.append((sid, t, name, "", price, minutes, category, 1, True, now - timedelta(days=400)))
        _copy(
            cur,
            "services",
            ("id", "tenant_id", "name", "description", "price_cents", "duration_minutes", "category", "capacity", "active", "created_at"),
            rows,
        )
        total_customers = sum(customers_per)
        first_customer = _next_ids(cur, "customers", total_customers)
        first_pet = _next_ids(cur, "pets", total_customers)
        first_conversation = _next_ids(cur, "conversations", total_customers)
        owners: dict[int, range] = {}  # tenant → its customer ids (= pet and conversation ids offset alike)
        start = 0
        for t, n in zip(dataset.tenant_ids, customers_per, strict=True):
            owners[t] = range(start, start + n)
            start += n

        def customer_rows():
            for t, span in owners.items():
                for k in span:
                    name = f"{rnd.choice(FIRST)} {rnd.choice(LAST)}"
                    phone = f"+55119{k:08d}"
                    created = now - timedelta(days=rnd.randint(1, 400))
                    yield (first_customer + k, t, name, phone, "", "", False, "[]", "", False, "customer", None, created, created)

        _copy(
            cur,
            "customers",
            (
                "id",
                "tenant_id",
                "name",
                "phone",
                "whatsapp_id",
                "email",
                "vip",
                "tags",
                "notes",
                "marketing_opt_out",
                "lead_stage",
                "last_visit_at",
                "created_at",
                "updated_at",
            ),
            customer_rows(),
        )
        _copy(
            cur,
            "pets",
            (
                "id",
                "tenant_id",
                "customer_id",
                "name",
                "species",
                "breed",
                "size",
                "temperament",
                "health_notes",
                "vaccinations",
                "created_at",
            ),
            (
                (
                    first_pet + k,
                    t,
                    first_customer + k,
                    rnd.choice(PETS),
                    "dog",
                    "SRD",
                    rnd.choice("PMG"),
                    "",
                    "",
                    "[]",
                    now - timedelta(days=300),
                )
                for t, span in owners.items()
                for k in span
            ),
        )
        # Where and when each message goes, first: conversations carry their last message's time.
        plan: list[tuple[int, int, datetime]] = []
        last_at: dict[int, datetime] = {}
        for t, n in zip(dataset.tenant_ids, messages_per, strict=True):
            span = owners[t]
            dataset.busiest_conversation[t] = first_conversation + span[0]
            for j in range(n):
                k = span[0] if j % 5 == 0 else rnd.choice(span)  # a fifth of a shop's messages make one long thread
                at = now - timedelta(minutes=rnd.randint(1, 365 * 24 * 60))
                plan.append((t, first_conversation + k, at))
                if at > last_at.get(first_conversation + k, at - timedelta(seconds=1)):
                    last_at[first_conversation + k] = at
        plan.sort(key=lambda row: row[2])  # stored in arrival order, all shops interleaved, as production writes them
        conversation_columns = ("id", "tenant_id", "customer_id", "persona", "status", "ai_paused", "waiting_human")
        conversation_columns += ("last_message_at", "unread_count", "created_at")
        dataset.counts["conversations"] = _copy(
            cur,
            "conversations",
            conversation_columns,
            (
                (
                    first_conversation + k,
                    t,
                    first_customer + k,
                    "customer_assistant",
                    "open" if k % 4 else "closed",
                    False,
                    k % 50 == 0,
                    last_at.get(first_conversation + k),
                    1 if k % 7 == 0 else 0,
                    now - timedelta(days=400),
                )
                for t, span in owners.items()
                for k in span
            ),
        )
        first_message = _next_ids(cur, "messages", len(plan))
        if cur.execute("SELECT to_regprocedure('auzap_message_partitions(date, date)')").fetchone()[0]:
            cur.execute("SELECT auzap_message_partitions(%s, %s)", (plan[0][2].date(), now.date()))  # the year's months
        message_columns = ("id", "tenant_id", "conversation_id", "direction", "sender", "body", "media_url", "delivery_status")
        message_columns += ("tokens_in", "tokens_out", "created_at", "processing")
        dataset.counts["messages"] = _copy(
            cur,
            "messages",
            message_columns,
            (
                (
                    first_message + j,
                    t,
                    conversation,
                    "in" if j % 2 == 0 else "out",
                    "customer" if j % 2 == 0 else "ai",
                    rnd.choice(BODIES_IN if j % 2 == 0 else BODIES_OUT),
                    "",
                    "delivered" if j % 2 == 0 else "sent",
                    0,
                    0,
                    at,
                    "done",
                )
                for j, (t, conversation, at) in enumerate(plan)
            ),
        )
        first_appointment = _next_ids(cur, "appointments", sum(appointments_per))

        def appointment_rows():
            rows = []
            for t, n in zip(dataset.tenant_ids, appointments_per, strict=True):
                span = owners[t]
                for _ in range(n):
                    k = rnd.choice(span)
                    service = rnd.choice(service_ids[t])
                    day = now.date() + timedelta(days=rnd.randint(-180, 30))
                    starts = datetime(day.year, day.month, day.day, rnd.randint(11, 20), rnd.choice((0, 30)), tzinfo=UTC)
                    past = starts < now
                    status = rnd.choice(("completed", "completed", "completed", "no_show", "cancelled")) if past else "confirmed"
                    ends, booked = starts + timedelta(hours=1), starts - timedelta(days=3)
                    rows.append((t, first_customer + k, first_pet + k, service, starts, ends, status, 5000, "ai", "", booked))
            rows.sort(key=lambda row: row[-1])  # in booking order, as they were made
            for aid, row in enumerate(rows, start=first_appointment):
                yield (aid, *row)

        dataset.counts["appointments"] = _copy(
            cur,
            "appointments",
            (
                "id",
                "tenant_id",
                "customer_id",
                "pet_id",
                "service_id",
                "starts_at",
                "ends_at",
                "status",
                "price_cents",
                "source",
                "notes",
                "created_at",
            ),
            appointment_rows(),
        )
        dataset.counts.update(tenants=shops, customers=total_customers, pets=total_customers)
        conn.commit()
        conn.autocommit = True
        for table in TABLES:
            cur.execute(f"ANALYZE {table}")
    return dataset
