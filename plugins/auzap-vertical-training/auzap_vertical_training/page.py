"""The "Adestramento" page: the plans list, and a plan's detail with its sessions and a progress chart per goal.

The team starts plans, puts sessions on the agenda and completes them with a score per goal (the
tutor gets the summary on WhatsApp). Written against the public plugin API only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

import reflex as rx

from auzap_console.components.common import confirm_delete, empty_state, form_dialog, master_detail, page_header, tutor_fields
from auzap_console.components.common import field as labelled
from auzap_console.services.context import ServiceError
from auzap_console.state import Option, ProtectedState, TutorLookupMixin, guarded
from auzap_vertical_training import plans
from auzap_vertical_training.models import MAX_SCORE

FILTERS = [Option("active", "Em andamento"), Option("completed", "Concluídos"), Option("all", "Todos")]
COLORS = ("#0f766e", "#b45309", "#7c3aed", "#be123c", "#1d4ed8")


@dataclass
class PlanCard:
    """A plan in the list."""

    id: int = 0
    pet: str = ""
    customer: str = ""
    program: str = ""
    status: str = ""
    status_label: str = ""
    done: int = 0
    total: int = 0
    percent: int = 0
    next_label: str = ""


@dataclass
class SessionRow:
    """A session in the plan's detail."""

    id: int = 0
    when: str = ""
    trainer: str = ""
    done: bool = False
    scores: str = ""
    notes: str = ""


@dataclass
class GoalChart:
    """One goal's scores across the done sessions."""

    goal: str = ""
    color: str = ""
    latest: str = ""
    points: list[dict] = field(default_factory=list)


