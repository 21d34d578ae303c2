"""Which lifecycle phase each cell serves: signals as data, and the classifier that reads them."""

from mlwa_notebook.phases.classifier import PHASES, PhaseLabel, classify

__all__ = ["PHASES", "PhaseLabel", "classify"]
