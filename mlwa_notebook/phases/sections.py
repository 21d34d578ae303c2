"""The outline of a notebook: its headings, the sections they open, and the notebook title.

A heading opens a section that runs to the next heading of the same or a higher level; its
*block* runs only to the next heading of any level. Cells are placed under the stack of headings
that enclose them, so a cell under "### Make the prediction requests" inside "## Configure a
monitoring job" sees both.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

_ATX = re.compile(r"^\s{0,3}(#{1,6})\s+(.+?)\s*#*\s*$", re.M)
_HTML = re.compile(r"<h([1-6])[^>]*>(.*?)</h\1>", re.I | re.S)
_TAGS = re.compile(r"<[^>]+>|\*\*|__|`|\[|\]\([^)]*\)")
_FENCE = re.compile(r"^\s*```.*?^\s*```", re.M | re.S)
#: A title is the first level-1 heading, when it comes this early.
TITLE_WITHIN = 8


@lru_cache(maxsize=32768)
def heading_list(text: str) -> tuple[tuple[int, str], ...]:
    """The headings of a markdown cell in order: (level, plain text). Cached: re-analysis after
    an edit reads every heading again, and headings rarely change."""
    html = "<h" in text or "<H" in text
    if "#" not in text and not html:
        return ()
    if "```" in text:
        text = _FENCE.sub("", text)
    found = [(m.start(), len(m.group(1)), m.group(2)) for m in _ATX.finditer(text)]
    if html:
        found += [(m.start(), int(m.group(1)), m.group(2)) for m in _HTML.finditer(text)]
    found.sort()
    out = []
    for _, level, raw in found:
        plain = _TAGS.sub("", raw).strip(" :.-*_")
        if plain:
            out.append((level, plain))
    return tuple(out)


@dataclass(frozen=True, slots=True)
class Outline:
    """Where every cell sits among the headings."""

    heads: tuple[tuple[tuple[int, str], ...], ...]  # per cell: its headings
    stack: tuple[tuple[int, ...], ...]  # per cell: enclosing heading cells, outermost first
    block: tuple[range, ...]  # per heading cell: the cells up to the next heading
    section: tuple[range, ...]  # per heading cell: the cells its section covers
    title: int | None  # the cell that holds the notebook's title

    def innermost(self, i: int) -> int | None:
        """The heading cell whose block holds cell ``i`` (itself for a heading cell)."""
        s = self.stack[i]
        return s[-1] if s else None


def outline(cell_types: Sequence[str], sources: Sequence[str]) -> Outline:
    """The outline of a notebook from its cells."""
    n = len(cell_types)
    heads = [
        tuple(heading_list(sources[i])) if cell_types[i] == "markdown" else () for i in range(n)
    ]
    # The title: the first level-1 heading among the first cells, if no other heading precedes
    # it, or else any early level-1 heading (a notice or an install cell may come first).
    title = None
    first = next((i for i in range(n) if heads[i]), None)
    if first is not None and first < TITLE_WITHIN and heads[first][0][0] == 1:
        title = first
    else:
        title = next(
            (i for i in range(min(n, TITLE_WITHIN)) if heads[i][:1] and heads[i][0][0] == 1), None
        )
    stack: list[tuple[int, ...]] = []
    block = [range(0) for _ in range(n)]
    section = [range(0) for _ in range(n)]
    open_: list[tuple[int, int]] = []  # (level, cell) of the headings in force
    last: int | None = None
    current: tuple[int, ...] = ()
    for i in range(n):
        if heads[i]:
            level = min(lv for lv, _ in heads[i])
            while open_ and open_[-1][0] >= level:
                closed = open_.pop()[1]
                section[closed] = range(closed + 1, i)
            open_.append((level, i))
            if last is not None:
                block[last] = range(last + 1, i)
            last = i
            current = tuple(c for _, c in open_)
        stack.append(current)
    for _, cell in open_:
        section[cell] = range(cell + 1, n)
    if last is not None:
        block[last] = range(last + 1, n)
    return Outline(tuple(heads), tuple(stack), tuple(block), tuple(section), title)
