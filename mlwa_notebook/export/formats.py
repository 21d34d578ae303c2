"""The export formats, their media types and default file names (no imports: the CLI reads it)."""

from __future__ import annotations

#: Every format ``mlwa export --to`` knows; the first is the default.
FORMATS: tuple[str, ...] = ("ipynb", "html", "markdown", "json", "sarif", "wa-tool")

MEDIA_TYPES: dict[str, str] = {
    "ipynb": "application/x-ipynb+json",
    "html": "text/html; charset=utf-8",
    "markdown": "text/markdown; charset=utf-8",
    "json": "application/json",
    "sarif": "application/sarif+json",
    "wa-tool": "application/json",
}

#: What replaces ``.ipynb`` in the default output name beside the notebook.
SUFFIXES: dict[str, str] = {
    "ipynb": ".review.ipynb",
    "html": ".review.html",
    "markdown": ".review.md",
    "json": ".review.json",
    "sarif": ".sarif",
    "wa-tool": ".wa-tool.json",
}
