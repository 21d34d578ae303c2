"""How places in a notebook are shown: cells by number, a finding by cell and line.

Cells are addressed by id and index; people read "cell 3" (1-based). This module is the one
place that turns an index (and a line) into those words, so every view says the same thing.
"""

from __future__ import annotations


def cell_label(index: int) -> str:
    """A cell as people number it: index 2 is ``cell 3``."""
    return f"cell {index + 1}"


def place(cell_index: int, line: int, where: str = "") -> str:
    """Where a finding is: ``cell 3, line 2``, ``output of cell 3`` (line 0), or ``where``
    when the rule named the place itself (``metadata of cell 3``, ``notebook metadata``)."""
    if where:
        return where
    label = cell_label(cell_index)
    return f"{label}, line {line}" if line else f"output of {label}"


def cell_number(index: int) -> int:
    """A cell's number as people count (1-based), for ``path:cell:line`` and links."""
    return index + 1
