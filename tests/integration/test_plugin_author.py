"""A plugin author's whole path, as the docs tell it: `auzap plugins new`, pip install into a fresh
virtualenv, the generated tests pass, migrate, chat offline (its tool is called), switch it off
for a shop (its open conversation moves), remove it (`db upgrade` still works)."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def fresh_venv(tmp_path_factory) -> Path:
    """A new virtualenv that sees the console's installed dependencies (no download) but not the plugin."""
    venv = tmp_path_factory.mktemp("author") / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    site = next((venv / "lib").glob("python*/site-packages"))
    deps = sysconfig.get_paths()["purelib"]  # addsitedir also runs its .pth files (the editable console install)
    (site / "console-deps.pth").write_text(f"import site; site.addsitedir({deps!r})\n")
    return venv


def _run(venv: Path, *args: str, cwd: Path, env: dict, check: bool = True) -> subprocess.CompletedProcess:
    result = subprocess.run([str(venv / "bin" / "python"), *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=600)
    if check:
        assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return result


def _cli(venv: Path, *args: str, cwd: Path, env: dict, check: bool = True) -> subprocess.CompletedProcess:
    return _run(venv, "-c", "from auzap_console.cli import app; app()", *args, cwd=cwd, env=env, check=check)


@pytest.mark.parametrize("kind", ["persona", "vertical"])
def test_from_skeleton_to_removal(fresh_venv, tmp_path, kind):
    name = f"dicas_{kind}"
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'author.db'}",
        "DATABASE_ADMIN_URL": "",
        "REDIS_URL": "",
        "OPENAI_API_KEY": "",
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
    }
    _cli(fresh_venv, "plugins", "new", name, "--kind", kind, "--dir", str(tmp_path), "--title", "Dicas de cuidado", cwd=tmp_path, env=env)
    package = tmp_path / f"auzap-{name.replace('_', '-')}"
    pip = (sys.executable, "-m", "pip", "--python", str(fresh_venv / "bin" / "python"), "install", "-q", "--no-deps")
    subprocess.run([*pip, "--no-build-isolation", str(package)], check=True, timeout=300, env=env)

    tests = _run(fresh_venv, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests", cwd=package, env=env, check=False)
    assert tests.returncode == 0 and " passed" in tests.stdout, tests.stdout[-3000:]

    assert name in _cli(fresh_venv, "plugins", "list", cwd=tmp_path, env=env).stdout
    _cli(fresh_venv, "db", "upgrade", cwd=tmp_path, env=env)
    _cli(fresh_venv, "demo", "seed", "--customers", "5", cwd=tmp_path, env=env)
    chat = _cli(
        fresh_venv,
        "chat",
        "tem alguma dica de cuidado para o Thor?",
        "--tenant",
        "demo",
        "--phone",
        "+5511977776666",
        "--tools",
        cwd=tmp_path,
        env=env,
    )
    assert "[Dicas de cuidado]" in chat.stderr and "[care_tip]" in chat.stdout and "Dica para" in chat.stdout

    switched = _run(
        fresh_venv,
        "-c",
        "from sqlmodel import select\n"
        "from auzap_console.db import tenant_session\n"
        "from auzap_console.models import Conversation\n"
        "from auzap_console.services import plugins\n"
        "from auzap_console.services.context import Actor\n"
        "from auzap_console.services.tenants import tenant_id_for_slug\n"
        "tid = tenant_id_for_slug('demo')\n"
        "with tenant_session(tid) as s:\n"
        f"    plugins.set_enabled(s, actor=Actor(tenant_id=tid, role='owner'), plugin='{name}', enabled=False)\n"
        "with tenant_session(tid) as s:\n"
        "    rows = s.exec(select(Conversation).where(Conversation.tenant_id == tid, Conversation.status == 'open'))\n"
        "    print(sorted({c.persona for c in rows}))\n",
        cwd=tmp_path,
        env=env,
    )
    assert name not in switched.stdout  # its open conversation moved to the shop's own persona

    removed = _cli(fresh_venv, "plugins", "remove", name, cwd=tmp_path, env=env)
    assert f"pip uninstall auzap-{name.replace('_', '-')}" in removed.stdout
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(fresh_venv / "bin" / "python"),
            "uninstall",
            "-y",
            "-q",
            f"auzap-{name.replace('_', '-')}",
        ],
        check=True,
        timeout=120,
        env=env,
    )
    assert name not in _cli(fresh_venv, "plugins", "list", cwd=tmp_path, env=env).stdout
    assert "Banco de dados atualizado" in _cli(fresh_venv, "db", "upgrade", cwd=tmp_path, env=env).stdout


