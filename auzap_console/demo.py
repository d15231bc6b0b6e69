"""The demo tenant: a realistic Brazilian pet shop, generated deterministically.

Same seed, same shop: ~200 tutors with pets, the usual services, two months of
appointments around today (past ones completed or missed, upcoming ones confirmed), and a
fifth of the tutors who came three or four months ago and never came back. Three
professionals share the week's baths, grooming and training; today runs like a real day at
the counter (done, in service, waiting, one no-show, a health finding), and upcoming visits
have their reminders planned.
"""

from __future__ import annotations

import random
import secrets
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session, select

from auzap_console.crypto import encrypt_json, encrypt_text
from auzap_console.db import bind_tenant, tenant_session
from auzap_console.models import (
    Appointment,
    AuthorizedOwnerNumber,
    Campaign,
    CampaignRecipient,
    Channel,
    Conversation,
    Customer,
    HealthFinding,
    KnowledgeArticle,
    Message,
    Pet,
    Queue,
    QuickReply,
    Segment,
    Service,
    StaffMember,
    Tenant,
    UsageDaily,
    User,
)
from auzap_console.plugin import manager
from auzap_console.services.passwords import hash_password
from auzap_console.services.tenants import DEFAULT_BUSINESS_HOURS

DEMO_SLUG = "demo"
DEMO_EMAIL = "demo@auzap.com.br"
DEMO_PASSWORD = "demo12345"
DEMO_CUSTOMER_PHONE = "+5511988887777"  # Joana Tutora and her Shih Tzu Thor

SERVICES = [
    ("Banho P", "bath", 5000, 60, 3, "Banho completo para cães de porte pequeno."),
    ("Banho M", "bath", 6500, 75, 3, "Banho completo para cães de porte médio."),
    ("Banho G", "bath", 8500, 90, 2, "Banho completo para cães de porte grande."),
    ("Tosa higiênica", "grooming", 4000, 45, 2, "Patas, barriga e região íntima."),
    ("Tosa completa", "grooming", 9000, 120, 2, "Tosa na máquina ou tesoura, com banho."),
    ("Hidratação", "bath", 3500, 30, 2, "Hidratação de pelagem com máscara."),
    ("Creche (diária)", "daycare", 7000, 600, 10, "Dia inteiro de creche com recreação."),  # the places of Creche e hotel
    ("Hotel (pernoite)", "hotel", 12000, 1440, 6, "Pernoite com acompanhamento."),
    ("Adestramento (sessão)", "training", 15000, 60, 1, "Sessão individual de adestramento."),
    ("Consulta veterinária", "vet", 18000, 30, 1, "Consulta clínica geral."),
]
FIRST = [
    "Ana",
    "Bruno",
    "Carla",
    "Daniel",
    "Eduarda",
    "Felipe",
    "Gabriela",
    "Henrique",
    "Isabela",
    "João",
    "Juliana",
    "Lucas",
    "Mariana",
    "Nicolas",
    "Patrícia",
    "Rafael",
    "Sofia",
    "Thiago",
    "Vanessa",
    "Vinícius",
    "Larissa",
    "Pedro",
    "Beatriz",
    "Gustavo",
    "Camila",
    "Rodrigo",
    "Letícia",
    "Marcelo",
    "Fernanda",
    "André",
    "Aline",
    "Diego",
    "Renata",
    "Caio",
    "Priscila",
]
LAST = [
    "Silva",
    "Santos",
    "Oliveira",
    "Souza",
    "Lima",
    "Pereira",
    "Costa",
    "Rodrigues",
    "Almeida",
    "Nascimento",
    "Ferreira",
    "Carvalho",
    "Gomes",
    "Martins",
    "Araújo",
    "Ribeiro",
    "Barbosa",
    "Rocha",
    "Dias",
    "Moreira",
    "Cardoso",
    "Teixeira",
]
DOGS = [
    ("Shih Tzu", "P"),
    ("Yorkshire", "P"),
    ("Poodle", "P"),
    ("Lhasa Apso", "P"),
    ("Spitz Alemão", "P"),
    ("Maltês", "P"),
    ("Buldogue Francês", "M"),
    ("Beagle", "M"),
    ("Border Collie", "M"),
    ("SRD", "M"),
    ("Golden Retriever", "G"),
    ("Labrador", "G"),
    ("Pastor Alemão", "G"),
    ("Husky Siberiano", "G"),
    ("Dachshund", "P"),
    ("Pug", "P"),
]
CATS = ["Persa", "Siamês", "SRD", "Maine Coon", "Angorá"]
PET_NAMES = [
    "Thor",
    "Mel",
    "Bob",
    "Luna",
    "Nina",
    "Max",
    "Pipoca",
    "Bidu",
    "Belinha",
    "Fred",
    "Lola",
    "Pandora",
    "Zeus",
    "Amora",
    "Paçoca",
    "Toby",
    "Chico",
    "Frida",
    "Bolt",
    "Kiara",
    "Safira",
    "Billy",
    "Duque",
    "Jade",
    "Theo",
]
TEMPERAMENTS = ["dócil", "agitado", "medroso", "brincalhão", "bravo com outros cães", "tranquilo"]
DDDS = ["11", "11", "11", "11", "21", "19", "13"]


