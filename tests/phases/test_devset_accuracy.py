"""Phase accuracy on the shared labelled notebooks (``../shared/devset``), computed here.

The figures come from ``labels.jsonl`` and the real ``analyze()``, not from the scoring script,
so the test needs nothing but the data. It skips where the devset is not beside the checkout.
The bars are the ones the project set for phase inference: code cells at least 0.90 accuracy
and 0.85 macro-F1 at the fine level, markdown cells at least 0.80 accuracy.
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

import pytest

from mlwa_notebook.engine import AnalysisCache, analyze
from mlwa_notebook.lens import FINE_TO_LENS_PHASE

CODE_ACCURACY = 0.90
CODE_MACRO_F1 = 0.85
MARKDOWN_ACCURACY = 0.80


def _pairs(devset: Path) -> dict[str, list[tuple[str, str]]]:
    """(gold, predicted) phases per cell type over every labelled cell."""
    labels = [json.loads(line) for line in (devset / "labels.jsonl").read_text().splitlines()]
    by_notebook: dict[str, list[dict[str, object]]] = defaultdict(list)
    for label in labels:
        by_notebook[str(label["notebook"])].append(label)
    cache = AnalysisCache()
    pairs: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for name, cell_labels in sorted(by_notebook.items()):
        raw = json.loads((devset / "notebooks" / name).read_text(encoding="utf-8"))
        report = analyze(raw, path=name, cache=cache)
        assert not report.errors, report.errors
        cells = report.notebooks[0].cells
        for label in cell_labels:
            index = int(str(label["cell_index"]))
            pairs[str(label["cell_type"])].append((str(label["phase"]), cells[index].phase))
    return pairs


def _accuracy(pairs: list[tuple[str, str]]) -> float:
    return sum(g == p for g, p in pairs) / len(pairs)


def _macro_f1(pairs: list[tuple[str, str]]) -> float:
    scores = []
    for phase in sorted({g for g, _ in pairs}):
        tp = sum(g == p == phase for g, p in pairs)
        fp = sum(p == phase != g for g, p in pairs)
        fn = sum(g == phase != p for g, p in pairs)
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        scores.append(2 * precision * recall / (precision + recall) if precision + recall else 0.0)
    return sum(scores) / len(scores)


@pytest.fixture(scope="module")
def pairs() -> dict[str, list[tuple[str, str]]]:
    devset = Path(__file__).resolve().parents[2].parent / "shared" / "devset"
    if not (devset / "labels.jsonl").is_file():
        pytest.skip("../shared/devset is not present beside this checkout")
    return _pairs(devset)


def test_code_cells_meet_the_accuracy_and_macro_f1_bars(
    pairs: dict[str, list[tuple[str, str]]],
) -> None:
    code = pairs["code"]
    assert len(code) > 400
    assert _accuracy(code) >= CODE_ACCURACY
    assert _macro_f1(code) >= CODE_MACRO_F1


def test_markdown_cells_meet_the_accuracy_bar(pairs: dict[str, list[tuple[str, str]]]) -> None:
    markdown = pairs["markdown"]
    assert len(markdown) > 400
    assert _accuracy(markdown) >= MARKDOWN_ACCURACY


def test_lens_phase_level_is_at_least_as_good_as_the_fine_level(
    pairs: dict[str, list[tuple[str, str]]],
) -> None:
    for cell_type in ("code", "markdown"):
        fine = _accuracy(pairs[cell_type])
        lens = _accuracy(
            [
                (str(FINE_TO_LENS_PHASE.get(g)), str(FINE_TO_LENS_PHASE.get(p)))
                for g, p in pairs[cell_type]
            ]
        )
        assert lens >= fine
