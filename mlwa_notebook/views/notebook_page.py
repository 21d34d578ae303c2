"""HTML: the annotated notebook through nbconvert's ``lab`` template, readable on its own.

nbconvert does not draw plotly's mime type, so the generated radar code cell is left out; the
summary's own SVG radar (a Markdown attachment, inlined by nbconvert) takes its place.

The page must render offline (a review is read from an archive, an air-gapped network, a CI
artefact), so the template's blocks that fetch scripts from a CDN are emptied: require.js (only
the plotly cell used it, and that cell is gone), MathJax (TeX then reads as written), mermaid and
the widget manager (their outputs keep their text form). The CSS is inlined by nbconvert itself.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping
from typing import Any

from mlwa_notebook.export.annotate import is_generated

_OFFLINE_NAME = "mlwa-offline.html.j2"
# The lab template with every block that loads a script from the network left empty.
_OFFLINE_TEMPLATE = """{%- extends 'index.html.j2' -%}
{%- block html_head_js_requirejs -%}{%- endblock html_head_js_requirejs -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{%- block jupyter_widgets -%}{%- endblock jupyter_widgets -%}
"""


def notebook_html(annotated: Mapping[str, Any], title: str) -> str:
    """The annotated notebook (already masked) as one self-contained HTML page."""
    import nbformat
    from nbconvert import HTMLExporter

    nb = copy.deepcopy(dict(annotated))
    nb["cells"] = [c for c in nb["cells"] if not (is_generated(c) and c.get("cell_type") == "code")]
    # Reading from text joins the list-of-lines sources that nbconvert's filters expect.
    node = nbformat.reads(json.dumps(nb), as_version=4)  # type: ignore[no-untyped-call]
    from jinja2 import DictLoader

    exporter = HTMLExporter(  # type: ignore[no-untyped-call]
        template_name="lab",
        template_file=_OFFLINE_NAME,
        extra_loaders=[DictLoader({_OFFLINE_NAME: _OFFLINE_TEMPLATE})],
    )
    body, _ = exporter.from_notebook_node(node, resources={"metadata": {"name": title}})
    return str(body)
