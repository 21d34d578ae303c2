"""The learned phase model: per-cell scores from named features, decoded over the notebook.

Each cell gets a score per phase, a weighted sum of its features (``features``); the scores become
probabilities (softmax), and the labels of the whole notebook are decoded together (Viterbi) with
learned phase-to-phase transitions, so that a cell's neighbours count. Cells the user labelled
keep their label and constrain the path around them.

The weights are data (``model.json`` beside this module), written by ``make train`` from the
labelled corpus; the file records the hash of the labels and the parameters it came from.
Nothing is learned at run time and nothing heavier than the standard library is imported.
"""

from __future__ import annotations

import heapq
import json
import math
from bisect import bisect_left
from collections.abc import Hashable, Mapping, MutableMapping, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from itertools import repeat
from operator import add, mul, sub
from pathlib import Path
from typing import Any

from mlwa_notebook.phases.features import (
    FLAG,
    STACK_MIN,
    Features,
    StackedInput,
    StackedInputs,
    input_row,
    inputs_as_features,
    stacked_inputs,
)
from mlwa_notebook.phases.sections import Outline

MODEL_PATH = Path(__file__).with_name("model.json")
#: Features shown as evidence for a label, at most.
EVIDENCE_ITEMS = 4


@dataclass(frozen=True, slots=True)
class Linear:
    """One stage's scorer: a weight per phase for every feature it knows, and an intercept."""

    intercept: tuple[float, ...]
    weights: Mapping[str, tuple[float, ...]]
    #: Each feature's weights less their mean: how much it favours one phase over the others.
    centered: Mapping[str, tuple[float, ...]]


@dataclass(frozen=True, slots=True)
class PhaseModel:
    """Two stages of per-cell scorers and the transitions between phases.

    The first stage reads a cell's own features; the second adds what the first said about the
    cell's surroundings (``features.stacked_features``).
    """

    phases: tuple[str, ...]
    stage1: Linear
    stage2: Linear | None
    #: log P(next phase | phase), rows by phase, scaled by ``transition_weight`` when decoding.
    transitions: tuple[tuple[float, ...], ...]
    start: tuple[float, ...]
    transition_weight: float
    labels_sha256: str
    params: Mapping[str, object]


def _less_mean(v: tuple[float, ...]) -> tuple[float, ...]:
    mean = sum(v) / len(v)
    return tuple(x - mean for x in v)


def _linear(data: Mapping[str, Any]) -> Linear:
    weights = {k: tuple(v) for k, v in data["weights"].items()}
    centered = {k: _less_mean(v) for k, v in weights.items()}
    return Linear(tuple(data["intercept"]), weights, centered)


def model_from_dict(data: Mapping[str, Any]) -> PhaseModel:
    """A model from its JSON form (what ``scripts/train.py`` writes)."""
    stage2 = data.get("stage2")
    return PhaseModel(
        phases=tuple(data["phases"]),
        stage1=_linear(data["stage1"]),
        stage2=_linear(stage2) if stage2 else None,
        transitions=tuple(tuple(r) for r in data["transitions"]),
        start=tuple(data["start"]),
        transition_weight=float(data["transition_weight"]),
        labels_sha256=str(data["labels_sha256"]),
        params=dict(data.get("params", {})),
    )


@cache
def shipped_model() -> PhaseModel:
    """The model that ships in the package, read once."""
    return model_from_dict(json.loads(MODEL_PATH.read_text(encoding="utf-8")))


def _accumulate(acc: list[float], stage: Linear, features: Mapping[str, float]) -> list[float]:
    get = stage.weights.get
    for name, value in features.items():
        w = get(name)
        if w is not None:
            if value == 1.0:
                acc = list(map(add, acc, w))
            else:
                acc = list(map(add, acc, map(mul, w, repeat(value, len(w)))))
    return acc


def cell_scores(stage: Linear, features: Mapping[str, float]) -> list[float]:
    """The linear score of every phase for one cell."""
    return _accumulate(list(stage.intercept), stage, features)


def _part_scores(stage: Linear, features: Mapping[str, float]) -> list[float]:
    """``cell_scores`` without the intercept: the share of a part of a cell's features."""
    return _accumulate([0.0] * len(stage.intercept), stage, features)


