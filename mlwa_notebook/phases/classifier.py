"""The phase of every cell: what the user set, else what the code does, else its context.

Scores are sums of signal weights (``signals.SIGNALS``); the label is the highest-scoring phase,
its confidence the share of the total it got, and its evidence the signals that matched. Cells
with no signal of their own take the phase of their section heading or their neighbours.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from mlwa_notebook.cellcode import CodeFacts, resolve
from mlwa_notebook.phases.signals import SIGNALS, Signal

PHASES = (
    "business-goal",
    "problem-framing",
    "data-collection",
    "data-preprocessing",
    "feature-engineering",
    "model-training",
    "model-tuning",
    "model-evaluation",
    "deployment",
    "monitoring",
    "setup",
    "other",
)
#: A section heading nudges the cells under it by this much.
SECTION_WEIGHT = 1.0
#: Weight of what a ``%%writefile`` script does, relative to code run in the cell itself.
SCRIPT_FACTOR = 0.8

_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.+?)\s*#*\s*$|<h[1-6][^>]*>(.*?)</h[1-6]>", re.M | re.I)


@dataclass(frozen=True, slots=True)
class PhaseLabel:
    """A cell's phase, where it came from, how sure, and why."""

    phase: str
    source: str  # explicit, code, heading, context, default
    confidence: float
    evidence: tuple[str, ...]


@dataclass(frozen=True)
class SignalIndex:
    """The signal table arranged for fast look-up: call signals by callee name."""

    calls: Mapping[str, tuple[Signal, ...]]
    imports: tuple[Signal, ...]
    shells: tuple[tuple[re.Pattern[str], Signal], ...]
    magics: Mapping[str, tuple[Signal, ...]]
    headings: tuple[tuple[re.Pattern[str], Signal], ...]
    texts: tuple[tuple[re.Pattern[str], Signal], ...]


@lru_cache(maxsize=1)
def signal_index() -> SignalIndex:
    """The index of ``SIGNALS``, built once (the table is immutable)."""
    calls: dict[str, list[Signal]] = defaultdict(list)
    magics: dict[str, list[Signal]] = defaultdict(list)
    imports, shells, headings, texts = [], [], [], []
    for s in SIGNALS:
        if s.kind == "call":
            calls[s.pattern].append(s)
        elif s.kind == "import":
            imports.append(s)
        elif s.kind == "magic":
            magics[s.pattern].append(s)
        elif s.kind == "shell":
            shells.append((re.compile(s.pattern, re.I), s))
        elif s.kind == "heading":
            headings.append((re.compile(s.pattern, re.I), s))
        elif s.kind == "text":
            texts.append((re.compile(s.pattern, re.I), s))
    return SignalIndex(
        calls={k: tuple(v) for k, v in calls.items()},
        imports=tuple(imports),
        shells=tuple(shells),
        magics={k: tuple(v) for k, v in magics.items()},
        headings=tuple(headings),
        texts=tuple(texts),
    )


Scores = dict[str, float]
Why = dict[str, list[str]]


def _add(scores: Scores, why: Why, phase: str, weight: float, reason: str) -> None:
    scores[phase] = scores.get(phase, 0.0) + weight
    why.setdefault(phase, []).append(reason)


def score_code(
    facts: CodeFacts, imports: Mapping[str, str], factor: float = 1.0
) -> tuple[Scores, Why]:
    """Phase scores of one code cell from what it calls, imports and runs."""
    index = signal_index()
    scores: Scores = {}
    why: Why = {}
    for call in facts.calls:
        candidates = index.calls.get(call.attr)
        if not candidates:
            continue
        qualified = (
            resolve(call.func, imports) if candidates[0].module or len(candidates) > 1 else ""
        )
        for sig in candidates:
            if sig.module and not qualified.startswith(sig.module):
                continue
            _add(
                scores,
                why,
                sig.phase,
                sig.weight * factor,
                f"calls {call.func}() (line {call.line})",
            )
            break
    for module in facts.imports.values():
        for sig in index.imports:
            if module.startswith(sig.pattern):
                _add(scores, why, sig.phase, sig.weight * factor, f"imports {module}")
    for shell in facts.shells:
        for pattern, sig in index.shells:
            if pattern.search(shell.text):
                _add(scores, why, sig.phase, sig.weight * factor, f"runs `{shell.text[:60]}`")
                break
    if facts.cell_magic:
        for sig in index.magics.get(facts.cell_magic, ()):
            _add(scores, why, sig.phase, sig.weight, f"%%{facts.cell_magic} cell")
    if facts.script is not None:
        s_scores, s_why = score_code(facts.script, facts.script.imports, SCRIPT_FACTOR)
        for phase, value in s_scores.items():
            scores[phase] = scores.get(phase, 0.0) + value
            why.setdefault(phase, []).extend(
                f"script {facts.script_path}: {w}" for w in s_why[phase]
            )
    if not scores and facts.language == "python":
        if facts.imports and not facts.calls:
            _add(scores, why, "setup", 2.0, "imports only")
        elif facts.defs and len(facts.calls) <= 2 * len(facts.defs) + 2:
            _add(scores, why, "setup", 1.5, f"defines {', '.join(facts.defs[:3])}")
        elif facts.assigns and not facts.calls:
            _add(scores, why, "setup", 1.0, "sets configuration values")
    return scores, why


