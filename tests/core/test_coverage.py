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
        # the views show the denominator and the notebook's own share as computed here
        assert score.counted == denominator
        shown = round(score.checked_met / score.checked, 4) if score.checked else 0.0
        assert score.checked_score == shown
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
    from mlwa_notebook.report import PracticeState, Report
    from mlwa_notebook.scoring import pillar_scores, whole_percent
    from mlwa_notebook.views import notebook_html, radar, text
    from mlwa_notebook.views.prcomment import pr_comment
    from mlwa_notebook.views.summary import coverage_text, summary_markdown
    from mlwa_notebook.views.svgradar import radar_svg

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


def test_checked_and_attested_practices_are_counted_apart() -> None:
    from mlwa_notebook.rules import ALL_RULES

    nb = make_notebook(TRAIN)
    report = analyze_notebook(nb)
    by_rule = {bp for r in ALL_RULES for bp in r.best_practices}
    for s in report.checklist:
        assert s.kind == ("checked" if s.id in by_rule else s.kind)
        if s.kind == "attested":
            assert s.state != "violated" and s.source in (None, "checklist")
    for score in report.pillar_scores:
        states = [s for s in report.checklist if s.pillar == score.pillar]
        na_checked = sum(s.kind == "checked" and s.state == "not-applicable" for s in states)
        assert score.checked + na_checked + score.attested == score.applicable
    # A rule that ran and found nothing holds for its practices: met, and says which rule
    held = [s for s in report.checklist if s.source == "rule"]
    assert held and all(s.state == "met" and s.note.startswith("no finding of ") for s in held)
    # Answering an attested practice moves "answered", never "checked"
    todo = next(s for s in report.checklist if s.kind == "attested" and s.state == "open")
    after = analyze_notebook(set_answer(nb, todo.id, Answer("done", note="team wiki")))
    (before_score,) = [p for p in report.pillar_scores if p.pillar == todo.pillar]
    (after_score,) = [p for p in after.pillar_scores if p.pillar == todo.pillar]
    assert after_score.answered == before_score.answered + 1
    assert (after_score.checked, after_score.checked_met) == (
        before_score.checked,
        before_score.checked_met,
    )


def test_a_suppressed_finding_keeps_its_practice_from_holding() -> None:
    split = "from sklearn.model_selection import train_test_split\na, b = train_test_split([1, 2]"
    seeded = analyze_notebook(make_notebook(split + ", random_state=0)"))
    hidden = analyze_notebook(make_notebook(split + ")  # mlwa: ignore[MLW004] toy"))
    cited = {bp for f in hidden.suppressed for bp in f.best_practices}
    assert cited
    shown = {s.id: s for s in seeded.checklist}
    kept = {s.id: s for s in hidden.checklist}
    for bp in cited & set(shown):
        assert shown[bp].state == "met" and shown[bp].source in ("evidence", "rule")
        assert kept[bp].state == "open" and kept[bp].source is None


def test_with_its_answers_the_well_architected_example_reads_high_and_the_messy_one_low() -> None:
    import json

    from tests.conftest import REPO

    def scores(name: str) -> dict[str, int]:
        path = REPO / "example_notebooks" / name
        report = analyze_notebook(json.loads(path.read_text(encoding="utf-8")))
        return {s.pillar: s.percent for s in report.pillar_scores}

    good = scores("01-well-architected-classifier.ipynb")
    messy = scores("02-messy-experiment.ipynb")
    assert min(good.values()) >= 75, good
    assert max(messy.values()) <= 40, messy
    assert all(good[p] > messy[p] for p in good)


def test_every_view_shows_what_is_checked_apart_from_what_is_answered() -> None:
    from mlwa_notebook.report import Report
    from mlwa_notebook.scoring import checked_and_answered
    from mlwa_notebook.views import notebook_html, radar, text
    from mlwa_notebook.views.prcomment import pr_comment
    from mlwa_notebook.views.summary import summary_markdown

    report = analyze_notebook(make_notebook(TRAIN))
    lens = load_lens()
    shown = {
        "text": text.render_text(Report(notebooks=(report,))),
        "table": notebook_html.pillar_table(report).text,
        "summary": summary_markdown(report, lens, [c.id for c in report.cells], {}, "1", None),
        "pr": pr_comment(report, lens, "1"),
    }
    for s in report.pillar_scores:
        wording = checked_and_answered(s)
        assert wording == (
            f"checked {s.checked_met}/{s.checked} · answered {s.answered}/{s.attested}"
        )
        for view, out in shown.items():
            assert wording in out, view
    figure = radar.radar_json(report)
    assert [t["name"] for t in figure["data"]] == [radar.CHECKED_NAME, "coverage"]
    assert "checked = " in report.coverage_formula and "answered = " in report.coverage_formula


def test_the_exported_radar_draws_what_the_notebook_shows_apart() -> None:
    import base64
    import json
    import re

    from mlwa_notebook.export import export_notebook
    from tests.conftest import REPO

    path = REPO / "example_notebooks" / "01-well-architected-classifier.ipynb"
    raw = json.loads(path.read_text(encoding="utf-8"))
    exported = json.loads(export_notebook(raw, str(path), "ipynb").data)
    summary = "".join(exported["cells"][0]["source"])
    (encoded,) = re.findall(r"data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)", summary)
    svg = base64.b64decode(encoded).decode("utf-8")
    assert 'class="checked"' in svg and "dashed: shown by the notebook" in svg
    area = re.findall(r'<polygon points="([^"]+)" fill="#2f6fb5"', svg)
    inner = re.findall(r'<polygon class="checked" points="([^"]+)"', svg)
    assert len(area) == len(inner) == 1 and area[0] != inner[0]


def test_the_checklist_is_counted_per_phase_and_pillar_for_the_views() -> None:
    report = analyze_notebook(make_notebook(TRAIN))
    for phase, pillars in report.checklist_counts.items():
        for pillar, count in pillars.items():
            listed = [s for s in report.checklist if s.phase == phase and s.pillar == pillar]
            assert count == {"met": sum(s.state == "met" for s in listed), "total": len(listed)}
    assert sum(c["total"] for p in report.checklist_counts.values() for c in p.values()) == len(
        report.checklist
    )
