"""The annotated notebook opens in Jupyter: a real server reads and validates it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from mlwa_notebook.export import write_export


async def test_the_exported_notebook_opens_in_a_jupyter_server(
    jp_fetch: Any, jp_root_dir: Path, messy: Path
) -> None:
    # Given the messy example exported into the server's root folder
    out, _ = write_export(messy, "ipynb", jp_root_dir / "review.ipynb")
    # When the server is asked for it, as JupyterLab asks when opening a notebook
    response = await jp_fetch("api", "contents", "review.ipynb", params={"content": "1"})
    model = json.loads(response.body)
    # Then it is read as a valid notebook (no validation message), with every cell
    assert model["type"] == "notebook"
    assert not model.get("message"), model.get("message")
    on_disk = json.loads(out.read_text(encoding="utf-8"))
    assert [c["id"] for c in model["content"]["cells"]] == [c["id"] for c in on_disk["cells"]]
    assert model["content"]["cells"][0]["metadata"]["mlwa"]["kind"] == "summary"
