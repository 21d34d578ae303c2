"""What the learned classifier sees of each cell: named features, the same at training and at use.

A feature is a short string with a value (mostly 1.0). Its prefix says where it comes from, so
that evidence can be told in words (``describe``):

- a code cell's own: ``s:`` the signal table's score per phase, ``c:`` a call qualified through
  the notebook's imports, ``a:`` the method called, ``m:`` the module it resolves to, ``n:`` a
  word in a name it binds or reads, ``sh:`` a shell command, ``mg:`` a cell magic, ``w:`` what a
  ``%%writefile`` script calls, ``sw:`` a word of a short string literal (a column, a metric),
  ``col-assign`` a new column, ``o:`` what its outputs show;
- its context: ``h:`` words of the heading it sits under, ``hs:`` what that heading names,
  ``p:`` words of the prose right above, ``rf:`` the phase leaning of the cells whose names it
  reads, ``rt:`` the type a receiver was given in an earlier cell, ``pv:``/``nx:`` the leaning of
  the code cells before and after, ``fv:`` votes of the whole-notebook flow (held-out scoring,
  scripts run, sweeps), ``pos:`` where it sits;
- a markdown cell: ``mh:`` a heading's level, ``mw:``/``mt:`` words of its heading/body, ``ms:``/``mx:``
  the table's reading of them, ``mq:`` the heading a prose cell sits under, ``mn:`` what the code after it does, ``mb:`` what its section's
  code does.

Own features depend only on a cell's source (and the notebook's imports), so they are cached by
source; the context features are cheap joins over the notebook.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Hashable, Mapping, MutableMapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from mlwa_notebook.cellcode import CodeFacts, resolve
from mlwa_notebook.dataflow_names import PREDICTORS, held_out_name, names_a_metric, train_name
from mlwa_notebook.notebook import Cell
from mlwa_notebook.phases.code import score_code
from mlwa_notebook.phases.flow import best_of, prescan
from mlwa_notebook.phases.index import text_scores
from mlwa_notebook.phases.sections import Outline, outline
from mlwa_notebook.phases.signals import LIBRARY_PHASES

Features = dict[str, float]

_WORD = re.compile(r"[A-Za-z][a-z]+|[A-Z]+(?![a-z])")
_MARKUP = re.compile(r"!\[[^\]]*\]\([^)]*\)|<[^>]+>|&\w+;|\([^)]*https?://[^)]*\)|https?://\S+")
#: Words too common to tell phases apart.
_STOP = frozenset(
    "the and for with this that from you your are can will use using into our its all not "
    "have has was were but how what which when then than each also may more some any one two "
    "get let see here there they them their out only just like now new set via per lets "
    "step".split()
)
#: How much of a text is read for its words.
TEXT_CHARS = 3000
#: How many words of a text count (phase words come early; long tails are tables and links).
TEXT_WORDS = 60
HEADING_WORDS = 12
#: Signal-table scores are capped here before scaling to [0, 1].
SCORE_CAP = 6.0
#: A code cell's surroundings (its heading, the prose above, its place, the notebook's
#: libraries, the leaning of its neighbours and of the cells it reads from) count this much
#: against what the cell itself does: at full weight they carried one repository's habits to
#: the next (grouped cross-validation: code 0.682 at 1.0, 0.695 at 0.5).
CONTEXT_WEIGHT = 0.5
DAMPED = ("h:", "hs:", "p:", "pos:", "nb:", "pv:", "nx:", "rf:")
#: Output words kept from a cell's first output text.
OUTPUT_CHARS = 400
OUTPUT_WORDS = 20


def _stem(word: str) -> str:
    w = word.lower()
    if len(w) > 4 and w.endswith("ies"):
        return w[:-3] + "y"
    if len(w) > 3 and w.endswith("s") and not w.endswith("ss"):
        return w[:-1]
    return w


@lru_cache(maxsize=8192)
def text_words(text: str, limit: int) -> tuple[str, ...]:
    """The content words of a text, stemmed, in order, each once."""
    seen: dict[str, None] = {}
    # Phase words come early; the cap also bounds what the markup pattern scans.
    for raw in _WORD.findall(_MARKUP.sub(" ", text[:TEXT_CHARS])):
        if len(raw) < 3:
            continue
        w = _stem(raw)
        if w not in _STOP and w not in seen:
            seen[w] = None
            if len(seen) >= limit:
                break
    return tuple(seen)


@dataclass(frozen=True, slots=True)
class CellInput:
    """What the classifier reads of one cell."""

    cell_type: str
    source: str
    facts: CodeFacts | None
    output_text: str = ""
    has_image: bool = False


@dataclass(frozen=True, slots=True)
class OwnCode:
    """A code cell's own features and the signal table's leaning, cached by source."""

    features: Mapping[str, float]
    lean: str | None  # the signal table's best phase for the cell alone
    strong: bool
    why: Mapping[str, tuple[str, ...]]  # the table's reasons per phase, for evidence


def cell_inputs(cells: Sequence[Cell], facts: Sequence[CodeFacts | None]) -> list[CellInput]:
    """The classifier's view of a notebook's cells (``facts`` per cell, None for markdown)."""
    return [
        CellInput(c.cell_type, c.source, f, c.output_text, c.has_image)
        for c, f in zip(cells, facts, strict=True)
    ]


def _name_words(names: frozenset[str]) -> set[str]:
    out: set[str] = set()
    for name in names:
        for raw in _WORD.findall(name):
            if len(raw) >= 3:
                out.add(_stem(raw))
    return out


#: ``LIBRARY_PHASES`` by prefix (the first row of a prefix wins, as in the table's order).
_LIBRARY_PHASE: Mapping[str, str] = {prefix: phase for prefix, phase in reversed(LIBRARY_PHASES)}


@lru_cache(maxsize=16384)
def library_phase(qualified: str) -> str | None:
    """The phase the library a qualified name lives in is for (``LIBRARY_PHASES``), if any: the
    longest prefix of the name, cut at a dot, that the table holds."""
    name = qualified
    while True:
        phase = _LIBRARY_PHASE.get(name)
        if phase is not None:
            return phase
        cut = name.rfind(".")
        if cut < 0:
            return None
        name = name[:cut]


def _call_features(
    facts: CodeFacts, imports: Mapping[str, str], prefix: str, out: Features
) -> None:
    for call in facts.calls:
        qualified = resolve(call.func, imports).replace("()", "").replace("[]", "")
        if call.root in imports:
            lib = library_phase(qualified)
            if lib is not None:
                out[f"{prefix}lib:{lib}"] = 1.0
        parts = qualified.split(".")
        out[f"{prefix}a:{call.attr}"] = 1.0
        if len(parts) >= 2:
            out[f"{prefix}c:{parts[-2]}.{parts[-1]}"] = 1.0
            if call.root in imports:
                out[f"{prefix}m:{'.'.join(parts[:2]) if len(parts) > 2 else parts[0]}"] = 1.0
        for key in call.kwargs:
            out[f"{prefix}k:{key}"] = 1.0


def own_code(facts: CodeFacts, imports: Mapping[str, str], source: str) -> OwnCode:
    """The features a code cell has on its own."""
    out: Features = {"bias:code": 1.0, f"lang:{facts.language}": 1.0}
    scores, why, _ = score_code(facts, imports, source=source)
    for phase, value in scores.items():
        if value > 0:
            out[f"s:{phase}"] = min(value, SCORE_CAP) / SCORE_CAP
    lean = best_of(scores)
    if lean is not None:
        out[f"sb:{lean}"] = 1.0
    _call_features(facts, imports, "", out)
    for module in dict.fromkeys(facts.imports.values()):
        out[f"i:{module.split('.')[0]}"] = 1.0
    if facts.imports and all(
        c.attr in ("print", "filterwarnings", "set_option") for c in facts.calls
    ):
        out["only-imports"] = 1.0
    for word in _name_words(facts.stored):
        out[f"n:{word}"] = 1.0
    # A new column (``df["age_band"] = ...``) is what feature engineering and cleaning do.
    columns = sum(a.target.endswith("]") for a in facts.assigns)
    if columns:
        out["col-assign"] = 1.0
        if columns > 2:
            out["col-assigns"] = 1.0
    # Short literals name columns, metrics and splits (``"val_accuracy"``, ``"label"``): the
    # words carry from one repository to the next where the names bound around them do not.
    for _, text in facts.strings[:LITERALS]:
        if len(text) < 30 and text.replace("_", "").replace(" ", "").isalnum():
            for word in _name_words(frozenset([text])):
                out[f"sw:{word}"] = 0.5
    for shell in facts.shells:
        words = shell.text.split()
        if words:
            out[f"sh:{words[0]}"] = 1.0
            if len(words) > 1:
                out[f"sh:{' '.join(words[:2])}"] = 1.0
    if facts.cell_magic:
        out[f"mg:{facts.cell_magic}"] = 1.0
    if any(names_a_metric(c.func) for c in facts.calls):
        out["metric-call"] = 1.0
    if any(names_a_metric(d) for d in facts.defs):
        out["defines-metric"] = 1.0
    if facts.defs:
        out["defines"] = 1.0
        if not facts.calls or all(c.line <= 0 for c in facts.calls):
            out["only-defs"] = 1.0
    if facts.script is not None:
        _call_features(facts.script, facts.script.imports, "w", out)
        out["writes-script"] = 1.0
    if facts.error is not None:
        out["syntax-error"] = 1.0
    if not facts.calls and facts.assigns:
        out["only-assigns"] = 1.0
    if not (facts.calls or facts.assigns or facts.imports or facts.shells or facts.defs):
        out["no-code"] = 1.0
    for attr in _attributes(source):
        out[f"at:{attr}"] = 1.0
    for w in _comment_words(source):
        out[f"cm:{w}"] = 0.5
    lines = source.count("\n") + 1
    out[f"len:{min(lines // 10, 5)}"] = 1.0
    strong = bool(scores) and max(scores.values()) >= 2.5
    return OwnCode(out, lean, strong, {p: tuple(r) for p, r in why.items()})


_ATTRIBUTE = re.compile(r"\.([A-Za-z_]\w{1,40})\b(?!\s*\()")
_COMMENT = re.compile(r"#([^\n]*)")
#: Attributes and comment words read per cell, at most (long cells are scripts and tables).
ATTRIBUTES = 30
#: String literals read per cell for their words, at most.
LITERALS = 30
COMMENT_WORDS = 20


def _attributes(source: str) -> tuple[str, ...]:
    """Attributes read without a call (``df.shape``, ``model.feature_importances_``)."""
    found: dict[str, None] = {}
    for m in _ATTRIBUTE.finditer(source[:4000]):
        found.setdefault(m.group(1), None)
        if len(found) >= ATTRIBUTES:
            break
    return tuple(found)


def _comment_words(source: str) -> tuple[str, ...]:
    text = " ".join(m.group(1) for m in _COMMENT.finditer(source[:4000]))
    return text_words(text, COMMENT_WORDS) if text else ()


def _output_features(cell: CellInput, out: Features) -> None:
    if cell.has_image:
        out["o:image"] = 1.0
    if cell.output_text:
        out["o:text"] = 1.0
        for w in text_words(cell.output_text[:OUTPUT_CHARS], OUTPUT_WORDS):
            out[f"ow:{w}"] = 0.5


def own_markdown(source: str, is_title: bool, heads: Sequence[tuple[int, str]]) -> Features:
    """The features a markdown cell has on its own."""
    out: Features = {"bias:md": 1.0}
    if not text_words(source, 1):
        out["md-empty"] = 1.0
        return out
    if is_title:
        out["md-title"] = 1.0
    if heads:
        level, text = heads[-1]
        out[f"mh:{min(level, 4)}"] = 1.0
        for w in text_words(" ".join(t for _, t in heads), HEADING_WORDS):
            out[f"mw:{w}"] = 1.0
        scores, _ = text_scores("heading", text)
        for phase, value in scores.items():
            out[f"ms:{phase}"] = min(value, SCORE_CAP) / SCORE_CAP
    body = (
        source
        if not heads
        else "\n".join(line for line in source.splitlines() if not line.lstrip().startswith("#"))
    )
    words = text_words(body, TEXT_WORDS)
    for w in words:
        out[f"mt:{w}"] = 0.5
    if words:
        scores, _ = text_scores("text", body)
        for phase, value in scores.items():
            out[f"mx:{phase}"] = min(value, SCORE_CAP) / SCORE_CAP
    out[f"mlen:{min(len(words) // 15, 4)}"] = 1.0
    return out


def _position(i: int, n: int) -> str:
    return f"pos:{min(int(10 * i / max(n, 1)), 9)}"


@dataclass(frozen=True, slots=True)
class NotebookFeatures:
    """Every cell's features, and what evidence needs to explain them.

    A cell's features are its own (``own_part``: a function of its source, cached) and its
    context (``context``: computed for this notebook); ``keys`` names the own part in the cache.
    """

    own_part: tuple[Mapping[str, float], ...]
    context: tuple[Features, ...]
    keys: tuple[Hashable, ...]
    own: tuple[OwnCode | None, ...]
    outline: Outline
    #: Per cell, what the whole-notebook data flow said, by phase (held-out scoring, scripts).
    flow: tuple[Mapping[str, tuple[str, ...]], ...]

    def merged(self, i: int) -> Features:
        """All of cell ``i``'s features in one table."""
        return {**self.own_part[i], **self.context[i]}

    def all_merged(self) -> list[Features]:
        """Every cell's features in one table each (what training reads)."""
        return [self.merged(i) for i in range(len(self.context))]


