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


#: Two example notebooks as one: long enough that most cells read nothing an edit touches.
LONG: dict[str, Any] = {
    **BASE,
    "cells": [
        {**c, "id": f"long-{i}"}
        for i, c in enumerate(
            BASE["cells"]
            + json.loads((EXAMPLES / "01-well-architected-classifier.ipynb").read_text("utf-8"))[
                "cells"
            ]
        )
    ],
}
#: Edits that keep every cell in its place (the phase model then scores again only the cells
#: that read an edited one), a heading made or removed among them (the outline changes).
in_place = st.lists(
    st.tuples(
        st.integers(min_value=0, max_value=len(LONG["cells"]) - 1),
        st.sampled_from(
            ["swap", "append", "comment", "empty", "broken", "markdown", "phase", "heading"]
        ),
        st.integers(min_value=0, max_value=len(OTHER_SOURCES) - 1),
    ),
    min_size=1,
    max_size=10,
)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(in_place)
def test_edits_in_place_reanalysed_warm_equal_a_fresh_analysis(
    steps: list[tuple[int, str, int]],
) -> None:
    config = Config()
    cache = AnalysisCache()
    nb = copy.deepcopy(LONG)
    analyze(nb, config=config, lens=LENS, cache=cache)
    for index, how, pick in steps:
        if how == "heading":
            cell = nb["cells"][index]
            cell.pop("outputs", None)
            cell.pop("execution_count", None)
            cell["cell_type"] = "markdown"
            cell["source"] = f"## Step {pick}: train and evaluate" if pick % 2 else "plain words"
        else:
            _edited(nb, index, how, pick)
        warm = to_dict(analyze(nb, config=config, lens=LENS, cache=cache))
        fresh = to_dict(analyze(copy.deepcopy(nb), config=config, lens=LENS))
        assert warm == fresh


def test_a_comment_edited_rescores_only_the_cells_that_read_the_cell() -> None:
    """The phase model's second stage keeps the parts of the cells that read nothing the edit
    changed: after a comment is added to the last code cell, the first cells' are the last
    analysis's own objects."""
    config, cache = Config(), AnalysisCache()
    nb = copy.deepcopy(LONG)
    analyze(nb, config=config, lens=LENS, cache=cache)

    def kept() -> Any:
        return next(
            v
            for k, v in cache.phase_scores.items()
            if isinstance(k, tuple) and k[:1] == (("emissions", "last"),)
        )

    before = kept()
    last_code = max(i for i, c in enumerate(nb["cells"]) if c["cell_type"] == "code")
    _edited(nb, last_code, "comment", 3)
    warm = to_dict(analyze(nb, config=config, lens=LENS, cache=cache))
    after = kept()
    assert after is not before
    assert all(after.parts[i] is before.parts[i] for i in range(3))
    assert after.parts[last_code] is not before.parts[last_code]
    assert warm == to_dict(analyze(copy.deepcopy(nb), config=config, lens=LENS))


def test_checks_that_read_only_the_code_units_are_kept_while_the_units_and_tracking_hold() -> None:
    """A rule that read only the code units (and the tracking) gives the last analysis's answer
    while they hold: after a comment is edited, the very same list; with other tracking, a new
    answer, equal to a fresh analysis's."""
    from mlwa_notebook.rules.base import DataTracking

    config, cache = Config(), AnalysisCache()
    nb = copy.deepcopy(LONG)
    analyze(nb, config=config, lens=LENS, cache=cache)

    def kept() -> dict[Any, Any]:
        return {k[1]: v[-1] for k, v in cache.rule_memo.items() if k[:1] == ("checked",)}

    before = kept()
    assert before, "some rule reads only the code units"
    code = next(i for i, c in enumerate(nb["cells"]) if c["cell_type"] == "code")
    _edited(nb, code, "comment", 2)
    analyze(nb, config=config, lens=LENS, cache=cache)
    after = kept()
    assert all(after[code_] is found for code_, found in before.items())
    tracking = DataTracking(root="/repo", tracked=frozenset({"data/train.csv"}))
    warm = to_dict(analyze(nb, config=config, lens=LENS, cache=cache, tracking=tracking))
    assert warm == to_dict(analyze(copy.deepcopy(nb), config=config, lens=LENS, tracking=tracking))


#: Long enough that the phase model's features pass keeps its state at several cells.
LONGER: dict[str, Any] = {
    **BASE,
    "cells": [{**c, "id": f"longer-{i}"} for i, c in enumerate(LONG["cells"] * 4)],
}


