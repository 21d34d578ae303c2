"""Beyond one folder: JSON Lines streamed, fsspec URLs, and a Dask cluster, same reports as local."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import fsspec
import pytest

from mlwa_notebook.config import Config
from mlwa_notebook.neighbours import MAX_NEIGHBOURS
from mlwa_notebook.report import to_dict
from mlwa_notebook.runner import batches, check_paths
from tests.conftest import CLEAN, UNSEEDED, make_notebook, run_cli, write_notebook

CELLS = (
    UNSEEDED,
    CLEAN,
    ("md", "## Train the model"),
    "import pandas as pd\ndf = pd.read_csv('s3://bucket/data.csv')",
    "from sklearn.linear_model import LogisticRegression\nm = LogisticRegression().fit(X, y)",
    "print(m.score(X_test, y_test))",
    "!pip install xgboost",
    "password = 'hunter2hunter2'",
)


def generated(index: int) -> dict[str, Any]:
    """A small notebook that differs from its neighbours: 3 to 5 cells from ``CELLS``."""
    picked = [CELLS[(index * k + k) % len(CELLS)] for k in range(1, 4 + index % 3)]
    return make_notebook(*picked, f"step_{index} = {index}")


def _without_paths(report: dict[str, Any]) -> list[Any]:
    named = [{**nb, "path": Path(nb["path"].split("://")[-1]).name} for nb in report["notebooks"]]
    return sorted(named, key=lambda nb: str(nb["path"])) + report["errors"]


def test_jsonl_is_one_notebook_report_a_line_as_json_has_them(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for i in range(5):
        write_notebook(tmp_path / f"nb{i}.ipynb", generated(i))
    (tmp_path / "broken.ipynb").write_text("{ not json", encoding="utf-8")
    code_json, out_json, _ = run_cli(capsys, "check", "--format", "json", str(tmp_path))
    code_lines, out_lines, err = run_cli(capsys, "check", "--format", "jsonl", str(tmp_path))
    lines = [json.loads(line) for line in out_lines.splitlines()]
    whole = json.loads(out_json)
    assert [x for x in lines if "error" not in x] == whole["notebooks"]
    assert [x["error"] for x in lines if "error" in x] == whole["errors"]
    assert code_lines == code_json == 1
    assert "broken.ipynb" in err


@pytest.fixture
def memory_tree() -> Iterator[str]:
    fs = fsspec.filesystem("memory")
    root = "/mlwa-test-notebooks"
    for i in range(20):
        fs.pipe(f"{root}/team{i % 2}/nb{i:02d}.ipynb", json.dumps(generated(i)).encode())
    fs.pipe(f"{root}/.hidden/skip.ipynb", b"{}")
    yield f"memory://{root}"
    fs.rm(root, recursive=True)


def test_memory_urls_give_the_reports_of_the_same_files_on_disk(
    memory_tree: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fs = fsspec.filesystem("memory")
    for found in fs.find(memory_tree.split("://")[1]):
        if "/.hidden/" not in found:
            (tmp_path / Path(found).name).write_bytes(fs.cat_file(found))
    _, remote, _ = run_cli(capsys, "check", "--format", "json", "--jobs", "1", memory_tree)
    _, local, _ = run_cli(capsys, "check", "--format", "json", "--jobs", "1", str(tmp_path))
    remote_report = json.loads(remote)
    assert len(remote_report["notebooks"]) == 20
    assert all(nb["path"].startswith("memory://") for nb in remote_report["notebooks"])
    assert _without_paths(remote_report) == _without_paths(json.loads(local))


def test_file_urls_and_missing_remote_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_notebook(tmp_path / "a.ipynb", generated(3))
    _, by_url, _ = run_cli(capsys, "check", "--format", "json", f"file://{tmp_path}")
    _, by_path, _ = run_cli(capsys, "check", "--format", "json", str(tmp_path))
    assert _without_paths(json.loads(by_url)) == _without_paths(json.loads(by_path))
    code, _, err = run_cli(capsys, "check", "--format", "json", "memory://nowhere/x.ipynb")
    assert code == 2 and "memory://nowhere/x.ipynb" in err and "no such file" in err


def test_a_dask_cluster_gives_the_local_report_over_1000_notebooks(tmp_path: Path) -> None:
    distributed = pytest.importorskip("distributed")
    from mlwa_notebook.distributed import check_on_dask

    paths = [
        str(write_notebook(tmp_path / f"d{i // 100}" / f"nb{i:04d}.ipynb", generated(i)))
        for i in range(1000)
    ]
    paths.insert(500, str(tmp_path / "missing.ipynb"))
    local = to_dict(check_paths(paths, Config(), jobs=1))
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        remote = to_dict(check_on_dask(client, paths, Config(), batch=16))
    assert remote == local
    assert len(remote["notebooks"]) == 1000 and len(remote["errors"]) == 1


def test_check_dask_option_runs_on_the_scheduler(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    distributed = pytest.importorskip("distributed")
    for i in range(6):
        write_notebook(tmp_path / f"nb{i}.ipynb", generated(i))
    _, local, _ = run_cli(capsys, "check", "--format", "json", "--no-cache", str(tmp_path))
    with distributed.LocalCluster(
        n_workers=1, threads_per_worker=2, processes=False, dashboard_address=None
    ) as cluster:
        code, out, _ = run_cli(
            capsys, "check", "--format", "json", "--dask", cluster.scheduler_address, str(tmp_path)
        )
    assert json.loads(out) == json.loads(local) and code == 1


def test_workers_get_a_folders_notebooks_together_in_order() -> None:
    # A project folder's notebooks read each other as neighbours: one worker reads them once.
    paths = [f"a/{i}.ipynb" for i in range(5)] + ["b/0.ipynb", "c/0.ipynb"]
    paths += [f"big/{i:03}.ipynb" for i in range(MAX_NEIGHBOURS + 5)]
    cut = batches(paths, 3)
    assert [p for batch in cut for p in batch] == paths
    assert cut[0] == paths[:5]  # bigger than a batch, still whole
    assert cut[1] == ["b/0.ipynb", "c/0.ipynb"]  # small folders share one
    # A folder too big to be a project reads no neighbours: it is cut like any list.
    assert all(len(batch) <= 3 for batch in cut[2:])
