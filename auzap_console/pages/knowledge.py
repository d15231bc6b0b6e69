"""Knowledge base: FAQ and policy articles the assistant quotes (retrieved by relevance)."""

from __future__ import annotations

from dataclasses import dataclass

import reflex as rx

from auzap_console.components.common import confirm_delete, empty_state, field, form_dialog, page_header
from auzap_console.i18n import t
from auzap_console.services import knowledge, limits
from auzap_console.state import AuthState, FormDialogMixin, ProtectedState, guarded
from auzap_console.template import template


@dataclass
class ArticleRow:
    """An article as the list shows it and the form edits it (id 0: a new one)."""

    id: int = 0
    title: str = ""
    body: str = ""
    active: bool = True


class KnowledgeState(FormDialogMixin, ProtectedState):
    """The articles, the form and a relevance tester."""

    loaded: bool = False
    rows: list[ArticleRow] = []
    form: ArticleRow = ArticleRow()
    probe_result: str = ""

    async def _refresh(self) -> None:
        user = await self._user()
        with self._session(user) as session:
            articles = knowledge.list_articles(session, actor=user.actor)
            self.rows = [ArticleRow(id=a.id, title=a.title, body=a.body, active=a.active) for a in articles]
        self.loaded = True

    @rx.event
    @guarded
    async def load(self):
        """on_load."""
        await self._refresh()

    @rx.event
    @guarded
    async def open_new(self):
        """Empty form (managers and up)."""
        await self._user("manager")
        self.form, self.form_error, self.dialog = ArticleRow(), "", True

    @rx.event
    @guarded
    async def open_edit(self, article_id: int):
        """Form filled with one article."""
        await self._user("manager")
        self.form = next((r for r in self.rows if r.id == int(article_id)), ArticleRow())
        self.form_error, self.dialog = "", True

    @rx.event
    @guarded(busy="saving")
    async def save(self, form: dict):
        """Store the article."""
        user = await self._user("manager")
        with self._session(user) as session:
            knowledge.save_article(
                session,
                actor=user.actor,
                title=form.get("title", ""),
                body=form.get("body", ""),
                article_id=self.form.id or None,
                active=bool(form.get("active")),
            )
        self.dialog, self.form_error = False, ""
        await self._refresh()
        return rx.toast.success(t("kb.saved"), id="toast-saved")

    @rx.event
    @guarded
    async def delete(self, article_id: int):
        """Delete an article."""
        user = await self._user("manager")
        with self._session(user) as session:
            knowledge.delete_article(session, actor=user.actor, article_id=int(article_id))
        await self._refresh()
        return rx.toast.success(t("kb.deleted"))

    @rx.event
    @guarded
    async def probe(self, form: dict):
        """Show which article a customer question would retrieve."""
        user = await self._user()
        with self._session(user) as session:
            hits = knowledge.search(session, actor=user.actor, query=form.get("question", ""))
        self.probe_result = t("kb.probe_hit", title=hits[0][0].title) if hits else t("kb.probe_miss")


def _row(row: rx.Var) -> rx.Component:
    return rx.card(
        rx.hstack(
            rx.vstack(
                rx.hstack(rx.text(row.title, weight="bold"), rx.cond(~row.active, rx.badge(t("svc.inactive"), color_scheme="gray"))),
                rx.text(row.body, size="2", color_scheme="gray", white_space="pre-wrap"),
                spacing="1",
                width="100%",
            ),
            rx.cond(
                AuthState.is_manager,
                rx.hstack(
                    rx.icon_button(
                        rx.icon("pencil", size=14),
                        size="1",
                        variant="ghost",
                        on_click=KnowledgeState.open_edit(row.id),
                        aria_label=t("kb.edit"),
                    ),
                    confirm_delete(
                        rx.icon_button(
                            rx.icon("trash-2", size=14), size="1", variant="ghost", color_scheme="red", aria_label=t("common.delete")
                        ),
                        t("common.delete") + " “" + row.title.to(str) + "”?",
                        on_confirm=KnowledgeState.delete(row.id),
                    ),
                ),
            ),
            width="100%",
            align="start",
        ),
        width="100%",
        class_name="kb-row",
    )


@template("/knowledge", t("nav.knowledge"), "book-open", order=50, on_load=KnowledgeState.load)
def knowledge_page() -> rx.Component:
    """The knowledge base page."""
    f = KnowledgeState.form
    return rx.vstack(
        page_header(
            t("kb.title"),
            rx.cond(AuthState.is_manager, rx.button(rx.icon("plus", size=16), t("kb.new"), on_click=KnowledgeState.open_new, id="kb-new")),
        ),
        rx.text(t("kb.hint"), size="2", color_scheme="gray"),
        rx.form(
            rx.hstack(
                rx.input(name="question", placeholder=t("kb.probe_placeholder"), width="100%", id="kb-probe"),
                rx.button(t("kb.probe"), type="submit", variant="soft"),
                width="100%",
            ),
            on_submit=KnowledgeState.probe,
            reset_on_submit=False,
            width="100%",
        ),
        rx.cond(
            KnowledgeState.probe_result != "",
            rx.callout(KnowledgeState.probe_result, icon="search", size="1", width="100%", id="kb-probe-result"),
        ),
        rx.cond(
            ~KnowledgeState.loaded,
            rx.center(rx.spinner(), padding="3em", width="100%"),
            rx.cond(
                KnowledgeState.rows.length() > 0,
                rx.vstack(rx.foreach(KnowledgeState.rows, _row), spacing="2", width="100%", id="kb-list"),
                empty_state(t("kb.empty"), "book-open", state_id="kb-empty"),
            ),
        ),
        form_dialog(
            rx.cond(f.id != 0, t("kb.edit"), t("kb.new")),
            field(
                t("kb.article_title"),
                rx.input(name="title", default_value=f.title, id="kb-title", max_length=limits.TITLE, width="100%"),
            ),
            field(
                t("kb.body"),
                rx.text_area(name="body", default_value=f.body, rows="6", id="kb-body", max_length=limits.ARTICLE, width="100%"),
            ),
            rx.checkbox(t("svc.active"), name="active", default_checked=f.active),
            open=KnowledgeState.dialog,
            on_submit=KnowledgeState.save,
            on_close=KnowledgeState.close,
            error=KnowledgeState.form_error,
            saving=KnowledgeState.saving,
            submit_id="kb-save",
            max_width="560px",
        ),
        width="100%",
    )