def _demo_exists(session: Session) -> Tenant | None:
    """Find the demo tenant by its owner's login (works under RLS)."""
    from auzap_console.services.auth import _login_lookup

    found = _login_lookup(session, DEMO_EMAIL)
    if not found:
        return None
    bind_tenant(session, found[1])
    return session.get(Tenant, found[1])


def seed_demo(*, seed: int = 42, customers: int = 200, today: date | None = None) -> int:
    """Create the demo tenant if it is missing; return its id. Idempotent."""
    with tenant_session(None) as session:
        existing = _demo_exists(session)
        if existing is not None:
            return existing.id  # type: ignore[return-value]
        from auzap_console.services.auth import _next_tenant_id

        tenant_id = _next_tenant_id(session)
        if tenant_id is not None:
            bind_tenant(session, tenant_id)
        tenant = Tenant(id=tenant_id, slug=DEMO_SLUG, name="Pet Shop Patas & Cia", business_hours=DEFAULT_BUSINESS_HOURS)
        session.add(tenant)
        session.flush()
        bind_tenant(session, tenant.id)
        today = today or datetime.now(ZoneInfo(tenant.timezone)).date()
        _fill(session, tenant, random.Random(seed), customers, today)
        _knowledge_and_chats(session, tenant)
        _marketing(session, tenant)
        _history(session, tenant, random.Random(seed + 1), datetime.now(UTC))
        _at_the_counter(session, tenant, datetime.now(UTC))
        manager.seed_demo(session=session, tenant_id=tenant.id, today=today)  # the plugins' own demo rows
        return tenant.id  # type: ignore[return-value]


ARTICLES = (
    ("Vacinas exigidas", "Para banho, tosa, creche e hotel pedimos a carteira com V10 (ou V8) e antirrábica em dia."),
    ("Formas de pagamento", "Aceitamos Pix, cartão de débito e crédito (até 3x sem juros acima de R$ 150) e dinheiro."),
    ("Leva e traz", "Buscamos e levamos o pet em até 5 km da loja por R$ 15 cada trecho. Agende junto com o serviço."),
)


QUEUES = (("Banho e tosa", ["banho", "tosa", "hidratação"], True), ("Hotel e creche", ["hotel", "creche", "hospedagem"], False))
QUICK_REPLIES = (
    ("preco-banho", "Oi {nome}! O banho do {pet} sai a partir de R$ 50,00 (porte P). Quer que eu veja um horário?"),
    ("endereco", "Estamos na Rua das Acácias, 120 — Vila Mariana. Tem estacionamento na frente. 🐾"),
    ("pronto", "Oi {nome}! O {pet} já está prontinho e cheiroso esperando você. 🛁"),
)