def _doc_files(text: str) -> dict[str, str]:
    """The docs' code blocks that start with a `# path` comment, by path (the tutorial's files)."""
    import re

    files = {}
    for lang, body in re.findall(r"```(\w+)\n(.*?)```", text, flags=re.S):
        first, _, rest = body.partition("\n")
        path = first[2:].strip()
        if path.endswith(" (continued)") and path.removesuffix(" (continued)") in files:
            files[path.removesuffix(" (continued)")] += "\n\n" + rest
        elif lang in ("python", "toml") and first.startswith("# ") and path.endswith((".py", ".toml")) and " " not in path:
            files[path] = rest
    return files


def test_the_tutorial_in_the_docs_runs_as_written(fresh_venv, tmp_path):
    files = _doc_files((ROOT / "docs" / "plugins.md").read_text())
    assert {"pyproject.toml", "auzap_vaccines/__init__.py", "conftest.py", "tests/test_vaccines.py"} <= set(files)
    assert "auzap_vaccines/versions/v0001_reminders.py" in files and "class VaccineReminder" in files["auzap_vaccines/__init__.py"]
    package = tmp_path / "auzap-vaccines"
    for relative, text in files.items():
        (package / relative).parent.mkdir(parents=True, exist_ok=True)
        (package / relative).write_text(text)
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'docs.db'}",
        "DATABASE_ADMIN_URL": "",
        "REDIS_URL": "",
        "OPENAI_API_KEY": "",
    }
    pip = (sys.executable, "-m", "pip", "--disable-pip-version-check", "--python", str(fresh_venv / "bin" / "python"))
    subprocess.run([*pip, "install", "-q", "--no-deps", "--no-build-isolation", str(package)], check=True, timeout=300, env=env)
    try:
        tests = _run(fresh_venv, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests", cwd=package, env=env, check=False)
        assert tests.returncode == 0 and " passed" in tests.stdout, tests.stdout[-3000:]
        _cli(fresh_venv, "db", "upgrade", cwd=tmp_path, env=env)
        _cli(fresh_venv, "demo", "seed", "--customers", "5", cwd=tmp_path, env=env)
        listed = _cli(fresh_venv, "plugins", "list", cwd=tmp_path, env=env).stdout
        assert "vaccines\tauzap-vaccines 0.1.0" in listed
        tables = "from sqlalchemy import inspect; from auzap_console.db import get_engine; print(inspect(get_engine()).get_table_names())"
        assert "vaccine_reminders" in _run(fresh_venv, "-c", tables, cwd=tmp_path, env=env).stdout
        chat = _cli(
            fresh_venv,
            "chat",
            "--tenant",
            "demo",
            "--phone",
            "+5511988887777",
            "--tools",
            "quando é a vacina do Thor?",
            cwd=tmp_path,
            env=env,
        )
        assert "[next_vaccine] {'pet': 'Thor'}" in chat.stdout and "A próxima vacina do Thor é a V10" in chat.stdout
        assert "pip uninstall auzap-vaccines" in _cli(fresh_venv, "plugins", "remove", "vaccines", cwd=tmp_path, env=env).stdout
        assert "vaccine_reminders" not in _run(fresh_venv, "-c", tables, cwd=tmp_path, env=env).stdout
    finally:
        subprocess.run([*pip, "uninstall", "-y", "-q", "auzap-vaccines"], check=True, timeout=120, env=env)
