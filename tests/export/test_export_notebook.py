"""The annotated notebook: phases on every cell, a summary on top, notes, idempotent re-export."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import nbformat
import pytest

from mlwa_notebook.engine import analyze_notebook
from mlwa_notebook.export import export_notebook, write_export
from mlwa_notebook.export.annotate import is_generated
from mlwa_notebook.metadata import PHASE_TAG
from mlwa_notebook.notebook import parse_json
from tests.conftest import make_notebook, write_notebook
from tests.export.conftest import MESSY_SECRETS, sha256


def read_back(path: Path) -> Any:
    """The exported notebook as nbformat reads it, validated."""
    nb = nbformat.read(path, as_version=nbformat.NO_CONVERT)
    nbformat.validate(nb)
    return nb


def originals(nb: Any) -> list[Any]:
    return [c for c in nb.cells if not is_generated(c)]


def test_export_annotates_every_cell_and_is_stable(example: Path, tmp_path: Path) -> None:
    # Given an example notebook and its hash
    before = sha256(example)
    source_nb = parse_json(example.read_bytes(), str(example))
    report = analyze_notebook(source_nb, path=str(example))
    # When it is exported, exported again to a second path, and the export itself is exported
    first, _ = write_export(example, "ipynb", tmp_path / "first.ipynb")
    second, _ = write_export(example, "ipynb", tmp_path / "second.ipynb")
    third, _ = write_export(first, "ipynb", tmp_path / "third.ipynb")
    # Then the three files are the same bytes, and the source is untouched
    assert first.read_bytes() == second.read_bytes() == third.read_bytes()
    assert sha256(example) == before
    # And the export is valid nbformat where every original cell carries its phase
    nb = read_back(first)
    cells = originals(nb)
    assert len(cells) == len(source_nb["cells"]) == len(report.cells)
    for cell, cell_report in zip(cells, report.cells, strict=True):
        annotation = cell.metadata["mlwa"]["annotation"]
        assert annotation["phase"] == cell_report.phase
        assert annotation["source"] == cell_report.phase_source
        assert f"mlwa:{cell_report.phase}" in cell.metadata["tags"]
        assert not any(t.startswith(PHASE_TAG) for t in cell.metadata["tags"])
    # And the first cell is the summary with the pillar table, the radar and the findings
    summary = nb.cells[0]
    assert summary.cell_type == "markdown" and summary.metadata["mlwa"]["kind"] == "summary"
    for heading in ("## Pillar coverage", "## Open findings", "## Checklist by pillar"):
        assert heading in summary.source
    assert "](data:image/svg+xml;base64," in summary.source
    for score in report.pillar_scores:
        assert f"| {score.percent}% | {score.met} |" in summary.source


def test_summary_links_every_open_finding_to_an_existing_cell(messy: Path, tmp_path: Path) -> None:
    out, result = write_export(messy, "ipynb", tmp_path / "out.ipynb")
    nb = read_back(out)
    ids = {c.id for c in nb.cells}
    summary = nb.cells[0].source
    links = re.findall(r"\(#cell-id=([A-Za-z0-9_-]+)\)", summary)
    assert links and set(links) <= ids
    findings_table = summary.split("## Open findings")[1].split("## Checklist")[0]
    assert findings_table.count("](#cell-id=") == result.findings > 0


def test_notes_follow_flagged_cells_and_can_be_left_out(messy: Path, tmp_path: Path) -> None:
    with_notes = read_back(write_export(messy, "ipynb", tmp_path / "a.ipynb")[0])
    without = read_back(write_export(messy, "ipynb", tmp_path / "b.ipynb", notes=False)[0])
    cells = with_notes.cells
    notes = [
        i for i, c in enumerate(cells) if is_generated(c) and c.metadata["mlwa"]["kind"] == "note"
    ]
    assert notes
    for i in notes:
        flagged = cells[i - 1]
        assert not is_generated(flagged) and flagged.metadata["mlwa"]["annotation"]["findings"]
        assert all(
            f"`{code}`" in cells[i].source
            for code in flagged.metadata["mlwa"]["annotation"]["findings"]
        )
    assert not any(c.metadata.get("mlwa", {}).get("kind") == "note" for c in without.cells)
    assert len(originals(with_notes)) == len(originals(without))


def test_secrets_are_masked_in_the_copy_and_the_summary_says_so(
    messy: Path, tmp_path: Path
) -> None:
    out, result = write_export(messy, "ipynb", tmp_path / "out.ipynb")
    text = out.read_text(encoding="utf-8")
    assert result.masked == 2
    for secret in MESSY_SECRETS:
        assert secret not in text
    assert "AKIAMASKEDMASKEDMASK" in text
    assert "Secrets masked in this copy" in read_back(out).cells[0].source
    # The source still holds them: only the copy is masked
    assert MESSY_SECRETS[0] in messy.read_text(encoding="utf-8")


def test_secrets_in_outputs_and_private_keys_are_masked(tmp_path: Path) -> None:
    token = "ghp_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8s9"
    pem = "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA7bq0secretbody\n-----END RSA PRIVATE KEY-----"
    nb = make_notebook("print(token_from_vault())", f"key = '''{pem}'''")
    nb["cells"][0]["outputs"] = [
        {"output_type": "stream", "name": "stdout", "text": [f"token is {token}\n"]}
    ]
    nb["cells"][0]["execution_count"] = 1
    source = write_notebook(tmp_path / "leaky.ipynb", nb)
    for fmt in ("ipynb", "html"):
        out, _ = write_export(source, fmt, tmp_path / f"out.{fmt}")
        text = out.read_text(encoding="utf-8")
        assert token not in text and "secretbody" not in text, fmt
        assert "ghp_" in text  # the shape is kept, the value is not


def test_explicit_phases_of_the_user_are_kept(tmp_path: Path) -> None:
    nb = make_notebook("x = 1", "y = 2", "import pandas as pd\ndf = pd.read_csv('d.csv')")
    nb["cells"][0]["metadata"] = {"mlwa": {"phase": "model-training"}}
    nb["cells"][1]["metadata"] = {"tags": ["mlwa-phase:deployment", "keep-me"]}
    source = write_notebook(tmp_path / "explicit.ipynb", nb)
    out = read_back(write_export(source, "ipynb", tmp_path / "out.ipynb")[0])
    first, second, third = originals(out)
    assert first.metadata["mlwa"]["phase"] == "model-training"
    assert first.metadata["mlwa"]["annotation"] == {
        **first.metadata["mlwa"]["annotation"],
        "phase": "model-training",
        "source": "explicit",
    }
    assert second.metadata["tags"] == ["mlwa-phase:deployment", "keep-me", "mlwa:deployment"]
    assert "phase" not in third.metadata["mlwa"]  # inferred phases never become explicit ones


def test_an_old_notebook_without_cell_ids_gets_the_ids_the_report_uses(tmp_path: Path) -> None:
    nb = make_notebook("import numpy as np\nnp.random.shuffle(a)", ("md", "## Train"))
    nb["nbformat_minor"] = 4
    for cell in nb["cells"]:
        del cell["id"]
    source = write_notebook(tmp_path / "old.ipynb", nb)
    out = write_export(source, "ipynb", tmp_path / "out.ipynb")[0]
    again = write_export(out, "ipynb", tmp_path / "again.ipynb")[0]
    exported = read_back(out)
    assert [c.id for c in originals(exported)] == ["cell-0", "cell-1"]
    assert "(#cell-id=cell-0)" in exported.cells[0].source
    assert out.read_bytes() == again.read_bytes()


def test_the_callers_notebook_is_not_mutated(messy: Path) -> None:
    raw = parse_json(messy.read_bytes(), str(messy))
    kept = copy.deepcopy(raw)
    for fmt in ("ipynb", "markdown"):
        export_notebook(raw, str(messy), fmt)
    assert raw == kept


def test_analysing_the_export_finds_what_the_source_has(messy: Path, tmp_path: Path) -> None:
    out = write_export(messy, "ipynb", tmp_path / "out.ipynb")[0]
    data = json.loads(out.read_text(encoding="utf-8"))
    stripped = {**data, "cells": [c for c in data["cells"] if not is_generated(c)]}
    source = analyze_notebook(parse_json(messy.read_bytes(), str(messy)))
    exported = analyze_notebook(stripped)
    assert [(f.code, f.cell_index, f.line) for f in exported.findings] == [
        (f.code, f.cell_index, f.line) for f in source.findings
    ]


def test_the_plotly_radar_is_an_output_when_plotly_is_installed(
    messy: Path, tmp_path: Path
) -> None:
    pytest.importorskip("plotly")
    nb = read_back(write_export(messy, "ipynb", tmp_path / "out.ipynb")[0])
    radar = nb.cells[1]
    assert radar.cell_type == "code" and radar.metadata["mlwa"]["kind"] == "radar"
    bundle = radar.outputs[0]["data"]
    figure = bundle["application/vnd.plotly.v1+json"]
    assert figure["data"][0]["type"] == "scatterpolar"
    assert figure["layout"]["title"]["text"] == "Pillar coverage"
    assert bundle["text/plain"].startswith("Pillar coverage: ")
