"""Knowledge base: articles per tenant, retrieved by relevance.

The method is plain lexical scoring, chosen because it is predictable and needs no model:
both the question and each article are normalized (no accents, no stop words, crude
plural stripping), and articles are ranked by BM25 over title (weighted x2) and body.
"""

from __future__ import annotations

from sqlmodel import Session, select

from auzap_console.i18n import t
from auzap_console.models import KnowledgeArticle
from auzap_console.services import audit, limits
from auzap_console.services.context import Actor, ServiceError, get_scoped
from auzap_console.text import STOP, bm25
from auzap_console.text import terms as text_terms

KB_STOP = STOP | {"tem", "ter", "quando", "pode", "posso", "nao", "sim"}


def terms(text: str) -> list[str]:
    """Searchable words of a text."""
    return text_terms(text, KB_STOP)


def search(session: Session, *, actor: Actor, query: str, limit: int = 3) -> list[tuple[KnowledgeArticle, float]]:
    """The most relevant active articles for `query`, best first (score > 0 only)."""
    articles = list(session.exec(select(KnowledgeArticle).where(KnowledgeArticle.tenant_id == actor.tenant_id, KnowledgeArticle.active)))
    q = terms(query)
    if not articles or not q:
        return []
    scores = bm25(q, [terms(a.title) * 2 + terms(a.body) for a in articles], k1=1.2, b=0.75)
    scored = [(a, score) for a, score in zip(articles, scores, strict=True) if score > 0]
    return sorted(scored, key=lambda pair: -pair[1])[:limit]


def save_article(
    session: Session, *, actor: Actor, title: str, body: str, article_id: int | None = None, active: bool = True
) -> KnowledgeArticle:
    """Create or update an article (managers and up)."""
    actor.require("manager")
    title = limits.bounded(title, limits.TITLE, t("kb.article_title"), field="title")
    body = limits.bounded(body, limits.ARTICLE, t("kb.body"), field="body")
    if len(title) < 3:
        raise ServiceError(t("err.article_invalid"), field="title")
    if len(body) < 3:
        raise ServiceError(t("err.article_invalid"), field="body")
    article = (
        get_scoped(session, KnowledgeArticle, article_id, actor) if article_id else KnowledgeArticle(tenant_id=actor.tenant_id, title=title)
    )
    article.title, article.body, article.active = title.strip(), body.strip(), active
    session.add(article)
    session.flush()
    audit.record(session, actor=actor, action="knowledge.save", entity="knowledge_article", entity_id=article.id)
    return article


def list_articles(session: Session, *, actor: Actor) -> list[KnowledgeArticle]:
    """Every article of the actor's shop, by title."""
    return list(
        session.exec(select(KnowledgeArticle).where(KnowledgeArticle.tenant_id == actor.tenant_id).order_by(KnowledgeArticle.title))
    )


def delete_article(session: Session, *, actor: Actor, article_id: int) -> None:
    """Remove an article (managers and up); the agents stop quoting it at once."""
    actor.require("manager")
    article = get_scoped(session, KnowledgeArticle, article_id, actor)
    session.delete(article)
    audit.record(
        session, actor=actor, action="knowledge.delete", entity="knowledge_article", entity_id=article_id, details={"title": article.title}
    )
