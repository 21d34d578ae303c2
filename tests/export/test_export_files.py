"""Where exports are written: default names, --force, --in-place, atomic writes, the CLI."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from mlwa_notebook.cli import main
from mlwa_notebook.errors import NotebookError
from mlwa_notebook.export import FORMATS, ExportError, write_export
from tests.export.conftest import MESSY_SECRETS, sha256

DEFAULT_NAMES = {
    "ipynb": "02-messy-experiment.review.ipynb",
    "html": "02-messy-experiment.review.html",
    "markdown": "02-messy-experiment.review.md",
    "json": "02-messy-experiment.review.json",
    "sarif": "02-messy-experiment.sarif",
    "wa-tool": "02-messy-experiment.wa-tool.json",
}


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_is_written_beside_the_notebook_and_holds_no_secret(
    messy: Path, fmt: str
) -> None:
    before = sha256(messy)
    target, result = write_export(messy, fmt)
    assert target == messy.with_name(DEFAULT_NAMES[fmt])
    assert target.read_bytes() == result.data
    text = result.text
    assert all(secret not in text for secret in MESSY_SECRETS)
    assert sha256(messy) == before
    assert sorted(p.name for p in messy.parent.iterdir()) == sorted([messy.name, target.name])


def test_an_existing_output_is_kept_without_force(messy: Path, tmp_path: Path) -> None:
    out = tmp_path / "review.md"
    out.write_text("my notes", encoding="utf-8")
    with pytest.raises(ExportError, match="exists; use --force"):
        write_export(messy, "markdown", out)
    assert out.read_text(encoding="utf-8") == "my notes"
    write_export(messy, "markdown", out, force=True)
    assert out.read_text(encoding="utf-8").startswith("### mlwa")


def test_the_source_is_written_only_in_place(messy: Path) -> None:
    before = messy.read_bytes()
    with pytest.raises(ExportError, match="--in-place"):
        write_export(messy, "ipynb", messy, force=True)
    assert messy.read_bytes() == before
    with pytest.raises(ExportError, match="needs --to ipynb"):
        write_export(messy, "html", in_place=True)
    target, _ = write_export(messy, "ipynb", in_place=True)
    once = messy.read_bytes()
    write_export(messy, "ipynb", in_place=True)
    assert target == messy and once != before and messy.read_bytes() == once


def test_a_failed_export_leaves_the_old_output_and_no_temporary_file(tmp_path: Path) -> None:
    broken = tmp_path / "broken.ipynb"
    broken.write_text("{not json", encoding="utf-8")
    out = tmp_path / "out.ipynb"
    out.write_text("previous", encoding="utf-8")
    with pytest.raises(NotebookError, match="invalid JSON"):
        write_export(broken, "ipynb", out, force=True)
    assert out.read_text(encoding="utf-8") == "previous"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["broken.ipynb", "out.ipynb"]


def test_cli_writes_each_format_and_refuses_to_overwrite(
    messy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for fmt in FORMATS:
        assert main(["export", str(messy), "--to", fmt]) == 0
        assert f"wrote {messy.with_name(DEFAULT_NAMES[fmt])}" in capsys.readouterr().err
    assert main(["export", str(messy)]) == 2
    assert "exists; use --force" in capsys.readouterr().err
    assert main(["export", str(messy), "--force", "--no-notes"]) == 0


def test_cli_prints_to_standard_output_with_dash(
    messy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["export", str(messy), "--to", "sarif", "-o", "-"]) == 0
    log = json.loads(capsys.readouterr().out)
    assert log["version"] == "2.1.0" and log["runs"][0]["results"]
    assert sorted(p.name for p in messy.parent.iterdir()) == [messy.name]


def test_cli_reports_a_missing_notebook(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", str(tmp_path / "nope.ipynb")]) == 2
    assert "no such file" in capsys.readouterr().err


@pytest.mark.parametrize(("umask", "mode"), [(0o022, 0o644), (0o002, 0o664), (0o077, 0o600)])
def test_a_new_export_gets_the_mode_the_umask_gives(messy: Path, umask: int, mode: int) -> None:
    # Given a user whose umask is ``umask`` (set in a child process: it is per process)
    # When the CLI writes a new export and a new report
    subprocess.run(
        [sys.executable, "-m", "mlwa_notebook.cli", "export", str(messy)],
        check=True,
        capture_output=True,
        preexec_fn=lambda: os.umask(umask),
    )
    subprocess.run(
        [
            sys.executable,
            "-m",
            "mlwa_notebook.cli",
            "check",
            str(messy),
            "--exit-zero",
            "-o",
            str(messy.with_name("report.txt")),
        ],
        check=True,
        capture_output=True,
        preexec_fn=lambda: os.umask(umask),
    )
    # Then each has the mode any new file of that user gets, not the temporary file's 0600
    for written in (messy.with_name(DEFAULT_NAMES["ipynb"]), messy.with_name("report.txt")):
        assert stat.S_IMODE(written.stat().st_mode) == mode, written.name
