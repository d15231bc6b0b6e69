"""Sign-up, login/logout with server-side sessions opened through one-time login tickets."""

from __future__ import annotations

import hashlib
import re
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import text, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from auzap_console.db import bind_tenant, tenant_session
from auzap_console.db_types import utcnow
from auzap_console.i18n import t
from auzap_console.models import AuthSession, Tenant, User
from auzap_console.services import presence, throttle
from auzap_console.services.context import Actor, ServiceError
from auzap_console.services.passwords import hash_password, validate_password, verify_dummy, verify_password
from auzap_console.services.plugins import disabled_plugins
from auzap_console.services.tenants import DEFAULT_BUSINESS_HOURS
from auzap_console.settings import get_settings

EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
TICKET_TTL = timedelta(minutes=2)  # between the login form and the cookie


@dataclass(frozen=True)
class SessionUser:
    """What the console knows about the logged-in user."""

    session_id: int
    user_id: int
    tenant_id: int
    role: str
    name: str
    email: str
    tenant_name: str
    timezone: str
    disabled_plugins: tuple[str, ...] = ()  # plugins the shop switched off (their pages are hidden)

    @property
    def actor(self) -> Actor:
        """The service-layer actor for this user."""
        return Actor(tenant_id=self.tenant_id, user_id=self.user_id, role=self.role)

    def today(self) -> date:
        """Today's date in the shop's time zone."""
        return datetime.now(ZoneInfo(self.timezone)).date()


def normalize_email(email: str) -> str:
    """Lower-case and trimmed; raises `ServiceError` when it is not an e-mail."""
    email = (email or "").strip().lower()
    if not EMAIL_RE.match(email):
        raise ServiceError(t("err.email_invalid"), field="email")
    return email


def slugify(text_: str) -> str:
    """`"Pet Shop São João"` → `"pet-shop-sao-joao"`."""
    ascii_text = unicodedata.normalize("NFKD", text_).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:60]


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def signup(session: Session, *, shop_name: str, owner_name: str, email: str, password: str, slug: str = "") -> tuple[Tenant, User]:
    """Create a tenant and its owner in one transaction (the caller's session is anonymous)."""
    shop_name, owner_name = (shop_name or "").strip(), (owner_name or "").strip()
    if len(shop_name) < 2:
        raise ServiceError(t("err.shop_name_required"), field="shop_name")
    if len(owner_name) < 2:
        raise ServiceError(t("err.name_required"), field="owner_name")
    email = normalize_email(email)
    validate_password(password, personal=(email, owner_name, shop_name))
    slug_given = slug
    slug = slugify(slug or shop_name)
    if not slug:
        raise ServiceError(t("err.shop_name_required"))
    if _login_lookup(session, email):
        raise ServiceError(t("err.email_taken"), field="email")
    tenant_id = _next_tenant_id(session)
    if tenant_id is not None:
        bind_tenant(session, tenant_id)
    settings = get_settings()
    tenant = _insert_tenant(session, tenant_id, slug, shop_name, settings.default_timezone, exact_slug=bool(slug_given))
    bind_tenant(session, tenant.id)
    user = User(tenant_id=tenant.id, email=email, password_hash=hash_password(password), name=owner_name, role="owner")
    try:
        with session.begin_nested():
            session.add(user)
            session.flush()
    except IntegrityError as exc:
        raise ServiceError(t("err.email_taken"), field="email") from exc
    return tenant, user


def _insert_tenant(session: Session, tenant_id: int | None, slug: str, name: str, timezone: str, *, exact_slug: bool) -> Tenant:
    """Insert the tenant; a slug derived from the name gets `-2`, `-3`… when taken."""
    for attempt in range(1, 50):
        candidate = slug if attempt == 1 else f"{slug[:55]}-{attempt}"
        tenant = Tenant(id=tenant_id, slug=candidate, name=name, timezone=timezone, business_hours=DEFAULT_BUSINESS_HOURS)
        try:
            with session.begin_nested():
                session.add(tenant)
                session.flush()
            return tenant
        except IntegrityError as exc:
            if exact_slug:
                raise ServiceError(t("err.slug_taken")) from exc
    raise ServiceError(t("err.slug_taken"))