def softmax(scores: Sequence[float]) -> list[float]:
    top = max(scores)
    exps = [math.exp(s - top) for s in scores]
    total = sum(exps)
    return [e / total for e in exps]


#: Where ``emissions`` counts the first-stage readings it has named in a memo.
_READINGS = ("first-stage readings",)


def emissions(
    model: PhaseModel,
    own_part: Sequence[Mapping[str, float]],
    context: Sequence[Mapping[str, float]],
    cell_types: Sequence[str],
    shape: Outline,
    fixed: Sequence[int | None] | None = None,
    keys: Sequence[Hashable] | None = None,
    memo: MutableMapping[Hashable, Any] | None = None,
) -> tuple[list[list[float]], Reading]:
    """Per cell, the log-probability of each phase, and what the second stage read of the cell.

    Scores are linear in the features, so each part's share is kept in ``memo`` while the part
    is unchanged: a cell's own features (under its key), its context, its first-stage reading
    (named by a number, its *token*), and its second-stage inputs but the shared ones (under the
    tokens of the cells they read). The inputs shared by every cell (the notebook as a whole)
    are scored once per notebook and added last. After one cell's edit only the cells that read
    it are scored again. ``fixed`` holds the phases the user set: their cells are read as
    certain, so a heading the user labelled leads the code under it.
    """
    n = len(context)
    k = len(model.phases)
    mid = id(model)
    if memo is None or keys is None:  # nothing kept: a memo for this call alone
        memo, keys = {}, [("cell", i) for i in range(n)]
    store, names = memo, keys
    # Names and values apart: two tuples a cell, not one per feature (what the collector walks).
    ctx_keys = [(tuple(c), tuple(c.values())) for c in context]

    def own(stage: Linear, tag: str, i: int) -> list[float]:
        key = (tag, mid, names[i])
        found = store.get(key)
        if found is None:
            found = store[key] = _part_scores(stage, own_part[i])
        return found

    def around(stage: Linear, tag: str, i: int) -> list[float]:
        """The intercept and the context features' share of the scores."""
        key = (tag, mid, ctx_keys[i])
        found = store.get(key)
        if found is None:
            found = store[key] = cell_scores(stage, context[i])
        return found

    tokens: list[Hashable] = [None] * n
    probs: list[Sequence[float]] = [()] * n
    count = store.get(_READINGS, 0)
    for i in range(n):
        key = ("p1", mid, names[i], ctx_keys[i])
        found = store.get(key)
        if found is None:
            first = list(map(add, own(model.stage1, "s1", i), around(model.stage1, "c1", i)))
            reading = softmax(first) if model.stage2 is not None else log_softmax(first)
            found = store[key] = (count, reading)
            count += 1
        tokens[i], probs[i] = found
    store[_READINGS] = count
    if model.stage2 is None:
        return [list(p) for p in probs], Reading(model.phases, probs, None, tokens, store)
    # A cell's signature names its own reading (its own and context features) even when the
    # user fixed its phase: what the cells around read of it is then the fixed phase.
    readings = list(tokens)
    for i, j in enumerate(fixed or ()):
        if j is not None:
            tokens[i] = ("fixed", j)
            probs[i] = [1.0 if p == j else 0.0 for p in range(k)]
    inputs = stacked_inputs(probs, cell_types, shape, model.phases, store)
    stage2 = model.stage2
    score = _StackedScorer(stage2, model.phases, probs)
    shared = score([0.0] * k, inputs.shared)
    own_in = bool(model.params.get("stage2_own", True))
    groups: dict[int, tuple[Sequence[int], _Group]] = {}

    def signature(item: StackedInput) -> Hashable:
        prefix, cells, skip = item
        if skip == FLAG:
            return prefix
        if len(cells) == 1 and skip < 0:
            return (prefix, tokens[cells[0]])
        found = groups.get(id(cells))
        if found is None:  # the cells are kept with their group, so that the id stays theirs
            found = groups[id(cells)] = (cells, _Group(tuple(tokens[c] for c in cells)))
        at = bisect_left(cells, skip) if skip >= 0 else -1
        return (prefix, found[1], at if 0 <= at < len(cells) and cells[at] == skip else -1)

    def part_of(i: int, sig: Hashable) -> list[float]:
        part: list[float] | None = store.get(sig)
        if part is None:
            if own_in:
                part = score(around(stage2, "c2", i), inputs.cells[i])
            else:  # the second stage reads only the first stage's readings of the cell and around
                bias = ("bias:" + cell_types[i], (), FLAG)
                part = score(list(stage2.intercept), (*inputs.cells[i], bias))
            store[sig] = part
        return part

    def emission(i: int, part: list[float]) -> list[float]:
        c = list(map(add, part, shared))
        return log_softmax(list(map(add, own(stage2, "s2", i), c))) if own_in else c

    last: _Last | None = store.get((_LAST, mid))
    if last is not None and last.fits(n, own_in, inputs.shared):
        # Only the cells whose second-stage inputs, own reading or read cells changed since the
        # last call are scored again; the others' parts are the last call's.
        signatures, parts = list(last.signatures), list(last.parts)
        moved = [c for c, (a, b) in enumerate(zip(tokens, last.tokens, strict=True)) if a != b]
        dirty = {c for c, (a, b) in enumerate(zip(readings, last.readings, strict=True)) if a != b}
        rewired = [
            c for c, (a, b) in enumerate(zip(inputs.cells, last.cells, strict=True)) if a != b
        ]
        rev = last.rev_updated(rewired, inputs.cells)
        dirty.update(moved, rewired)
        for c in moved:
            dirty.update(rev.get(c, ()))
        for i in dirty:
            sig = signatures[i] = _Group(
                ("s2", mid, own_in, readings[i], tuple(map(signature, inputs.cells[i])))
            )
            parts[i] = part_of(i, sig)
        if shared == last.shared:
            out = list(last.out)
            for i in dirty:
                out[i] = emission(i, parts[i])
        else:
            out = [emission(i, part) for i, part in enumerate(parts)]
    else:
        signatures, parts, out = [], [], []
        for i in range(n):
            sig = _Group(("s2", mid, own_in, readings[i], tuple(map(signature, inputs.cells[i]))))
            signatures.append(sig)
            part = part_of(i, sig)
            parts.append(part)
            out.append(emission(i, part))
        rev = _Last.references(inputs.cells)
    store[(_LAST, mid)] = _Last(
        own_in, tokens, readings, inputs.cells, inputs.shared, rev, signatures, parts, shared, out
    )
    return out, Reading(model.phases, probs, inputs, signatures, store)