def _knowledge_and_chats(session: Session, tenant: Tenant) -> None:
    """Articles, queues, quick replies and two conversations, so the first run is not empty."""
    tid = tenant.id
    session.add_all([KnowledgeArticle(tenant_id=tid, title=title, body=body) for title, body in ARTICLES])
    staff_ids = list(session.exec(select(User.id).where(User.tenant_id == tid, User.role != "owner").order_by(User.id)))
    queues_ = [Queue(tenant_id=tid, name=n, keywords=k, member_ids=staff_ids, is_default=d) for n, k, d in QUEUES]
    session.add_all(queues_)
    session.add_all([QuickReply(tenant_id=tid, shortcut=k, body=b) for k, b in QUICK_REPLIES])
    session.flush()
    joana = session.exec(select(Customer).where(Customer.tenant_id == tid, Customer.phone == DEMO_CUSTOMER_PHONE)).one()
    other = session.exec(select(Customer).where(Customer.tenant_id == tid, Customer.id != joana.id).order_by(Customer.id)).first()
    now = datetime.now(UTC).replace(microsecond=0)
    chats = [
        (
            joana,
            False,
            [
                ("in", "customer", "oi! quanto tá o banho do Thor?"),
                ("out", "ai", "Oi, Joana! 🐶 O Banho P sai por R$ 50,00. Quer agendar?"),
            ],
        ),
        (other, True, [("in", "customer", "bom dia, quero falar com uma pessoa sobre a tosa de ontem")]),
    ]
    for minutes_ago, (customer, waiting, lines) in zip((90, 25), chats, strict=True):
        when = now - timedelta(minutes=minutes_ago)
        conversation = Conversation(
            tenant_id=tid,
            customer_id=customer.id,
            persona="customer_assistant",
            waiting_human=waiting,
            ai_paused=waiting,
            queue_id=queues_[0].id if waiting else None,
            labels=["reclamação"] if waiting else [],
            unread_count=1,
            last_message_at=when + timedelta(minutes=len(lines)),
        )
        session.add(conversation)
        session.flush()
        for n, (direction, sender, body) in enumerate(lines):
            session.add(
                Message(
                    tenant_id=tid,
                    conversation_id=conversation.id,
                    direction=direction,
                    sender=sender,
                    body=body,
                    delivery_status="delivered" if direction == "in" else "read",
                    created_at=when + timedelta(minutes=n),
                )
            )


DEMO_SEGMENTS = (("Sumidos há 60 dias", {"inactive_days": 60}), ("Clientes VIP", {"vip": True}))


def _marketing(session: Session, tenant: Tenant) -> None:
    """A simulated WhatsApp number (sends are recorded, nothing leaves) and two saved segments, so campaigns can be tried."""
    session.add(
        Channel(
            tenant_id=tenant.id,
            name="WhatsApp de teste (simulador)",
            provider="simulator",
            phone="+5511940028922",
            status="connected",
            webhook_key=secrets.token_urlsafe(24),
            webhook_secret_encrypted=encrypt_text(secrets.token_urlsafe(32)),
            credentials_encrypted=encrypt_json({}),
        )
    )
    session.add_all([Segment(tenant_id=tenant.id, name=name, criteria=criteria) for name, criteria in DEMO_SEGMENTS])


def _history(session: Session, tenant: Tenant, rng: random.Random, now: datetime) -> None:
    """A month behind the dashboard: closed chats, AI usage per persona and day, a finished campaign.

    A quarter of the chats were handed to the team; the campaign went 12 days ago and its messages
    were read, answered and booked.
    """
    tid = tenant.id
    staff = session.exec(select(User.id).where(User.tenant_id == tid, User.role == "staff")).first()
    people = list(session.exec(select(Customer).where(Customer.tenant_id == tid).order_by(Customer.id)))
    for back in range(1, 31):
        day = now - timedelta(days=back)
        for _ in range(rng.randint(3, 8)):
            customer, handed = rng.choice(people), rng.random() < 0.25
            when = day.replace(hour=rng.randint(11, 22), minute=rng.randint(0, 59))
            chat = Conversation(
                tenant_id=tid,
                customer_id=customer.id,
                status="closed",
                closed_at=when + timedelta(minutes=20),
                assigned_user_id=staff if handed else None,
                last_message_at=when + timedelta(minutes=2),
            )
            session.add(chat)
            session.flush()
            for n, (direction, sender, body) in enumerate(
                (("in", "customer", "oi, tem horário?"), ("out", "ai", "Tenho sim! Qual dia fica melhor?"))
            ):
                session.add(
                    Message(
                        tenant_id=tid,
                        conversation_id=chat.id,
                        direction=direction,
                        sender=sender,
                        body=body,
                        delivery_status="read",
                        created_at=when + timedelta(minutes=n),
                    )
                )
        for persona, scale in (("customer_assistant", 1.0), ("sdr", 0.4), ("owner_analyst", 0.1)):
            tokens_in = int(rng.randint(9000, 16000) * scale)
            tokens_out = tokens_in // 5
            session.add(
                UsageDaily(
                    tenant_id=tid,
                    day=day.astimezone(ZoneInfo(tenant.timezone)).date(),
                    persona=persona,
                    tokens_in=tokens_in,
                    tokens_out=tokens_out,
                    messages_in=int(40 * scale),
                    messages_out=int(40 * scale),
                    cost_micro_usd=tokens_in * 15 // 100 + tokens_out * 60 // 100,
                )
            )
    _past_campaign(session, tenant, rng, now - timedelta(days=12), people)


