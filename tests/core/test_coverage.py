"""Coverage: the documented formula, checklist answers, evidence and open findings."""

from __future__ import annotations

import dataclasses

from mlwa_notebook.engine import analyze_notebook
from mlwa_notebook.lens import load_lens
from mlwa_notebook.metadata import Answer, set_answer
from tests.conftest import make_notebook

TRAIN = (
    "from sklearn.model_selection import train_test_split\n"
    "from sklearn.linear_model import LogisticRegression\n"
    "Xtr, Xte, ytr, yte = train_test_split(X, y, random_state=0)\n"
    "model = LogisticRegression().fit(Xtr, ytr)"
)


def test_score_is_met_over_applicable_minus_not_applicable() -> None:
    report = analyze_notebook(make_notebook(TRAIN))
    for score in report.pillar_scores:
        denominator = score.applicable - score.not_applicable
        expected = round(score.met / denominator, 4) if denominator else 0.0
        assert score.score == expected
        assert score.met + score.not_applicable + score.violated + score.open == score.applicable
        assert report.coverage[score.pillar] == score.score


def test_only_practices_of_present_phases_apply() -> None:
    report = analyze_notebook(make_notebook(TRAIN))
    lens = load_lens()
    phases = {lens.practice(s.id).phase for s in report.checklist}  # type: ignore[union-attr]
    assert "model-development" in report.phases_present
    assert "monitoring" not in phases


def test_a_done_answer_raises_the_pillar_and_na_leaves_the_denominator() -> None:
    nb = make_notebook(TRAIN)
    base = analyze_notebook(nb)
    open_sec = next(s for s in base.checklist if s.pillar == "security" and s.state == "open")
    done = analyze_notebook(set_answer(nb, open_sec.id, Answer("done", note="see wiki")))
    before = next(s for s in base.pillar_scores if s.pillar == "security")
    after = next(s for s in done.pillar_scores if s.pillar == "security")
    assert after.met == before.met + 1 and after.score > before.score
    na = analyze_notebook(set_answer(nb, open_sec.id, Answer("na", reason="no PII")))
    after_na = next(s for s in na.pillar_scores if s.pillar == "security")
    assert after_na.not_applicable == before.not_applicable + 1
    state = next(s for s in na.checklist if s.id == open_sec.id)
    assert (state.state, state.reason) == ("not-applicable", "no PII")


def test_an_open_finding_marks_its_practice_violated_even_if_ticked() -> None:
    nb = make_notebook(TRAIN + "\n", "import numpy as np\nnp.random.rand(3)")
    nb = set_answer(nb, "MLOPS03-BP02", Answer("done"))
    report = analyze_notebook(nb)
    state = next(s for s in report.checklist if s.id == "MLOPS03-BP02")
    assert state.state == "violated" and state.source == "finding" and state.cells == (1,)


def test_evidence_marks_a_practice_met_with_its_cell() -> None:
    nb = make_notebook("%pip install pandas==2.2.3", TRAIN)
    report = analyze_notebook(nb)
    state = next(s for s in report.checklist if s.id == "MLOPS04-BP02")
    assert (state.state, state.source, state.cells) == ("met", "evidence", (0,))


def test_empty_notebook_scores_zero_everywhere() -> None:
    report = analyze_notebook(make_notebook())
    assert set(report.coverage.values()) == {0.0}
    assert report.checklist == ()


def test_a_half_point_score_reads_the_same_in_every_view() -> None:
    """1 met of 8 is 12.5 %: Python's round() said 12 where the sidebar's Math.round said 13."""
    from mlwa_notebook.export.prcomment import pr_comment
    from mlwa_notebook.export.summary import coverage_text, summary_markdown
    from mlwa_notebook.export.svgradar import radar_svg
    from mlwa_notebook.report import PracticeState, Report
    from mlwa_notebook.scoring import pillar_scores, whole_percent
    from mlwa_notebook.views import notebook_html, radar, text

    states = tuple(
        PracticeState(
            id=f"SEC-{i}",
            pillar="security",
            phase="model-development",
            title="t",
            question="q",
            risk="high",
            state="met" if i == 0 else "open",
            source=None,
            cells=(),
            note="",
        )
        for i in range(8)
    )
    scores = pillar_scores(states)
    security = next(s for s in scores if s.pillar == "security")
    assert (security.score, security.percent, whole_percent(security.score)) == (0.125, 13, 13)
    report = dataclasses.replace(
        analyze_notebook(make_notebook(TRAIN)),
        pillar_scores=scores,
        coverage={s.pillar: s.score for s in scores},
        checklist=states,
        phase_coverage={},
    )
    lens = load_lens()
    shown = {
        "text": text.render_text(Report(notebooks=(report,))),
        "table": notebook_html.pillar_table(report).text,
        "coverage": coverage_text(report, lens),
        "summary": summary_markdown(report, lens, [c.id for c in report.cells], {}, "1", None),
        "pr": pr_comment(report, lens, "1"),
        "svg": radar_svg(["Security"], [security.score], "t"),
        "hover": radar.hover_counts(security),
        "compare": radar.radar_table(report, report).text,
    }
    for view, out in shown.items():
        assert "13%" in out, view
        assert "12%" not in out and "12.5" not in out, view