def headings(text: str) -> list[str]:
    """The headings of a markdown cell, in order."""
    return [(m.group(1) or m.group(2) or "").strip() for m in _HEADING.finditer(text)]


def score_markdown(text: str) -> tuple[Scores, Why, bool]:
    """Phase scores of a markdown cell; the flag says whether they came from a heading."""
    index = signal_index()
    scores: Scores = {}
    why: Why = {}
    heads = headings(text)
    for head in heads[:1]:
        for pattern, sig in index.headings:
            if pattern.search(head):
                _add(scores, why, sig.phase, sig.weight, f"heading “{head[:60]}”")
    if scores:
        return scores, why, True
    for pattern, sig in index.texts:
        if pattern.search(text):
            _add(scores, why, sig.phase, sig.weight, f"mentions “{pattern.pattern[:30]}”")
    return scores, why, False


def _best(scores: Scores) -> tuple[str, float]:
    phase = max(scores, key=lambda p: scores[p])
    total = sum(scores.values())
    return phase, round(scores[phase] / total, 3) if total else 0.0


def classify(
    cell_types: Sequence[str],
    sources: Sequence[str],
    facts: Sequence[CodeFacts | None],
    imports: Mapping[str, str],
    explicit: Sequence[tuple[str, str] | None],
) -> list[PhaseLabel]:
    """Label every cell of a notebook (all sequences are per cell, in order)."""
    n = len(cell_types)
    labels: list[PhaseLabel | None] = [None] * n
    section: str | None = None
    section_head = ""
    pending: list[int] = []  # cells that wait for context
    for i in range(n):
        if explicit[i] is not None:
            phase, where = explicit[i]  # type: ignore[misc]
            labels[i] = PhaseLabel(phase, "explicit", 1.0, (f"set by the user ({where})",))
            if cell_types[i] == "markdown":
                section, section_head = phase, "explicit"
            continue
        if cell_types[i] == "markdown":
            scores, why, from_heading = score_markdown(sources[i])
            if from_heading:
                phase, conf = _best(scores)
                section, section_head = phase, why[phase][0]
                labels[i] = PhaseLabel(phase, "heading", conf, tuple(why[phase]))
            elif headings(sources[i]):
                section, section_head = None, ""
                pending.append(i)
            elif scores:
                phase, conf = _best(scores)
                labels[i] = PhaseLabel(phase, "heading", conf * 0.6, tuple(why[phase]))
            else:
                pending.append(i)
            continue
        f = facts[i]
        scores, why = score_code(f, imports) if f is not None else ({}, {})
        if scores:
            if section:
                _add(scores, why, section, SECTION_WEIGHT, f"under {section_head}")
            phase, conf = _best(scores)
            labels[i] = PhaseLabel(phase, "code", conf, tuple(why[phase]))
        elif section:
            labels[i] = PhaseLabel(section, "context", 0.5, (f"under {section_head}",))
        else:
            pending.append(i)
    for i in pending:
        labels[i] = _from_neighbours(i, labels, cell_types)
    return [label or PhaseLabel("other", "default", 0.0, ()) for label in labels]


def _from_neighbours(
    i: int, labels: Sequence[PhaseLabel | None], cell_types: Sequence[str]
) -> PhaseLabel:
    # Markdown usually introduces what follows it; code continues what came before it.
    order = (
        list(range(i + 1, min(i + 4, len(labels)))) + list(range(i - 1, max(i - 4, -1), -1))
        if cell_types[i] == "markdown"
        else list(range(i - 1, max(i - 4, -1), -1)) + list(range(i + 1, min(i + 4, len(labels))))
    )
    for j in order:
        near = labels[j]
        if near is not None and near.source in ("code", "heading", "explicit"):
            return PhaseLabel(near.phase, "context", 0.3, (f"next to cell {j + 1}",))
    return PhaseLabel("other", "default", 0.0, ())