def _next_tenant_id(session: Session) -> int | None:
    """On PostgreSQL, reserve the new tenant's id first so RLS lets us insert it."""
    if session.get_bind().dialect.name != "postgresql":
        return None
    return session.execute(text("SELECT nextval(pg_get_serial_sequence('tenants', 'id'))")).scalar_one()


def _login_lookup(session: Session, email: str) -> tuple[int, int] | None:
    """(user_id, tenant_id) for an e-mail, across tenants (a SECURITY DEFINER call on PostgreSQL)."""
    if session.get_bind().dialect.name == "postgresql":
        row = session.execute(text("SELECT user_id, tenant_id FROM auzap_login_lookup(:e)"), {"e": email}).first()
    else:
        row = session.execute(select(User.id, User.tenant_id).where(User.email == email)).first()
    return (row[0], row[1]) if row else None


def _session_lookup(session: Session, token_hash: str) -> tuple[int, int, int] | None:
    if session.get_bind().dialect.name == "postgresql":
        row = session.execute(text("SELECT session_id, user_id, tenant_id FROM auzap_session_lookup(:h)"), {"h": token_hash}).first()
    else:
        row = session.execute(
            select(AuthSession.id, AuthSession.user_id, AuthSession.tenant_id).where(
                AuthSession.token_hash == token_hash,
                AuthSession.activated_at.is_not(None),  # type: ignore[union-attr]
                AuthSession.revoked_at.is_(None),  # type: ignore[union-attr]
                AuthSession.expires_at > utcnow(),
            )
        ).first()
    return (row[0], row[1], row[2]) if row else None


def login(*, email: str, password: str, ip: str = "") -> str:
    """Check the credentials and open a pending session; returns its one-time login ticket.

    The browser exchanges the ticket for its session cookie with `activate_session`.
    """
    email = (email or "").strip().lower()
    with tenant_session(None) as session:
        throttle.check_login(session, ip=ip, email=email)
        found = _login_lookup(session, email) if email else None
        user = None
        if found:
            bind_tenant(session, found[1])
            user = session.get(User, found[0])
        # Unknown e-mails cost one argon2 verification too, so the time does not tell who has an account.
        valid = verify_password(user.password_hash, password or "") if user else verify_dummy(password or "")
        if user is None or not user.active or not valid:
            throttle.record(session, kind=throttle.LOGIN, ip=ip, email=email, success=False)
            session.commit()
            raise ServiceError(t("err.bad_credentials"))
        throttle.record(session, kind=throttle.LOGIN, ip=ip, email=email, success=True)
        return _open_session(session, user, ip)


def register(*, shop_name: str, owner_name: str, email: str, password: str, ip: str = "") -> str:
    """Sign-up from the web form, throttled per IP and e-mail; logs the owner in and returns a login ticket."""
    email_key = (email or "").strip().lower()[:254]
    with tenant_session(None) as session:
        throttle.check_signup(session, ip=ip, email=email_key)
    try:
        with tenant_session(None) as session:
            signup(session, shop_name=shop_name, owner_name=owner_name, email=email, password=password)
    except ServiceError:
        with tenant_session(None) as session:
            throttle.record(session, kind=throttle.SIGNUP, ip=ip, email=email_key, success=False)
        raise
    with tenant_session(None) as session:
        throttle.record(session, kind=throttle.SIGNUP, ip=ip, email=email_key, success=True)
    return login(email=email, password=password, ip=ip)


