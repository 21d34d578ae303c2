"""Errors the user sees: each names the file (and the cell) and says what is wrong."""

from __future__ import annotations

from mlwa_notebook.location import cell_label


class MlwaError(Exception):
    """Base of every error this package reports to users."""


class NotebookError(MlwaError):
    """A notebook that cannot be read or analysed."""

    def __init__(self, path: str, message: str, cell_index: int | None = None) -> None:
        self.path = path
        self.message = message
        self.cell_index = cell_index
        where = f"{path}, {cell_label(cell_index)}" if cell_index is not None else path
        super().__init__(f"{where}: {message}")


class ConfigError(MlwaError):
    """A bad ``[tool.mlwa]`` table."""

    def __init__(self, path: str, message: str) -> None:
        self.path = path
        self.message = message
        super().__init__(f"{path}: [tool.mlwa] {message}")


class UsageError(MlwaError):
    """A command line or magic that asks for something that does not exist."""
