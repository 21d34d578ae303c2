"""The learned phase model: data with provenance, trained deterministically, right on our examples.

The corpus is not in CI (`.corpus/` is rebuilt from git clones), so these tests check what can be
checked from a clean clone: that the shipped weights came from the committed labels, that the
training command gives the same file twice from the same labels, that the example notebooks are
labelled as their authors intend, and that every label explains itself in words.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

import pytest

from mlwa_notebook.engine import analyze
from mlwa_notebook.phases import PHASES
from mlwa_notebook.phases.learned import MODEL_PATH, decode, model_from_dict, shipped_model

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "example_notebooks"


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _train_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("mlwa_train", ROOT / "scripts" / "train.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["mlwa_train"] = module
    spec.loader.exec_module(module)
    return module


def test_the_shipped_weights_record_the_hash_of_the_committed_labels() -> None:
    data = json.loads(MODEL_PATH.read_text(encoding="utf-8"))
    assert data["labels_sha256"] == _sha256(ROOT / "eval" / "labels.jsonl")
    assert data["examples_labels_sha256"] == _sha256(ROOT / "eval" / "labels-examples.jsonl")
    devset = ROOT.parent / "shared" / "devset" / "labels.jsonl"
    if devset.exists():
        assert data["devset_labels_sha256"] == _sha256(devset)
    assert data["phases"] == list(PHASES)
    assert data["trained_on"]["repositories"] >= 20


def test_training_twice_on_the_same_labels_gives_the_same_weights() -> None:
    train = _train_module()
    docs = train.load_docs(train.EXAMPLE_LABELS, EXAMPLES, "examples", "mlwa-notebook")
    assert len(docs) == 4
    params = {**train.PARAMS, "min_repos": 1, "inner_folds": 2}
    # Two inner folds need two groups: each example stands for its own repository here.
    for doc in docs:
        doc.group = doc.name
    _, first = train.fit(docs, params)
    _, second = train.fit(docs, params)
    assert json.dumps(first, sort_keys=True) == json.dumps(second, sort_keys=True)
    assert first["stage1"]["weights"], "the fit learned nothing"


def _example_labels() -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for line in (ROOT / "eval" / "labels-examples.jsonl").read_text().splitlines():
        rec = json.loads(line)
        out.setdefault(rec["notebook"], []).append(rec["phase"])
    return out


#: Cells of the examples the shipped model may still get wrong, with why: the test pins every
#: other cell. Retraining moves a close call from one side to the other, so these are allowed,
#: not required, to miss.
KNOWN_MISSES = {
    ("01-well-architected-classifier.ipynb", 14): "a Feature engineering heading over a cell "
    "that defines the model pipeline: the section's code reads as training",
    ("02-messy-experiment.ipynb", 17): "the refit after a manual sweep reads as tuning",
    ("02-messy-experiment.ipynb", 19): "a closing to-do note that names the deployment it has "
    "not done reads as deployment",
    ("03-sagemaker-train-deploy.ipynb", 27): "a Clean up heading over mixed deletions "
    "(other, by the conventions) takes the phase of its first deletion",
    ("04-monitoring-drift.ipynb", 15): "the simulated endpoint's scoring function writes the "
    "data-capture log: its capture and alarm paths read as monitoring",
    ("04-monitoring-drift.ipynb", 30): "`%load_ext mlwa_notebook` in the closing review "
    "section reads as the section's other",
}


@pytest.mark.parametrize("name", sorted(_example_labels()))
def test_every_cell_of_the_example_notebooks_has_the_phase_its_author_intends(name: str) -> None:
    raw = json.loads((EXAMPLES / name).read_text(encoding="utf-8"))
    report = analyze(raw, path=name)
    assert not report.errors
    got = [c.phase for c in report.notebooks[0].cells]
    want = _example_labels()[name]
    assert len(got) == len(want)
    wrong = {i for i, (w, g) in enumerate(zip(want, got, strict=True)) if w != g}
    known = {i for (nb, i) in KNOWN_MISSES if nb == name}
    assert wrong <= known, [(i, want[i], got[i]) for i in sorted(wrong - known)]


def test_every_inferred_label_gives_its_evidence_in_words() -> None:
    raw = json.loads((EXAMPLES / "02-messy-experiment.ipynb").read_text(encoding="utf-8"))
    cells = analyze(raw, path="02.ipynb").notebooks[0].cells
    for cell in cells:
        assert cell.evidence, cell
        for reason in cell.evidence:
            # A raw feature name ("c:ensemble.RandomForestClassifier") is not an explanation.
            assert not reason.split(" ")[0].endswith(":"), reason
            assert ":" not in reason.split(" ")[0] or reason.startswith("set by"), reason


def test_a_cell_the_user_labelled_keeps_its_label_and_steers_its_neighbours() -> None:
    model = shipped_model()
    k = len(model.phases)
    flat = [[-2.5] * k for _ in range(3)]
    training = model.phases.index("model-training")
    path = decode(model, flat, [None, training, None])
    assert path[1] == training
    # With no evidence of its own, the next cell takes the likeliest phase after training.
    row = model.transitions[training]
    assert path[2] == max(range(k), key=lambda j: row[j])


def test_a_model_file_round_trips_through_its_json_form() -> None:
    data = json.loads(MODEL_PATH.read_text(encoding="utf-8"))
    model = model_from_dict(data)
    assert model.phases == tuple(PHASES)
    assert model.stage2 is not None
    assert len(model.transitions) == len(PHASES)
