"""The export formats, their media types and default file names (light imports: the CLI and
the server read it)."""

from __future__ import annotations

import re
from pathlib import PurePath

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


def default_name(source: str, fmt: str) -> str:
    """The file name an export of ``source`` gets: ``NAME.review.ipynb``, ``NAME.sarif``…"""
    stem = re.sub(r"[^\w.+-]", "", PurePath(source).name)
    for ending in (".ipynb", ".review"):
        stem = stem.removesuffix(ending)
    return f"{stem or 'notebook'}{SUFFIXES[fmt]}"