class _Group:
    """The first-stage tokens of a group of cells (a block's code), or a cell's signature: a
    tuple hashed once per run, however many memo keys hold it."""

    __slots__ = ("hash", "tokens")

    def __init__(self, tokens: tuple[Hashable, ...]) -> None:
        self.tokens = tokens
        self.hash = hash(tokens)

    def __hash__(self) -> int:
        return self.hash

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Group) and other.hash == self.hash and other.tokens == self.tokens


#: Where ``emissions`` keeps what its last call scored, to score only what changed next time.
_LAST = ("emissions", "last")


class _Last:
    """What the last call of ``emissions`` read and scored, per cell, and which cells read which
    (``rev``: a cell's index to the cells whose second-stage inputs read it)."""

    __slots__ = (
        "cells",
        "out",
        "own_in",
        "parts",
        "readings",
        "rev",
        "shared",
        "shared_inputs",
        "signatures",
        "tokens",
    )

    def __init__(
        self,
        own_in: bool,
        tokens: Sequence[Hashable],
        readings: Sequence[Hashable],
        cells: Sequence[Sequence[StackedInput]],
        shared_inputs: Sequence[StackedInput],
        rev: dict[int, set[int]],
        signatures: Sequence[Hashable],
        parts: Sequence[list[float]],
        shared: list[float],
        out: Sequence[list[float]],
    ) -> None:
        self.own_in = own_in
        self.tokens = tokens
        self.readings = readings
        self.cells = cells
        self.shared_inputs = shared_inputs
        self.rev = rev
        self.signatures = signatures
        self.parts = parts
        self.shared = shared
        self.out = out

    def fits(self, n: int, own_in: bool, shared_inputs: Sequence[StackedInput]) -> bool:
        """Whether this call's cells can be compared with the last's one by one."""
        return (
            len(self.cells) == n and self.own_in == own_in and self.shared_inputs == shared_inputs
        )

    @staticmethod
    def references(cells: Sequence[Sequence[StackedInput]]) -> dict[int, set[int]]:
        """Per cell, the cells whose inputs read it."""
        rev: dict[int, set[int]] = {}
        for i, items in enumerate(cells):
            for _, read, skip in items:
                if skip != FLAG:
                    for c in read:
                        rev.setdefault(c, set()).add(i)
        return rev

    def rev_updated(
        self, rewired: Sequence[int], cells: Sequence[Sequence[StackedInput]]
    ) -> dict[int, set[int]]:
        """``rev`` for ``cells``, whose inputs differ from the last call's at ``rewired`` only."""
        if not rewired:
            return self.rev
        rev = {c: set(readers) for c, readers in self.rev.items()}
        for i in rewired:
            for _, read, skip in self.cells[i]:
                if skip != FLAG:
                    for c in read:
                        rev[c].discard(i)
            for _, read, skip in cells[i]:
                if skip != FLAG:
                    for c in read:
                        rev.setdefault(c, set()).add(i)
        return rev


