"""Evidence from the signal table marks best practices met, with the cell that shows them."""

from __future__ import annotations

from mlwa_notebook.engine import analyze_notebook
from mlwa_notebook.evidence import SIGNALS
from mlwa_notebook.lens import load_lens
from tests.conftest import make_notebook


def _state(report, bp: str):  # type: ignore[no-untyped-def]
    return next(s for s in report.checklist if s.id == bp)


def test_profiling_drift_and_efficient_search_are_met_with_their_cells() -> None:
    nb = make_notebook(
        "import pandas as pd\nfrom scipy.stats import ks_2samp\n"
        "from sklearn.model_selection import RandomizedSearchCV",
        "df = pd.read_parquet('data.parquet')\ndf.describe()",
        "search = RandomizedSearchCV(model, grid, random_state=0).fit(X_train, y_train)",
        "stat, p = ks_2samp(train['age'], live['age'])",
    )
    report = analyze_notebook(nb)
    assert (_state(report, "MLOPS03-BP01").state, _state(report, "MLOPS03-BP01").cells) == (
        "met",
        (1,),
    )
    assert _state(report, "MLCOST04-BP11").cells == (2,)
    assert _state(report, "MLPERF06-BP03").cells == (3,)
    assert any(e.source == "signal" and e.cell_id == report.cells[3].id for e in report.evidence)


def test_keyword_evidence_needs_a_real_value() -> None:
    on = analyze_notebook(
        make_notebook("est = Estimator(image, role, encrypt_inter_container_traffic=True)")
    )
    off = analyze_notebook(
        make_notebook("est = Estimator(image, role, encrypt_inter_container_traffic=False)")
    )
    assert any(e.best_practice == "MLSEC04-BP02" for e in on.evidence)
    assert not any(e.best_practice == "MLSEC04-BP02" for e in off.evidence)


def test_every_signal_names_a_practice_of_the_lens() -> None:
    lens = load_lens()
    assert all(lens.practice(s.practice) is not None for s in SIGNALS)
