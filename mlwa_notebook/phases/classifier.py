"""The phase of every cell: what the user set, else what the code does, else its context.

Every code cell is scored from the signal table (``code.score_code``: what it calls and on what,
what it installs, imports, writes, names) and from the flow of names between cells (``flow``).
Then, in notebook order, its context is added: the heading it sits under, what the other code
of its block does, the prose right above it, and the cell before it. Markdown comes last: a
heading takes the phase of the section it opens (its words and the code under it), a prose cell
the phase of the code it explains. Scores are sums of weights; the label is the best phase, its
confidence the share of the total it got, and its evidence the reasons that voted for it.
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Mapping, MutableMapping, Sequence
from dataclasses import dataclass

from mlwa_notebook.cellcode import CodeFacts
from mlwa_notebook.phases.code import STRONG, score_code
from mlwa_notebook.phases.flow import FlowState, best_of, env_names, prescan
from mlwa_notebook.phases.index import Scores, Why, add, best, shares, text_scores
from mlwa_notebook.phases.sections import outline
from mlwa_notebook.phases.signals import ENV_WORDS, INTRO_HEADING, OT, SE

#: A code cell's own score: phase scores, the reasons, the receivers a signal explained.
CodeScore = tuple[Scores, Why, frozenset[str]]

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
#: Context of a code cell: its heading, the rest of its block, the cell before it.
HEADING_WEIGHT = 1.6
#: An outer heading (the innermost one names no phase) counts this share.
OUTER_HEADING = 0.5
BLOCK_WEIGHT = 1.2
PREVIOUS_WEIGHT = 0.6
#: Share of the words of the prose right above a code cell (it usually says what comes).
PROSE_WEIGHT = 0.5
#: Code before the first section heading is the notebook's preamble: setup, unless it says more.
PREAMBLE_WEIGHT = 1.5
#: A heading's words count when they reach this score.
HEADING_MIN = 2.5
#: For a heading: the code of the section it opens, against its words.
SECTION_CODE_WEIGHT = 3.5
#: An overview whose text scores this much for one phase (and ``ABOUT_RATIO`` times the next)
#: is about that phase.
ABOUT_ONE_PHASE = 1.5
ABOUT_RATIO = 1.5
#: A title names the notebook's phase when this share of its working code serves it.
TITLE_SHARE = 0.4
#: Weights of a prose cell's neighbours: the code it explains, the code it follows, its section.
EXPLAINS_WEIGHT = 2.0
FOLLOWS_WEIGHT = 1.0
SECTION_WEIGHT = 1.5

_MARKUP = re.compile(r"!\[[^\]]*\]\([^)]*\)|<[^>]+>|&\w+;|[-*_=#>|`]")
_WORDS = re.compile(r"[A-Za-z]{2,}")
_JOINED = re.compile(r"\band\b|&|,|/")


@dataclass(frozen=True, slots=True)
class PhaseLabel:
    """A cell's phase, where it came from, how sure, and why."""

    phase: str
    source: str  # explicit, code, heading, context, default
    confidence: float
    evidence: tuple[str, ...]


def _reasons(why: Sequence[str]) -> tuple[str, ...]:
    """Reasons in order, each once (several rows can see the same call)."""
    return tuple(dict.fromkeys(why))


