"""`mlwa baseline write` and `mlwa check --baseline`: adopt mlwa on a repository with findings."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import CLEAN, UNSEEDED, make_notebook, run_cli, write_notebook

run = run_cli


def test_baseline_fails_only_on_new_findings_and_keys_on_content_not_lines(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given: a repository whose notebook already has a finding, recorded in a baseline
    monkeypatch.chdir(tmp_path)
    nb = make_notebook(CLEAN, UNSEEDED)
    path = write_notebook(tmp_path / "nbs" / "a.ipynb", nb)
    assert run(capsys, "check", "nbs")[0] == 1
    code, _, err = run(capsys, "baseline", "write", "nbs")
    assert code == 0 and "1 finding" in err
    data = json.loads((tmp_path / "mlwa-baseline.json").read_text(encoding="utf-8"))
    (entry,) = data["entries"]
    assert entry["path"] == "nbs/a.ipynb" and entry["code"] == "MLW004"
    assert entry["cell_id"] == nb["cells"][1]["id"] and "line" not in entry
    # When: the run uses the baseline, and a cell is added above (every line number moves)
    assert run(capsys, "check", "--baseline", "mlwa-baseline.json", "nbs")[0] == 0
    nb["cells"].insert(0, make_notebook("import os\nimport sys")["cells"][0])
    write_notebook(path, nb)
    code, out, _ = run(capsys, "check", "--baseline", "mlwa-baseline.json", "nbs")
    # Then: still clean, and the text says how many findings the baseline holds back
    assert code == 0 and "1 finding in the baseline" in out
    # When: a new finding appears in another cell, it fails, the old one still does not
    nb["cells"].append(make_notebook(UNSEEDED.replace("[1, 2, 3]", "[4, 5]"))["cells"][0])
    write_notebook(path, nb)
    code, out, _ = run(
        capsys, "check", "--baseline", "mlwa-baseline.json", "--format", "json", "nbs"
    )
    assert code == 1
    (new,) = json.loads(out)["notebooks"][0]["findings"]
    assert new["cell_id"] == nb["cells"][-1]["id"]


def test_stale_entries_are_reported_so_the_baseline_only_shrinks(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    nb = make_notebook(UNSEEDED, UNSEEDED)
    path = write_notebook(tmp_path / "a.ipynb", nb)
    other = write_notebook(tmp_path / "b.ipynb", make_notebook(UNSEEDED))
    run(capsys, "baseline", "write", str(path), str(other))
    # the first cell is fixed (its content changes), the second untouched
    nb["cells"][0]["source"] = UNSEEDED.replace("[1, 2, 3])", "[1, 2, 3], random_state=0)")
    write_notebook(path, nb)
    code, _, err = run(capsys, "check", "--baseline", "mlwa-baseline.json", str(path))
    assert code == 0
    assert "1 baseline entry no longer matches" in err
    assert f"a.ipynb, cell {nb['cells'][0]['id']}, MLW004" in err
    assert "b.ipynb" not in err  # not checked in this run: nothing to say about it
    # rewriting the baseline shrinks it
    run(capsys, "baseline", "write", str(path), str(other))
    data = json.loads((tmp_path / "mlwa-baseline.json").read_text(encoding="utf-8"))
    assert sorted(e["path"] for e in data["entries"]) == ["a.ipynb", "b.ipynb"]


def test_a_bad_baseline_file_is_a_usage_error_naming_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    nb = write_notebook(tmp_path / "a.ipynb", make_notebook(CLEAN))
    bad = tmp_path / "base.json"
    bad.write_text('{"entries": []}', encoding="utf-8")
    code, _, err = run(capsys, "check", "--baseline", str(bad), str(nb))
    assert code == 2 and "base.json: not an mlwa baseline" in err
    code, _, err = run(capsys, "check", "--baseline", str(tmp_path / "none.json"), str(nb))
    assert code == 2 and "none.json: cannot read the baseline" in err


def test_a_baseline_survives_nbstripout_renumbering_the_cell_ids(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil
    import subprocess
    import sys

    nbstripout = shutil.which("nbstripout", path=str(Path(sys.executable).parent))
    if nbstripout is None:
        pytest.skip("nbstripout is not installed (pip install -e '.[test]')")
    monkeypatch.chdir(tmp_path)
    nb = make_notebook(CLEAN, UNSEEDED, UNSEEDED.replace("[1, 2, 3]", "[7, 8]"))
    path = write_notebook(tmp_path / "a.ipynb", nb)
    run(capsys, "baseline", "write", "a.ipynb")
    subprocess.run([nbstripout, str(path)], check=True, timeout=120)
    ids = [c["id"] for c in json.loads(path.read_text(encoding="utf-8"))["cells"]]
    assert ids == ["0", "1", "2"]  # what nbstripout does by default
    code, out, err = run(capsys, "check", "--baseline", "mlwa-baseline.json", "a.ipynb")
    assert code == 0 and "2 findings in the baseline" in out
    assert "no longer match" not in err
