"""HTML: the annotated notebook through nbconvert's ``lab`` template, readable on its own.

nbconvert does not draw plotly's mime type, so the generated radar code cell is left out; the
summary's own SVG radar (a Markdown attachment, inlined by nbconvert) takes its place.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping
from typing import Any

from mlwa_notebook.export.annotate import is_generated


def notebook_html(annotated: Mapping[str, Any], title: str) -> str:
    """The annotated notebook (already masked) as one self-contained HTML page."""
    import nbformat
    from nbconvert import HTMLExporter

    nb = copy.deepcopy(dict(annotated))
    nb["cells"] = [c for c in nb["cells"] if not (is_generated(c) and c.get("cell_type") == "code")]
    # Reading from text joins the list-of-lines sources that nbconvert's filters expect.
    node = nbformat.reads(json.dumps(nb), as_version=4)  # type: ignore[no-untyped-call]
    exporter = HTMLExporter(template_name="lab")  # type: ignore[no-untyped-call]
    body, _ = exporter.from_notebook_node(node, resources={"metadata": {"name": title}})
    return str(body)