def _heading_features(heads: Sequence[tuple[int, str]], prefix: str, out: Features) -> None:
    out.update(_heading_items(tuple(heads), prefix))


@lru_cache(maxsize=8192)
def _heading_items(
    heads: tuple[tuple[int, str], ...], prefix: str
) -> tuple[tuple[str, float], ...]:
    # Kept by the headings: every cell under a heading reads the same, at every analysis.
    out: Features = {}
    text = " ".join(t for _, t in heads)
    for w in text_words(text, HEADING_WORDS):
        out[f"{prefix}:{w}"] = 1.0
    scores, _ = text_scores("heading", heads[-1][1])
    for phase, value in scores.items():
        out[f"{prefix}s:{phase}"] = min(value, SCORE_CAP) / SCORE_CAP
    return tuple(out.items())


_EMPTY_CODE: Mapping[str, float] = {"bias:code": 1.0, "empty": 1.0}
_RAW: Mapping[str, float] = {"bias:raw": 1.0}


@dataclass(slots=True)
class _Walk:
    """What ``notebook_features``' pass carries from cell to cell, as it is at one cell."""

    bound_by: dict[str, int] = field(default_factory=dict)
    held: set[str] = field(default_factory=set)
    predictions: set[str] = field(default_factory=set)
    made_by: dict[str, tuple[str, str | None]] = field(default_factory=dict)
    prev_code: str | None = None

    def copy(self) -> _Walk:
        return _Walk(
            dict(self.bound_by),
            set(self.held),
            set(self.predictions),
            dict(self.made_by),
            self.prev_code,
        )