class TrainingState(ProtectedState, TutorLookupMixin):
    """Plans, the selected plan and the open dialog."""

    loaded: bool = False
    status_filter: str = "active"
    cards: list[PlanCard] = []
    selected: int = 0
    detail: PlanCard = PlanCard()
    goals: list[str] = []
    sessions: list[SessionRow] = []
    charts: list[GoalChart] = []
    dialog: str = ""  # "plan", "schedule", "complete" or ""
    session_id: int = 0
    form_error: str = ""
    saving: bool = False

    def _errors_inline(self, handler: str = "") -> bool:
        return bool(self.dialog)

    async def _reload(self) -> None:
        user = await self._user("staff")
        zone = ZoneInfo(user.timezone)
        with self._session(user) as session:
            status = "" if self.status_filter == "all" else self.status_filter
            rows = plans.list_plans(session, actor=user.actor, status=status)
            self.cards = [self._card(r, zone) for r in rows]
            if self.selected and not any(c.id == self.selected for c in self.cards):
                chosen = plans.list_plans(session, actor=user.actor)
                self.selected = self.selected if any(r.plan.id == self.selected for r in chosen) else 0
            self._detail_rows(session, user, zone)
        self.loaded = True

    @staticmethod
    def _card(row: plans.PlanRow, zone: ZoneInfo) -> PlanCard:
        total = row.plan.sessions_total
        next_label = f"Próxima: {row.next_at.astimezone(zone):%d/%m %H:%M}" if row.next_at else "Sem sessão marcada"
        if row.plan.status != "active":
            next_label = ""
        return PlanCard(
            row.plan.id,
            row.pet,
            row.customer,
            row.plan.program,
            row.plan.status,
            plans.STATUS_WORDS[row.plan.status],
            row.done,
            total,
            round(100 * row.done / total) if total else 0,
            next_label,
        )

    def _detail_rows(self, session, user, zone: ZoneInfo) -> None:
        if not self.selected:
            self.detail, self.goals, self.sessions, self.charts = PlanCard(), [], [], []
            return
        (row,) = [r for r in plans.list_plans(session, actor=user.actor) if r.plan.id == self.selected]
        self.detail, self.goals = self._card(row, zone), list(row.plan.goals)
        self.sessions = [
            SessionRow(
                s.id,
                f"{s.starts_at.astimezone(zone):%d/%m/%Y %H:%M}",
                s.trainer,
                s.done,
                " · ".join(f"{goal} {score}/{MAX_SCORE}" for goal, score in s.scores.items()),
                s.notes,
            )
            for s in plans.sessions_of(session, actor=user.actor, plan_id=self.selected)
        ]
        progress = plans.progress(session, actor=user.actor, plan_id=self.selected)
        self.charts = [
            GoalChart(
                goal,
                COLORS[i % len(COLORS)],
                f"{points[-1][1]}/{MAX_SCORE}" if points else "—",
                [{"sessao": f"S{n}", "nota": score} for n, score in points],
            )
            for i, (goal, points) in enumerate(progress.goals.items())
        ]

    @rx.event
    @guarded
    async def load(self):
        """Open the page (a `?p=` link opens that plan)."""
        self.dialog = ""
        wanted = self.router.page.params.get("p", "")
        if str(wanted).isdigit():
            self.selected, self.status_filter = int(wanted), "all"
        await self._reload()

    @rx.event
    @guarded
    async def set_filter(self, value: str | list[str]):
        """Active / completed / all."""
        self.status_filter = value if isinstance(value, str) else (value or ["active"])[0]
        await self._reload()

    @rx.event
    @guarded
    async def select(self, plan_id: int):
        """Show a plan's detail."""
        self.selected = plan_id
        await self._reload()

    @rx.event
    def back(self):
        """Back to the list (phones)."""
        self.selected = 0

    @rx.event
    def close(self):
        """Close the dialog."""
        self.dialog, self.form_error = "", ""

    @rx.event
    def open_plan(self):
        """New plan form."""
        self.dialog, self.form_error = "plan", ""
        self._forget_tutor()

    @rx.event
    def open_schedule(self):
        """Schedule a session of the selected plan."""
        self.dialog, self.form_error = "schedule", ""

    @rx.event
    def open_complete(self, session_id: int):
        """Complete a session with scores."""
        self.dialog, self.form_error, self.session_id = "complete", "", session_id

    @rx.event
    @guarded(busy="saving")
    async def create_plan(self, form: dict):
        """Start a plan."""
        user = await self._user("staff")
        tutor_id = self._require_tutor()
        if not form.get("pet"):
            raise ServiceError("Escolha o pet.")
        try:
            total = int(form.get("sessions") or 0)
        except ValueError as exc:
            raise ServiceError("Informe o número de sessões.", field="sessions") from exc
        with self._session(user) as session:
            plan = plans.create_plan(
                session,
                actor=user.actor,
                customer_id=tutor_id,
                pet_id=int(form["pet"]),
                program=form.get("program", ""),
                sessions_total=total,
                goals=(form.get("goals") or "").split(","),
            )
            self.selected = plan.id
        self.dialog, self.status_filter = "", "active"
        await self._reload()
        return rx.toast.success("Plano criado. Agende a primeira sessão.")

    @rx.event
    @guarded(busy="saving")
    async def schedule(self, form: dict):
        """Put the next session on the agenda."""
        user = await self._user("staff")
        try:
            local = datetime.fromisoformat(form.get("when", ""))
        except ValueError as exc:
            raise ServiceError("Escolha o dia e o horário.", field="when") from exc
        with self._session(user) as session:
            booked = plans.schedule(
                session, actor=user.actor, plan_id=self.selected, starts_at=local.replace(tzinfo=ZoneInfo(user.timezone))
            )
            trainer = booked.trainer
        self.dialog = ""
        await self._reload()
        return rx.toast.success(f"Sessão marcada{' com ' + trainer if trainer else ''}.")

    @rx.event
    @guarded(busy="saving")
    async def complete(self, form: dict):
        """Record the session's scores; the tutor gets the summary."""
        user = await self._user("staff")
        scores = {goal: form.get(f"score-{i}", "") for i, goal in enumerate(self.goals)}
        with self._session(user) as session:
            plans.complete(session, actor=user.actor, session_id=self.session_id, scores=scores, notes=form.get("notes", ""))
        self.dialog = ""
        await self._reload()
        return rx.toast.success("Sessão concluída; o resumo foi para o tutor.")

    @rx.event
    @guarded
    async def cancel_plan(self):
        """Stop the selected plan."""
        user = await self._user("staff")
        with self._session(user) as session:
            plans.cancel_plan(session, actor=user.actor, plan_id=self.selected)
        await self._reload()
        return rx.toast.success("Plano cancelado.")


S = TrainingState