def _past_campaign(session: Session, tenant: Tenant, rng: random.Random, sent: datetime, people: list[Customer]) -> None:
    tid = tenant.id
    channel = session.exec(select(Channel).where(Channel.tenant_id == tid)).one()
    segment = session.exec(select(Segment).where(Segment.tenant_id == tid, Segment.name == DEMO_SEGMENTS[0][0])).one()
    campaign = Campaign(
        tenant_id=tid,
        name="Volta dos sumidos (novembro)",
        segment_id=segment.id,
        criteria=segment.criteria,
        template="{Oi|Olá}, {nome}! Faz {dias_sem_vir} dias que o {pet} não vem ao {loja}. Que tal um {ultimo_servico} esta semana?",
        channel_id=channel.id,
        rate_per_minute=30,
        status="finished",
        scheduled_at=sent,
        started_at=sent,
        finished_at=sent + timedelta(minutes=2),
    )
    session.add(campaign)
    session.flush()
    services = list(session.exec(select(Service).where(Service.tenant_id == tid, Service.active)))
    reachable = [c for c in people if not c.marketing_opt_out]
    chosen = rng.sample(reachable, min(40, len(reachable)))
    for n, customer in enumerate(chosen):
        at = sent + timedelta(seconds=2 * n)
        chat = Conversation(
            tenant_id=tid,
            customer_id=customer.id,
            channel_id=channel.id,
            status="closed",
            closed_at=at + timedelta(days=1),
            last_message_at=at,
        )
        session.add(chat)
        session.flush()
        status = "read" if n < 30 else "delivered" if n < 37 else "failed"
        message = Message(
            tenant_id=tid,
            conversation_id=chat.id,
            channel_id=channel.id,
            direction="out",
            sender="system",
            body=f"Oi, {customer.name.split(' ')[0]}! Faz tempo que não vemos vocês por aqui. Que tal um banho esta semana?",
            delivery_status=status,
            provider_message_id=f"demo-campaign-{n}",
            error="número sem WhatsApp" if status == "failed" else "",
            meta={"kind": "campaign", "campaign_id": campaign.id},
            created_at=at,
        )
        session.add(message)
        session.flush()
        replied = at + timedelta(hours=2) if n < 14 else None
        session.add(
            CampaignRecipient(
                tenant_id=tid,
                campaign_id=campaign.id,
                customer_id=customer.id,
                status="sent",
                message_id=message.id,
                sent_at=at,
                attribution_until=at + timedelta(days=7),
                replied_at=replied,
            )
        )
        if n < 8:  # booked through the conversation two days later
            pet = session.exec(select(Pet).where(Pet.customer_id == customer.id)).first()
            service = rng.choice(services)
            starts = (at + timedelta(days=4)).replace(hour=10 + n % 6, minute=0, second=0, microsecond=0)
            session.add(
                Appointment(
                    tenant_id=tid,
                    customer_id=customer.id,
                    pet_id=pet.id if pet else None,
                    service_id=service.id,
                    starts_at=starts,
                    ends_at=starts + timedelta(minutes=service.duration_minutes),
                    status="completed",
                    price_cents=service.price_cents,
                    source="ai",
                    created_at=at + timedelta(days=2),
                )
            )


