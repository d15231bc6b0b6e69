"""Who is acting, for which tenant, and the errors services raise."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeVar

from sqlmodel import Session, SQLModel

from auzap_console.i18n import t
from auzap_console.models import ROLE_RANK


class ServiceError(Exception):
    """A problem the user can fix; `str(exc)` is a message for the UI.

    `field` names the form field at fault (the form's input `name`), so the page can focus it.
    """

    def __init__(self, message: str = "", *, field: str = "") -> None:
        super().__init__(message)
        self.field = field


class PermissionDenied(ServiceError):
    """The actor's role does not allow this."""


class ConfirmationNeeded(ServiceError):
    """The action is allowed but has a consequence the person must confirm (call again with confirm=True)."""


class NotFound(ServiceError):
    """No such row in this tenant (including rows of other tenants)."""


@dataclass(frozen=True, kw_only=True)
class Actor:
    """The tenant a call works on and the user behind it (None for jobs and the CLI)."""

    tenant_id: int
    user_id: int | None = None
    role: str  # no default: every caller says which rights it acts with (least privilege)

    def require(self, role: str) -> None:
        """Raise `PermissionDenied` unless the actor has at least `role`."""
        if ROLE_RANK.get(self.role, 0) < ROLE_RANK[role]:
            raise PermissionDenied(t("err.permission"))


M = TypeVar("M", bound=SQLModel)


def get_scoped(session: Session, model: type[M], row_id: int, actor: Actor) -> M:
    """Load `model` row `row_id` of the actor's tenant, or raise `NotFound`.

    By primary key, so a row this session already holds costs no query; another tenant's row is
    NotFound exactly like a missing one (and on PostgreSQL row-level security hides it anyway).
    """
    try:
        row = session.get(model, int(row_id))
    except (TypeError, ValueError):
        row = None
    if row is None or row.tenant_id != actor.tenant_id:  # type: ignore[attr-defined]
        raise NotFound(t("err.not_found"))
    return row
