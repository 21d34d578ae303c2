"""The core merges checklist answers exactly as the sidebar does (shared cases, one rule)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from mlwa_notebook.metadata import merge_checklist
from tests.server.conftest import REPO

CASES = json.loads(
    (REPO / "labextension" / "test" / "fixtures" / "checklist-merge.json").read_text()
)["cases"]


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_the_core_merges_as_the_sidebar_does(case: dict[str, Any]) -> None:
    merged = merge_checklist({"mlwa": case["ours"]}, {"mlwa": {"checklist": case["theirs"]}})
    assert merged["mlwa"] == case["expected"]