@dataclass(frozen=True, slots=True)
class _LastPass:
    """The last pass of ``notebook_features``: its cells, what else their contexts read, the
    contexts, and the state of the pass at every ``_EVERY``-th cell."""

    cells: tuple[CellInput, ...]
    around: tuple[Any, ...]
    feats: list[Features]
    parts: list[Mapping[str, float]]
    keys: list[Hashable]
    saved: list[_Walk]


#: How often the pass keeps its state: an edit is passed over again from the last kept state
#: before it, until the state is again the one the last pass had (at a kept one after it).
_EVERY = 32
_LAST_PASS = ("features", "last pass")


def notebook_features(
    cells: Sequence[CellInput],
    imports: Mapping[str, str],
    memo: MutableMapping[Hashable, Any] | None = None,
) -> NotebookFeatures:
    """The features of every cell of a notebook, in order."""
    n = len(cells)
    types = [c.cell_type for c in cells]
    sources = [c.source for c in cells]
    shape = outline(types, sources)
    imports_key = hash(tuple(sorted(imports.items())))
    own: list[OwnCode | None] = [None] * n
    for i, cell in enumerate(cells):
        if cell.cell_type == "code" and cell.facts is not None and cell.source.strip():
            key = (cell.source, imports_key)
            found = memo.get(key) if memo is not None else None
            if found is None:
                found = own_code(cell.facts, imports, cell.source)
                if memo is not None:
                    memo[key] = found
            own[i] = found
    leans = [o.lean if o is not None else None for o in own]
    flow = prescan(
        [c.facts if own[i] is not None else None for i, c in enumerate(cells)],
        leans,
        [o.strong if o is not None else False for o in own],
    )
    code_idx = [i for i in range(n) if own[i] is not None]
    first_heading = next((i for i in range(n) if shape.heads[i] and i != shape.title), n)
    # What the notebook as a whole is about: the libraries it imports, by purpose.
    topics = {
        f"nb:{p}"
        for module in imports.values()
        if (p := library_phase(module)) is not None and p != "setup"
    }
    # Besides the cell itself and what the pass carries forward (``_Walk``), a cell's context
    # reads only these, and the cells around it.
    # Which cells have code counts too: a cell emptied without changing any leaning changes
    # the next code cell of the cells before it (``nx:``, ``mn:``).
    around = (dict(imports), shape, flow.votes, tuple(leans), tuple(code_idx))
    last = memo.get(_LAST_PASS) if memo is not None else None
    start, settled, old = 0, n, None
    if isinstance(last, _LastPass) and len(last.cells) == n and last.around == around:
        changed = [i for i in range(n) if cells[i] != last.cells[i]]
        old = last
        start = changed[0] // _EVERY * _EVERY if changed else n
        settled = changed[-1] if changed else n
    walk = old.saved[start // _EVERY].copy() if old is not None and start < n else _Walk()
    # Which cell last bound each name, and the callee that made it (for receivers' types).
    bound_by = walk.bound_by
    held = walk.held  # names bound to held-out data
    predictions = walk.predictions  # names bound to a model's predictions
    made_by = walk.made_by
    prev_code = walk.prev_code
    next_pos = bisect_right(code_idx, start - 1)
    feats: list[Features] = list(old.feats[:start]) if old is not None else []
    parts: list[Mapping[str, float]] = list(old.parts[:start]) if old is not None else []
    keys: list[Hashable] = list(old.keys[:start]) if old is not None else []
    saved: list[_Walk] = list(old.saved[: -(-start // _EVERY)]) if old is not None else []
    for i in range(start, n):
        cell = cells[i]
        if i % _EVERY == 0:
            walk.prev_code = prev_code
            k = i // _EVERY
            if old is not None and i > settled + 1 and old.saved[k] == walk:
                # The cells from here on, and the one before each, are those of the last pass,
                # which carried the same state to them: their contexts are its own.
                feats.extend(old.feats[i:])
                parts.extend(old.parts[i:])
                keys.extend(old.keys[i:])
                saved.extend(old.saved[k:])
                break
            saved.append(walk.copy())
        out: Features = {}
        o = own[i]
        if cell.cell_type == "code":
            if o is None:
                parts.append(_EMPTY_CODE)
                keys.append(("empty",))
                feats.append({})
                continue
            parts.append(o.features)
            keys.append((cell.source, imports_key))
            for t in topics:
                out[t] = 0.5
            _output_features(cell, out)
            out[_position(i, n)] = 1.0
            if i < first_heading:
                out["before-first-heading"] = 1.0
            h = shape.innermost(i)
            if h is not None and h != shape.title:
                _heading_features(shape.heads[h], "h", out)
            if i > 0 and types[i - 1] == "markdown" and not shape.heads[i - 1]:
                for w in text_words(sources[i - 1], 25):
                    out[f"p:{w}"] = 0.5
            facts = cell.facts
            assert facts is not None
            if any(held_out_name(n) or n in held for n in facts.loaded):
                out["reads-held-out"] = 1.0
            if any(train_name(n) for n in facts.loaded):
                out["reads-train"] = 1.0
            if any(n in predictions for n in facts.loaded - facts.stored):
                out["reads-predictions"] = 1.0
            for call in facts.calls:
                if call.attr in PREDICTORS or call.attr.startswith("predict"):
                    predictions.update(call.targets)
                    if any(held_out_name(n) or n in held for n in call.names):
                        out["predicts-held-out"] = 1.0
            held.update(n for n in facts.stored if held_out_name(n))
            for name in facts.loaded:
                j = bound_by.get(name)
                if j is not None and j != i and leans[j] is not None:
                    out[f"rf:{leans[j]}"] = 1.0
            for call in facts.calls:
                made = made_by.get(call.root)
                if made is not None and "." in call.func:
                    cls, lib = made
                    out[f"rt:{cls}.{call.attr}"] = 1.0
                    out[f"rt:{cls}"] = 1.0
                    if lib is not None:
                        out[f"rtl:{lib}"] = 1.0
            if prev_code is not None:
                out[f"pv:{prev_code}"] = 1.0
            while next_pos < len(code_idx) and code_idx[next_pos] <= i:
                next_pos += 1
            if next_pos < len(code_idx) and leans[code_idx[next_pos]] is not None:
                out[f"nx:{leans[code_idx[next_pos]]}"] = 1.0
            for phase, weight, _ in flow.votes.get(i, ()):
                vote = f"fv:{phase}"
                out[vote] = min(1.0, out.get(vote, 0.0) + weight / SCORE_CAP)
            for name in facts.stored:
                bound_by[name] = i
            for a in facts.assigns:
                if a.value.kind == "call":
                    callee = resolve(a.value.text, imports).split("(")[0]
                    root = a.value.text.split(".")[0].split("(")[0]
                    lib = library_phase(callee) if root in imports else None
                    made_by[a.target] = (callee.rsplit(".", 1)[-1], lib)
            if o.lean is not None:
                prev_code = o.lean
        elif cell.cell_type == "markdown":
            md_key = ("md", cell.source, i == shape.title)
            md = memo.get(md_key) if memo is not None else None
            if md is None:
                md = own_markdown(cell.source, i == shape.title, shape.heads[i])
                if memo is not None:
                    memo[md_key] = md
            parts.append(md)
            keys.append(md_key)
            out[_position(i, n)] = 1.0
            while next_pos < len(code_idx) and code_idx[next_pos] <= i:
                next_pos += 1
            if next_pos < len(code_idx):
                j = code_idx[next_pos]
                if leans[j] is not None:
                    out[f"mn:{leans[j]}"] = 1.0 if j == i + 1 else 0.5
            if shape.heads[i]:
                block = [j for j in shape.block[i] if own[j] is not None and leans[j]]
                for j in block:
                    lean = f"mb:{leans[j]}"
                    out[lean] = out.get(lean, 0.0) + 1.0 / len(block)
                if not block:
                    out["mb-none"] = 1.0
            else:
                h = shape.innermost(i)
                if h is not None and h != shape.title:
                    _heading_features(shape.heads[h], "mq", out)
                if prev_code is not None and i > 0 and types[i - 1] == "code":
                    out[f"mpv:{prev_code}"] = 1.0
        else:
            parts.append(_RAW)
            keys.append(("raw",))
        for name in out:
            if name.startswith(DAMPED):
                out[name] *= CONTEXT_WEIGHT
        feats.append(out)
    if memo is not None:
        memo[_LAST_PASS] = _LastPass(tuple(cells), around, feats, parts, keys, saved)
    flow_why: list[dict[str, tuple[str, ...]]] = [{} for _ in range(n)]
    for i, votes in flow.votes.items():
        by_phase: dict[str, list[str]] = {}
        for phase, _, reason in votes:
            by_phase.setdefault(phase, []).append(reason)
        flow_why[i] = {p: tuple(r) for p, r in by_phase.items()}
    return NotebookFeatures(
        tuple(parts), tuple(feats), tuple(keys), tuple(own), shape, tuple(flow_why)
    )


#: First-stage probabilities below this are left out of the second stage (they carry little and
#: cost a multiply per phase each).
STACK_MIN = 0.05
#: A first-stage probability this high marks the cell's own reading as sure.
SURE = 0.75


def _mean(rows: Sequence[Sequence[float]], k: int) -> list[float]:
    if not rows:
        return [0.0] * k
    # Column sums in row order: the same additions, in the same order, as a sum per phase.
    return [sum(col) / len(rows) for col in zip(*rows, strict=True)]


#: One second-stage input of a cell: a prefix, and the cells whose first-stage probabilities it
#: reads (their mean, less the cell ``skip``; -1 skips none), each phase's ``prefix:phase`` a
#: feature when at least ``STACK_MIN``; or, with ``skip`` = ``FLAG``, a feature worth 1.0.
StackedInput = tuple[str, Sequence[int], int]
FLAG = -2


@dataclass(frozen=True, slots=True)
class StackedInputs:
    """Every cell's second-stage inputs: those the same for every cell, and each cell's own."""

    shared: tuple[StackedInput, ...]
    cells: tuple[tuple[StackedInput, ...], ...]


def stacked_inputs(
    probs: Sequence[Sequence[float]],
    cell_types: Sequence[str],
    shape: Outline,
    phases: Sequence[str],
    memo: MutableMapping[Hashable, Any] | None = None,
) -> StackedInputs:
    """What the first reading says about each cell's surroundings, as the cells it reads.

    ``probs`` are the first stage's phase probabilities per cell. A cell learns from the cells
    before and after it, the heading it sits under, the other cells of its block and the code of
    its section: the context a reviewer reads a cell in; and every cell from the notebook as a
    whole. ``stacked_features`` names them; the learned model scores them from the probabilities
    (the features are linear in them), the shared inputs once per notebook.
    """
    n = len(probs)
    k = len(phases)
    sure: list[str | None] = [None] * n
    for i, row in enumerate(probs):
        top = max(range(k), key=row.__getitem__)
        if row[top] >= SURE:
            # A sharp first reading: the second stage can learn to trust it over the context.
            sure[i] = f"xc:{phases[top]}"
    # The inputs read the probabilities only through ``sure``: with ``memo``, the last call's
    # inputs serve while the cells' types, the outline and the sure readings are the same.
    key = (tuple(cell_types), shape, tuple(sure), tuple(phases))
    last = memo.get(_LAST_INPUTS) if memo is not None else None
    if last is not None and last[0] == key:
        found: StackedInputs = last[1]
        return found
    prev_code: list[int | None] = [None] * n
    next_code: list[int | None] = [None] * n
    last = None
    for i in range(n):
        prev_code[i] = last
        if cell_types[i] == "code":
            last = i
    last = None
    for i in range(n - 1, -1, -1):
        next_code[i] = last
        if cell_types[i] == "code":
            last = i
    # What the notebook as a whole reads as: a monitoring tutorial leans every cell that way.
    code = tuple(i for i in range(n) if cell_types[i] == "code")
    # The code of each block, once per heading (not once per cell under it).
    block_code: dict[int, tuple[int, ...]] = {}

    def code_in_block(h: int) -> tuple[int, ...]:
        found = block_code.get(h)
        if found is None:
            found = block_code[h] = tuple(j for j in shape.block[h] if cell_types[j] == "code")
        return found

    out: list[tuple[StackedInput, ...]] = []
    for i in range(n):
        f: list[StackedInput] = [("x1", (i,), -1)]
        flag = sure[i]
        if flag is not None:
            f.append((flag, (), FLAG))
        if i > 0:
            f.append(("xp", (i - 1,), -1))
        if i + 1 < n:
            f.append(("xn", (i + 1,), -1))
        if i > 1:
            f.append(("xp2", (i - 2,), -1))
        if i + 2 < n:
            f.append(("xn2", (i + 2,), -1))
        pc, nc = prev_code[i], next_code[i]
        if pc is not None:
            f.append(("xpc", (pc,), -1))
        if nc is not None:
            f.append(("xnc", (nc,), -1))
        h = shape.innermost(i)
        if h is not None and h != i and h != shape.title:
            f.append(("xh", (h,), -1))
            f.append(("xb", code_in_block(h), i))
        if shape.heads[i]:
            f.append(("xbc", code_in_block(i), -1))
            section = tuple(j for j in shape.section[i] if cell_types[j] == "code")
            f.append(("xsc", section, -1))
        out.append(tuple(f))
    found = StackedInputs((("xd", code, -1),), tuple(out))
    if memo is not None:
        memo[_LAST_INPUTS] = (key, found)
    return found


#: Where ``stacked_inputs`` keeps its last answer and what it was made from.
_LAST_INPUTS = ("stacked inputs", "last")


#: Code cells from which the whole notebook's reading (``xd``) counts in full. In a notebook of
#: one or two cells that mean is the cell's own first reading said twice, and the weight learnt
#: on long tutorials (a tuning notebook tunes in every cell) would decide alone.
NOTEBOOK_READING_FULL_AT = 10


def input_row(probs: Sequence[Sequence[float]], item: StackedInput, k: int) -> Sequence[float]:
    """The probabilities a second-stage input reads: its one cell's, or its cells' mean."""
    prefix, cells, skip = item
    if len(cells) == 1 and skip < 0 and prefix != "xd":
        return probs[cells[0]]
    mean = _mean([probs[j] for j in cells if j != skip], k)
    if prefix == "xd" and len(cells) < NOTEBOOK_READING_FULL_AT:
        share = len(cells) / NOTEBOOK_READING_FULL_AT
        return [v * share for v in mean]
    return mean


def inputs_as_features(
    probs: Sequence[Sequence[float]], inputs: Sequence[StackedInput], phases: Sequence[str]
) -> Features:
    """Second-stage inputs as named features (what training and evidence read)."""
    f: Features = {}
    for item in inputs:
        prefix, _, skip = item
        if skip == FLAG:
            f[prefix] = 1.0
            continue
        for j, value in enumerate(input_row(probs, item, len(phases))):
            if value >= STACK_MIN:
                f[f"{prefix}:{phases[j]}"] = value
    return f


def stacked_features(
    probs: Sequence[Sequence[float]],
    cell_types: Sequence[str],
    shape: Outline,
    phases: Sequence[str],
) -> list[Features]:
    """The second stage's features of every cell (``stacked_inputs``, named)."""
    inputs = stacked_inputs(probs, cell_types, shape, phases)
    shared = inputs_as_features(probs, inputs.shared, phases)
    return [{**inputs_as_features(probs, c, phases), **shared} for c in inputs.cells]
