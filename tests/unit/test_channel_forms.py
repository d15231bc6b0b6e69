"""Channel forms come from the provider plugins' declared fields; saving checks the settings
with the provider (plain pt-BR errors); channels can be edited (secrets kept unless retyped) and
removed; another tenant can do neither."""

from __future__ import annotations

import re

import pytest

from auzap_console.crypto import decrypt_json
from auzap_console.db import tenant_session
from auzap_console.models import Channel
from auzap_console.pages.channels import ChannelsState
from auzap_console.services import channels as svc
from auzap_console.services.context import NotFound, ServiceError
from tests.conftest import make_shop, session_token
from tests.fakes.provider_server import FakeProvider
from tests.fakes.waha_server import FakeWaha
from tests.utils.reflex_harness import Browser


def _draft(shop, provider, values, name="WhatsApp da loja", channel_id=None):
    with tenant_session(shop.tenant_id) as s:
        return svc.prepare_channel(s, actor=shop.actor, provider=provider, name=name, values=values, channel_id=channel_id)


def test_each_provider_declares_its_own_fields():
    tab_shop = make_shop("Loja Campos")
    tab = Browser(session_token(tab_shop.email, tab_shop.password))
    tab.call(ChannelsState.open_new)
    state = tab.state(ChannelsState)
    assert [f.name for f in state.fields] == ["base_url", "api_key", "external_id"]
    state.choose_provider("cloud")
    assert [f.name for f in state.fields] == ["external_id", "access_token", "app_secret", "verify_token", "base_url"]
    assert state.fields[0].label == "ID do número de telefone" and "sessão" not in " ".join(f.label for f in state.fields)
    state.choose_provider("simulator")
    assert state.fields == [] and "Não pede" in state.provider_help


def test_required_and_url_fields_are_validated_in_portuguese():
    shop = make_shop("Loja Validação")
    with pytest.raises(ServiceError, match="Preencha “ID do número de telefone”"):
        _draft(shop, "cloud", {"access_token": "t", "app_secret": "s"})
    with pytest.raises(ServiceError, match="começa com http"):
        _draft(shop, "waha", {"base_url": "ftp://errado"})
    with pytest.raises(ServiceError, match="até 80"):
        _draft(shop, "simulator", {}, name="x" * 81)


def test_saving_checks_the_credentials_with_the_provider():
    shop = make_shop("Loja Checagem")
    with FakeWaha(api_key="certa") as waha:
        with pytest.raises(ServiceError, match="recusou a chave"):
            svc.check_draft(_draft(shop, "waha", {"base_url": waha.base_url, "api_key": "errada"}))
        svc.check_draft(_draft(shop, "waha", {"base_url": waha.base_url, "api_key": "certa"}))
    with pytest.raises(ServiceError, match=re.escape("Não consegui falar com o servidor em http://127.0.0.1:9")):
        svc.check_draft(_draft(shop, "waha", {"base_url": "http://127.0.0.1:9", "api_key": "x"}))
    with FakeProvider(kind="cloud", token="tok") as graph:
        good = {"external_id": "109876543210987", "access_token": "tok", "app_secret": "s", "base_url": graph.base_url}
        svc.check_draft(_draft(shop, "cloud", good))
        with pytest.raises(ServiceError, match="recusou a chave ou o token"):
            svc.check_draft(_draft(shop, "cloud", {**good, "access_token": "velho"}))
    with FakeProvider(kind="evolution", token="k") as evo:
        svc.check_draft(_draft(shop, "evolution", {"base_url": evo.base_url, "api_key": "k", "external_id": "loja"}))
        with pytest.raises(ServiceError, match="recusou a configuração"):
            svc.check_draft(_draft(shop, "evolution", {"base_url": evo.base_url, "api_key": "k", "external_id": "outra"}))


def test_edit_keeps_secrets_left_blank_and_delete_removes():
    shop = make_shop("Loja Edição")
    with tenant_session(shop.tenant_id) as s:
        channel = svc.save_channel(s, actor=shop.actor, draft=_draft(shop, "waha", {"base_url": "http://a", "api_key": "segredo"}))
        channel_id = channel.id
    draft = _draft(shop, "waha", {"base_url": "http://b", "api_key": "", "external_id": "loja2"}, name="Novo nome", channel_id=channel_id)
    with tenant_session(shop.tenant_id) as s:
        svc.save_channel(s, actor=shop.actor, draft=draft)
    with tenant_session(shop.tenant_id) as s:
        row = s.get(Channel, channel_id)
        assert (row.name, row.base_url, row.external_id) == ("Novo nome", "http://b", "loja2")
        assert decrypt_json(row.credentials_encrypted) == {"api_key": "segredo"}
        assert svc.form_values(row) == {"base_url": "http://b", "api_key": "", "external_id": "loja2"}
        svc.delete_channel(s, actor=shop.actor, channel_id=channel_id)
    with tenant_session(shop.tenant_id) as s:
        assert s.get(Channel, channel_id) is None


def test_another_tenant_can_neither_edit_nor_delete():
    a, b = make_shop("Loja A Canal"), make_shop("Loja B Canal")
    with tenant_session(a.tenant_id) as s:
        channel_id = svc.save_channel(s, actor=a.actor, draft=_draft(a, "simulator", {})).id
    with pytest.raises(NotFound):
        _draft(b, "simulator", {}, name="Tomado", channel_id=channel_id)
    with tenant_session(b.tenant_id) as s, pytest.raises(NotFound):
        svc.delete_channel(s, actor=b.actor, channel_id=channel_id)
    tab = Browser(session_token(b.email, b.password))
    tab.call(ChannelsState.open_edit, str(channel_id))
    tab.call(ChannelsState.delete, str(channel_id))
    assert tab.state(ChannelsState).form_error
    with tenant_session(a.tenant_id) as s:
        assert s.get(Channel, channel_id).name == "WhatsApp da loja"
