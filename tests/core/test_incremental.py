"""Re-analysis with the per-cell caches warm gives the report a fresh analysis gives, bit for bit."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mlwa_notebook.config import Config
from mlwa_notebook.engine import AnalysisCache, analyze
from mlwa_notebook.lens import load_lens
from mlwa_notebook.report import to_dict

EXAMPLES = Path(__file__).resolve().parents[2] / "example_notebooks"
BASE: dict[str, Any] = json.loads((EXAMPLES / "02-messy-experiment.ipynb").read_text("utf-8"))
OTHER_SOURCES = [
    "".join(c["source"]) if isinstance(c["source"], list) else c["source"]
    for c in json.loads((EXAMPLES / "01-well-architected-classifier.ipynb").read_text("utf-8"))[
        "cells"
    ]
]
LENS = load_lens()

#: One edit: which cell, and what it becomes (another notebook's cell, a line added, a comment
#: added, emptied, broken, turned into markdown, given a phase by the user), or a cell inserted
#: before it or deleted (every cell after it moves: the caches keyed by position must not be
#: fooled).
edits = st.lists(
    st.tuples(
        st.integers(min_value=0, max_value=len(BASE["cells"]) - 1),
        st.sampled_from(
            [
                "swap",
                "append",
                "comment",
                "empty",
                "broken",
                "markdown",
                "phase",
                "insert",
                "delete",
            ]
        ),
        st.integers(min_value=0, max_value=len(OTHER_SOURCES) - 1),
    ),
    min_size=1,
    max_size=6,
)


PHASES = ["model-training", "data-preprocessing", "model-evaluation", "monitoring"]


def _edited(nb: dict[str, Any], index: int, how: str, pick: int) -> None:
    index = min(index, len(nb["cells"]) - 1)
    cell = nb["cells"][index]
    if how == "insert":
        new = {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None}
        nb["cells"].insert(index, {**new, "id": f"new-{pick}", "source": OTHER_SOURCES[pick]})
        return
    if how == "delete" and len(nb["cells"]) > 2:
        del nb["cells"][index]
        return
    if how == "phase":
        cell.setdefault("metadata", {})["mlwa"] = {"phase": PHASES[pick % len(PHASES)]}
        return
    source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
    if how == "swap":
        cell["source"] = OTHER_SOURCES[pick]
    elif how == "append":
        cell["source"] = source + f"\nnp.random.seed({pick})"
    elif how == "comment":  # the same code facts (a markdown cell: other prose)
        cell["source"] = source + f"\n# reviewed {pick}"
    elif how == "empty":
        cell["source"] = ""
    elif how == "broken":
        cell["source"] = source + "\ndef broken(:"
    else:
        cell["cell_type"] = "markdown"
        cell.pop("outputs", None)
        cell.pop("execution_count", None)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(edits)
def test_a_warm_reanalysis_after_edits_equals_a_fresh_analysis(
    steps: list[tuple[int, str, int]],
) -> None:
    config = Config()
    cache = AnalysisCache()
    nb = copy.deepcopy(BASE)
    analyze(nb, config=config, lens=LENS, cache=cache)
    for index, how, pick in steps:
        _edited(nb, index, how, pick)
        warm = to_dict(analyze(nb, config=config, lens=LENS, cache=cache))
        fresh = to_dict(analyze(copy.deepcopy(nb), config=config, lens=LENS))
        assert warm == fresh


def test_an_edit_that_leaves_the_code_facts_keeps_the_units_and_the_report_is_fresh() -> None:
    """A comment, a markdown cell or a phase set by the user: the data flow, trainings and
    scorings built from the code (``NotebookContext.units``) are those of the last analysis."""
    config, cache = Config(), AnalysisCache()
    nb = copy.deepcopy(BASE)
    analyze(nb, config=config, lens=LENS, cache=cache)

    def units() -> object:
        return cache.rule_memo[("units", "last")][2]

    code = next(i for i, c in enumerate(nb["cells"]) if c["cell_type"] == "code")
    prose = next(i for i, c in enumerate(nb["cells"]) if c["cell_type"] == "markdown")
    for index, how, kept in (
        (code, "comment", True),
        (prose, "comment", True),
        (code, "phase", True),
        (code, "append", False),
    ):
        before = units()
        _edited(nb, index, how, 1)
        warm = to_dict(analyze(nb, config=config, lens=LENS, cache=cache))
        assert (units() is before) == kept, (how, index)
        assert warm == to_dict(analyze(copy.deepcopy(nb), config=config, lens=LENS))
