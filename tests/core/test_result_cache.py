"""The result cache of `mlwa check`: reused exactly when nothing the result depends on changed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from mlwa_notebook.config import Config
from mlwa_notebook.report import to_dict
from mlwa_notebook.resultcache import ResultCache
from mlwa_notebook.runner import check_paths
from tests.conftest import CLEAN, UNSEEDED, make_notebook, run_cli, write_notebook

OLD = 1_600_000_000  # a time long before any entry: the size-and-time check applies


def _written(path: Path, nb: dict[str, object]) -> Path:
    write_notebook(path, nb)
    os.utime(path, (OLD, OLD))
    return path


def _entries(root: Path) -> list[Path]:
    """The notebooks' entries (not the whole runs' answers)."""
    return sorted(p for p in root.rglob("*.json") if p.parent.name != "runs")


def _answers(root: Path) -> list[Path]:
    return sorted(root.glob("*/runs/*.json"))


def _mark_entries(root: Path, marker: str) -> None:
    """Put ``marker`` in every stored report's first finding: a run that shows it used the cache.
    The runs' answers are removed: the entries are what these runs must read."""
    for answer in _answers(root):
        answer.unlink()
    for entry_file in _entries(root):
        entry = json.loads(entry_file.read_text(encoding="utf-8"))
        entry["report"][2][0][8] = marker  # findings, first, message
        entry_file.write_text(json.dumps(entry), encoding="utf-8")


@pytest.fixture
def cache_dir() -> Path:
    return Path(os.environ["MLWA_CACHE_DIR"])


