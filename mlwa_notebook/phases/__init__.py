"""Which lifecycle phase each cell serves.

``signals`` holds the table (patterns as data), ``index`` arranges it for look-up, ``code``
scores one code cell, ``flow`` follows names between cells, ``sections`` reads the headings, and
``classifier`` puts them together into a label, a confidence and the evidence for every cell.
"""

from mlwa_notebook.phases.classifier import PHASES, PhaseLabel, classify

__all__ = ["PHASES", "PhaseLabel", "classify"]