def _fill(session: Session, tenant: Tenant, rng: random.Random, n_customers: int, today: date) -> None:
    tid = tenant.id
    pw = hash_password(DEMO_PASSWORD)
    session.add_all(
        [
            User(tenant_id=tid, email=DEMO_EMAIL, name="Dona Márcia", role="owner", password_hash=pw),
            User(tenant_id=tid, email="gerente@auzap.com.br", name="Paulo Gerente", role="manager", password_hash=pw),
            User(tenant_id=tid, email="atendente@auzap.com.br", name="Júlia Atendente", role="staff", password_hash=pw),
            AuthorizedOwnerNumber(tenant_id=tid, phone="+5511999990000", label="Celular da Márcia"),
        ]
    )
    services = [
        Service(tenant_id=tid, name=n, category=c, price_cents=p, duration_minutes=d, capacity=cap, description=desc)
        for n, c, p, d, cap, desc in SERVICES
    ]
    session.add_all(services)
    session.flush()
    tz = ZoneInfo(tenant.timezone)
    # A known customer for docs and `auzap chat` examples (the same as the plugin test fixtures).
    joana = Customer(tenant_id=tid, name="Joana Tutora", phone=DEMO_CUSTOMER_PHONE, tags=["banho mensal"])
    session.add(joana)
    session.flush()
    session.add(Pet(tenant_id=tid, customer_id=joana.id, name="Thor", species="dog", breed="Shih Tzu", size="P", weight_grams=6500))
    used_phones: set[str] = {DEMO_CUSTOMER_PHONE}
    for i in range(n_customers):
        phone = f"+55{rng.choice(DDDS)}9{rng.randint(6000, 9999)}{rng.randint(1000, 9999)}"
        if phone in used_phones:
            continue
        used_phones.add(phone)
        name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        customer = Customer(
            tenant_id=tid,
            name=name,
            phone=phone,
            vip=rng.random() < 0.08,
            email=f"{name.split()[0].lower()}.{i}@email.com" if rng.random() < 0.6 else "",
            tags=rng.sample(["banho mensal", "indicação", "instagram", "plano creche"], k=rng.randint(0, 2)),
            marketing_opt_out=rng.random() < 0.05,
        )
        session.add(customer)
        session.flush()
        pets = []
        for pet_name in rng.sample(PET_NAMES, k=rng.choice([1, 1, 1, 2, 2, 3])):
            if rng.random() < 0.82:
                breed, size, species = *rng.choice(DOGS), "dog"
            else:
                breed, size, species = rng.choice(CATS), "", "cat"
            pet = Pet(
                tenant_id=tid,
                customer_id=customer.id,
                name=pet_name,
                species=species,
                breed=breed,
                size=size,
                birth_date=today - timedelta(days=rng.randint(120, 4500)),
                weight_grams=rng.randint(2000, 35000) if size != "P" else rng.randint(1500, 9000),
                temperament=rng.choice(TEMPERAMENTS),
            )
            session.add(pet)
            pets.append(pet)
        session.flush()
        last_visit = None
        lapsed = rng.random() < 0.2  # came months ago and never again: the "vasculhada" targets
        for _ in range(rng.randint(1, 3) if lapsed else rng.randint(0, 5)):
            pet = rng.choice(pets)
            service = _pick_service(rng, services, pet)
            day = today + timedelta(days=rng.randint(-120, -65) if lapsed else rng.randint(-31, 30))
            if day.weekday() == 6:
                day -= timedelta(days=1)
            start_local = datetime.combine(day, time(rng.randint(8, 16), rng.choice([0, 30])), tzinfo=tz)
            if service.category in ("daycare", "hotel") and day.weekday() == 5:  # Saturday closes at 13:00, Sunday is closed
                start_local -= timedelta(days=1)
            if service.category == "daycare":  # a whole day: dropped off at opening, picked up at closing
                start_local = start_local.replace(hour=8, minute=0)
            starts = start_local.astimezone(UTC)
            status = _status(rng, day, today)
            session.add(
                Appointment(
                    tenant_id=tid,
                    customer_id=customer.id,
                    pet_id=pet.id,
                    service_id=service.id,
                    starts_at=starts,
                    ends_at=starts + timedelta(minutes=service.duration_minutes),
                    status=status,
                    price_cents=service.price_cents,
                    source=rng.choice(["ai", "ai", "staff"]),
                    created_at=min(datetime.now(UTC), starts - timedelta(days=rng.randint(1, 12), hours=rng.randint(0, 9))),
                )
            )
            if status == "completed" and (last_visit is None or starts > last_visit):
                last_visit = starts
        customer.last_visit_at = last_visit
        session.add(customer)


