"""The Viterbi decode skips what cannot win and reuses its last forward pass, with the path a
plain decode over every phase pair gives."""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from mlwa_notebook.phases.learned import decode, shipped_model

MODEL = shipped_model()
K = len(MODEL.phases)


def plain_decode(emissions: Sequence[Sequence[float]], fixed: Sequence[int | None]) -> list[int]:
    """Every phase pair at every step: the reference."""
    lam = MODEL.transition_weight
    trans = [[lam * t for t in row] for row in MODEL.transitions]
    neg = -1e9

    def emit(i: int) -> list[float]:
        f = fixed[i]
        return [v if f is None or j == f else neg for j, v in enumerate(emissions[i])]

    first = emit(0)
    delta = [lam * MODEL.start[j] + first[j] for j in range(K)]
    back = []
    for i in range(1, len(emissions)):
        e = emit(i)
        new, ptr = [0.0] * K, [0] * K
        for j in range(K):
            best_s, best_p = neg * 10, 0
            for p in range(K):
                s = delta[p] + trans[p][j]
                if s > best_s:
                    best_s, best_p = s, p
            new[j], ptr[j] = best_s + e[j], best_p
        delta = new
        back.append(ptr)
    path = [max(range(K), key=lambda j: delta[j])]
    for ptr in reversed(back):
        path.append(ptr[path[-1]])
    return path[::-1]


SCORE = st.floats(min_value=-30, max_value=0) | st.sampled_from([0.0, -1e9, float("-inf")])
ROW = st.lists(SCORE, min_size=K, max_size=K)
CELLS = st.lists(
    st.tuples(ROW, st.none() | st.integers(min_value=0, max_value=K - 1)), min_size=1, max_size=40
)


@settings(max_examples=150, deadline=None)
@given(CELLS, st.lists(st.tuples(st.integers(min_value=0), ROW), max_size=4))
def test_decode_with_its_memo_gives_the_plain_path(
    cells: list[tuple[list[float], int | None]], edits: list[tuple[int, list[float]]]
) -> None:
    rows = [row for row, _ in cells]
    fixed = [f for _, f in cells]
    memo: dict[Hashable, Any] = {}
    assert decode(MODEL, rows, fixed) == plain_decode(rows, fixed)
    assert decode(MODEL, rows, fixed, memo) == plain_decode(rows, fixed)
    for at, row in edits:  # one cell's row replaced, the others the very same rows
        rows = list(rows)
        rows[at % len(rows)] = row
        assert decode(MODEL, rows, fixed, memo) == plain_decode(rows, fixed)
