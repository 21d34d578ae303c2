"""The signal table arranged for fast look-up, and the tally that adds up what matched.

Rows written as regular expressions are joined, kind by kind, into one expression with a named
group per row, so one scan of a text finds every row that matches it: a thousand-cell notebook
is classified in milliseconds, not seconds.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

from mlwa_notebook.phases.signals import SIGNALS, Signal

#: Each further row of a group that matches adds this much, up to ``GROUP_CAP``.
GROUP_EXTRA = 0.3
GROUP_CAP = 1.0

Scores = dict[str, float]
Why = dict[str, list[str]]


@dataclass(frozen=True)
class Matcher:
    """The rows of one kind, each with the words one of which a matching text must contain.

    Checking a few words with ``in`` costs next to nothing; the regular expression runs only
    for rows whose words appear, so a long markdown cell is not scanned fifty times.
    """

    rows: tuple[tuple[re.Pattern[str], Signal], ...]
    needles: tuple[tuple[str, tuple[int, ...]], ...]  # a word, and the rows it may open
    always: tuple[int, ...]  # rows with no such word: always tried

    def matches(self, text: str) -> list[tuple[Signal, str]]:
        """Every row that matches ``text``, with the text it matched."""
        if not text:
            return []
        low = text.lower()
        todo = set(self.always)
        for needle, rows in self.needles:
            if needle in low:
                todo.update(rows)
        found = []
        for k in sorted(todo):
            pattern, sig = self.rows[k]
            m = pattern.search(text)
            if m:
                found.append((sig, m.group(0)))
        return found


def _matcher(rows: list[Signal]) -> Matcher:
    by_needle: dict[str, list[int]] = defaultdict(list)
    always = []
    for k, s in enumerate(rows):
        words = needles(s.pattern)
        if words is None:
            always.append(k)
        for word in words or ():
            by_needle[word].append(k)
    return Matcher(
        tuple((re.compile(s.pattern, re.I | re.M), s) for s in rows),
        tuple((w, tuple(ks)) for w, ks in by_needle.items()),
        tuple(always),
    )


_RUN_BREAKERS = frozenset("?*{")


def _split_top(pattern: str) -> list[str]:
    """The alternatives of a pattern at nesting depth zero."""
    parts, depth, start, k = [], 0, 0, 0
    while k < len(pattern):
        ch = pattern[k]
        if ch == "\\":
            k += 2
            continue
        if ch == "[":
            k = pattern.find("]", k + 2) + 1 or len(pattern)
            continue
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "|" and depth == 0:
            parts.append(pattern[start:k])
            start = k + 1
        k += 1
    parts.append(pattern[start:])
    return parts


def _sequence_needles(alt: str) -> set[str] | None:
    """Words one of which any match of a sequence (no top-level ``|``) contains, or None."""
    options: list[set[str]] = []
    run: list[str] = []
    k = 0

    def close() -> None:
        word = "".join(run).strip()
        if len(word) >= 3:
            options.append({word.lower()})
        run.clear()

    while k < len(alt):
        ch = alt[k]
        nxt = alt[k + 1] if k + 1 < len(alt) else ""
        if ch.isalnum() or ch in " -_'":
            if nxt in _RUN_BREAKERS:  # an optional last letter is not required
                close()
            else:
                run.append(ch)
            k += 1
            continue
        close()
        if ch == "\\":
            k += 2
        elif ch == "[":
            k = alt.find("]", k + 2) + 1 or len(alt)
            if k < len(alt) and alt[k] in _RUN_BREAKERS:
                k += 1
        elif ch == "(":
            depth, end = 0, k
            while end < len(alt):
                if alt[end] == "\\":
                    end += 2
                    continue
                depth += {"(": 1, ")": -1}.get(alt[end], 0)
                if depth == 0:
                    break
                end += 1
            inner = alt[k + 1 : end]
            optional = end + 1 < len(alt) and alt[end + 1] in _RUN_BREAKERS
            if not optional and not inner.startswith("?"):
                found = needles(inner)
                if found is not None:
                    options.append(set(found))
            k = end + 1
        else:
            k += 1
    close()
    if not options:
        return None
    return max(options, key=lambda s: min(len(w) for w in s))


def needles(pattern: str) -> tuple[str, ...] | None:
    """Lower-case words one of which every match of ``pattern`` contains (None: no such set).

    Conservative: a word is kept only where the pattern requires it, outside optional parts.
    """
    words: set[str] = set()
    for alt in _split_top(pattern):
        found = _sequence_needles(alt)
        if found is None:
            return None
        words |= found
    return tuple(sorted(words))


@dataclass(frozen=True)
class SignalIndex:
    """``SIGNALS`` by kind: dictionaries for names, one ``Matcher`` per kind of expression."""

    calls: Mapping[str, tuple[Signal, ...]]
    kwargs: Mapping[str, tuple[tuple[re.Pattern[str] | None, Signal], ...]]
    attrs: Mapping[str, tuple[Signal, ...]]
    names: Mapping[str, tuple[Signal, ...]]
    magics: Mapping[str, tuple[Signal, ...]]
    uploads: Mapping[str, tuple[Signal, ...]]
    receivers: Mapping[str, tuple[tuple[frozenset[str], Signal], ...]]
    imports: tuple[Signal, ...]
    text: Mapping[str, Matcher]
    receiver_methods: frozenset[str]
    attr_pattern: re.Pattern[str]

    def matcher(self, kind: str) -> Matcher:
        """The matcher of an expression kind (an empty one for a kind with no rows)."""
        return self.text.get(kind) or Matcher((), (), ())


#: Kinds whose pattern is a regular expression.
REGEX_KINDS = ("shell", "string", "comment", "source", "callee", "chain", "heading", "text")


@lru_cache(maxsize=1)
def signal_index() -> SignalIndex:
    """The index of ``SIGNALS``, built once (the table is immutable)."""
    calls: dict[str, list[Signal]] = defaultdict(list)
    kwargs: dict[str, list[tuple[re.Pattern[str] | None, Signal]]] = defaultdict(list)
    by_word: dict[str, dict[str, list[Signal]]] = defaultdict(lambda: defaultdict(list))
    receivers: dict[str, list[tuple[frozenset[str], Signal]]] = defaultdict(list)
    regex: dict[str, list[Signal]] = defaultdict(list)
    imports: list[Signal] = []
    for s in SIGNALS:
        if s.kind == "call":
            calls[s.pattern].append(s)
        elif s.kind == "kwarg":
            name, _, value = s.pattern.partition("=")
            kwargs[name].append((re.compile(value, re.I) if value else None, s))
        elif s.kind == "receiver":
            word, _, methods = s.pattern.partition(":")
            receivers[word].append((frozenset(methods.split(",")), s))
        elif s.kind == "upload":
            by_word["upload"][s.pattern.rsplit(".", 1)[-1]].append(s)
        elif s.kind in ("attr", "name", "magic"):
            by_word[s.kind][s.pattern].append(s)
        elif s.kind == "import":
            imports.append(s)
        elif s.kind in REGEX_KINDS:
            regex[s.kind].append(s)
        else:
            raise ValueError(f"signal of unknown kind {s.kind!r}: {s.pattern!r}")
    # Module-specific rows first (longest prefix first), so ``sklearn`` beats a bare name.
    ordered = {k: tuple(sorted(v, key=lambda s: -len(s.module))) for k, v in calls.items()}

    def frozen(kind: str) -> dict[str, tuple[Signal, ...]]:
        return {k: tuple(v) for k, v in by_word[kind].items()}

    return SignalIndex(
        calls=ordered,
        kwargs={k: tuple(v) for k, v in kwargs.items()},
        attrs=frozen("attr"),
        names=frozen("name"),
        magics=frozen("magic"),
        uploads=frozen("upload"),
        receivers={k: tuple(v) for k, v in receivers.items()},
        imports=tuple(imports),
        text={k: _matcher(v) for k, v in regex.items()},
        receiver_methods=frozenset(m for v in receivers.values() for ms, _ in v for m in ms),
        attr_pattern=re.compile(
            r"\.(" + "|".join(map(re.escape, sorted(by_word["attr"]))) + r")\b(?!\()"
            if by_word["attr"]
            else r"(?!x)x"
        ),
    )


class Tally:
    """Scores and reasons. Rows of one group are one piece of evidence: the best row counts,
    and each other row of the group that matches adds a little."""

    def __init__(self) -> None:
        self.scores: Scores = {}
        self.why: Why = {}
        self._rows: set[int] = set()
        self._groups: dict[str, tuple[float, int]] = {}  # group -> best weight, rows matched

    def add(self, phase: str, weight: float, reason: str, sig: Signal | None = None) -> None:
        """Count ``weight`` for ``phase`` (once per row when ``sig`` is given)."""
        if sig is not None:
            if id(sig) in self._rows:
                return
            self._rows.add(id(sig))
            key = sig.group or f"row:{id(sig)}"
            best, count = self._groups.get(key, (0.0, 0))
            before = best + min(GROUP_CAP, GROUP_EXTRA * (count - 1)) if count else 0.0
            best, count = max(best, weight), count + 1
            self._groups[key] = (best, count)
            weight = best + min(GROUP_CAP, GROUP_EXTRA * (count - 1)) - before
        self.scores[phase] = self.scores.get(phase, 0.0) + weight
        self.why.setdefault(phase, []).append(reason)


def add(scores: Scores, why: Why, phase: str, weight: float, reason: str) -> None:
    """Add a weighted reason to a plain score table."""
    scores[phase] = scores.get(phase, 0.0) + weight
    why.setdefault(phase, []).append(reason)


def best(scores: Mapping[str, float]) -> tuple[str, float]:
    """The best phase and its share of the total (the label's confidence)."""
    phase = max(scores, key=lambda p: scores[p])
    total = sum(scores.values())
    return phase, round(scores[phase] / total, 3) if total else 0.0


def shares(scores: Mapping[str, float]) -> dict[str, float]:
    """Scores as shares of their total."""
    total = sum(scores.values())
    return {p: v / total for p, v in scores.items()} if total else {}


#: Prose is read this far: phase words come early, long tails are tables and links.
TEXT_LIMIT = 1500


def text_scores(kind: str, text: str) -> tuple[Scores, Why]:
    """Phase scores of a text against the rows of one kind (``heading``, ``text``).

    The caller gets its own copies: the shared result is cached, since markdown seldom changes
    between two analyses of a notebook.
    """
    scores, why = _text_scores(kind, text[:TEXT_LIMIT])
    return dict(scores), {phase: list(reasons) for phase, reasons in why}


@lru_cache(maxsize=4096)
def _text_scores(
    kind: str, text: str
) -> tuple[tuple[tuple[str, float], ...], tuple[tuple[str, tuple[str, ...]], ...]]:
    tally = Tally()
    for sig, matched in signal_index().matcher(kind).matches(text):
        shown = f"heading “{text[:60]}”" if kind == "heading" else f"mentions “{matched[:40]}”"
        tally.add(sig.phase, sig.weight, shown, sig)
    return tuple(tally.scores.items()), tuple((p, tuple(r)) for p, r in tally.why.items())
