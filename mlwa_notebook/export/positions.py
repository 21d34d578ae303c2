"""Where each cell's source lines sit in a notebook file's JSON text, for SARIF regions.

Code scanning shows a result on a line of the file it was given, which for a notebook is a line
of JSON. Notebooks saved by Jupyter keep one source line per JSON string, one per line of the
file, so the cell line a finding names maps to one line of the file. The scan walks only the
path ``cells[i].source[j]`` and lets the standard decoder skip every other value.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass

_DECODER = json.JSONDecoder()
_SPACE = " \t\n\r"


@dataclass(frozen=True, slots=True)
class CellLines:
    """For one cell: the file line (1-based) of each of its source lines, in order."""

    file_lines: tuple[int, ...]


class _Scanner:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0

    def skip_space(self) -> None:
        while self.pos < len(self.text) and self.text[self.pos] in _SPACE:
            self.pos += 1

    def peek(self) -> str:
        self.skip_space()
        return self.text[self.pos] if self.pos < len(self.text) else ""

    def expect(self, char: str) -> None:
        if self.peek() != char:
            raise ValueError(f"expected {char!r} at offset {self.pos}")
        self.pos += 1

    def value(self) -> object:
        self.skip_space()
        found, self.pos = _DECODER.raw_decode(self.text, self.pos)
        return found


def _object_keys(scan: _Scanner) -> Iterator[object]:
    """Iterate the keys of the object at the cursor; the caller reads or skips each value."""
    scan.expect("{")
    if scan.peek() == "}":
        scan.pos += 1
        return
    while True:
        key = scan.value()
        scan.expect(":")
        yield key
        if scan.peek() == ",":
            scan.pos += 1
            continue
        scan.expect("}")
        return


def _line_at(text: str, offset: int, cache: list[int]) -> int:
    # cache = [last offset, last line]: offsets only grow during one scan.
    start, line = cache
    line += text.count("\n", start, offset)
    cache[0], cache[1] = offset, line
    return line


def _source_lines(scan: _Scanner, cache: list[int]) -> tuple[int, ...]:
    """File lines of each source line of the ``source`` value at the cursor."""
    lines: list[int] = []
    if scan.peek() == "[":
        scan.pos += 1
        if scan.peek() == "]":
            scan.pos += 1
            return ()
        while True:
            scan.skip_space()
            at = _line_at(scan.text, scan.pos, cache)
            part = scan.value()
            if isinstance(part, str):
                # One JSON string normally holds one line; a writer that packs several lines
                # into one string puts them all on this file line.
                lines.extend([at] * max(1, part.count("\n") + (0 if part.endswith("\n") else 1)))
            if scan.peek() == ",":
                scan.pos += 1
                continue
            scan.expect("]")
            break
        return tuple(lines)
    scan.skip_space()
    at = _line_at(scan.text, scan.pos, cache)
    whole = scan.value()
    count = whole.count("\n") + 1 if isinstance(whole, str) else 1
    return (at,) * count


def cell_source_lines(text: str) -> tuple[CellLines, ...]:
    """The file lines of every cell's source, by cell index; empty if the text is not a notebook.

    Never raises: a file this scan cannot follow simply gets no regions.
    """
    scan = _Scanner(text)
    cache = [0, 1]
    cells: list[CellLines] = []
    try:
        for key in _object_keys(scan):
            if key != "cells" or scan.peek() != "[":
                scan.value()
                continue
            scan.pos += 1
            if scan.peek() == "]":
                scan.pos += 1
                continue
            while True:
                found: tuple[int, ...] = ()
                for cell_key in _object_keys(scan):
                    if cell_key == "source":
                        found = _source_lines(scan, cache)
                    else:
                        scan.value()
                cells.append(CellLines(found))
                if scan.peek() == ",":
                    scan.pos += 1
                    continue
                scan.expect("]")
                break
    except (ValueError, IndexError):
        return ()
    return tuple(cells)
