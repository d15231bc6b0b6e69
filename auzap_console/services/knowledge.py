"""Knowledge base: articles per tenant, retrieved by relevance.

The method is plain lexical scoring, chosen because it is predictable and needs no model:
both the question and each article are normalized (no accents, no stop words, crude
plural stripping), and articles are ranked by BM25 over title (weighted x2) and body.
"""

from __future__ import annotations

import math
import re
from collections import Counter

from sqlmodel import Session, select

from auzap_console.agents.ptbr import normalize
from auzap_console.i18n import t
from auzap_console.models import KnowledgeArticle
from auzap_console.services import audit, limits
from auzap_console.services.context import Actor, ServiceError

STOP = set(
    [
        "a",
        "o",
        "as",
        "os",
        "um",
        "uma",
        "uns",
        "umas",
        "de",
        "do",
        "da",
        "dos",
        "das",
        "e",
        "em",
        "no",
        "na",
        "nos",
        "nas",
        "para",
        "por",
        "com",
        "que",
        "se",
        "sua",
        "seu",
        "suas",
        "seus",
        "meu",
        "minha",
        "voce",
        "voces",
        "eu",
        "ele",
        "ela",
        "isso",
        "esse",
        "essa",
        "este",
        "esta",
        "como",
        "qual",
        "quais",
        "quando",
        "onde",
        "tem",
        "ter",
        "ser",
        "sao",
        "foi",
        "vai",
        "pode",
        "posso",
        "ao",
        "aos",
        "mais",
        "muito",
        "ja",
        "nao",
        "sim",
        "ou",
        "mas",
        "tambem",
        "the",
    ]
)


def terms(text: str) -> list[str]:
    """Searchable words of a text."""
    words = re.findall(r"[a-z0-9]+", normalize(text))
    return [w[:-1] if len(w) > 4 and w.endswith("s") else w for w in words if w not in STOP and len(w) > 1]


def search(session: Session, *, actor: Actor, query: str, limit: int = 3) -> list[tuple[KnowledgeArticle, float]]:
    """The most relevant active articles for `query`, best first (score > 0 only)."""
    articles = list(session.exec(select(KnowledgeArticle).where(KnowledgeArticle.tenant_id == actor.tenant_id, KnowledgeArticle.active)))
    q = set(terms(query))
    if not articles or not q:
        return []
    docs = [terms(a.title) * 2 + terms(a.body) for a in articles]
    avg = sum(len(d) for d in docs) / len(docs)
    df = Counter(w for d in docs for w in set(d))
    scored = []
    for article, doc in zip(articles, docs, strict=True):
        tf = Counter(doc)
        score = 0.0
        for w in q & set(doc):
            idf = math.log(1 + (len(docs) - df[w] + 0.5) / (df[w] + 0.5))
            score += idf * tf[w] * 2.2 / (tf[w] + 1.2 * (0.25 + 0.75 * len(doc) / avg))
        if score > 0:
            scored.append((article, score))
    return sorted(scored, key=lambda pair: -pair[1])[:limit]


def save_article(
    session: Session, *, actor: Actor, title: str, body: str, article_id: int | None = None, active: bool = True
) -> KnowledgeArticle:
    """Create or update an article (managers and up)."""
    from auzap_console.services.context import get_scoped

    actor.require("manager")
    title = limits.bounded(title, limits.TITLE, t("kb.article_title"))
    body = limits.bounded(body, limits.ARTICLE, t("kb.body"))
    if len((title or "").strip()) < 3 or len((body or "").strip()) < 3:
        raise ServiceError(t("err.article_invalid"))
    article = (
        get_scoped(session, KnowledgeArticle, article_id, actor) if article_id else KnowledgeArticle(tenant_id=actor.tenant_id, title=title)
    )
    article.title, article.body, article.active = title.strip(), body.strip(), active
    session.add(article)
    session.flush()
    audit.record(session, actor=actor, action="knowledge.save", entity="knowledge_article", entity_id=article.id)
    return article