def _pick_service(rng: random.Random, services: list[Service], pet: Pet) -> Service:
    by_name = {s.name: s for s in services}
    if pet.species == "cat":
        return by_name[rng.choice(["Banho P", "Hidratação", "Consulta veterinária"])]
    size_bath = {"P": "Banho P", "M": "Banho M", "G": "Banho G"}.get(pet.size, "Banho M")
    return by_name[
        rng.choices(
            [
                size_bath,
                "Tosa higiênica",
                "Tosa completa",
                "Hidratação",
                "Creche (diária)",
                "Hotel (pernoite)",
                "Adestramento (sessão)",
                "Consulta veterinária",
            ],
            weights=[40, 15, 15, 8, 10, 4, 4, 4],
        )[0]
    ]


def _status(rng: random.Random, day: date, today: date) -> str:
    if day < today:
        return rng.choices(["completed", "no_show", "cancelled"], weights=[85, 7, 8])[0]
    if day == today:
        return rng.choice(["confirmed", "completed", "pending"])
    return rng.choices(["confirmed", "pending", "cancelled"], weights=[70, 25, 5])[0]


TODAY = (
    ("08:00", "Banho P"),
    ("08:30", "Tosa completa"),
    ("09:00", "Banho M"),
    ("10:00", "Hidratação"),
    ("11:00", "Banho G"),
    ("13:00", "Tosa higiênica"),
    ("14:00", "Banho P"),
    ("15:00", "Adestramento (sessão)"),
    ("16:00", "Banho M"),
    ("16:30", "Tosa higiênica"),
    ("17:00", "Banho P"),
)


def _book_the_day(session: Session, tenant: Tenant, today: date, rng: random.Random) -> None:
    """A full day at the counter (when the shop opens today), and Thor's bath tomorrow at 10:00."""
    from auzap_console.services.booking import opening_hours

    tid, tz = tenant.id, ZoneInfo(tenant.timezone)
    services = {s.name: s for s in session.exec(select(Service).where(Service.tenant_id == tid))}
    dogs = session.exec(select(Pet).where(Pet.tenant_id == tid, Pet.species == "dog").order_by(Pet.id)).all()
    hours = opening_hours(tenant, today)
    for hhmm, name in TODAY if hours else ():
        starts = datetime.combine(today, time.fromisoformat(hhmm), tzinfo=tz)
        if starts < hours[0] or starts >= hours[1]:
            continue
        pet, service = rng.choice(dogs), services[name]
        session.add(
            Appointment(
                tenant_id=tid,
                customer_id=pet.customer_id,
                pet_id=pet.id,
                service_id=service.id,
                starts_at=starts.astimezone(UTC),
                ends_at=(starts + timedelta(minutes=service.duration_minutes)).astimezone(UTC),
                status=rng.choice(["confirmed", "confirmed", "pending"]),
                price_cents=service.price_cents,
                source=rng.choice(["ai", "ai", "staff"]),
            )
        )
    tomorrow = today + timedelta(days=1)
    if opening_hours(tenant, tomorrow):
        thor = session.exec(select(Pet).where(Pet.tenant_id == tid, Pet.name == "Thor").order_by(Pet.id)).first()
        starts = datetime.combine(tomorrow, time(10), tzinfo=tz)
        bath = services["Banho P"]
        session.add(
            Appointment(
                tenant_id=tid,
                customer_id=thor.customer_id,
                pet_id=thor.id,
                service_id=bath.id,
                starts_at=starts.astimezone(UTC),
                ends_at=(starts + timedelta(minutes=bath.duration_minutes)).astimezone(UTC),
                status="confirmed",
                price_cents=bath.price_cents,
                source="ai",
            )
        )
    session.flush()


