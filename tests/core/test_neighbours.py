"""A notebook is judged with the notebooks beside it: a clean-up notebook in the same folder
deletes what a deploy notebook created, and a file one notebook writes is not unversioned data
for the next."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mlwa_notebook.neighbours import MAX_NEIGHBOURS, neighbours
from tests.conftest import make_notebook, run_cli, write_notebook

DEPLOY = (
    "import sagemaker",
    "predictor = estimator.deploy(initial_instance_count=1, instance_type='ml.m5.large')",
)
CLEAN_UP = ("predictor.delete_endpoint()",)
PREPARE = (
    "import pandas as pd",
    "raw = pd.read_csv('s3://bucket/raw.csv')\nraw.dropna().to_csv('features.csv')",
)
TRAIN = ("import pandas as pd", "features = pd.read_csv('features.csv')")


def _codes(capsys: pytest.CaptureFixture[str], path: Path) -> dict[str, set[str]]:
    _, out, _ = run_cli(capsys, "check", "--format", "json", "--exit-zero", str(path))
    return {
        Path(nb["path"]).name: {f["name"] for f in nb["findings"]}
        for nb in json.loads(out)["notebooks"]
    }


def test_an_endpoint_deleted_by_a_clean_up_notebook_beside_it_is_not_left_running(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_notebook(tmp_path / "project" / "05-deploy.ipynb", make_notebook(*DEPLOY))
    write_notebook(tmp_path / "alone" / "05-deploy.ipynb", make_notebook(*DEPLOY))
    write_notebook(tmp_path / "project" / "99-clean-up.ipynb", make_notebook(*CLEAN_UP))
    assert "endpoint-not-deleted" not in _codes(capsys, tmp_path / "project")["05-deploy.ipynb"]
    assert "endpoint-not-deleted" in _codes(capsys, tmp_path / "alone")["05-deploy.ipynb"]


def test_the_clean_up_is_shown_as_evidence_with_its_notebook(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    deploy = write_notebook(tmp_path / "05-deploy.ipynb", make_notebook(*DEPLOY))
    write_notebook(tmp_path / "99-clean-up.ipynb", make_notebook(*CLEAN_UP))
    _, out, _ = run_cli(capsys, "check", "--format", "json", "--exit-zero", str(deploy))
    notes = [e["note"] for e in json.loads(out)["notebooks"][0]["evidence"]]
    assert "deleted by 99-clean-up.ipynb, a notebook beside this one" in notes


def test_a_file_written_by_the_notebook_beside_it_carries_its_version(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_notebook(tmp_path / "01-prepare.ipynb", make_notebook(*PREPARE))
    write_notebook(tmp_path / "02-train.ipynb", make_notebook(*TRAIN))
    codes = _codes(capsys, tmp_path)
    assert "unversioned-data" in codes["01-prepare.ipynb"]  # the raw read, where it is made
    assert "unversioned-data" not in codes["02-train.ipynb"]


def test_an_edited_neighbour_is_read_again_and_a_broken_one_is_skipped(tmp_path: Path) -> None:
    own = write_notebook(tmp_path / "05-deploy.ipynb", make_notebook(*DEPLOY))
    other = write_notebook(tmp_path / "99-clean-up.ipynb", make_notebook("print('later')"))
    (tmp_path / "broken.ipynb").write_text("{not json", encoding="utf-8")
    assert neighbours(own).cleans_up == ()
    write_notebook(other, make_notebook(*CLEAN_UP, "print('done')"))
    assert neighbours(own).cleans_up == ("99-clean-up.ipynb",)


def test_project_false_judges_each_notebook_alone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_notebook(tmp_path / "05-deploy.ipynb", make_notebook(*DEPLOY))
    write_notebook(tmp_path / "99-clean-up.ipynb", make_notebook(*CLEAN_UP))
    (tmp_path / "pyproject.toml").write_text("[tool.mlwa]\nproject = false\n", encoding="utf-8")
    assert "endpoint-not-deleted" in _codes(capsys, tmp_path)["05-deploy.ipynb"]
    (tmp_path / "pyproject.toml").write_text("[tool.mlwa]\nproject = 'no'\n", encoding="utf-8")
    code, _, err = run_cli(capsys, "check", str(tmp_path))
    assert code == 2 and "'project' is 'no'; use true or false" in err


def test_a_cached_result_is_analysed_again_when_a_neighbour_changes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    deploy = write_notebook(tmp_path / "05-deploy.ipynb", make_notebook(*DEPLOY))
    assert "endpoint-not-deleted" in _codes(capsys, deploy)["05-deploy.ipynb"]
    write_notebook(tmp_path / "99-clean-up.ipynb", make_notebook(*CLEAN_UP))
    assert "endpoint-not-deleted" not in _codes(capsys, deploy)["05-deploy.ipynb"]
    (tmp_path / "99-clean-up.ipynb").unlink()
    assert "endpoint-not-deleted" in _codes(capsys, deploy)["05-deploy.ipynb"]


def test_a_folder_of_more_notebooks_than_a_project_is_a_collection(tmp_path: Path) -> None:
    """Past ``MAX_NEIGHBOURS`` others the folder is a collection: no notebook there reads the
    others. A folder named like a notebook is no neighbour."""
    own = write_notebook(tmp_path / "05-deploy.ipynb", make_notebook(*DEPLOY))
    write_notebook(tmp_path / "99-clean-up.ipynb", make_notebook(*CLEAN_UP))
    (tmp_path / "folder.ipynb").mkdir()
    blank = json.dumps(make_notebook("x = 1"))
    for i in range(MAX_NEIGHBOURS - 1):  # with the clean-up: MAX_NEIGHBOURS others
        (tmp_path / f"filler-{i:03d}.ipynb").write_text(blank, encoding="utf-8")
    assert neighbours(own).cleans_up == ("99-clean-up.ipynb",)
    (tmp_path / "one-more.ipynb").write_text(blank, encoding="utf-8")
    assert neighbours(own).cleans_up == ()
