"""The user install, as a newcomer does it: the wheel into a fresh venv, no Node on the PATH.

The wheel is built from a copy of the source tree with the extension as the checkout has built it
(``SKIP_JUPYTER_BUILDER``: the TypeScript build itself is the business of ``make test-ts`` and the
browser tests, and building here would rewrite the checkout's own bundle under a running lab).
``pip install WHEEL[lab]`` then goes into a new virtual environment whose PATH holds nothing but
that environment. JupyterLab's and Jupyter Server's own commands must list the lab extension and
the server extension as enabled, with no ``jupyter labextension install`` step.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest

from tests.conftest import REPO

#: Bounds that only a hang reaches (a cold pip install of JupyterLab takes about a minute).
TIMEOUT = 1200
#: What the wheel is built from; the rest of the checkout (venvs, corpora, browser tests) is not.
SOURCES = ("pyproject.toml", "README.md", "mlwa_notebook", "lens_data", "jupyter-config")
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def _copy_sources(target: Path) -> None:
    """The files a wheel build reads, the built extension included."""
    target.mkdir()
    for name in SOURCES:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, target / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, target / name)


def _run(*args: str | Path, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(
        [str(a) for a in args], capture_output=True, text=True, timeout=TIMEOUT, env=env
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return _ANSI.sub("", done.stdout + done.stderr)


@pytest.mark.skipif(
    not (REPO / "mlwa_notebook" / "labextension" / "package.json").is_file(),
    reason="the JupyterLab extension is not built (make lab builds it)",
)
def test_wheel_in_a_fresh_venv_without_node_has_both_extensions_enabled(tmp_path: Path) -> None:
    # Given: a wheel built from the sources
    source, wheels = tmp_path / "src", tmp_path / "wheels"
    _copy_sources(source)
    build_env = {**os.environ, "SKIP_JUPYTER_BUILDER": "1"}
    _run(sys.executable, "-m", "pip", "wheel", "--no-deps", "-w", wheels, source, env=build_env)
    (wheel,) = wheels.glob("mlwa_notebook-*.whl")

    # When: it is installed with the `lab` extra into a new venv, Node nowhere on the PATH
    env_dir = tmp_path / "env"
    venv.create(env_dir, with_pip=True)
    bin_dir = env_dir / "bin"
    home = tmp_path / "home"
    home.mkdir()
    env = {
        **{k: v for k, v in os.environ.items() if k.startswith(("PIP_", "SSL_", "LANG", "LC_"))},
        "PATH": str(bin_dir),
        "HOME": str(home),  # no user-level Jupyter config or extensions from this machine
        "JUPYTER_PREFER_ENV_PATH": "1",
    }
    assert shutil.which("node", path=env["PATH"]) is None
    _run(bin_dir / "python", "-m", "pip", "install", "--quiet", f"{wheel}[lab]", env=env)

    # Then: JupyterLab, Notebook 7 and both extensions are there and enabled
    labext = _run(bin_dir / "jupyter", "labextension", "list", env=env)
    assert re.search(r"^\s*mlwa-notebook v\S+ enabled OK", labext, re.MULTILINE), labext
    assert str(env_dir / "share" / "jupyter" / "labextensions") in labext
    serverext = _run(bin_dir / "jupyter", "server", "extension", "list", env=env)
    assert re.search(r"^\s*mlwa_notebook enabled\s*$", serverext, re.MULTILINE), serverext
    assert re.search(r"^\s*notebook enabled\s*$", serverext, re.MULTILINE), serverext
    assert (bin_dir / "jupyter-lab").is_file() and (bin_dir / "jupyter-notebook").is_file()
    assert "mlwa" in _run(bin_dir / "mlwa", "--version", env=env)
