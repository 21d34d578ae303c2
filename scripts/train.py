"""`make train`: learn the phase model from the labelled corpus and the devset; write model.json.

Deterministic: the same labels and parameters give the same file (lbfgs from zero, sorted
features, rounded weights). The file records the sha256 of the label files and the parameters.
The corpus notebooks are read from `.corpus/` (see `scripts/corpus.py build`), the devset's from
`../shared/devset/notebooks`; scikit-learn is used here only, never at run time.
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import math
import sys
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy.sparse import csr_matrix
from sklearn.linear_model import LogisticRegression

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from mlwa_notebook.cellcode import CodeFacts, analyse_code  # noqa: E402
from mlwa_notebook.notebook import from_dict  # noqa: E402
from mlwa_notebook.phases.classifier import PHASES  # noqa: E402
from mlwa_notebook.phases.features import (  # noqa: E402
    CellInput,
    Features,
    cell_inputs,
    notebook_features,
    stacked_features,
)
from mlwa_notebook.phases.learned import (  # noqa: E402
    MODEL_PATH,
    PhaseModel,
    cell_scores,
    decode,
    emissions,
    model_from_dict,
    softmax,
)
from mlwa_notebook.phases.sections import outline  # noqa: E402

CORPUS_LABELS = ROOT / "eval" / "labels.jsonl"
CORPUS_DIR = ROOT / ".corpus"
#: The project's own example notebooks, labelled by their authors' intent.
EXAMPLE_LABELS = ROOT / "eval" / "labels-examples.jsonl"
EXAMPLES_GROUP = "mlwa-notebook"
DEVSET = ROOT.parent / "shared" / "devset"

#: Parameters, chosen by repository-grouped cross-validation (`make eval` prints the comparison).
PARAMS: dict[str, object] = {
    "C": 0.5,
    "min_repos": 2,
    "transition_weight": 0.3,
    "class_weight": "balanced-sqrt",
    "max_iter": 3000,
    "stacked": True,
    "stage2_own": True,
    "inner_folds": 4,
    "examples_weight": 10.0,
    # Weights this small change no decision; leaving them out keeps scoring fast.
    "prune": 0.001,
}


@dataclass
class Doc:
    """One labelled notebook, read as the classifier reads it."""

    name: str
    group: str  # the repository: folds never split one
    source: str  # corpus or devset
    cells: list[CellInput]
    imports: dict[str, str]
    gold: list[str]
    features: list[Features]


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else ""


def load_docs(labels: Path, notebooks: Path, source: str, group: str | None = None) -> list[Doc]:
    if not labels.exists():
        return []
    by_nb: dict[str, dict[int, str]] = defaultdict(dict)
    for line in labels.read_text(encoding="utf-8").splitlines():
        if line.strip():
            rec = json.loads(line)
            by_nb[rec["notebook"]][rec["cell_index"]] = rec["phase"]
    docs = []
    facts_cache: dict[str, CodeFacts] = {}
    for name in sorted(by_nb):
        path = notebooks / name
        if not path.exists():
            print(f"missing notebook {path}", file=sys.stderr)
            continue
        nb = from_dict(json.loads(path.read_text(encoding="utf-8")), str(path))
        if len(by_nb[name]) != len(nb.cells):
            print(f"{name}: {len(by_nb[name])} labels for {len(nb.cells)} cells", file=sys.stderr)
            continue
        facts: list[CodeFacts | None] = []
        for c in nb.cells:
            if c.cell_type == "code":
                if c.source not in facts_cache:
                    facts_cache[c.source] = analyse_code(c.source)
                facts.append(facts_cache[c.source])
            else:
                facts.append(None)
        imports: dict[str, str] = {}
        for f in facts:
            if f is not None:
                imports.update(f.imports)
        cells = cell_inputs(nb.cells, facts)
        feats = notebook_features(cells, imports).all_merged()
        gold = [by_nb[name][i] for i in range(len(nb.cells))]
        docs.append(Doc(name, group or name.split("/")[0], source, cells, imports, gold, feats))
    return docs


def all_docs() -> list[Doc]:
    docs = load_docs(CORPUS_LABELS, CORPUS_DIR, "corpus")
    docs += load_docs(DEVSET / "labels.jsonl", DEVSET / "notebooks", "devset")
    docs += load_docs(EXAMPLE_LABELS, ROOT / "example_notebooks", "examples", EXAMPLES_GROUP)
    return docs


def _fit_linear(
    feats: Sequence[Features], y: Sequence[int], groups: Sequence[str], params: dict[str, object]
) -> dict[str, object]:
    """One stage: multinomial logistic regression over the features seen in enough repositories."""
    repos_of: dict[str, set[str]] = defaultdict(set)
    for f, g in zip(feats, groups, strict=True):
        for name in f:
            repos_of[name].add(g)
    min_repos = int(params["min_repos"])  # type: ignore[call-overload]
    vocab = sorted(n for n, r in repos_of.items() if len(r) >= min_repos)
    col = {n: j for j, n in enumerate(vocab)}
    rows, cols, vals = [], [], []
    for r, f in enumerate(feats):
        for name, v in f.items():
            j = col.get(name)
            if j is not None:
                rows.append(r)
                cols.append(j)
                vals.append(v)
    x = csr_matrix((vals, (rows, cols)), shape=(len(feats), len(vocab)))
    y_arr = np.array(y)
    weights = np.ones(len(y))
    if params["class_weight"] == "balanced-sqrt":
        counts = Counter(y)
        mean = len(y) / len(counts)
        weights = np.array([math.sqrt(mean / counts[c]) for c in y])
    # The project's own examples are what a user meets first: their labels are the authors'.
    boost = float(params.get("examples_weight", 1.0))  # type: ignore[arg-type]
    weights = weights * np.array([boost if g == EXAMPLES_GROUP else 1.0 for g in groups])
    clf = LogisticRegression(C=float(params["C"]), max_iter=int(params["max_iter"]))  # type: ignore[arg-type, call-overload]
    clf.fit(x, y_arr, sample_weight=weights)
    k = len(PHASES)
    coef = np.zeros((k, len(vocab)))
    intercept = np.full(k, -20.0)  # a phase never seen in training is never predicted
    for row, cls in enumerate(clf.classes_):
        coef[cls] = clf.coef_[row]
        intercept[cls] = clf.intercept_[row]
    out = {}
    for j, name in enumerate(vocab):
        w = coef[:, j]
        if np.abs(w).max() >= float(params["prune"]):  # type: ignore[arg-type]
            out[name] = [round(float(v), 4) for v in w]
    return {"intercept": [round(float(v), 4) for v in intercept], "weights": out}


def _first_stage_probs(stage: dict[str, object], doc: Doc) -> list[list[float]]:
    linear = model_from_dict({**_EMPTY, "stage1": stage}).stage1
    return [softmax(cell_scores(linear, f)) for f in doc.features]


_EMPTY: dict[str, object] = {
    "phases": list(PHASES),
    "stage1": {"intercept": [], "weights": {}},
    "transitions": [],
    "start": [],
    "transition_weight": 0.0,
    "labels_sha256": "",
}


def _stacked(doc: Doc, probs: list[list[float]], own: bool) -> list[Features]:
    types = [c.cell_type for c in doc.cells]
    shape = outline(types, [c.source for c in doc.cells])
    ctx = stacked_features(probs, types, shape, PHASES)
    if own:
        return [{**f, **c} for f, c in zip(doc.features, ctx, strict=True)]
    return [{**c, "bias:" + t: 1.0} for c, t in zip(ctx, types, strict=True)]


def fit(docs: Sequence[Doc], params: dict[str, object]) -> tuple[PhaseModel, dict[str, object]]:
    """Train on ``docs``: both stages and the transitions.

    The second stage learns from first-stage readings of notebooks the first stage did not
    see (inner folds by repository), as it will meet them at run time.
    """

    def flat(ds: Sequence[Doc], fs: Sequence[list[Features]] | None = None):  # type: ignore[no-untyped-def]
        feats: list[Features] = []
        y: list[int] = []
        groups: list[str] = []
        for n, d in enumerate(ds):
            feats.extend(fs[n] if fs is not None else d.features)
            y.extend(PHASES.index(g) for g in d.gold)
            groups.extend([d.group] * len(d.gold))
        return feats, y, groups

    stage1 = _fit_linear(*flat(docs), params)
    stage2 = None
    if params.get("stacked"):
        inner = _inner_folds(sorted({d.group for d in docs}), int(params["inner_folds"]))  # type: ignore[call-overload]
        stacked: dict[str, list[Features]] = {}
        for held in inner:
            part = _fit_linear(*flat([d for d in docs if d.group not in held]), params)
            for d in docs:
                if d.group in held:
                    stacked[d.name] = _stacked(
                        d, _first_stage_probs(part, d), bool(params.get("stage2_own", True))
                    )
        stage2 = _fit_linear(*flat(docs, [stacked[d.name] for d in docs]), params)
    k = len(PHASES)
    trans = np.ones((k, k))
    start = np.ones(k)
    for d in docs:
        idx = [PHASES.index(g) for g in d.gold]
        start[idx[0]] += 1
        for a, b in itertools.pairwise(idx):
            trans[a, b] += 1
    trans = np.log(trans / trans.sum(axis=1, keepdims=True))
    start = np.log(start / start.sum())
    data: dict[str, object] = {
        "schema_version": 1,
        "phases": list(PHASES),
        "stage1": stage1,
        "stage2": stage2,
        "transitions": [[round(float(v), 4) for v in row] for row in trans],
        "start": [round(float(v), 4) for v in start],
        "transition_weight": float(params["transition_weight"]),  # type: ignore[arg-type]
        "labels_sha256": sha256(CORPUS_LABELS),
        "devset_labels_sha256": sha256(DEVSET / "labels.jsonl"),
        "examples_labels_sha256": sha256(EXAMPLE_LABELS),
        "params": dict(params),
        "trained_on": {
            "notebooks": len(docs),
            "cells": sum(len(d.gold) for d in docs),
            "repositories": len({d.group for d in docs}),
        },
    }
    return model_from_dict(data), data


def _inner_folds(groups: Sequence[str], k: int) -> list[set[str]]:
    return [set(groups[i::k]) for i in range(k)]


def predict(model: PhaseModel, doc: Doc) -> list[str]:
    types = [c.cell_type for c in doc.cells]
    shape = outline(types, [c.source for c in doc.cells])
    empty: list[dict[str, float]] = [{} for _ in doc.features]
    scores, _ = emissions(model, doc.features, empty, types, shape)
    path = decode(model, scores, [None] * len(scores))
    return [model.phases[j] for j in path]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=MODEL_PATH)
    args = parser.parse_args(argv)
    docs = all_docs()
    if not docs:
        print("no labelled notebooks found (run scripts/corpus.py build first)", file=sys.stderr)
        return 2
    _, raw = fit(docs, PARAMS)
    args.out.write_text(json.dumps(raw, sort_keys=True, separators=(",", ":")) + "\n")
    print(
        f"trained on {len(docs)} notebooks, {sum(len(d.gold) for d in docs)} cells, "
        f"{len({d.group for d in docs})} repositories; "
        f"{len(raw['stage1']['weights'])} + {len((raw['stage2'] or {}).get('weights', {}))} "
        f"weighted features -> {args.out}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