def _open_session(session: Session, user: User, ip: str) -> str:
    """Add a pending session found by its ticket's hash; returns the ticket."""
    ticket = secrets.token_urlsafe(32)
    expires = utcnow() + TICKET_TTL
    session.add(AuthSession(tenant_id=user.tenant_id, user_id=user.id, token_hash=_token_hash(ticket), expires_at=expires, ip=ip))
    return ticket


def activate_session(ticket: str) -> str | None:
    """Exchange a login ticket (once, within its short life) for the session's cookie token."""
    if not ticket:
        return None
    token = secrets.token_urlsafe(32)
    expires = utcnow() + timedelta(hours=get_settings().session_ttl_hours)
    with tenant_session(None) as session:
        if session.get_bind().dialect.name == "postgresql":
            found = session.execute(
                text("SELECT auzap_session_activate(:ticket, :token, :expires)"),
                {"ticket": _token_hash(ticket), "token": _token_hash(token), "expires": expires},
            ).scalar_one()
        else:
            found = session.execute(
                update(AuthSession)
                .where(
                    AuthSession.token_hash == _token_hash(ticket),
                    AuthSession.activated_at.is_(None),  # type: ignore[union-attr]
                    AuthSession.revoked_at.is_(None),  # type: ignore[union-attr]
                    AuthSession.expires_at > utcnow(),
                )
                .values(token_hash=_token_hash(token), expires_at=expires, activated_at=utcnow())
            ).rowcount
    return token if found else None


def resolve_session(token: str) -> SessionUser | None:
    """The user behind a browser token, or None when it is unknown, expired or revoked."""
    if not token:
        return None
    with tenant_session(None) as session:
        found = _session_lookup(session, _token_hash(token))
        if not found:
            return None
        session_id, user_id, tenant_id = found
        bind_tenant(session, tenant_id)
        row = session.exec(
            select(User, Tenant).join(Tenant, Tenant.id == User.tenant_id).where(User.id == user_id, User.tenant_id == tenant_id)
        ).first()
        if row is None or not row[0].active:
            return None
        user, tenant = row
        presence.touch(session, user=user)  # "online" for auto-assignment (written at most once a minute)
        off = tuple(disabled_plugins(tenant))
        return SessionUser(session_id, user.id, tenant.id, user.role, user.name, user.email, tenant.name, tenant.timezone, off)


def logout(token: str) -> None:
    """Revoke the session behind `token` (no error when it is already gone)."""
    current = resolve_session(token)
    if current is None:
        return
    with tenant_session(current.tenant_id) as session:
        session.exec(
            update(AuthSession).where(AuthSession.id == current.session_id).values(revoked_at=utcnow())  # type: ignore[call-overload]
        )


def change_password(session: Session, *, actor: Actor, current_password: str, new_password: str, ip: str = "") -> str:
    """Change the actor's password, revoke all their sessions, and open a new one; returns its login ticket."""
    user = session.exec(select(User).where(User.id == actor.user_id, User.tenant_id == actor.tenant_id)).one()
    if not verify_password(user.password_hash, current_password or ""):
        raise ServiceError(t("err.current_password"))
    set_password(session, actor=actor, user=user, new_password=new_password)
    return _open_session(session, user, ip)


def set_password(session: Session, *, actor: Actor, user: User, new_password: str) -> None:
    """Check and store `user`'s new password, and end every session they had open."""
    validate_password(new_password, personal=(user.email, user.name), field="new_password")
    user.password_hash = hash_password(new_password)
    user.password_changed_at = utcnow()
    session.add(user)
    revoke_user_sessions(session, actor=actor, user_id=user.id)


def revoke_user_sessions(session: Session, *, actor: Actor, user_id: int) -> None:
    """End every open session of one user of the actor's tenant."""
    session.exec(
        update(AuthSession)  # type: ignore[call-overload]
        .where(AuthSession.user_id == user_id, AuthSession.tenant_id == actor.tenant_id, AuthSession.revoked_at.is_(None))  # type: ignore[union-attr]
        .values(revoked_at=utcnow())
    )