class _Run:
    """One classification of one notebook: own scores first, then labels in order."""

    def __init__(
        self,
        cell_types: Sequence[str],
        sources: Sequence[str],
        facts: Sequence[CodeFacts | None],
        imports: Mapping[str, str],
        explicit: Sequence[tuple[str, str] | None],
        memo: MutableMapping[Hashable, CodeScore] | None = None,
    ) -> None:
        self.types = cell_types
        self.sources = sources
        self.facts = facts
        self.explicit = explicit
        self.n = n = len(cell_types)
        self.outline = outline(cell_types, sources)
        self.labels: list[PhaseLabel | None] = [None] * n
        self.own: list[Scores] = [{} for _ in range(n)]
        self.why: list[Why] = [{} for _ in range(n)]
        self.matched: list[frozenset[str]] = [frozenset()] * n
        self.empty = {i for i in range(n) if cell_types[i] == "code" and not sources[i].strip()}
        # A cell's own score depends only on its source and the notebook's imports: re-analysis
        # after an edit re-scores the edited cell only. Copies, because votes are added below.
        imports_key = hash(tuple(sorted(imports.items()))) if memo is not None else 0
        for i in range(n):
            f = facts[i]
            if cell_types[i] == "code" and f is not None and i not in self.empty:
                key = (sources[i], imports_key)
                found = memo.get(key) if memo is not None else None
                if found is None:
                    found = score_code(f, imports, source=sources[i])
                    if memo is not None:
                        memo[key] = found
                scores, why, matched = found
                self.own[i] = dict(scores)
                self.why[i] = {phase: list(reasons) for phase, reasons in why.items()}
                self.matched[i] = matched
        own_best = [best_of(s) for s in self.own]
        strong = [bool(s) and max(s.values()) >= STRONG for s in self.own]
        for i, votes in prescan(facts, own_best, strong).votes.items():
            for phase, weight, reason in votes:
                add(self.own[i], self.why[i], phase, weight, reason)
        self.heading: dict[int, tuple[Scores, Why]] = {}
        for i, heads in enumerate(self.outline.heads):
            if heads:
                self.heading[i] = self._heading_words(i, heads)
        self.prose: dict[int, tuple[Scores, Why]] = {}
        self.first_section = next(
            (i for i in range(n) if self.outline.heads[i] and i != self.outline.title), n
        )

    def _heading_words(self, i: int, heads: Sequence[tuple[int, str]]) -> tuple[Scores, Why]:
        """The words of the heading that names the cell: the first one that names a phase
        ("### Notes about permissions" over its "#### Using data from another project"), or
        the last when the first is generic ("## Tutorial" then "### Fetch the data")."""
        if i == self.outline.title:
            return text_scores("heading", heads[0][1])
        for _, text in heads[:-1]:
            scores, why = text_scores("heading", text)
            if scores and best(scores)[0] != OT and max(scores.values()) >= HEADING_MIN:
                return scores, why
        return text_scores("heading", heads[-1][1])

    def prose_scores(self, i: int) -> tuple[Scores, Why]:
        """The phase words of a markdown cell's text, read once."""
        found = self.prose.get(i)
        if found is None:
            found = self.prose[i] = text_scores("text", self.sources[i])
        return found

    # --- code cells --------------------------------------------------------------------------

    def heading_prior(self, i: int) -> tuple[str, str, float] | None:
        """The phase named by the nearest enclosing heading that names one, the heading, and
        the weight it carries (less when it is an outer heading)."""
        weight = HEADING_WEIGHT
        for h in reversed(self.outline.stack[i]):
            if h == self.outline.title:
                continue
            chosen = self.explicit[h]
            if chosen is not None:  # a heading the user labelled labels its section
                return chosen[0], self.outline.heads[h][-1][1], weight
            scores, _ = self.heading[h]
            if scores:
                phase, _ = best(scores)
                if scores[phase] >= HEADING_MIN:
                    return phase, self.outline.heads[h][-1][1], weight
            weight = HEADING_WEIGHT * OUTER_HEADING
        return None

    def block_lean(self, i: int) -> dict[str, float]:
        """What the other code cells of cell ``i``'s block do, as shares."""
        h = self.outline.innermost(i)
        if h is None or h == self.outline.title:
            return {}
        counts: Scores = {}
        for j in self.outline.block[h]:
            if j == i or self.types[j] != "code" or j in self.empty:
                continue
            # Cells above are labelled already; below, only their own evidence is known.
            done = self.labels[j]
            phase = done.phase if done is not None else best_of(self.own[j])
            if phase is not None:
                counts[phase] = counts.get(phase, 0.0) + 1.0
        return shares(counts)

    def label_code(self, i: int, state: FlowState, env: frozenset[str], prev: str | None) -> None:
        f = self.facts[i]
        if f is None or i in self.empty:
            self.labels[i] = PhaseLabel(OT, "code", 1.0, ("empty cell",))
            return
        scores = dict(self.own[i])
        why = {p: list(r) for p, r in self.why[i].items()}
        for phase, weight, reason in state.votes(f, env, self.matched[i]):
            add(scores, why, phase, weight, reason)
        own_best = best_of(scores)
        prior = self.heading_prior(i)
        if prior is not None:
            add(scores, why, prior[0], prior[2], f"under heading “{prior[1][:60]}”")
        elif i < self.first_section:
            add(scores, why, SE, PREAMBLE_WEIGHT, "in the notebook's preamble")
        for phase, share in self.block_lean(i).items():
            add(scores, why, phase, BLOCK_WEIGHT * share, "its section's code leans here")
        if i > 0 and self.types[i - 1] == "markdown" and not self.outline.heads[i - 1]:
            prose, prose_why = self.prose_scores(i - 1)
            for phase, value in prose.items():
                reason = f"the text above {prose_why[phase][0]}"
                add(scores, why, phase, PROSE_WEIGHT * value, reason)
        if prev is not None:
            add(scores, why, prev, PREVIOUS_WEIGHT, "continues the cell before")
        phase, conf = best(scores)
        source = "code" if phase == own_best else "context"
        self.labels[i] = PhaseLabel(phase, source, conf, _reasons(why[phase]))
        state.update(i, f, phase)

    # --- markdown cells ----------------------------------------------------------------------

    def code_lean(self, cells: Sequence[int]) -> dict[str, float]:
        """What the labelled code among ``cells`` does, as shares."""
        counts: Scores = {}
        for j in cells:
            label = self.labels[j]
            if self.types[j] == "code" and label is not None and j not in self.empty:
                counts[label.phase] = counts.get(label.phase, 0.0) + 1.0
        return shares(counts)

    def label_heading(self, i: int) -> None:
        scores, why = self.heading[i]
        scores, why = dict(scores), {p: list(r) for p, r in why.items()}
        named = sorted(p for p, v in scores.items() if v >= HEADING_MIN and p not in (OT, SE))
        if i == self.outline.title:
            self.labels[i] = self._title(named, why)
            return
        block = self.outline.block[i]
        text = self.outline.heads[i][-1][1]
        if len(named) >= 2 and _JOINED.search(text) and not self.code_lean(block):
            # "Training and serving": a heading over several phases introduces them all.
            reason = f"heading names several phases ({', '.join(named)})"
            self.labels[i] = PhaseLabel(OT, "heading", 0.5, (reason,))
            return
        body, body_why = self.prose_scores(i)
        if INTRO_HEADING.match(text):
            # An overview or objective that is all about one phase takes that phase.
            top = sorted(body.items(), key=lambda kv: -kv[1])
            if (
                top
                and top[0][1] >= ABOUT_ONE_PHASE
                and (len(top) == 1 or top[0][1] >= ABOUT_RATIO * top[1][1])
            ):
                phase = top[0][0]
                reasons = (f"an overview about {phase}", *body_why[phase])
                self.labels[i] = PhaseLabel(phase, "heading", 0.6, reasons)
                return
        # With no code of its own, a heading that names a phase keeps it; one that names none
        # takes what its subsections do.
        lean = self.code_lean(block)
        if not lean and not named:
            lean = self.code_lean(self.outline.section[i])
        for phase, share in lean.items():
            add(scores, why, phase, SECTION_CODE_WEIGHT * share, "the code it opens does this")
        for phase, value in body.items():
            add(scores, why, phase, 0.3 * value, body_why[phase][0])
        self._settle(i, scores, why, "heading")

    def _title(self, named: Sequence[str], why: Why) -> PhaseLabel:
        """A title names the notebook's phase when it names one and the code mostly serves it."""
        if len(named) != 1:
            reason = "notebook title naming several phases" if named else "notebook title"
            return PhaseLabel(OT, "heading", 0.6, (reason,))
        working = []
        for j in range(self.n):
            label = self.labels[j]
            if label is not None and label.phase not in (SE, OT):
                working.append(j)
        share = self.code_lean(working).get(named[0], 0.0)
        if share >= TITLE_SHARE:
            reasons = (*why[named[0]], f"{share:.0%} of the notebook's working code does this")
            return PhaseLabel(named[0], "heading", 0.6, reasons)
        return PhaseLabel(OT, "heading", 0.5, ("notebook title",))

    def label_prose(self, i: int) -> None:
        if not _WORDS.search(_MARKUP.sub(" ", self.sources[i])):
            self.labels[i] = PhaseLabel(OT, "context", 0.9, ("no text (a rule, an image)",))
            return
        scores: Scores = {}
        why: Why = {}
        h = self.outline.innermost(i)
        nxt, prv = i + 1, i - 1
        if nxt < self.n and self.types[nxt] == "code" and nxt not in self.empty:
            label = self.labels[nxt]
            if label is not None:
                reason = f"explains cell {nxt + 1} ({label.phase})"
                add(scores, why, label.phase, EXPLAINS_WEIGHT, reason)
        elif prv >= 0 and self.types[prv] == "code" and prv not in self.empty:
            label = self.labels[prv]
            if label is not None:
                add(scores, why, label.phase, FOLLOWS_WEIGHT, f"follows cell {prv + 1}")
        if h is not None:
            label = self.labels[h]
            if label is not None:
                weight = SECTION_WEIGHT / 3 if h == self.outline.title else SECTION_WEIGHT
                add(scores, why, label.phase, weight, f"in the section of cell {h + 1}")
        body, body_why = self.prose_scores(i)
        for phase, value in body.items():
            add(scores, why, phase, 0.4 * value, body_why[phase][0])
        self._settle(i, scores, why, "context")

    def _settle(self, i: int, scores: Scores, why: Why, source: str) -> None:
        """Label cell ``i`` with its best phase, or from its neighbours when nothing scored."""
        if not scores:
            self.labels[i] = self._neighbour(i)
            return
        phase, conf = best(scores)
        self.labels[i] = PhaseLabel(phase, source, conf, _reasons(why[phase]))

    def _neighbour(self, i: int) -> PhaseLabel:
        # Markdown usually introduces what follows it.
        for j in [*range(i + 1, min(i + 4, self.n)), *range(i - 1, max(i - 4, -1), -1)]:
            near = self.labels[j]
            if near is not None and near.source in ("code", "heading", "explicit"):
                return PhaseLabel(near.phase, "context", 0.3, (f"next to cell {j + 1}",))
        return PhaseLabel(OT, "default", 0.0, ())

    def run(self) -> list[PhaseLabel]:
        state = FlowState()
        env = env_names(self.facts, ENV_WORDS)
        prev: str | None = None
        for i in range(self.n):
            chosen = self.explicit[i]
            f = self.facts[i]
            if chosen is not None:
                reason = f"set by the user ({chosen[1]})"
                self.labels[i] = PhaseLabel(chosen[0], "explicit", 1.0, (reason,))
                if f is not None:
                    state.update(i, f, chosen[0])
                    prev = chosen[0]
            elif self.types[i] == "code":
                self.label_code(i, state, env, prev)
                label = self.labels[i]
                if label is not None and i not in self.empty:
                    prev = label.phase
        # Inner headings first: an outer heading with no code of its own leans on them.
        for i in sorted(self.heading, key=lambda h: -len(self.outline.stack[h])):
            if self.labels[i] is None:
                self.label_heading(i)
        for i in range(self.n):
            if self.labels[i] is None and self.types[i] == "markdown":
                self.label_prose(i)
        return [label or PhaseLabel(OT, "default", 0.0, ()) for label in self.labels]


def classify(
    cell_types: Sequence[str],
    sources: Sequence[str],
    facts: Sequence[CodeFacts | None],
    imports: Mapping[str, str],
    explicit: Sequence[tuple[str, str] | None],
    memo: MutableMapping[Hashable, CodeScore] | None = None,
) -> list[PhaseLabel]:
    """Label every cell of a notebook (all sequences are per cell, in order).

    ``memo`` (optional, owned by the caller) keeps each code cell's own score between runs.
    """
    return _Run(cell_types, sources, facts, imports, explicit, memo).run()