def _features(nb: dict[str, Any], memo: dict[Any, Any] | None) -> Any:
    from mlwa_notebook.cellcode import analyse_code
    from mlwa_notebook.notebook import from_dict
    from mlwa_notebook.phases.features import cell_inputs, notebook_features

    view = from_dict(nb, "<nb>")
    facts = [analyse_code(c.source) if c.cell_type == "code" else None for c in view.cells]
    imports: dict[str, str] = {}
    for f in facts:
        if f is not None:
            imports.update(f.imports)
    found = notebook_features(cell_inputs(view.cells, facts), imports, memo)
    return found.own_part, found.context, found.keys, found.flow


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(
            st.integers(min_value=0, max_value=len(LONGER["cells"]) - 1),
            st.sampled_from(
                ["swap", "append", "comment", "empty", "markdown", "heading", "insert", "delete"]
            ),
            st.integers(min_value=0, max_value=len(OTHER_SOURCES) - 1),
        ),
        min_size=1,
        max_size=8,
    )
)
def test_the_features_pass_resumed_after_edits_equals_a_fresh_pass(
    steps: list[tuple[int, str, int]],
) -> None:
    """The context features' pass starts again from the state it kept before the first edited
    cell and takes the last pass's contexts once its state is the same again: every cell's
    features are those of a pass from the first cell."""
    memo: dict[Any, Any] = {}
    nb = copy.deepcopy(LONGER)
    _features(nb, memo)
    for index, how, pick in steps:
        if how == "heading":
            cell = nb["cells"][min(index, len(nb["cells"]) - 1)]
            cell.pop("outputs", None)
            cell.pop("execution_count", None)
            cell["cell_type"] = "markdown"
            cell["source"] = f"## Step {pick}: train and evaluate" if pick % 2 else "plain words"
        else:
            _edited(nb, index, how, pick)
        assert _features(nb, memo) == _features(nb, None)


def test_a_comment_edited_passes_over_only_the_cells_near_it_again() -> None:
    """After a comment is added to a cell, the contexts before the state kept before it and after
    the state is the same again are the last pass's own objects."""
    memo: dict[Any, Any] = {}
    nb = copy.deepcopy(LONGER)
    before = _features(nb, memo)[1]
    edited = next(i for i in range(40, 80) if nb["cells"][i]["cell_type"] == "code")
    _edited(nb, edited, "comment", 1)
    after = _features(nb, memo)[1]
    assert after == _features(nb, None)[1]
    assert all(after[i] is before[i] for i in range(32))
    assert all(after[i] is before[i] for i in range(128, len(after)))


def test_an_edited_cell_alone_is_resolved_again_when_the_units_are_built_again() -> None:
    """The notebook unit is built again after a code edit, from the other cells' parts of the
    last build (their sites the very same objects) and the edited cell's new one."""
    config, cache = Config(), AnalysisCache()
    nb = copy.deepcopy(LONG)
    analyze(nb, config=config, lens=LENS, cache=cache)

    def sites() -> dict[int, list[Any]]:
        by_cell: dict[int, list[Any]] = {}
        for site in cache.rule_memo[("units", "last")][2][0].sites:
            by_cell.setdefault(site.cell, []).append(site)
        return by_cell

    before = sites()
    edited = max(before)
    _edited(nb, edited, "append", 1)
    warm = to_dict(analyze(nb, config=config, lens=LENS, cache=cache))
    after = sites()
    assert warm == to_dict(analyze(copy.deepcopy(nb), config=config, lens=LENS))
    assert after[edited] != before[edited]
    assert all(
        a is b for c in before if c != edited for a, b in zip(after[c], before[c], strict=True)
    )


def _flow_unit(nb: dict[str, Any], last: Any) -> Any:
    from mlwa_notebook.cellcode import analyse_code
    from mlwa_notebook.notebook import from_dict
    from mlwa_notebook.rules._flow import build_unit

    view = from_dict(nb, "<nb>")
    cells = [(c.index, analyse_code(c.source)) for c in view.cells if c.cell_type == "code"]
    imports: dict[str, str] = {}
    for _, f in cells:
        imports.update(f.imports)
    return build_unit("notebook", False, cells, imports, last_flow=last)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(
            st.integers(min_value=0, max_value=len(LONGER["cells"]) - 1),
            st.sampled_from(["swap", "append", "comment", "empty", "markdown", "insert", "delete"]),
            st.integers(min_value=0, max_value=len(OTHER_SOURCES) - 1),
        ),
        min_size=1,
        max_size=8,
    )
)
def test_a_data_flow_followed_from_the_last_one_equals_a_fresh_one(
    steps: list[tuple[int, str, int]],
) -> None:
    """The data flow goes over again only from the names it had found before the first step
    that differs, and takes the last flow's end once they are again the same: the same held-out,
    training and prediction names as a flow followed from the first step."""
    nb = copy.deepcopy(LONGER)
    unit = _flow_unit(nb, None)
    unit.flow  # noqa: B018 (followed, for the next unit to resume from)
    for index, how, pick in steps:
        _edited(nb, index, how, pick)
        unit = _flow_unit(nb, unit.flow)
        assert unit.flow == _flow_unit(nb, None).flow