def test_an_unchanged_notebook_is_answered_from_the_cache(
    tmp_path: Path, cache_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    nb = _written(tmp_path / "a.ipynb", make_notebook(UNSEEDED))
    first = run_cli(capsys, "check", "--format", "concise", str(nb))
    assert len(_entries(cache_dir)) == 1
    assert (cache_dir / ".gitignore").read_text(encoding="utf-8").splitlines()[-1] == "*"
    _mark_entries(cache_dir, "FROM THE CACHE")
    again = run_cli(capsys, "check", "--format", "concise", str(nb))
    assert "FROM THE CACHE" in again[1] and again[0] == first[0]
    fresh = run_cli(capsys, "check", "--no-cache", "--format", "concise", str(nb))
    assert fresh[1] == first[1]
    # The same file named another way: the report names it as this run does.
    other = f"{nb.parent}/./{nb.name}"
    named = json.loads(run_cli(capsys, "check", "--format", "json", other)[1])
    assert named["notebooks"][0]["path"] == other
    assert "FROM THE CACHE" in named["notebooks"][0]["findings"][0]["message"]


def test_a_touched_file_with_the_same_bytes_is_still_a_hit_and_an_edit_is_not(
    tmp_path: Path, cache_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    nb = _written(tmp_path / "a.ipynb", make_notebook(UNSEEDED))
    first = run_cli(capsys, "check", "--format", "concise", str(nb))
    _mark_entries(cache_dir, "FROM THE CACHE")
    os.utime(nb, (OLD + 100, OLD + 100))
    assert "FROM THE CACHE" in run_cli(capsys, "check", "--format", "concise", str(nb))[1]
    # The same size, other bytes, another time: read, hashed, analysed again.
    text = nb.read_text(encoding="utf-8").replace("[1, 2, 3]", "[1, 2, 4]")
    nb.write_text(text, encoding="utf-8")
    os.utime(nb, (OLD + 200, OLD + 200))
    edited = run_cli(capsys, "check", "--format", "concise", str(nb))
    assert "FROM THE CACHE" not in edited[1]
    assert edited[1] == first[1]


def test_a_file_just_written_is_compared_by_its_bytes(
    tmp_path: Path, cache_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Within the file system's time resolution a rewrite can keep size and time: racy."""
    nb = write_notebook(tmp_path / "a.ipynb", make_notebook(UNSEEDED))
    run_cli(capsys, "check", "--format", "concise", str(nb))
    stat = nb.stat()
    write_notebook(nb, make_notebook(CLEAN + "   " * 20))
    os.utime(nb, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    code, out, _ = run_cli(capsys, "check", "--format", "concise", str(nb))
    assert code == 0 and "MLW" not in out


def test_configuration_lens_and_tracking_are_part_of_the_key(
    tmp_path: Path, cache_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    nb = _written(tmp_path / "a.ipynb", make_notebook(UNSEEDED))
    run_cli(capsys, "check", str(nb))
    _mark_entries(cache_dir, "FROM THE CACHE")
    selected = run_cli(capsys, "check", "--format", "concise", "--ignore", "MLW005", str(nb))
    assert "FROM THE CACHE" not in selected[1]
    assert len({p.parts[len(cache_dir.parts)] for p in _entries(cache_dir)}) == 2
    # git starts tracking the folder: what the rules read from version control changed.
    _mark_entries(cache_dir, "FROM THE CACHE")
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    subprocess.run(["git", "-C", str(tmp_path), "add", "a.ipynb"], check=True)
    # (a process of its own: this one remembers that the folder was in no repository)
    tracked = subprocess.run(
        [sys.executable, "-m", "mlwa_notebook.cli", "check", "--format", "concise", str(nb)],
        capture_output=True,
        text=True,
    )
    assert "MLW" in tracked.stdout and "FROM THE CACHE" not in tracked.stdout


def test_a_corrupt_entry_is_a_miss_never_an_error(
    tmp_path: Path, cache_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    nb = _written(tmp_path / "a.ipynb", make_notebook(UNSEEDED))
    first = run_cli(capsys, "check", "--format", "concise", str(nb))
    for broken in (b"\x00garbage", b'{"size": 1}', b"[1, 2]", b'{"report": 3}'):
        for entry_file in [*_entries(cache_dir), *_answers(cache_dir)]:
            entry_file.write_bytes(broken)
        assert run_cli(capsys, "check", "--format", "concise", str(nb)) == first
    # the run wrote a whole entry and answer again
    assert json.loads(_entries(cache_dir)[0].read_bytes())["size"] == nb.stat().st_size
    assert json.loads(_answers(cache_dir)[0].read_bytes())["code"] == first[0]


def test_cached_reports_equal_fresh_ones_for_the_examples(tmp_path: Path) -> None:
    root = Path(__file__).resolve().parents[2] / "example_notebooks"
    paths = []
    for source in sorted(root.glob("*.ipynb")):
        target = tmp_path / source.name
        target.write_bytes(source.read_bytes())
        os.utime(target, (OLD, OLD))
        paths.append(str(target))
    results = ResultCache(tmp_path / "cache", "k")
    fresh = to_dict(check_paths(paths, Config(), jobs=1, results=results))
    assert len(_entries(tmp_path / "cache")) == len(paths)
    assert to_dict(check_paths(paths, Config(), jobs=1, results=results)) == fresh
    assert to_dict(check_paths(paths, Config(), jobs=1)) == fresh


def test_a_fully_cached_run_loads_no_rules_lens_data_or_model(
    tmp_path: Path, cache_dir: Path
) -> None:
    """Neither from the entries nor, the tree unchanged, from the run's answer, which loads not
    even the report's records."""
    nb = _written(tmp_path / "a.ipynb", make_notebook(UNSEEDED))
    probe = (
        "import sys\n"
        "from mlwa_notebook.cli import main\n"
        f"main(['check', '--exit-zero', {str(nb)!r}])\n"
        "heavy = [m for m in ('mlwa_notebook.rules', 'mlwa_notebook.engine',"
        " 'mlwa_notebook.phases', 'mlwa_notebook.cellcode', 'mlwa_notebook.report')"
        " if m in sys.modules]\n"
        "print('LOADED', heavy, file=sys.stderr)\n"
    )

    def run() -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-c", probe], capture_output=True, text=True, check=True
        )

    analysed, answered = run(), run()
    for answer in _answers(cache_dir):
        answer.unlink()
    from_entries = run()
    assert "LOADED []" not in analysed.stderr  # the first run analyses
    assert "LOADED []" in answered.stderr
    assert "LOADED ['mlwa_notebook.report']" in from_entries.stderr
    assert analysed.stdout == answered.stdout == from_entries.stdout


def test_clean_removes_the_cache(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    project = tmp_path / "project"
    (project / "sub" / ".mlwa_cache").mkdir(parents=True)
    (project / "sub" / "keep.ipynb").write_text("{}", encoding="utf-8")
    monkeypatch.setenv("MLWA_CACHE_DIR", str(tmp_path / "elsewhere"))
    (tmp_path / "elsewhere" / "x").mkdir(parents=True)
    code, _, err = run_cli(capsys, "clean", str(project))
    assert code == 0 and "removed" in err
    assert not (project / "sub" / ".mlwa_cache").exists()
    assert not (tmp_path / "elsewhere").exists()
    assert (project / "sub" / "keep.ipynb").exists()


def test_every_field_of_a_finding_survives_the_cache(tmp_path: Path) -> None:
    """A finding placed by the rule (a secret in notebook metadata) reads back with its place."""
    nb = make_notebook(
        "x = 1", credentials={"aws_secret_access_key": "wJalrXUtnFEMI" + "K7MDENG" * 3}
    )
    path = _written(tmp_path / "a.ipynb", nb)
    results = ResultCache(tmp_path / "cache", "k")
    fresh = check_paths([str(path)], Config(), jobs=1, results=results)
    cached = check_paths([str(path)], Config(), jobs=1, results=results)
    assert fresh.notebooks[0].findings[0].message.startswith("notebook metadata:")
    assert cached.notebooks[0].findings == fresh.notebooks[0].findings


def _mark_answers(root: Path, marker: str) -> None:
    for answer in _answers(root):
        stored = json.loads(answer.read_bytes())
        stored["text"] += marker
        answer.write_text(json.dumps(stored), encoding="utf-8")


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "github", "concise"])
def test_a_run_over_an_unchanged_tree_prints_the_same_bytes(
    tmp_path: Path, cache_dir: Path, capsys: pytest.CaptureFixture[str], fmt: str
) -> None:
    folder = tmp_path / "nbs"
    _written(folder / "a.ipynb", make_notebook(UNSEEDED))
    _written(folder / "b.ipynb", make_notebook(CLEAN))
    fresh = run_cli(capsys, "check", "--no-cache", "--format", fmt, str(folder))
    first = run_cli(capsys, "check", "--format", fmt, str(folder))
    assert len(_answers(cache_dir)) == 1
    _mark_answers(cache_dir, "\nFROM THE ANSWER")
    second = run_cli(capsys, "check", "--format", fmt, str(folder))
    assert second[1] == first[1] + "FROM THE ANSWER\n"  # the answer, not the entries
    _mark_answers(cache_dir, "")
    assert first == fresh
    assert second[0] == fresh[0] == 1 and second[2] == fresh[2]


def test_a_run_answer_holds_only_while_nothing_it_read_changed(
    tmp_path: Path, cache_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "nbs"
    a = _written(folder / "a.ipynb", make_notebook(UNSEEDED))

    def answered(*extra: str) -> tuple[int, str, str]:
        _mark_answers(cache_dir, "\nFROM THE ANSWER")
        return run_cli(capsys, "check", "--format", "concise", *extra, str(folder))

    run_cli(capsys, "check", "--format", "concise", str(folder))
    assert "FROM THE ANSWER" in answered()[1]
    # Other options are another run; so is another threshold (the exit code is in the answer).
    assert "FROM THE ANSWER" not in answered("--exit-zero")[1]
    assert answered("--fail-on", "error")[0] == 0
    # A notebook touched, edited, or one more beside it: every one a miss.
    os.utime(a, (OLD + 100, OLD + 100))
    assert "FROM THE ANSWER" not in answered()[1]
    _written(folder / "b.ipynb", make_notebook(UNSEEDED))
    both = answered()
    assert "FROM THE ANSWER" not in both[1] and both[1].count("MLW") == 2
    # A notebook that cannot be read leaves no answer: its error is found by every run.
    (folder / "c.ipynb").write_text("{broken", encoding="utf-8")
    os.utime(folder / "c.ipynb", (OLD, OLD))
    for _ in range(2):
        code, out, _ = answered()
        assert code == 1 and "FROM THE ANSWER" not in out and "c.ipynb" in out