class Reading:
    """What the second stage read of each cell, named only for the cells whose evidence is told.

    A cell's named inputs and their lifts are kept in the memo under the cell's signature (the
    tokens of what it read); the shared inputs are named once.
    """

    def __init__(
        self,
        phases: Sequence[str],
        probs: Sequence[Sequence[float]],
        inputs: StackedInputs | None,
        signatures: Sequence[Hashable],
        memo: MutableMapping[Hashable, Any],
    ) -> None:
        self.phases = phases
        self.probs = probs
        self.inputs = inputs
        self.signatures = signatures
        self.memo = memo
        self._shared: Features | None = None
        self._shared_lifts: dict[int, list[tuple[float, str]]] = {}

    def features(self, i: int) -> Features:
        """Cell ``i``'s second-stage features but the shared ones."""
        if self.inputs is None:
            return {}
        key = ("named", self.signatures[i])
        found: Features | None = self.memo.get(key)
        if found is None:
            found = self.memo[key] = inputs_as_features(
                self.probs, self.inputs.cells[i], self.phases
            )
        return found

    def shared(self) -> Features:
        """The second-stage features every cell has (the notebook as a whole)."""
        if self._shared is None:
            self._shared = (
                inputs_as_features(self.probs, self.inputs.shared, self.phases)
                if self.inputs is not None
                else {}
            )
        return self._shared

    def shared_lifts(self, model: PhaseModel, phase: int) -> list[tuple[float, str]]:
        """``lifts`` of ``shared()``, once per phase."""
        found = self._shared_lifts.get(phase)
        if found is None:
            found = self._shared_lifts[phase] = lifts(model, self.shared(), phase)
        return found


class _StackedScorer:
    """Adds second-stage inputs to scores, as ``_accumulate`` adds the named features.

    Each prefix's weights are looked up once per phase.
    """

    def __init__(
        self, stage: Linear, phases: Sequence[str], probs: Sequence[Sequence[float]]
    ) -> None:
        self.get = stage.weights.get
        self.phases = phases
        self.probs = probs
        self.k = len(phases)
        self.by_prefix: dict[str, tuple[tuple[float, ...] | None, ...]] = {}

    def _weights(self, prefix: str) -> tuple[tuple[float, ...] | None, ...]:
        found = self.by_prefix.get(prefix)
        if found is None:
            found = self.by_prefix[prefix] = tuple(self.get(f"{prefix}:{p}") for p in self.phases)
        return found

    def __call__(self, acc: list[float], inputs: Sequence[StackedInput]) -> list[float]:
        k = self.k
        for item in inputs:
            prefix, _, skip = item
            if skip == FLAG:
                w = self.get(prefix)
                if w is not None:
                    acc = list(map(add, acc, w))
                continue
            by_phase = self._weights(prefix)
            for j, value in enumerate(input_row(self.probs, item, k)):
                if value >= STACK_MIN:
                    w = by_phase[j]
                    if w is not None:
                        acc = list(map(add, acc, map(mul, w, repeat(value, k))))
        return acc


