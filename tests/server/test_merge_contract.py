"""One merge rule for checklist answers, whoever writes: the kernel writing the file, and the
sidebar asking the server what to write into the open notebook (shared cases)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from mlwa_notebook.metadata import merge_checklist
from tests.server.conftest import REPO

CASES = json.loads((REPO / "tests" / "fixtures" / "checklist-merge.json").read_text())["cases"]


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_the_kernel_merges_by_the_rule(case: dict[str, Any]) -> None:
    merged = merge_checklist({"mlwa": case["ours"]}, {"mlwa": {"checklist": case["theirs"]}})
    assert merged["mlwa"] == case["expected"]


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
async def test_the_sidebar_is_told_to_write_what_the_rule_gives(
    jp_fetch: Any, case: dict[str, Any]
) -> None:
    # Given the notebook's block as the sidebar holds it, and a kernel's set_metadata patch
    request = {
        "version": 2,
        "notebook": case["ours"],
        "change": {"kind": "patch", "notebook": {"checklist": case["theirs"]}},
    }
    # When the sidebar asks the server what to write
    response = await jp_fetch("mlwa", "api", "metadata", method="POST", body=json.dumps(request))
    # Then the block to write is the merge the rule gives (none when nothing changes)
    answer = json.loads(response.body)
    assert answer.get("notebook", case["ours"]) == case["expected"]