def _plan_card(card: PlanCard) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.text(card.pet, weight="bold"),
                rx.badge(card.status_label, color_scheme=rx.match(card.status, ("active", "teal"), ("completed", "green"), "gray")),
                spacing="2",
                align="center",
                wrap="wrap",
            ),
            rx.text(card.program, " · ", card.customer, size="2", color_scheme="gray"),
            rx.progress(value=card.percent, width="100%"),
            rx.hstack(
                rx.text(card.done, " de ", card.total, " sessões", size="1"),
                rx.spacer(),
                rx.text(card.next_label, size="1", color_scheme="gray"),
                width="100%",
                wrap="wrap",
            ),
            spacing="2",
            width="100%",
        ),
        width="100%",
        cursor="pointer",
        on_click=S.select(card.id),
        class_name="training-plan",
        border=rx.cond(S.selected == card.id, "2px solid var(--teal-9)", ""),
    )


def _list() -> rx.Component:
    return rx.vstack(
        rx.box(  # three labels: on a phone the row shrinks to the screen (it scrolled the whole page sideways)
            rx.segmented_control.root(
                *[rx.segmented_control.item(o.label, value=o.value) for o in FILTERS],
                value=S.status_filter,
                on_change=S.set_filter,
                id="training-filter",
                size=rx.breakpoints(initial="1", sm="2"),
                width="100%",
            ),
            width="100%",
            max_width="420px",
        ),
        rx.cond(
            S.cards.length() > 0,
            rx.vstack(rx.foreach(S.cards, _plan_card), spacing="2", width="100%"),
            empty_state("Nenhum plano aqui. Comece um com “Novo plano”.", "graduation-cap", state_id="training-empty"),
        ),
        spacing="3",
        width="100%",
    )


def _chart(chart: GoalChart) -> rx.Component:
    return rx.card(
        rx.hstack(rx.text(chart.goal, weight="medium", size="2"), rx.spacer(), rx.badge(chart.latest, variant="soft"), width="100%"),
        rx.recharts.line_chart(
            rx.recharts.line(data_key="nota", stroke=chart.color, stroke_width=2, is_animation_active=False, dot=True),
            rx.recharts.x_axis(data_key="sessao", font_size=11, padding={"left": 14, "right": 14}),
            rx.recharts.y_axis(domain=[0, MAX_SCORE], ticks=[0, 2, 4, 6, 8, 10], width=28, font_size=11, allow_decimals=False),
            rx.recharts.cartesian_grid(stroke_dasharray="3 3"),
            data=chart.points,
            height=140,
            width="100%",
        ),
        width="100%",
        class_name="goal-chart",
    )


def _session_row(row: SessionRow) -> rx.Component:
    return rx.card(
        rx.flex(
            rx.vstack(
                rx.hstack(
                    rx.text(row.when, weight="medium", size="2"),
                    rx.badge(rx.cond(row.done, "Concluída", "Marcada"), color_scheme=rx.cond(row.done, "green", "blue")),
                    spacing="2",
                    wrap="wrap",
                ),
                rx.cond(row.trainer != "", rx.text("Adestrador: ", row.trainer, size="1", color_scheme="gray")),
                rx.cond(row.scores != "", rx.text(row.scores, size="2")),
                rx.cond(row.notes != "", rx.text(row.notes, size="1", color_scheme="gray")),
                spacing="1",
                min_width="0",
            ),
            rx.cond(
                ~row.done & (S.detail.status == "active"),
                rx.button("Concluir", size="2", on_click=S.open_complete(row.id), class_name="session-complete"),
            ),
            justify="between",
            align="center",
            gap="2",
            wrap="wrap",
        ),
        width="100%",
        class_name="training-session",
    )


