"""The core stays light and pure: no web server, widgets or plotting behind `mlwa check`."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from mlwa_notebook.cli import main
from tests.conftest import make_notebook, team_lens, write_notebook

HEAVY = ("jupyter_server", "tornado", "ipywidgets", "plotly", "IPython", "nbconvert", "jsonschema")


def test_checking_plain_notebooks_imports_nothing_heavy(tmp_path: Path) -> None:
    nb = write_notebook(tmp_path / "a.ipynb", make_notebook("import pandas as pd\nx = 1"))
    code = (
        "import sys\n"
        "from mlwa_notebook.cli import main\n"
        f"main(['check', '--format', 'json', {str(nb)!r}])\n"
        f"loaded = [m for m in {HEAVY!r} if m in sys.modules]\n"
        "print('LOADED', loaded, file=sys.stderr)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert "LOADED []" in done.stderr, done.stderr


def test_custom_lens_from_config_is_loaded_beside_the_aws_lens(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lens = team_lens()
    (tmp_path / "team.json").write_text(json.dumps(lens), encoding="utf-8")
    (tmp_path / "pyproject.toml").write_text(
        '[tool.mlwa]\nlenses = ["team.json"]\n', encoding="utf-8"
    )
    nb = write_notebook(
        tmp_path / "a.ipynb", make_notebook("import pandas as pd\ndf = pd.read_csv('d.csv')")
    )
    assert main(["check", "--format", "json", "--fail-on", "never", str(nb)]) == 0
    report = json.loads(capsys.readouterr().out)
    notebook = report["notebooks"][0]
    assert "team-lens" in notebook["lenses"]
    assert any(s["id"] == "TEAM01-BP01" for s in notebook["checklist"])


def test_bad_custom_lens_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "team.json").write_text('{"schema_version": "1", "id": 5}', encoding="utf-8")
    (tmp_path / "pyproject.toml").write_text(
        '[tool.mlwa]\nlenses = ["team.json"]\n', encoding="utf-8"
    )
    nb = write_notebook(tmp_path / "a.ipynb", make_notebook("x = 1"))
    assert main(["check", str(nb)]) == 2
    err = capsys.readouterr().err
    assert "team.json" in err and "Traceback" not in err
