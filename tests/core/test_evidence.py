"""Evidence from the signal table marks best practices met, with the cell that shows them."""

from __future__ import annotations

from typing import Any

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


def _cells_for(report, bp: str) -> set[int]:  # type: ignore[no-untyped-def]
    return {c.cell_index for e in report.evidence if e.best_practice == bp for c in [e]}


def test_a_scaler_output_or_fabricated_frame_described_is_no_profile_of_the_data() -> None:
    report = analyze_notebook(
        make_notebook(
            "import pandas as pd\nfrom sklearn.preprocessing import StandardScaler",
            "df = pd.read_csv('houses.csv')\ndf.describe()",
            "stdscaled_df = pd.DataFrame(StandardScaler().fit_transform(df))\n"
            "stdscaled_df.describe()",
            "fake_sales = pd.DataFrame({'price': prices})\nfake_sales.describe()",
        )
    )
    assert _cells_for(report, "MLOPS03-BP01") == {1}


def test_counts_that_only_filter_rare_values_are_no_profile_of_the_data() -> None:
    report = analyze_notebook(
        make_notebook(
            "import pandas as pd",
            "df = pd.read_csv('flights.csv')\n"
            "df = df[df['origin'].map(df['origin'].value_counts()) > 500]",
            "df['dest'].value_counts()",
        )
    )
    # The first counts feed a filter (nothing is looked at); the second are shown.
    assert _cells_for(report, "MLOPS03-BP01") == {2}


def test_a_metric_helper_over_its_own_parameters_is_shown_where_it_is_used() -> None:
    cells = (
        "from sklearn.metrics import accuracy_score\n"
        "from sklearn.model_selection import train_test_split",
        "X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)\n"
        "model.fit(X_train, y_train)\ny_preds = model.predict(X_test)",
        "def evaluate_preds(y_true, y_preds):\n    return accuracy_score(y_true, y_preds)",
        "evaluate_preds(y_test, y_preds)",
        "def test_accuracy():\n    return accuracy_score(y_test, model.predict(X_test))",
    )
    report = analyze_notebook(make_notebook(*cells))
    # The helper over its parameters (``y_preds`` there is not the notebook's held-out
    # predictions) tests nothing where it is defined, nor does the one over the notebook's own
    # test split until it is called; the call that hands the helper y_test does.
    assert _cells_for(report, "MLREL03-BP03") == {3}
    assert not [f for f in report.findings if f.code == "MLW002"]
    called = analyze_notebook(make_notebook(*cells, "print(test_accuracy())"))
    assert _cells_for(called, "MLREL03-BP03") == {3, 5}


def test_a_run_that_only_shows_media_or_traces_llm_calls_tracks_no_training() -> None:
    report = analyze_notebook(
        make_notebook(
            "import mlflow\nimport wandb\nfrom sklearn.ensemble import RandomForestClassifier",
            "run = wandb.init(project='eda')\n"
            "run.log({'samples': wandb.Table(dataframe=df.head())})",
            "mlflow.openai.autolog()",
            "run = wandb.init(project='train', config={'n_estimators': 100})\n"
            "model = RandomForestClassifier(random_state=0).fit(X_train, y_train)\n"
            "wandb.log({'accuracy': 0.9})",
        )
    )
    assert _cells_for(report, "MLOPS03-BP02") == {3}
    assert 2 not in _cells_for(report, "MLOPS02-BP04")


def _tuned(channels: str) -> Any:
    return analyze_notebook(
        make_notebook(
            "from sagemaker.estimator import Estimator\n"
            "from sagemaker.tuner import HyperparameterTuner, ContinuousParameter",
            "est = Estimator(image_uri=image, role=role, instance_count=1, "
            "instance_type='ml.m5.xlarge')",
            "tuner = HyperparameterTuner(est, objective_metric_name='validation:auc', "
            "hyperparameter_ranges={'eta': ContinuousParameter(0.1, 0.5)}, max_jobs=4)",
            f"inputs = {channels}\ntuner.fit(inputs)",
        )
    )


def test_tuning_on_a_validation_metric_of_the_test_channel_is_no_clean_test() -> None:
    on_test = _tuned("{'train': train_s3, 'test': test_s3}")
    on_validation = _tuned("{'train': train_s3, 'validation': validation_s3}")
    # Both score every trial on data the model was not fitted on (no finding)...
    assert not [f for f in on_test.findings if f.code == "MLW002"]
    assert not [f for f in on_validation.findings if f.code == "MLW002"]
    # ...but trials chosen on the test channel leave no clean test to show; on a validation
    # channel both the objective and the fit handed that channel show one.
    assert _cells_for(on_test, "MLREL03-BP03") == set()
    assert _cells_for(on_validation, "MLREL03-BP03") == {2, 3}
