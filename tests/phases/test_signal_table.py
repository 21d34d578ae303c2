"""The signal table is data that holds together: known kinds and phases, patterns that compile,
and look-up shortcuts that never hide a match."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from mlwa_notebook.phases import PHASES
from mlwa_notebook.phases.index import REGEX_KINDS, needles, signal_index
from mlwa_notebook.phases.signals import SIGNALS

KINDS = {*REGEX_KINDS, "call", "kwarg", "attr", "import", "magic", "name", "receiver", "upload"}


def test_every_row_has_a_known_kind_a_known_phase_and_a_positive_weight() -> None:
    for sig in SIGNALS:
        assert sig.kind in KINDS, sig
        assert sig.phase in PHASES, sig
        assert sig.weight > 0, sig
        if sig.kind in REGEX_KINDS:
            re.compile(sig.pattern)


def test_rows_are_not_repeated() -> None:
    keys = [(s.kind, s.pattern, s.module, s.phase) for s in SIGNALS]
    repeated = {k for k in keys if keys.count(k) > 1}
    assert not repeated


def test_the_index_holds_every_row() -> None:
    index = signal_index()
    counted = sum(len(v) for v in index.calls.values())
    counted += sum(len(v) for v in index.kwargs.values())
    counted += sum(len(v) for v in index.attrs.values())
    counted += sum(len(v) for v in index.names.values())
    counted += sum(len(v) for v in index.magics.values())
    counted += sum(len(v) for v in index.uploads.values())
    counted += sum(len(v) for v in index.receivers.values())
    counted += len(index.imports)
    counted += sum(len(index.matcher(k).rows) for k in REGEX_KINDS)
    assert counted == len(SIGNALS)


def test_needles_are_the_words_a_pattern_requires() -> None:
    assert needles(r"\bcustomers?\b") == ("customer",)
    assert needles(r"deploy|endpoint") == ("deploy", "endpoint")
    assert needles(r"\b(set ?up|setup)\b") == ("set", "setup")
    assert needles(r"(the )?model$") == ("model",)
    assert needles(r"^(export|source|cd)\b") is None  # "cd" is too short to look for


_SAMPLES = st.lists(
    st.sampled_from(
        "train the model deploy an endpoint monitoring drift skew customers use-case "
        "hyperparameter tuning evaluate metrics accuracy confusion matrix feature store "
        "install kernel compatibility data set download split preprocessing clean up "
        "delete the bucket ModelBuilder featurestore-runtime s3://b/train.csv what's next "
        "Overview Costs Summary Tutorial model analyze the data exploration".split()
    ),
    min_size=1,
    max_size=8,
).map(" ".join)


@given(_SAMPLES)
def test_the_needle_shortcut_never_hides_a_match(text: str) -> None:
    index = signal_index()
    for kind in REGEX_KINDS:
        matcher = index.matcher(kind)
        found = {id(sig) for sig, _ in matcher.matches(text)}
        for pattern, sig in matcher.rows:
            if pattern.search(text):
                assert id(sig) in found, (kind, sig.pattern, text)
