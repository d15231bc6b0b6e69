"""Managing the knowledge base goes through the service: deletes are audited, staff cannot
delete, and the agents stop finding a deleted article."""

from __future__ import annotations

import pytest
from sqlmodel import select

from auzap_console.db import tenant_session
from auzap_console.models import AuditLog
from auzap_console.services import knowledge
from auzap_console.services.context import Actor, PermissionDenied
from tests.conftest import make_shop


def test_delete_is_audited_and_only_for_managers():
    shop = make_shop("Loja Artigos")
    with tenant_session(shop.tenant_id) as s:
        article = knowledge.save_article(s, actor=shop.actor, title="Vacinas exigidas", body="Pedimos a V10 em dia.")
    with tenant_session(shop.tenant_id) as s, pytest.raises(PermissionDenied):
        knowledge.delete_article(s, actor=Actor(tenant_id=shop.tenant_id, role="staff"), article_id=article.id)
    with tenant_session(shop.tenant_id) as s:
        assert [a.title for a, _ in knowledge.search(s, actor=shop.actor, query="vacina exigida")] == ["Vacinas exigidas"]
        knowledge.delete_article(s, actor=shop.actor, article_id=article.id)
    with tenant_session(shop.tenant_id) as s:
        assert knowledge.list_articles(s, actor=shop.actor) == []
        assert knowledge.search(s, actor=shop.actor, query="vacina exigida") == []
        (entry,) = s.exec(select(AuditLog).where(AuditLog.tenant_id == shop.tenant_id, AuditLog.action == "knowledge.delete")).all()
        assert (entry.entity_id, entry.details["title"]) == (article.id, "Vacinas exigidas")