STAFF = (
    ("Ana Souza", ["bath", "grooming"], {}),
    ("Bruno Lima", ["bath", "grooming"], {d: {"open": "09:00", "close": "18:00"} for d in ("mon", "tue", "wed", "thu", "fri")}),
    ("Carla Mendes", ["training", "vet"], {}),
)


def _at_the_counter(session: Session, tenant: Tenant, now: datetime) -> None:
    """Professionals on this week's appointments, today as a real day, reminders planned."""
    from auzap_console.models.catalog import LIVE_STATUSES
    from auzap_console.services import reminders
    from auzap_console.services.context import Actor
    from auzap_console.services.staff import LONG_STAY_MINUTES, works_at

    tid, tz = tenant.id, ZoneInfo(tenant.timezone)
    members = [StaffMember(tenant_id=tid, name=n, categories=c, working_hours=h) for n, c, h in STAFF]
    session.add_all(members)
    session.flush()
    today = now.astimezone(tz).date()
    _book_the_day(session, tenant, today, random.Random(7))
    week_start = datetime.combine(today - timedelta(days=today.weekday()), time(0), tzinfo=tz)
    services = {s.id: s for s in session.exec(select(Service).where(Service.tenant_id == tid))}
    busy: dict[int, list[tuple[datetime, datetime]]] = {m.id: [] for m in members}
    rows = session.exec(
        select(Appointment)
        .where(Appointment.tenant_id == tid, Appointment.starts_at >= week_start, Appointment.starts_at < week_start + timedelta(days=14))
        .order_by(Appointment.starts_at)
    ).all()
    missed = False
    for appt in rows:
        service = services[appt.service_id]
        if appt.starts_at.astimezone(tz).date() == today and appt.status != "cancelled":
            if appt.ends_at <= now:
                appt.status = "completed" if missed else "no_show"
                if missed and now - appt.ends_at < timedelta(minutes=45):
                    appt.status = "ready"  # just finished: waiting for the tutor
                missed = True
            elif appt.starts_at <= now:
                appt.status = "in_service"
            elif appt.status == "completed":
                appt.status = "confirmed"
        if service.duration_minutes >= LONG_STAY_MINUTES or appt.status == "cancelled":
            continue
        for member in members:
            free = all(not (a < appt.ends_at and appt.starts_at < b) for a, b in busy[member.id])
            if service.category in member.categories and free and works_at(member, tenant, appt.starts_at, appt.ends_at):
                appt.staff_id = member.id
                busy[member.id].append((appt.starts_at, appt.ends_at))
                break
    session.add_all(rows)
    session.flush()
    actor = Actor(tenant_id=tid, role="owner")
    for appt in rows:
        if appt.status in LIVE_STATUSES and appt.starts_at > now:
            reminders.plan(session, actor=actor, appointment=appt, now=now)
    in_service = next((a for a in rows if a.status == "in_service" and a.pet_id), None)
    if in_service is not None:
        session.add(
            HealthFinding(
                tenant_id=tid,
                pet_id=in_service.pet_id,
                customer_id=in_service.customer_id,
                appointment_id=in_service.id,
                area="ears",
                severity="low",
                note="um pouco de cera e vermelhidão no ouvido esquerdo",
            )
        )


def demo_summary() -> dict[str, int]:
    """Counts of the demo tenant's rows (for the CLI)."""
    with tenant_session(None) as session:
        tenant = _demo_exists(session)
        if tenant is None:
            return {}
        return {
            "customers": len(session.exec(select(Customer.id).where(Customer.tenant_id == tenant.id)).all()),
            "pets": len(session.exec(select(Pet.id).where(Pet.tenant_id == tenant.id)).all()),
            "appointments": len(session.exec(select(Appointment.id).where(Appointment.tenant_id == tenant.id)).all()),
        }