def log_softmax(scores: Sequence[float]) -> list[float]:
    top = max(scores)
    # The same sums as a loop in Python would make, in the same order, made in C.
    total = math.log(sum(map(math.exp, map(sub, scores, repeat(top))))) + top
    return list(map(sub, scores, repeat(total)))


#: Where ``decode`` keeps its last call's forward pass.
_LAST_PATH = ("decode", "last")


def decode(
    model: PhaseModel,
    emissions: Sequence[Sequence[float]],
    fixed: Sequence[int | None],
    memo: MutableMapping[Hashable, Any] | None = None,
) -> list[int]:
    """The most likely phase sequence (Viterbi); ``fixed[i]`` forces cell ``i``'s phase.

    With ``memo``, the forward pass of the cells before the first whose emission (the very
    same row) or fixed phase changed since the last call is the last call's.
    """
    n = len(emissions)
    if n == 0:
        return []
    k = len(model.phases)
    lam = model.transition_weight
    trans = [[lam * t for t in row] for row in model.transitions]
    neg = -1e9
    # A phase whose score is this far below the best one cannot lead to any phase: the columns
    # of ``trans`` span less than that (the margin keeps rounding out of the question).
    reach = max(max(col) - min(col) for col in zip(*trans, strict=True)) + 1.0
    phases = range(k)

    def emit(i: int) -> list[float]:
        e = list(emissions[i])
        f = fixed[i]
        if f is not None:
            e = [v if j == f else neg for j, v in enumerate(e)]
        return e

    last = memo.get((_LAST_PATH, id(model))) if memo is not None else None
    start = 0
    if last is not None and last[0] is model:
        rows, fixes, deltas, back = last[1], last[2], last[3], last[4]
        same = min(n, len(rows))
        while start < same and emissions[start] is rows[start] and fixed[start] == fixes[start]:
            start += 1
        deltas, back = deltas[:start], back[: max(start - 1, 0)]
    else:
        deltas, back = [], []
    if start == 0:
        first = emit(0)
        deltas = [[lam * model.start[j] + first[j] for j in phases]]
        start = 1
    delta = deltas[-1]
    for i in range(start, n):
        e = emit(i)
        new = [0.0] * k
        ptr = [0] * k
        floor = max(delta) - reach
        # ``not <`` keeps every phase when a score is NaN, as the full loop would see them.
        near = [p for p in phases if not delta[p] < floor]
        for j in phases:
            best_s, best_p = neg * 10, 0
            for p in near:
                s = delta[p] + trans[p][j]
                if s > best_s:
                    best_s, best_p = s, p
            new[j] = best_s + e[j]
            ptr[j] = best_p
        delta = new
        deltas.append(delta)
        back.append(ptr)
    if memo is not None:
        memo[(_LAST_PATH, id(model))] = (model, list(emissions), list(fixed), deltas, back)
    last_phase = max(phases, key=lambda j: delta[j])
    path = [last_phase]
    for ptr in reversed(back):
        path.append(ptr[path[-1]])
    path.reverse()
    return path


def lifts(model: PhaseModel, features: Mapping[str, float], phase: int) -> list[tuple[float, str]]:
    """Every feature that raised ``phase`` against the cell's average phase score, as
    ``(-lift, name)``, most first (the order ``contributions`` keeps)."""
    stage = model.stage2 or model.stage1
    get = stage.centered.get
    out = []
    for name, value in features.items():
        w = get(name)
        if w is None or name.startswith("bias:"):
            continue
        lift = value * w[phase]
        if lift > 0:
            out.append((-lift, name))
    out.sort()
    return out


def contributions(
    model: PhaseModel, features: Mapping[str, float], phase: int
) -> list[tuple[float, str]]:
    """The features that raised ``phase`` most against the cell's average phase score."""
    return [(-neg, name) for neg, name in lifts(model, features, phase)[:EVIDENCE_ITEMS]]


