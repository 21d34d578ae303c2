"""MLW003 looks in every place a notebook holds text, and every export masks what it finds.

Secrets are planted where the first version looked nowhere (notebook and cell metadata, a
markdown attachment, a raw cell, an HTML output, the end of a long log) or took them for
placeholders; decoys beside them are placeholders that must stay unflagged.
"""

from __future__ import annotations

from typing import Any

import pytest

from mlwa_notebook.engine import analyze_notebook
from mlwa_notebook.export import FORMATS, export_notebook
from mlwa_notebook.report import NotebookReport
from tests.conftest import make_notebook

# Built from pieces, so no scanner takes this file for a leak.
PAPERMILL_TOKEN = "tok_" + "9fK2xQ7mZ4vL1pR8"
GH_IN_CELL_META = "ghp_" + "Q7k2LmN9vR4tY1wE5uI3oP6aS0dF2gH4jK8z"
GH_TODO = "ghp_" + "Todo8fK2xQ7mZ4vL1pR8nB3cD5eF6gH7iJ9k"
HF_IN_ATTACHMENT = "hf_" + "Zq8Lm2Nv4Rt6Yw1Ep3Ui5Oa7Sd9Fg0HjKk"
SLACK_IN_HTML = "xoxb-" + "2711093021-Kq8Zr3Lm9Nv2"
SK_AFTER_LOG = "sk-" + "live8Kq2Zr3Lm9Nv2Tx4Wy6Ab"
AWS_IN_RAW = "AKIA" + "R7QX2M4TPLW9ZK3D"
SUMMER = "Summer{2024}" + "Prod!"
GH_IN_NOTE = "ghp_" + "N0t3dK2xQ7mZ4vL1pR8nB3cD5eF6gH7iJ9kL"
PLANTED = (
    PAPERMILL_TOKEN,
    GH_IN_CELL_META,
    GH_TODO,
    HF_IN_ATTACHMENT,
    SLACK_IN_HTML,
    SK_AFTER_LOG,
    AWS_IN_RAW,
    SUMMER,
    GH_IN_NOTE,
)
DECOYS = (
    "password = '{password}'",
    "api_key = '<your-api-key>'",
    "aws_access_key_id = 'AKIAIOSFODNN7EXAMPLE'",
    "token = 'ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx'",
    "secret = 'changeme'",
    "url = 'postgresql://user:${DB_PASSWORD}@db:5432/app'",
)


def planted_notebook() -> dict[str, Any]:
    nb = make_notebook(
        "import os",
        ("md", "![notes](attachment:notes.txt)"),
        "print(render_table())",
        "run_training()",
        f"db_password = '{SUMMER}'\nclient = Github('{GH_TODO}')",
        "\n".join(DECOYS),
    )
    nb["metadata"]["papermill"] = {"parameters": {"api_token": PAPERMILL_TOKEN, "epochs": 3}}
    nb["metadata"]["mlwa"] = {
        "checklist": {"MLSEC04-BP01": {"state": "done", "note": f"rotated {GH_IN_NOTE}"}}
    }
    nb["cells"][0]["metadata"]["tracking"] = {"client": {"key": GH_IN_CELL_META}}
    nb["cells"][1]["attachments"] = {"notes.txt": {"text/plain": f"HF: {HF_IN_ATTACHMENT}\n"}}
    nb["cells"][2]["outputs"] = [
        {
            "output_type": "execute_result",
            "execution_count": 1,
            "metadata": {},
            "data": {
                "text/plain": "<table>",
                "text/html": f"<table><tr><td>{SLACK_IN_HTML}</td></tr></table>",
            },
        }
    ]
    log = "".join(f"epoch {n}: loss 0.{n:04d}\n" for n in range(12_000))  # 250 KB of log
    nb["cells"][3]["outputs"] = [
        {"output_type": "stream", "name": "stdout", "text": log + f"using {SK_AFTER_LOG}\n"}
    ]
    nb["cells"].insert(
        4, {"cell_type": "raw", "id": "raw-cell", "metadata": {}, "source": AWS_IN_RAW}
    )
    return nb


def secret_findings(report: NotebookReport) -> list[str]:
    return [f.message for f in report.findings if f.code == "MLW003"]


def test_secrets_are_found_in_every_place_a_notebook_holds_text() -> None:
    report = analyze_notebook(planted_notebook(), path="planted.ipynb")
    found = secret_findings(report)
    wheres = [message.split(": ", 1)[0] for message in found]
    assert sorted(wheres) == sorted(
        [
            "notebook metadata",  # papermill's parameters
            "notebook metadata",  # the checklist note
            "metadata of cell 1",
            "attachment of cell 2",
            "output of cell 3",  # only in the HTML version of the output
            "output of cell 4",  # after 250 KB of log
            "cell 5, line 1",  # the raw cell
            "cell 6, line 1",  # a password with braces that are no template
            "cell 6, line 2",  # a GitHub token that happens to start with "Todo"
        ]
    ), found
    assert (
        "notebook metadata: `papermill.parameters.api_token` holds a literal credential 'tok_********'"
        in found
    )
    # And the decoys (placeholders, the AWS documentation key, an environment template) are not
    assert not [m for m in found if m.startswith("cell 7")]


def test_the_checklist_note_is_masked_in_the_report() -> None:
    report = analyze_notebook(planted_notebook(), path="planted.ipynb")
    note = next(s.note for s in report.checklist if s.id == "MLSEC04-BP01")
    assert GH_IN_NOTE not in note and note.startswith("rotated ghp_")


@pytest.mark.parametrize("fmt", FORMATS)
def test_no_export_holds_a_planted_secret_in_clear(fmt: str) -> None:
    result = export_notebook(planted_notebook(), "planted.ipynb", fmt)
    text = result.text
    for secret in PLANTED:
        assert secret not in text, f"{fmt} holds {secret[:4]}…"
        assert secret[4:12] not in text, f"{fmt} holds part of {secret[:4]}…"
