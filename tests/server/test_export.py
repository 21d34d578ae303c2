"""``POST export``: the review export of the notebook in the editor, written beside it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import nbformat

from tests.server.conftest import MESSY
from tests.server.test_handlers import body, fail

REVIEW = MESSY.replace(".ipynb", ".review.ipynb")


async def test_export_writes_the_annotated_notebook_beside_it(
    jp_fetch: Any, messy_in_root: Path, jp_root_dir: Path
) -> None:
    # Given the messy example, with an unsaved edit
    nb = json.loads(messy_in_root.read_text())
    nb["cells"].append(
        {"cell_type": "markdown", "id": "unsaved-note", "metadata": {}, "source": "Unsaved note"}
    )
    # When exported from the sidebar
    response = await jp_fetch(
        "mlwa", "api", "export", method="POST", body=body(notebook=nb, path=MESSY)
    )
    # Then the review is written beside it, from what was sent, and the answer says where
    answer = json.loads(response.body)
    assert answer["path"] == REVIEW and answer["format"] == "ipynb" and answer["findings"] > 0
    assert REVIEW in answer["message"]
    written = nbformat.read(jp_root_dir / REVIEW, as_version=4)
    nbformat.validate(written)
    assert len(written.cells) > len(nb["cells"])
    assert any(c.get("id") == "unsaved-note" for c in written.cells)
    # And the notebook itself is untouched
    assert json.loads(messy_in_root.read_text())["cells"][-1]["id"] != "unsaved-note"


async def test_export_does_not_overwrite_unless_asked(
    jp_fetch: Any, messy_in_root: Path, jp_root_dir: Path
) -> None:
    await jp_fetch("mlwa", "api", "export", method="POST", body=body(path=MESSY))
    (jp_root_dir / REVIEW).write_text("{}")
    code, error = await fail(
        jp_fetch, "mlwa", "api", "export", method="POST", body=body(path=MESSY)
    )
    assert code == 409 and "overwrite" in error["hint"]
    assert (jp_root_dir / REVIEW).read_text() == "{}"
    await jp_fetch("mlwa", "api", "export", method="POST", body=body(path=MESSY, overwrite=True))
    assert nbformat.read(jp_root_dir / REVIEW, as_version=4).cells


async def test_export_in_another_format(
    jp_fetch: Any, messy_in_root: Path, jp_root_dir: Path
) -> None:
    response = await jp_fetch(
        "mlwa", "api", "export", method="POST", body=body(path=MESSY, format="markdown")
    )
    answer = json.loads(response.body)
    assert answer["path"].endswith(".review.md") and answer["media_type"].startswith(
        "text/markdown"
    )
    assert (jp_root_dir / answer["path"]).read_text().strip()


async def test_export_refuses_what_it_cannot_do(
    jp_fetch: Any, messy_in_root: Path, jp_root_dir: Path
) -> None:
    code, error = await fail(
        jp_fetch, "mlwa", "api", "export", method="POST", body=body(path=MESSY, format="pdf")
    )
    assert code == 400 and "ipynb" in error["hint"]
    code, error = await fail(
        jp_fetch, "mlwa", "api", "export", method="POST", body=body(notebook={})
    )
    assert code == 400 and "'path' is required" in error["message"]
    # the export of an export would be written over itself
    (jp_root_dir / REVIEW).write_text(messy_in_root.read_text())
    code, error = await fail(
        jp_fetch, "mlwa", "api", "export", method="POST", body=body(path=REVIEW, overwrite=True)
    )
    assert code == 409 and "replace the notebook itself" in error["message"]


async def test_export_says_where_each_format_goes_and_what_exists(
    jp_fetch: Any, messy_in_root: Path, jp_root_dir: Path
) -> None:
    # Given an earlier review in HTML only
    (jp_root_dir / MESSY.replace(".ipynb", ".review.html")).write_text("<p>earlier</p>")
    # When the sidebar asks where an export would go
    response = await jp_fetch("mlwa", "api", "export", params={"path": MESSY}, method="GET")
    found = {f["format"]: f for f in json.loads(response.body)["formats"]}
    # Then every format of `mlwa export` is offered, with its file beside the notebook
    assert list(found)[:3] == ["ipynb", "html", "markdown"]
    assert found["markdown"]["path"] == MESSY.replace(".ipynb", ".review.md")
    # And only the HTML review exists, so only it needs the user's consent to be replaced
    assert [f for f, v in found.items() if v["exists"]] == ["html"]
    code, error = await fail(jp_fetch, "mlwa", "api", "export", method="GET")
    assert code == 400 and "'path' is required" in error["message"]
    # And strangers learn nothing
    code, _ = await fail(
        jp_fetch,
        "mlwa",
        "api",
        "export",
        method="GET",
        params={"path": MESSY},
        headers={"Authorization": ""},
    )
    assert code == 403
