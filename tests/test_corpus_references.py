"""The labelled corpus never holds a repository kept for measuring it independently."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _corpus_script():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("corpus_script", ROOT / "scripts" / "corpus.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_no_kept_out_repository_is_in_the_corpus_or_its_labels() -> None:
    corpus = _corpus_script()
    kept = corpus.kept_out()
    assert "WillKoehrsen/machine-learning-project-walkthrough" in kept  # the list is read
    used = {repo for repo, _, _ in corpus.entries()}
    assert not used & kept.keys()
    folders = {repo.replace("/", "__") for repo in kept}
    for name in ("labels.jsonl", "labels-second.jsonl", "facts.jsonl", "judged-evidence.jsonl"):
        for line in (ROOT / "eval" / name).read_text(encoding="utf-8").splitlines():
            assert json.loads(line)["notebook"].split("/")[0] not in folders, (name, line[:120])


def test_building_the_corpus_refuses_a_kept_out_repository(tmp_path: Path) -> None:
    corpus = _corpus_script()
    tsv = tmp_path / "corpus.tsv"
    tsv.write_text("repo\tcommit\tpath\nageron/handson-ml2\t" + "0" * 40 + "\ta.ipynb\n")
    corpus.CORPUS_TSV = tsv
    assert corpus.build(tmp_path / "clones", tmp_path / "out") == 2
    assert not (tmp_path / "out").exists()
