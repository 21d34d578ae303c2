"""An attested answer records who gave it and when, so a reviewer can trust the checklist."""

from __future__ import annotations

import subprocess

from mlwa_notebook.engine import analyze_notebook
from mlwa_notebook.lens import load_lens
from mlwa_notebook.metadata import Answer, checklist_answers, set_answer
from mlwa_notebook.views.summary import summary_markdown
from tests.conftest import make_notebook
from tests.kernel.harness import KernelNotebook, text_of


def test_an_answer_from_the_kernel_names_the_git_user(fresh: KernelNotebook) -> None:
    # Given: the notebook lives in a git repository whose user is Ada Tester
    folder = fresh.path.parent
    subprocess.run(["git", "init", "-q"], cwd=folder, check=True)
    subprocess.run(["git", "config", "user.name", "Ada Tester"], cwd=folder, check=True)
    # When: a practice is answered with the magic
    text = text_of(fresh.run_code("%mlwa answer MLOPS01-BP01 done owned by the triage team"))
    # Then: the stored answer says who and when
    assert "MLOPS01-BP01 marked done" in text
    entry = fresh.on_disk()["metadata"]["mlwa"]["checklist"]["MLOPS01-BP01"]
    assert entry["by"] == "Ada Tester" and entry["updated"].endswith("Z")
    assert entry["note"] == "owned by the triage team"


def test_who_and_when_reach_the_report_and_the_exported_review() -> None:
    nb = make_notebook("import pandas as pd\ndf = pd.read_csv('data.csv')")
    answered = set_answer(
        nb,
        "MLOPS01-BP01",
        Answer("done", note="see the team page", updated="2026-11-29T12:00:00.000000Z", by="Ada"),
    )
    assert checklist_answers(answered["metadata"])["MLOPS01-BP01"].by == "Ada"
    report = analyze_notebook(answered)
    state = next(s for s in report.checklist if s.id == "MLOPS01-BP01")
    assert (state.by, state.updated[:10]) == ("Ada", "2026-11-29")
    summary = summary_markdown(report, load_lens(), [c.id for c in report.cells], {}, "1", None)
    assert "`MLOPS01-BP01`" in summary and "answered by Ada on 2026-11-29" in summary
    # an answer written before this existed has no name, and says nothing wrong
    old = set_answer(nb, "MLOPS01-BP01", Answer("done", updated="2026-01-01T00:00:00.000000Z"))
    state = next(s for s in analyze_notebook(old).checklist if s.id == "MLOPS01-BP01")
    assert state.by == "" and "by" not in old["metadata"]["mlwa"]["checklist"]["MLOPS01-BP01"]
