"""The campaigns page's handlers: a manager drafts, previews and starts a campaign and sees its
progress; a bad variable is shown inline; another shop's campaign can be neither opened nor changed."""

from __future__ import annotations

from sqlmodel import select

from auzap_console.db import tenant_session
from auzap_console.i18n import t
from auzap_console.models import Campaign
from auzap_console.pages.campaigns.state import CampaignsState
from auzap_console.services import campaigns, customers, segments
from auzap_console.services.channels import create_channel
from tests.conftest import make_shop, session_token
from tests.utils.reflex_harness import Browser


def _shop(name: str):
    shop = make_shop(name)
    with tenant_session(shop.tenant_id) as s:
        shop.channel_id = create_channel(s, actor=shop.actor, name="Zap", provider="simulator").channel.id
        for i in range(3):
            c = customers.save_customer(s, actor=shop.actor, name=f"Cliente {i} Souza", phone=f"+55119200000{i:02d}")
            customers.save_pet(s, actor=shop.actor, customer_id=c.id, name=f"Bidu {i}", species="dog")
        shop.segment_id = segments.save_segment(s, actor=shop.actor, name="Cães", criteria={"species": "dog"}).id
    return shop


def test_a_manager_drafts_previews_and_starts_a_campaign():
    shop = _shop("Loja Página Campanha")
    tab = Browser(session_token(shop.email, shop.password))
    state = tab.state(CampaignsState)
    tab.call(CampaignsState.load)
    assert state.loaded and state.lines == [] and [o.label for o in state.segment_options] == ["Cães"]
    tab.call(CampaignsState.new)
    assert state.mode == "edit" and state.segment_id == str(shop.segment_id) and "{nome}" in state.template
    tab.call(CampaignsState.set_field, "name", "Saudade")
    tab.call(CampaignsState.set_field, "template", "Oi {nome}, e o {bicho}?")
    tab.call(CampaignsState.preview)
    assert "{bicho}" in state.form_error and state.preview_lines == []
    tab.call(CampaignsState.set_field, "template", "Oi {nome}, o {pet} está com saudade!")
    tab.call(CampaignsState.add_variable, "{loja}")
    tab.call(CampaignsState.preview)
    assert state.form_error == "" and state.preview_lines[0].text.startswith("Oi Cliente, o Bidu 0 está com saudade! Loja Página")
    tab.call(CampaignsState.start)
    assert state.mode == "view" and state.status == "scheduled" and state.done_label == t("camp.done_of", done=0, total=3)
    assert [line.name for line in state.lines] == ["Saudade"] and state.lines[0].reach == "3 destinatários"
    assert {r.status for r in state.recipient_lines} == {"pending"} and len(state.recipient_lines) == 3
    tab.call(CampaignsState.control, "pause")
    assert state.status == "paused"


def test_another_shop_cannot_open_or_change_a_campaign():
    a, b = _shop("Loja Página Campanha A"), _shop("Loja Página Campanha B")
    with tenant_session(a.tenant_id) as s:
        campaign_id = campaigns.save_draft(
            s, actor=a.actor, name="Só da A", template="Oi {nome}", segment_id=a.segment_id, channel_id=a.channel_id
        ).id
    tab = Browser(session_token(b.email, b.password))
    state = tab.state(CampaignsState)
    tab.call(CampaignsState.load)
    assert state.lines == []
    tab.call(CampaignsState.open, campaign_id)
    assert state.mode == "" and state.selected_id == 0
    state.selected_id, state.mode = campaign_id, "edit"  # a forged selection still cannot act
    state.name, state.template, state.segment_id, state.channel_id = "Roubada", "Oi", str(b.segment_id), str(b.channel_id)
    tab.call(CampaignsState.save)
    tab.call(CampaignsState.start)
    tab.call(CampaignsState.delete)
    state.mode = "view"
    tab.call(CampaignsState.control, "cancel")
    with tenant_session(a.tenant_id) as s:
        row = s.exec(select(Campaign).where(Campaign.id == campaign_id)).one()
    assert (row.name, row.status, row.template) == ("Só da A", "draft", "Oi {nome}")