def _detail() -> rx.Component:
    d = S.detail
    return rx.cond(
        S.selected != 0,
        rx.vstack(
            rx.flex(
                rx.vstack(
                    rx.heading(d.pet, " — ", d.program, size="5", id="plan-title"),
                    rx.text(d.customer, " · ", d.done, " de ", d.total, " sessões", size="2", color_scheme="gray"),
                    spacing="1",
                ),
                rx.cond(
                    d.status == "active",
                    rx.hstack(
                        rx.button(
                            rx.icon("calendar-plus", size=16), "Agendar sessão", size="2", on_click=S.open_schedule, id="session-new"
                        ),
                        confirm_delete(
                            rx.button("Cancelar plano", size="2", variant="soft", color_scheme="red", id="plan-cancel"),
                            "Cancelar este plano?",
                            description="As sessões feitas ficam no histórico; as marcadas continuam na agenda até serem canceladas lá.",
                            on_confirm=S.cancel_plan,
                            confirm_id="plan-cancel-confirm",
                            confirm_label="Cancelar plano",
                        ),
                        spacing="2",
                        wrap="wrap",
                    ),
                ),
                justify="between",
                gap="2",
                wrap="wrap",
                width="100%",
            ),
            rx.hstack(rx.foreach(S.goals, lambda g: rx.badge(g, variant="outline")), wrap="wrap", spacing="2"),
            rx.heading("Progresso por objetivo", size="3"),
            rx.cond(
                S.sessions.length() > 0,
                rx.grid(
                    rx.foreach(S.charts, _chart),
                    columns=rx.breakpoints(initial="1", md="2"),
                    spacing="3",
                    width="100%",
                    id="progress-charts",
                ),
            ),
            rx.cond(
                d.done == 0,
                rx.text("As notas aparecem aqui depois da primeira sessão concluída.", size="2", color_scheme="gray", id="progress-empty"),
            ),
            rx.heading("Sessões", size="3"),
            rx.cond(
                S.sessions.length() > 0,
                rx.vstack(rx.foreach(S.sessions, _session_row), spacing="2", width="100%", id="plan-sessions"),
                empty_state("Nenhuma sessão marcada ainda.", "calendar", state_id="sessions-empty"),
            ),
            spacing="3",
            width="100%",
            id="plan-detail",
        ),
        rx.box(
            empty_state("Escolha um plano para ver as sessões e o progresso.", "mouse-pointer-click", state_id="plan-none"),
            display=["none", "none", "none", "block"],
        ),
    )


def _dialogs() -> rx.Component:
    return rx.fragment(
        form_dialog(
            "Novo plano de adestramento",
            tutor_fields(S, "plan"),
            labelled("Programa", rx.input(name="program", placeholder="Obediência básica", max_length=80, id="plan-program", width="100%")),
            labelled(
                "Sessões",
                rx.input(
                    name="sessions", type="number", min=1, max=plans.MAX_SESSIONS, default_value="8", id="plan-sessions-total", width="100%"
                ),
            ),
            labelled(
                "Objetivos",
                rx.input(name="goals", placeholder="Sentar, Ficar, Andar junto", id="plan-goals", width="100%"),
                f"Até {plans.MAX_GOALS}, separados por vírgula; cada sessão dá uma nota de 0 a {MAX_SCORE} a cada um.",
            ),
            open=S.dialog == "plan",
            on_submit=S.create_plan,
            on_close=S.close,
            error=S.form_error,
            saving=S.saving,
            submit_id="plan-save",
            submit_label="Criar plano",
            dialog_id="plan-dialog",
        ),
        form_dialog(
            "Agendar sessão",
            labelled(
                "Dia e horário",
                rx.input(name="when", type="datetime-local", id="session-when", width="100%"),
                "Um adestrador livre nesse horário é escolhido.",
            ),
            open=S.dialog == "schedule",
            on_submit=S.schedule,
            on_close=S.close,
            error=S.form_error,
            saving=S.saving,
            submit_id="session-save",
            submit_label="Agendar",
            dialog_id="session-dialog",
        ),
        form_dialog(
            "Concluir sessão",
            rx.foreach(
                S.goals,
                lambda goal, i: rx.hstack(
                    rx.text(goal, size="2", weight="medium", flex="1"),
                    rx.input(
                        name="score-" + i.to_string(),
                        type="number",
                        min=0,
                        max=MAX_SCORE,
                        width="5em",
                        placeholder=f"0–{MAX_SCORE}",
                        class_name="score-input",
                    ),
                    align="center",
                    width="100%",
                ),
            ),
            labelled(
                "Observações", rx.text_area(name="notes", placeholder="Como o pet foi, o que treinar em casa", max_length=600, width="100%")
            ),
            open=S.dialog == "complete",
            on_submit=S.complete,
            on_close=S.close,
            error=S.form_error,
            saving=S.saving,
            submit_id="complete-save",
            submit_label="Concluir e enviar resumo",
            dialog_id="complete-dialog",
        ),
    )


def training_page() -> rx.Component:
    """The page's content (the console adds the shell, the login check and the plugin switch)."""
    return rx.vstack(
        page_header("Adestramento", rx.button(rx.icon("plus", size=16), "Novo plano", on_click=S.open_plan, id="plan-new")),
        rx.cond(
            S.loaded,
            master_detail(_list(), _detail(), selected=S.selected != 0, on_back=S.back),
            rx.center(rx.spinner(size="3"), padding="3em", width="100%"),
        ),
        _dialogs(),
        width="100%",
        id="training-page",
    )