def merged_contributions(
    parts: Sequence[tuple[Mapping[str, float], Sequence[tuple[float, str]]]],
    limit: int = EVIDENCE_ITEMS,
) -> list[tuple[float, str]]:
    """``contributions`` of the features of several parts merged in order (a later part's value
    of a name wins), from each part's ``lifts``: a part's lifts can be kept while it is unchanged.
    """
    out: list[tuple[float, str]] = []
    tagged = [zip(lifted, repeat(p)) for p, (_, lifted) in enumerate(parts)]
    for (neg, name), p in heapq.merge(*tagged):
        if any(name in features for features, _ in parts[p + 1 :]):
            continue  # a later part's value of the name is the one that counts
        out.append((-neg, name))
        if len(out) == limit:
            break
    return out


_PREFIX_WORDS = {
    "s": "its code matches the signal table for {v}",
    "sb": "its code leans to {v} by the signal table",
    "c": "calls {v}()",
    "a": "calls .{v}()",
    "m": "uses {v}",
    "k": "passes {v}=",
    "wc": "its script calls {v}()",
    "wa": "its script calls .{v}()",
    "wm": "its script uses {v}",
    "wk": "its script passes {v}=",
    "i": "imports {v}",
    "lib": "calls a {v} library",
    "at": "reads .{v}",
    "cm": "a comment mentions “{v}”",
    "sw": "names “{v}” in a string",
    "wlib": "its script calls a {v} library",
    "rtl": "uses an object a {v} library made",
    "nb": "the notebook uses {v} libraries",
    "n": "binds a name with “{v}”",
    "nl": "reads a name with “{v}”",
    "sh": "runs `{v}`",
    "mg": "is a %%{v} cell",
    "o": "its output shows {v}",
    "ow": "its output mentions “{v}”",
    "h": "under a heading with “{v}”",
    "hs": "under a heading about {v}",
    "p": "the text above mentions “{v}”",
    "rf": "reads names made by {v} code",
    "rt": "calls a method of a {v} made earlier",
    "pv": "follows {v} code",
    "nx": "precedes {v} code",
    "fv": "the notebook's data flow points to {v}",
    "mh": "a level-{v} heading",
    "mw": "heading says “{v}”",
    "mt": "text mentions “{v}”",
    "ms": "heading names {v}",
    "mx": "text is about {v}",
    "mn": "the code after it is {v}",
    "mb": "its section's code is {v}",
    "mq": "in a section with “{v}”",
    "mqs": "in a section about {v}",
    "mpv": "follows {v} code",
    "lang": "a {v} cell",
    "pos": "position {v}/10 in the notebook",
    "len": "{v}0+ lines long",
    "mlen": "text length class {v}",
    "x1": "its own reading says {v}",
    "xc": "its own reading is sure of {v}",
    "xp": "the cell before reads as {v}",
    "xn": "the cell after reads as {v}",
    "xp2": "the cells before read as {v}",
    "xn2": "the cells after read as {v}",
    "xd": "the notebook as a whole reads as {v}",
    "xpc": "the code before reads as {v}",
    "xnc": "the code after reads as {v}",
    "xh": "its heading reads as {v}",
    "xb": "the rest of its section reads as {v}",
    "xbc": "the code under it reads as {v}",
    "xsc": "its section's code reads as {v}",
}
_FLAGS = {
    "only-imports": "only imports",
    "only-defs": "only defines functions",
    "only-assigns": "only sets values",
    "defines": "defines functions",
    "writes-script": "writes a script",
    "before-first-heading": "before the first section heading",
    "md-title": "the notebook's title",
    "md-empty": "no text",
    "mb-none": "no code in its section",
    "empty": "an empty cell",
    "syntax-error": "does not parse",
    "no-code": "only comments",
    "metric-call": "calls a metric",
    "col-assign": "sets a column",
    "col-assigns": "sets several columns",
    "defines-metric": "defines a metric",
    "reads-held-out": "reads held-out data",
    "reads-train": "reads training data",
    "reads-predictions": "reads a model's predictions",
    "predicts-held-out": "predicts on held-out data",
}


@lru_cache(maxsize=8192)
def describe(feature: str) -> str:
    """A feature in words, for a label's evidence."""
    if feature in _FLAGS:
        return _FLAGS[feature]
    prefix, _, value = feature.partition(":")
    template = _PREFIX_WORDS.get(prefix)
    return template.format(v=value) if template else feature
