"""The daycare and training verticals install from their folders like third-party packages: into a
fresh virtualenv that has the console but neither vertical, `auzap db upgrade` creates their tables,
the demo gets their rows, and `auzap plugins remove` + `pip uninstall` take one away without
breaking the app (the other keeps working, the console still compiles)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
VERTICALS = ("auzap-vertical-daycare", "auzap-vertical-training")


@pytest.fixture(scope="module")
def bare_venv(tmp_path_factory) -> Path:
    """A virtualenv with the console's dependencies (no download) and none of the verticals."""
    root = tmp_path_factory.mktemp("verticals")
    deps = root / "deps"
    deps.mkdir()
    for entry in Path(sysconfig.get_paths()["purelib"]).iterdir():
        if "vertical" not in entry.name.replace("-", "_").lower():
            (deps / entry.name).symlink_to(entry)
    venv = root / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    site = next((venv / "lib").glob("python*/site-packages"))
    (site / "console-deps.pth").write_text(f"import site; site.addsitedir({str(deps)!r})\n")
    return venv


def _py(venv: Path, code: str, env: dict, cwd: Path) -> str:
    result = subprocess.run([str(venv / "bin" / "python"), "-c", code], cwd=cwd, env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return result.stdout


def _cli(venv: Path, *args: str, env: dict, cwd: Path) -> str:
    result = subprocess.run(
        [str(venv / "bin" / "python"), "-c", "from auzap_console.cli import app; app()", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return result.stdout


def _pip(venv: Path, *args: str, env: dict) -> None:
    subprocess.run([sys.executable, "-m", "pip", "--python", str(venv / "bin" / "python"), *args], check=True, timeout=300, env=env)


COUNT = (
    "from sqlalchemy import inspect, text\n"
    "from auzap_console.db import get_engine\n"
    "names = set(inspect(get_engine()).get_table_names())\n"
    "print(sorted(n for n in names if n.startswith(('daycare_', 'training_'))))\n"
    "with get_engine().connect() as c:\n"
    "    for t in ('daycare_stays', 'training_plans'):\n"
    "        print(t, c.execute(text(f'SELECT count(*) FROM {t}')).scalar() if t in names else '-')\n"
)


def test_install_migrate_seed_and_remove(bare_venv, tmp_path):
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'verticals.db'}",
        "DATABASE_ADMIN_URL": "",
        "REDIS_URL": "",
        "OPENAI_API_KEY": "",
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
        "REFLEX_USE_SYSTEM_BUN": "1",
    }
    before = _cli(bare_venv, "plugins", "list", env=env, cwd=ROOT)
    assert "daycare" not in before and "training" not in before  # the venv really lacks them

    sources = []
    for vertical in VERTICALS:  # built from a copy: an in-tree build would leave build/ in the repository
        shutil.copytree(
            ROOT / "plugins" / vertical, tmp_path / vertical, ignore=shutil.ignore_patterns("build", "*.egg-info", "__pycache__")
        )
        sources.append(str(tmp_path / vertical))
    _pip(bare_venv, "install", "-q", "--no-deps", "--no-build-isolation", *sources, env=env)
    listed = _cli(bare_venv, "plugins", "list", env=env, cwd=ROOT)
    assert "auzap-vertical-daycare" in listed and "auzap-vertical-training" in listed
    _cli(bare_venv, "db", "upgrade", env=env, cwd=ROOT)
    _cli(bare_venv, "demo", "seed", "--customers", "30", env=env, cwd=ROOT)
    out = _py(bare_venv, COUNT, env, ROOT)
    assert "'daycare_report_cards'" in out and "'training_sessions'" in out
    assert "daycare_stays -" not in out and "training_plans 1" in out

    removed = _cli(bare_venv, "plugins", "remove", "daycare", env=env, cwd=ROOT)
    assert "pip uninstall auzap-vertical-daycare" in removed
    _pip(bare_venv, "uninstall", "-y", "-q", "auzap-vertical-daycare", env=env)
    assert "Banco de dados atualizado" in _cli(bare_venv, "db", "upgrade", env=env, cwd=ROOT)
    out = _py(bare_venv, COUNT, env, ROOT)
    assert "daycare_" not in out.splitlines()[0] and "training_plans 1" in out
    compiled = _py(
        bare_venv,
        "from reflex.utils import prerequisites\n"
        "app = prerequisites.get_and_validate_app().app\n"
        "app._compile(dry_run=True)\n"
        "print(sorted(r for r in app._pages if r in ('creche-hotel', 'adestramento')))\n",
        env,
        ROOT,
    )
    assert "['adestramento']" in compiled  # the training page stays, the desk page went with its plugin
