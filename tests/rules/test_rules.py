"""Every rule against its fixtures, the hard cases seen on real notebooks, masking, suppression.

Fixtures are small notebooks written by ``tests/fixtures/rules/make_fixtures.py``; the files on
disk must match what that script writes. Each rule has a violating notebook (the rule fires at
a known cell and line, with a message that names the offender) and a clean one (it does not).
"""

from __future__ import annotations

import copy
import importlib.util
import json
import subprocess
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from mlwa_notebook.engine import analyze, analyze_notebook
from mlwa_notebook.repo import data_tracking
from mlwa_notebook.report import Finding, NotebookReport
from mlwa_notebook.rules import ALL_RULES, rule_by_key
from mlwa_notebook.rules.base import DataTracking, Rule
from mlwa_notebook.views import machine, ruledocs, text
from tests.conftest import REPO, make_notebook, write_notebook

FIXTURES = REPO / "tests" / "fixtures" / "rules"
HARD = FIXTURES / "hard_cases"


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_fixtures", FIXTURES / "make_fixtures.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


#: Where each rule fires in its violating fixture, as the fixture generator records it.
VIOLATIONS: dict[str, tuple[int, int, str]] = _generator().VIOLATIONS


def load(path: Path) -> dict[str, Any]:
    """A fixture notebook as the dict the engine takes."""
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def report_of(path: Path, tracking: DataTracking | None = None) -> NotebookReport:
    """The report of one fixture notebook."""
    return analyze_notebook(load(path), path=str(path), tracking=tracking)


def fired(report: NotebookReport, code: str) -> list[Finding]:
    """The open findings of one rule."""
    return [f for f in report.findings if f.code == code]


def held_out_cells(report: NotebookReport) -> list[int]:
    """The cells shown as evidence of testing on held-out data (MLREL03-BP03)."""
    return [e.cell_index for e in report.evidence if e.best_practice == "MLREL03-BP03"]


def test_every_rule_has_an_expectation_and_fixtures() -> None:
    assert sorted(VIOLATIONS) == sorted(r.code for r in ALL_RULES)
    for rule in ALL_RULES:
        assert (FIXTURES / rule.name / "violating.ipynb").is_file(), rule.name
        assert (FIXTURES / rule.name / "clean.ipynb").is_file(), rule.name


def test_fixture_files_match_their_generator() -> None:
    expected = _generator().expected_files()
    on_disk = set(FIXTURES.rglob("*.ipynb"))
    assert on_disk == set(expected), "run tests/fixtures/rules/make_fixtures.py"
    for path, content in expected.items():
        assert path.read_text(encoding="utf-8") == content, f"{path} is stale"


@pytest.mark.parametrize("rule", ALL_RULES, ids=lambda r: r.name)
def test_violating_fixture_fires_at_the_offending_cell_and_line(rule: Rule) -> None:
    cell, line, words = VIOLATIONS[rule.code]
    found = fired(report_of(FIXTURES / rule.name / "violating.ipynb"), rule.code)
    assert found, f"{rule.code} did not fire"
    first = found[0]
    assert (first.cell_index, first.line) == (cell, line)
    assert words in first.message
    location = f"cell {cell + 1}, line {line}" if line else f"output of cell {cell + 1}"
    assert first.message.startswith(location)
    assert first.name == rule.name and first.fix == rule.fix
    assert first.best_practices == rule.best_practices


@pytest.mark.parametrize("rule", ALL_RULES, ids=lambda r: r.name)
def test_clean_fixture_does_not_fire(rule: Rule) -> None:
    assert fired(report_of(FIXTURES / rule.name / "clean.ipynb"), rule.code) == []


@pytest.mark.parametrize("rule", ALL_RULES, ids=lambda r: r.name)
def test_rule_identity_and_doc_sections(rule: Rule) -> None:
    assert rule_by_key(rule.code) is rule and rule_by_key(rule.name) is rule
    assert rule.name == rule.name.lower() and " " not in rule.name
    assert rule.severity in ("error", "warning", "info")
    sections = ["## What it does", "## Why is this bad?", "## Example", "## Use instead"]
    positions = [rule.doc.index(s) for s in [*sections, "## Suppress"]]
    assert positions == sorted(positions)
    # The Suppress section tells how to silence this rule: by its own code.
    assert rule.code in rule.doc[positions[-1] :]


def test_rule_codes_are_unique_and_lens_ids_exist() -> None:
    from mlwa_notebook.lens import load_lens

    lens_ids = {bp.id for bp in load_lens().best_practices}
    codes = [r.code for r in ALL_RULES]
    assert len(set(codes)) == len(codes)
    assert len({r.name for r in ALL_RULES}) == len(codes)
    for rule in ALL_RULES:
        assert set(rule.best_practices) <= lens_ids, rule.name


# --- hard cases seen on the development notebooks, as small notebooks of our own ---------------

#: Hard case -> findings expected as (code, cell index) and codes that must not fire.
HARD_CASES: dict[str, tuple[set[tuple[str, int]], set[str]]] = {
    "eval_in_shipped_script": (set(), {"MLW002", "MLW004"}),
    "script_run_as_module": ({("MLW004", 0)}, {"MLW002"}),
    "script_never_run": (set(), {"MLW004"}),
    "crosstab_of_endpoint_predictions": (set(), {"MLW002", "MLW006", "MLW008"}),
    "crosstab_eda_only": ({("MLW002", 2)}, {"MLW004"}),
    "script_shipped_in_a_container": (set(), {"MLW002"}),
    "script_not_shipped_in_the_container": ({("MLW002", 3)}, set()),
    "category_encoder_before_split": (set(), {"MLW009"}),
    "target_encoder_before_split": ({("MLW009", 1)}, set()),
    "cross_validating_estimator_fitted": (set(), {"MLW002", "MLW008"}),
    "estimator_named_for_cross_validation": ({("MLW002", 1)}, set()),
    "azure_automl_submitted": ({("MLW002", 1)}, set()),
    "azure_training_script_submitted": ({("MLW002", 2)}, set()),
    "azure_runs_not_judged": (set(), {"MLW002"}),
    "azure_hyperdrive_submitted": (set(), {"MLW002"}),
    "azure_automl_metrics_read_back": (set(), {"MLW002"}),
    "correlation_with_test_labels": (set(), {"MLW002", "MLW008"}),
    "correlation_with_training_labels": ({("MLW002", 1)}, set()),
    "spark_pipeline_of_transformers": (set(), {"MLW002", "MLW004"}),
    "spark_pipeline_ending_in_a_model": ({("MLW002", 1)}, set()),
    "spark_model_scored_on_testing": (set(), {"MLW002", "MLW008"}),
    "spark_model_crosstab_not_held_out": ({("MLW002", 2)}, set()),
    "keras_partial_seed": ({("MLW004", 3)}, {"MLW002"}),
    "spark_unseeded_estimators": ({("MLW004", 2)}, {"MLW002"}),
    "random_resource_names": (set(), {"MLW004"}),
    "endpoint_through_approval": ({("MLW006", 1), ("MLW007", 1)}, {"MLW017"}),
    "delete_listed_endpoints": (set(), {"MLW006"}),
    "one_of_two_endpoints_left": ({("MLW006", 1)}, set()),
    "serverless_endpoint": (set(), {"MLW006", "MLW007", "MLW015"}),
    "vertex_endpoint_lifecycle": ({("MLW007", 2)}, {"MLW006", "MLW017", "MLW015"}),
    "bigquery_live_table": ({("MLW001", 1)}, set()),
    "bigquery_snapshot": (set(), {"MLW001"}),
    "cloud_copy_with_options": ({("MLW001", 1)}, set()),
    "bundled_and_verified_data": (set(), {"MLW001"}),
    "fetch_without_hash": ({("MLW001", 1)}, set()),
    "install_variants": ({("MLW005", 0), ("MLW005", 1), ("MLW005", 2)}, set()),
    "install_all_pinned": (set(), {"MLW005"}),
    "automl_job_resource": ({("MLW002", 1)}, set()),
    "validation_data_in_fit": (set(), {"MLW002", "MLW004", "MLW008"}),
    "secret_in_output": ({("MLW003", 0)}, set()),
    "skipped_cell": ({("MLW010", 1)}, set()),
    "cleared_notebook": (set(), {"MLW010"}),
    "skipped_install": ({("MLW010", 2)}, set()),
    "not_evaluations": ({("MLW002", 1)}, set()),
    "file_datasets_and_open": ({("MLW001", 1), ("MLW001", 2), ("MLW001", 3)}, set()),
    "azure_datasets_by_name": ({("MLW001", 1), ("MLW001", 2)}, set()),
    "environ_secret": ({("MLW003", 1)}, set()),
    "quiet_lookalikes": (set(), {"MLW001", "MLW002", "MLW004", "MLW008"}),
    "torch_unseeded": ({("MLW004", 1)}, set()),
    "torch_seeded": (set(), {"MLW004"}),
    # A named hub dataset is a library loader by the labelling conventions (eval/CONVENTIONS.md).
    "hub_dataset_revision": (set(), {"MLW001"}),
    "secret_in_shell": ({("MLW003", 0)}, set()),
    "cross_validated_scores": (set(), {"MLW002"}),
    "lightning_trainer_test": (set(), {"MLW002"}),
    "metric_helper_on_test_loader": (set(), {"MLW002"}),
    "accuracy_by_hand_over_test_loader": (set(), {"MLW002"}),
    "h2o_predictions_compared": (set(), {"MLW002"}),
    "drift_calculator_is_not_a_model": (set(), {"MLW002"}),
    "evidently_report_on_current_data": (set(), {"MLW002"}),
    "azure_online_endpoint_left_running": ({("MLW006", 1)}, set()),
    "azure_online_endpoint_deleted": (set(), {"MLW006"}),
    "conda_environment_file": ({("MLW005", 0)}, set()),
    "azureml_add_pip_package": ({("MLW005", 1)}, set()),
    "automagic_pip_and_ls": ({("MLW005", 0)}, {"MLW000"}),
    "named_release_and_computed_path": (set(), {"MLW001"}),
    "no_accelerator_given": (set(), {"MLW015"}),
    "tuner_objective_on_validation": (set(), {"MLW002"}),
    "tuner_objective_on_training": ({("MLW002", 2)}, set()),
    "downloads_pinned_and_not": ({("MLW001", 3), ("MLW001", 4)}, set()),
    "platform_reads": ({("MLW001", 1), ("MLW001", 2), ("MLW001", 3)}, set()),
    "platform_reads_lookalikes": (set(), {"MLW001"}),
    "environment_file_by_variable": ({("MLW005", 1)}, set()),
    "environment_file_by_variable_lookalikes": (set(), {"MLW005"}),
    "environment_package_lists": ({("MLW005", 1)}, set()),
    "environment_package_lists_pinned": (set(), {"MLW005"}),
    "component_packages_unpinned": ({("MLW005", 1)}, set()),
    "component_packages_pinned": (set(), {"MLW005"}),
    "chained_install_unpinned": ({("MLW005", 0)}, set()),
    "scipy_draw_unseeded": ({("MLW004", 1)}, set()),
    "recipe_trained_and_evaluated": (set(), {"MLW002"}),
    "recipe_trained_only": ({("MLW002", 3)}, set()),
    "checkpoint_download_built": (set(), {"MLW001"}),
    "dataset_download_built": ({("MLW001", 1)}, set()),
    "transform_output_read": (set(), {"MLW001"}),
    "raw_prefix_read": ({("MLW001", 1)}, set()),
    "openml_file_read": (set(), {"MLW001"}),
    "web_file_read": ({("MLW001", 1)}, set()),
    "scipy_draw_seeded": (set(), {"MLW004"}),
    "chained_install_pinned": (set(), {"MLW005"}),
    "unseeded_steps_on_other_stacks": (
        {("MLW004", 1), ("MLW004", 2), ("MLW004", 3), ("MLW004", 4), ("MLW004", 5)},
        set(),
    ),
    "seeded_steps_on_other_stacks": (set(), {"MLW004"}),
    "azure_endpoint_entity_created": ({("MLW006", 1), ("MLW007", 1)}, set()),
    "training_job_told_to_evaluate": (set(), {"MLW002"}),
    "training_job_told_not_to_evaluate": ({("MLW002", 2)}, set()),
    "darts_backtest": (set(), {"MLW002", "MLW004"}),
    "darts_validated_while_fitting": (set(), {"MLW002", "MLW004"}),
    "darts_forecast_only_plotted": ({("MLW002", 1)}, {"MLW004"}),
    "autograd_on_tensors": (set(), {"MLW002", "MLW004"}),
    "dev_loss_each_epoch": (set(), {"MLW002", "MLW004"}),
    "train_loss_only": ({("MLW002", 2)}, {"MLW004"}),
    "tf_test_step_each_epoch": (set(), {"MLW002"}),
    "h2o_cross_validated": (set(), {"MLW002"}),
    "h2o_training_metrics_only": ({("MLW002", 1)}, set()),
    "automl_leaderboard_on_test": (set(), {"MLW002"}),
    "skorch_default_validation": (set(), {"MLW002"}),
    "skorch_without_validation": ({("MLW002", 1)}, set()),
    "helper_loader_reads_local_file": ({("MLW001", 1)}, set()),
    "keras_loader_takes_no_file": (set(), {"MLW001"}),
    "own_pickle_after_unpacking": (set(), {"MLW013"}),
    "downloaded_pickle_after_unpacking": ({("MLW013", 2)}, set()),
    "run_output_pickle_loaded": (set(), {"MLW013"}),
    "url_pickle_loaded": ({("MLW013", 2)}, set()),
    "azure_workspace_image_deployed": (set(), {"MLW017"}),
    "azure_registered_model_deployed": (set(), {"MLW017", "MLW006", "MLW007"}),
    "databricks_workspace_path": ({("MLW011", 2)}, set()),
    "azure_dataset_by_subscript": ({("MLW001", 1)}, set()),
    "spark_catalog_table": ({("MLW001", 1)}, set()),
    "spark_tables_pinned_or_own": (set(), {"MLW001"}),
    "azure_dataset_handed_to_a_job": ({("MLW001", 1)}, set()),
    "settings_datasets_subscript": (set(), {"MLW001"}),
    "cli_model_version_left_serving": ({("MLW006", 1), ("MLW007", 1)}, {"MLW017"}),
    "cli_model_version_deleted": ({("MLW007", 1)}, {"MLW006", "MLW017"}),
    "cli_endpoint_before_sdk_endpoint": ({("MLW007", 1)}, set()),
    "cli_azure_online_endpoint": ({("MLW006", 0)}, {"MLW007", "MLW017"}),
    "helper_downloads_data_url": ({("MLW001", 1)}, set()),
    "helper_downloads_release": (set(), {"MLW001"}),
    "trainer_given_validation_set": (set(), {"MLW002"}),
    "automl_evaluations_read_back": (set(), {"MLW002"}),
    "rouge_on_test_outputs": (set(), {"MLW002"}),
    "rouge_on_training_outputs": ({("MLW002", 0)}, set()),
    "lightning_trainer_unseeded": ({("MLW004", 1)}, set()),
    "lightning_trainer_seeded": (set(), {"MLW004"}),
    "tf_gradient_steps_unseeded": ({("MLW004", 1)}, set()),
    "mlrun_serving_tracked": ({("MLW006", 1), ("MLW017", 1)}, {"MLW007"}),
    "bentoml_saved_service_served": ({("MLW006", 2)}, {"MLW017"}),
    "app_container_stopped": (set(), {"MLW006", "MLW007"}),
    "cli_version_deleted_before_it_is_made": ({("MLW006", 1)}, set()),
    "mlrun_serving_registered_artefact": ({("MLW006", 1)}, {"MLW007", "MLW017"}),
    "secret_key_passed_by_name": ({("MLW003", 0)}, set()),
    "secret_key_by_name_from_environment": (set(), {"MLW003"}),
    "azure_input_latest_asset": ({("MLW001", 1)}, set()),
    "azure_input_pinned_asset": (set(), {"MLW001"}),
    "autogluon_dataset_from_url": ({("MLW001", 1)}, set()),
    "tfx_bigquery_example_gen": ({("MLW001", 1)}, set()),
    "vertex_dataset_import_from_bucket": ({("MLW001", 1)}, set()),
    "web_page_loaded_into_documents": ({("MLW001", 1)}, set()),
    "pdf_fetched_for_retrieval": ({("MLW001", 0)}, set()),
    "cli_mlflow_model_server": ({("MLW006", 1), ("MLW007", 1)}, set()),
    "cli_bentoml_server": ({("MLW006", 1), ("MLW007", 1)}, set()),
    "cli_torchserve_stopped": ({("MLW007", 0)}, {"MLW006"}),
    "cli_model_server_container_stopped": ({("MLW007", 0)}, {"MLW006"}),
    "cli_seldon_models_unloaded": ({("MLW007", 0)}, {"MLW006"}),
    "kserve_client_service_left_serving": ({("MLW006", 1), ("MLW007", 1)}, set()),
    "kserve_client_service_deleted": ({("MLW007", 1)}, {"MLW006"}),
    "cli_containers_not_model_servers": (set(), {"MLW006", "MLW007", "MLW017"}),
    "azure_local_test_then_monitored_service": ({("MLW006", 1), ("MLW006", 2)}, {"MLW007"}),
    "azure_service_unmonitored": ({("MLW006", 1), ("MLW007", 1)}, set()),
    "azure_compute_entity_created": (set(), {"MLW006", "MLW007"}),
    "secret_in_json_literal": ({("MLW003", 1)}, set()),
    "secret_in_json_lookalikes": (set(), {"MLW003"}),
    "clustering_scored_on_held_out_rows": (set(), {"MLW002", "MLW008"}),
    "clustering_scored_on_its_own_rows": ({("MLW002", 1)}, {"MLW008"}),
    "training_channels": ({("MLW001", 2), ("MLW001", 3)}, set()),
    "training_channels_lookalikes": (set(), {"MLW001"}),
    "built_paths": ({("MLW001", 1), ("MLW001", 2)}, set()),
    "built_paths_lookalikes": (set(), {"MLW001"}),
    "fastai_learner_unseeded": ({("MLW004", 1)}, set()),
    "fastai_learner_validates": (set(), {"MLW002", "MLW008"}),
    "fastai_learner_without_validation_rows": ({("MLW002", 2)}, set()),
    "new_head_unseeded": ({("MLW004", 1)}, set()),
    "new_head_lookalikes": (set(), {"MLW004"}),
    "new_head_inference_only": (set(), {"MLW004"}),
    # A causal language model's head is pretrained, not a new one.
    "language_model_head_is_pretrained": (set(), {"MLW004"}),
    "gradio_on_colab": ({("MLW006", 1), ("MLW007", 1)}, {"MLW017"}),
    "gradio_on_colab_lookalikes": (set(), {"MLW006"}),
    "kubeflow_deploy_component": ({("MLW006", 2), ("MLW007", 2)}, set()),
    # A training step is training: never scored on held-out data here.
    "kubeflow_training_component": ({("MLW002", 2)}, {"MLW006", "MLW007"}),
    "http_reads": ({("MLW001", 1), ("MLW001", 2)}, set()),
    "http_reads_lookalikes": (set(), {"MLW001"}),
    # A handle fetched at a version is read pinned in a later cell; one at `latest` is not.
    "azure_asset_pinned_then_read": (set(), {"MLW001"}),
    "azure_asset_latest_then_read": ({("MLW001", 2)}, set()),
    # A file the notebook writes with open(..., "wb") is its own; one opened to read is not.
    "file_unpacked_then_read": (set(), {"MLW001"}),
    "file_opened_for_reading_then_read": ({("MLW001", 2)}, set()),
    # A metric accumulated over an evaluation loader is a held-out score; over the training
    # loader it is not.
    "metric_batches_over_eval_loader": (set(), {"MLW002"}),
    "metric_batches_over_train_loader": ({("MLW002", 1)}, set()),
    # Metric definitions for a job's test channel are no score the notebook computes.
    "metric_definitions_for_a_test_channel": ({("MLW002", 1)}, set()),
    # A sentence-transformers evaluator called on the model scores it on its evaluation set.
    "sentence_transformers_evaluator_called": (set(), {"MLW002"}),
    "sentence_transformers_evaluator_never_called": ({("MLW002", 2)}, set()),
    # A score a fitted object keeps of data it held out, read back, is an evaluation shown:
    # AutoML's best validation loss, a forest's out-of-bag self-evaluation; its best
    # configuration or its importances are not.
    "automl_best_loss_read_back": (set(), {"MLW002"}),
    "automl_best_config_read_back": ({("MLW002", 1)}, set()),
    "forest_self_evaluation_read": (set(), {"MLW002"}),
    "forest_importances_read": ({("MLW002", 1)}, set()),
    # A helper handed held-out inputs and their labels scores with them; the inputs alone may
    # only be transformed.
    "job_given_a_validation_channel": (set(), {"MLW002"}),
    "job_given_a_train_channel_only": ({("MLW002", 1)}, set()),
    "automl_best_candidate_read_back": (set(), {"MLW002"}),
    "automl_status_read_back": ({("MLW002", 1)}, set()),
    "shell_copy_of_an_argument": (set(), {"MLW001"}),
    "shell_copy_of_a_bound_uri": ({("MLW001", 2)}, set()),
    "read_from_a_branch_url": ({("MLW001", 1)}, set()),
    "read_from_a_tag_url": (set(), {"MLW001"}),
    "trainer_module_at_a_variable_path_run": ({("MLW004", 1)}, set()),
    "trainer_module_at_a_variable_path_not_run": (set(), {"MLW004"}),
    "held_out_score_printed": (set(), {"MLW002"}),
    "training_score_printed": ({("MLW002", 1)}, set()),
    "evaluation_called_on_other_data": (set(), {"MLW002"}),
    "evaluation_called_on_training_data": ({("MLW002", 1)}, set()),
    "helper_given_held_out_features_and_labels": (set(), {"MLW002"}),
    "helper_given_held_out_features_only": ({("MLW002", 1)}, set()),
    "helper_given_held_out_paths": (set(), {"MLW002"}),
    "helper_given_train_paths": ({("MLW002", 1)}, set()),
    "held_out_logged_with_a_library": ({("MLW002", 1)}, set()),
    # A clean-up under a switch the notebook leaves off deletes nothing as written.
    "clean_up_switched_off": ({("MLW006", 1)}, set()),
    "clean_up_switched_on": (set(), {"MLW006"}),
    "workspace_dataset": ({("MLW001", 1)}, set()),
    "workspace_dataset_own_export": (set(), {"MLW001"}),
    "endpoint_traffic_shifted_not_scaled": ({("MLW015", 1)}, set()),
    "ray_trainer_given_a_validation_dataset": (set(), {"MLW002"}),
    "ray_trainer_given_the_training_dataset_only": ({("MLW002", 2)}, set()),
    "ray_dataset_split_in_order": (set(), {"MLW004"}),
    "ray_dataset_split_shuffled": ({("MLW004", 1)}, set()),
    "torch_random_split_unseeded": ({("MLW004", 1)}, set()),
    "torch_random_split_after_a_seed": (set(), {"MLW004"}),
    "dataset_random_split_unseeded": ({("MLW004", 1)}, set()),
    "dataset_random_split_seeded": (set(), {"MLW004"}),
    "keras_wrapper_unseeded": ({("MLW004", 1)}, set()),
    "keras_wrapper_seeded": (set(), {"MLW004"}),
    "endpoint_from_variants_left_running": ({("MLW006", 1), ("MLW007", 1)}, set()),
    "endpoint_from_variants_captured_and_deleted": (set(), {"MLW006", "MLW007"}),
    "evidence_everywhere": (set(), {r.code for r in ALL_RULES}),
}


@pytest.mark.parametrize("name", sorted(HARD_CASES))
def test_hard_case(name: str) -> None:
    expected, absent = HARD_CASES[name]
    report = report_of(HARD / f"{name}.ipynb")
    got = {(f.code, f.cell_index) for f in report.findings}
    assert expected <= got
    assert not {f.code for f in report.findings} & absent, report.findings


def test_unpinned_ranges_and_value_options_are_read_right() -> None:
    from mlwa_notebook.rules.unpinned_install import unpinned_packages

    assert unpinned_packages("pip install 'mlflow<4' xgboost==2.1.3") == ["mlflow<4"]
    assert (
        unpinned_packages(
            "uv pip install --python {sys.executable} --index-strategy unsafe-best-match x==1"
        )
        == []
    )
    assert unpinned_packages("sudo apt-get install -y curl git=1:2.39.2-1") == ["curl"]
    assert unpinned_packages("pip install git+https://github.com/o/r.git") == [
        "git+https://github.com/o/r.git"
    ]
    assert unpinned_packages("pip install git+https://github.com/o/r.git@3f2a9c1") == []
    assert unpinned_packages("pip install -r requirements.txt . -e ./lib") == []


def test_evidence_marks_practices_met_with_their_cell() -> None:
    report = report_of(HARD / "evidence_everywhere.ipynb")
    shown = {(e.best_practice, e.cell_index) for e in report.evidence}
    assert ("MLOPS02-BP04", 1) in shown  # an MLflow run
    assert ("MLOPS06-BP02", 2) in shown  # a registered model version
    assert ("MLOPS06-BP02", 3) in shown  # data capture
    assert ("MLCOST04-BP08", 6) in shown  # the endpoint deleted
    met = {s.id: s for s in report.checklist if s.state == "met"}
    assert met["MLOPS02-BP04"].source == "evidence"
    assert met["MLOPS02-BP04"].cells == (1,)


def test_evidence_claims_only_what_the_code_shows() -> None:
    """A seed versions nothing; SHAP values do not settle explainability with stakeholders."""
    report = report_of(HARD / "evidence_everywhere.ipynb")
    assert not [e for e in report.evidence if "seed" in e.note]
    # Nothing is trained here: a run that logs a metric is no tracked training run.
    assert not [e for e in report.evidence if e.best_practice == "MLOPS03-BP02"]
    assert [e.note for e in report.evidence if e.best_practice == "MLOPS02-BP04"] == [
        "records what the run used (mlflow.log_input)"
    ]
    assert "MLOPS01-BP02" not in {e.best_practice for e in report.evidence}


def test_held_out_scores_are_evidence_of_validation() -> None:
    report = report_of(FIXTURES / "missing-evaluation" / "clean.ipynb")
    assert ("MLREL03-BP03", 3) in {(e.best_practice, e.cell_index) for e in report.evidence}


# --- version control: git and DVC, checked for real --------------------------------------------


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True)


@pytest.mark.parametrize("how", ["git", "dvc"])
def test_data_tracked_by_git_or_dvc_is_versioned(tmp_path: Path, how: str) -> None:
    repo = tmp_path / "project"
    (repo / "data").mkdir(parents=True)
    (repo / "data" / "train.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    nb = write_notebook(
        repo / "notebooks" / "train.ipynb",
        make_notebook("import pandas as pd", "df = pd.read_csv('../data/train.csv')"),
    )
    _git(repo, "init", "-q")
    untracked = analyze_notebook(load(nb), path=str(nb), tracking=data_tracking(nb))
    assert [f.code for f in untracked.findings] == ["MLW001"]  # in a repository, not tracked
    # No cache to clear: what git lists is re-read once its index changes (long-running servers).
    if how == "git":
        _git(repo, "add", "data/train.csv", "notebooks/train.ipynb")
    else:
        (repo / "data" / "train.csv.dvc").write_text(
            "outs:\n- md5: 0cc175b9c0f1b6a831c399e269772661\n  path: train.csv\n",
            encoding="utf-8",
        )
        _git(repo, "add", "data/train.csv.dvc", "notebooks/train.ipynb")
    report = analyze_notebook(load(nb), path=str(nb), tracking=data_tracking(nb))
    assert fired(report, "MLW001") == []
    assert any("tracked by git or DVC" in e.note for e in report.evidence)


def test_a_job_script_reading_a_copy_of_a_tracked_file_is_versioned(tmp_path: Path) -> None:
    repo = tmp_path / "project"
    (repo / "data").mkdir(parents=True)
    (repo / "data" / "diabetes.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    nb = write_notebook(
        repo / "train.ipynb",
        make_notebook(
            "import shutil\nshutil.copy('data/diabetes.csv', 'job/')",
            "%%writefile job/train.py\nimport pandas as pd\ndf = pd.read_csv('diabetes.csv')\n"
            "other = pd.read_csv('holdout.csv')\n",
            "!python job/train.py",
        ),
    )
    _git(repo, "init", "-q")
    _git(repo, "add", "data/diabetes.csv", "train.ipynb")
    report = analyze_notebook(load(nb), path=str(nb), tracking=data_tracking(nb))
    # The copy of a tracked file is versioned; a file the repository does not hold is not.
    assert [f.message for f in report.findings if f.code == "MLW001"] == [
        m for m in (f.message for f in report.findings) if "holdout.csv" in m
    ]
    assert any("holdout.csv" in f.message for f in report.findings)


def test_a_bare_file_name_the_repository_tracks_in_another_folder_is_not_flagged(
    tmp_path: Path,
) -> None:
    repo = tmp_path / "project"
    (repo / "Datasets").mkdir(parents=True)
    (repo / "Datasets" / "loan_data.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    (repo / "examples" / "regression").mkdir(parents=True)
    (repo / "examples" / "regression" / "regression.train").write_text("1\t2\n", "utf-8")
    nb = write_notebook(
        repo / "examples" / "notebooks" / "read.ipynb",
        make_notebook(
            "import pandas as pd\nfrom pathlib import Path",
            "loans = pd.read_csv('loan_data.csv')",
            "folder = Path().absolute().parents[0] / 'regression'\n"
            "train = pd.read_csv(str(folder / 'regression.train'), sep='\\t')",
            "other = pd.read_csv('customers.csv')",
            "more = pd.read_csv(str(folder / 'regression.test'), sep='\\t')",
        ),
    )
    _git(repo, "init", "-q")
    _git(repo, "add", "Datasets/loan_data.csv", "examples")
    report = analyze_notebook(load(nb), path=str(nb), tracking=data_tracking(nb))
    # A copy of a tracked file, by its bare name or through a computed path: nothing is said.
    # Files the repository does not hold are flagged.
    assert sorted(f.cell_index for f in report.findings if f.code == "MLW001") == [3, 4]


def test_a_relative_path_the_repository_tracks_from_its_root_is_not_flagged(
    tmp_path: Path,
) -> None:
    repo = tmp_path / "project"
    (repo / "tests" / "data").mkdir(parents=True)
    (repo / "tests" / "data" / "train.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    nb = write_notebook(
        repo / "examples" / "notebooks" / "titanic.ipynb",
        make_notebook(
            "import pandas as pd",
            "train = pd.read_csv('./tests/data/train.csv')",
            "test = pd.read_csv('./tests/data/test.csv')",
        ),
    )
    _git(repo, "init", "-q")
    _git(repo, "add", "tests", "examples")
    report = analyze_notebook(load(nb), path=str(nb), tracking=data_tracking(nb))
    # Run from the repository's root, the notebook reads the tracked file: nothing is said. A
    # file the repository holds nowhere is flagged.
    assert [f.cell_index for f in report.findings if f.code == "MLW001"] == [2]


def test_a_file_unpacked_from_an_archive_the_repository_tracks_is_versioned(
    tmp_path: Path,
) -> None:
    repo = tmp_path / "project"
    (repo / "Data").mkdir(parents=True)
    (repo / "Data" / "creditcard.zip").write_bytes(b"PK")
    (repo / "Data" / "scores.csv.gz").write_bytes(b"\x1f\x8b")
    nb = write_notebook(
        repo / "fraud.ipynb",
        make_notebook(
            "import pandas as pd",
            "cards = pd.read_csv('Data/creditcard.csv')",
            "other = pd.read_csv('Data/customers.csv')",
            "cards.to_csv('Data/scores.csv')\nscores = pd.read_csv('Data/scores.csv')",
        ),
    )
    _git(repo, "init", "-q")
    _git(repo, "add", "Data/creditcard.zip", "Data/scores.csv.gz", "fraud.ipynb")
    report = analyze_notebook(load(nb), path=str(nb), tracking=data_tracking(nb))
    # The CSV the tracked zip holds is that version; a file no archive of its name holds is not.
    assert [f.cell_index for f in report.findings if f.code == "MLW001"] == [2]
    shown = {e.cell_index: e.note for e in report.evidence if e.best_practice == "MLOPS03-BP02"}
    assert "Data/creditcard.zip" in shown[1]
    # A file the notebook writes itself is not shown as the tracked archive's copy.
    assert 3 not in shown


# --- secrets are masked in every output --------------------------------------------------------

#: Built at run time so that no credential-shaped literal sits in the repository.
ACCESS_KEY = "AKIA" + "R7QX2M4TPLW9ZK3D"
SECRET_KEY = "q8Fz2LmN0pRt5VwX" + "yZ1aB3cD4eF6gH7iJ9kL0mN2"
TOKEN = "ghp_" + "x7K2mQ9vL4nR8tY1wE5uI3oP6aS0dF2gH4jK"
PASSWORD = "Tr0ub4dor-" + "horse-battery"


def _secret_notebook() -> dict[str, Any]:
    nb = make_notebook(
        "import boto3",
        f"s3 = boto3.client('s3', aws_access_key_id='{ACCESS_KEY}', "
        f"aws_secret_access_key='{SECRET_KEY}')",
        f"headers = {{'Authorization': 'token {TOKEN}'}}",
        f"db_url = 'postgresql://ml:{PASSWORD}@db.internal:5432/features'",
        "print(settings)",
    )
    nb["cells"][4]["outputs"] = [
        {"output_type": "stream", "name": "stdout", "text": f"password: {PASSWORD}\n"}
    ]
    return nb


def test_secrets_are_found_and_masked_in_json_sarif_text_and_github_output() -> None:
    report = analyze(_secret_notebook(), path="secrets.ipynb")
    found = [f for f in report.notebooks[0].findings if f.code == "MLW003"]
    assert {f.cell_index for f in found} == {1, 2, 3, 4}
    rendered = {
        "json": machine.render_json(report),
        "sarif": machine.render_sarif(report),
        "github": machine.render_github(report),
        "text": text.render_text(report),
    }
    for fmt, out in rendered.items():
        for secret in (ACCESS_KEY, SECRET_KEY, TOKEN, PASSWORD):
            assert secret not in out, f"{fmt} shows a secret"
            assert secret[4:12] not in out, f"{fmt} shows part of a secret"
        assert "********" in out, fmt


def test_placeholders_and_environment_lookups_are_not_secrets() -> None:
    nb = make_notebook(
        "import os",
        "PROJECT_ID = '[your-project-id]'\napi_key = '<your-api-key>'\n"
        "token = os.environ['HF_TOKEN']\npassword = getpass.getpass()\n"
        "aws_secret_access_key = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'",
    )
    report = analyze_notebook(nb)
    assert fired(report, "MLW003") == []


def test_look_alikes_of_credentials_in_shell_lines_urls_and_scripts_are_not_secrets() -> None:
    # Seen in real notebooks: an argument list whose key merely starts with "token", a documented
    # connection string with its placeholder password, a bundled script comparing "password".
    nb = make_notebook(
        "!lm_eval --model local --model_args base_url=http://localhost:8080/v1,"
        "tokenized_requests=False,max_length=4096",
        "url = 'postgresql://username:my_password@localhost:5432/test_ci'",
        "shap.initjs()",
        f"!export API_TOKEN={PASSWORD}",
        "!wget 'https://objects.example.com/asset?X-Amz-Algorithm=AWS4-HMAC-SHA256&"
        f"X-Amz-Credential={ACCESS_KEY}%2F20221221%2Fus-east-1%2Fs3%2Faws4_request'",
        f"!AWS_ACCESS_KEY_ID={ACCESS_KEY} aws s3 ls",
        "pipeline",
    )
    nb["cells"][2]["outputs"] = [
        {
            "output_type": "display_data",
            "metadata": {},
            "data": {
                "text/html": '<script>if("email"===e.type||"password"===e.type)||"textarea"'
                "===t){return}</script>",
                "text/plain": "<IPython.core.display.HTML object>",
            },
        }
    ]
    nb["cells"][6]["outputs"] = [
        {
            "output_type": "execute_result",
            "execution_count": 1,
            "metadata": {},
            "data": {
                "text/html": "<style>#sk-56ed1cee-6770-4e2a-879c-faaa3bcb3eb1 {color: black;}"
                "</style><div id='sk-container-id-12' class='sk-top-container'></div>",
                "text/plain": "Pipeline(steps=[('scale', StandardScaler())])",
            },
        }
    ]
    report = analyze_notebook(nb)
    assert [f.cell_index for f in fired(report, "MLW003")] == [3, 5]


# --- suppression -------------------------------------------------------------------------------

UNSEEDED = (
    "from sklearn.model_selection import train_test_split\na, b = train_test_split([1, 2, 3, 4])"
)


def test_a_random_suffix_for_resource_names_is_not_unseeded_randomness() -> None:
    nb = make_notebook(
        "import numpy as np",
        "suffix = str(np.random.uniform())[4:9]\nbucket = 'personalize-' + suffix",
        "noise = np.random.uniform(size=100)",
    )
    report = analyze_notebook(nb)
    assert [f.cell_index for f in fired(report, "MLW004")] == [2]


def test_a_change_of_frequency_is_not_an_unseeded_resample() -> None:
    nb = make_notebook(
        "import pandas as pd\nfrom sklearn.utils import resample",
        "daily = pd.read_csv('sales.csv', parse_dates=['day']).set_index('day')\n"
        "weekly = daily.resample('W').sum()",
        "boot = resample(daily, n_samples=100)",
    )
    report = analyze_notebook(nb)
    assert [f.cell_index for f in fired(report, "MLW004")] == [2]


def test_suppressed_by_comment_with_reason() -> None:
    nb = make_notebook(UNSEEDED + "  # mlwa: ignore[MLW004] toy example")
    report = analyze_notebook(nb)
    assert fired(report, "MLW004") == []
    (hidden,) = [f for f in report.suppressed if f.code == "MLW004"]
    assert hidden.suppressed is not None and hidden.suppressed.reason == "toy example"
    # the view that offers to undo it learns it is in the code (no metadata to remove)
    assert (hidden.suppressed.via, hidden.suppressed.key) == ("comment", "MLW004")


def test_suppressed_by_cell_tag() -> None:
    nb = make_notebook(UNSEEDED)
    nb["cells"][0]["metadata"]["tags"] = ["mlwa-ignore:MLW004"]
    report = analyze_notebook(nb)
    assert fired(report, "MLW004") == [] and report.suppressed
    why = report.suppressed[0].suppressed
    assert why is not None and (why.scope, why.via, why.key) == ("cell", "tag", "MLW004")


def test_a_cell_metadata_suppression_says_its_key_by_name_or_code() -> None:
    nb = make_notebook(UNSEEDED)
    nb["cells"][0]["metadata"]["mlwa"] = {"ignore": {"unseeded-randomness": "fixed later"}}
    report = analyze_notebook(nb)
    why = report.suppressed[0].suppressed
    assert why is not None
    assert (why.scope, why.via, why.key, why.reason) == (
        "cell",
        "metadata",
        "unseeded-randomness",
        "fixed later",
    )


def test_open_findings_are_counted_per_severity_most_severe_first() -> None:
    nb = make_notebook(UNSEEDED, f"key = '{ACCESS_KEY}'")
    report = analyze_notebook(nb)
    expected = {s: sum(f.severity == s for f in report.findings) for s in ("error", "warning")}
    assert report.finding_counts == {s: n for s, n in expected.items() if n}
    assert next(iter(report.finding_counts)) == "error" and "info" not in report.finding_counts


def test_suppressed_by_notebook_metadata_by_code_or_name() -> None:
    for key in ("MLW004", "unseeded-randomness"):
        nb = make_notebook(UNSEEDED, mlwa={"ignore": {key: "teaching notebook"}})
        report = analyze_notebook(nb)
        assert fired(report, "MLW004") == []
        assert report.suppressed[0].suppressed is not None
        assert report.suppressed[0].suppressed.scope == "notebook"
        assert report.suppressed[0].suppressed.key == key


def test_suppression_is_per_cell() -> None:
    nb = make_notebook(UNSEEDED + "  # mlwa: ignore[MLW004]", UNSEEDED)
    report = analyze_notebook(nb)
    assert [f.cell_index for f in fired(report, "MLW004")] == [1]


def test_analysis_does_not_change_the_notebook() -> None:
    nb = load(HARD / "evidence_everywhere.ipynb")
    before = copy.deepcopy(nb)
    analyze_notebook(nb)
    assert nb == before


# --- generated docs ----------------------------------------------------------------------------


def test_rule_docs_are_up_to_date() -> None:
    docs = REPO / "docs" / "rules"
    expected = ruledocs.generated_files()
    on_disk = {p.name: p.read_text(encoding="utf-8") for p in docs.glob("*.md")}
    assert set(on_disk) == set(expected), "run: python -m mlwa_notebook.views.ruledocs"
    for name, content in expected.items():
        assert on_disk[name] == content, f"docs/rules/{name} is stale"


def test_readme_rules_table_is_up_to_date() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert ruledocs.with_readme_table(readme) == readme, "run: make docs"


def test_a_skipped_install_is_not_out_of_order() -> None:
    report = report_of(HARD / "skipped_install.ipynb")
    assert [f.cell_index for f in report.findings if f.code == "MLW010"] == [2]


def _with_counts(*cells: tuple[str, int | None]) -> dict[str, Any]:
    nb = make_notebook(*(source for source, _ in cells))
    for cell, (_, count) in zip(nb["cells"], cells, strict=True):
        cell["execution_count"] = count
    return nb


def test_a_cell_without_a_count_is_skipped_only_when_no_count_is_free_for_it() -> None:
    def flagged(*cells: tuple[str, int | None]) -> list[int]:
        return [f.cell_index for f in fired(analyze_notebook(_with_counts(*cells)), "MLW010")]

    load = "df = pd.read_csv('rides.csv')"
    clean = "df = df.dropna()"
    fit = "model = LinearRegression().fit(df[['km']], df['fare'])"
    # [1], -, [2]: nothing else can have run in between: the middle cell was skipped.
    assert flagged((load, 1), (clean, None), (fit, 2)) == [1]
    # [1], -, [3]: its count may have been cleared; [3], -, -, [5]: one free count, two cells.
    assert flagged((load, 1), (clean, None), (fit, 3)) == []
    assert flagged((load, 3), (clean, None), ("df = df[df.km > 0]", None), (fit, 5)) == [1, 2]
    # A count of 0 is unknown; a shell command skipped sets up files, not the kernel.
    assert flagged((load, 1), (clean, 0), (fit, 2)) == []
    assert flagged((load, 1), ("!wget https://example.org/rides.csv", None), (fit, 2)) == []
    # An install or a display run again at the end leaves the outputs above as they were.
    assert flagged((load, 1), (clean, 2), (fit, 3), ("df.head()", 1)) == []


def test_only_reads_of_data_are_flagged_and_pinned_versions_are_not() -> None:
    opened = report_of(HARD / "file_datasets_and_open.ipynb")
    assert sorted(f.cell_index for f in opened.findings if f.code == "MLW001") == [1, 2, 3]
    azure = report_of(HARD / "azure_datasets_by_name.ipynb")
    flagged = [f for f in azure.findings if f.code == "MLW001"]
    assert [f.cell_index for f in flagged] == [1, 2]
    assert all("no version: the latest one is read" in f.message for f in flagged)


def test_drift_reports_explanations_and_dataset_maps_are_not_evaluations() -> None:
    report = report_of(HARD / "not_evaluations.ipynb")
    assert not [e for e in report.evidence if e.best_practice == "MLREL03-BP03"]
    assert [f.cell_index for f in report.findings if f.code == "MLW002"] == [1]


def test_a_model_called_directly_on_test_data_is_evaluated() -> None:
    report = report_of(HARD / "model_called_on_test.ipynb")
    scored = [e.cell_index for e in report.evidence if e.best_practice == "MLREL03-BP03"]
    assert scored == [4]
    assert not [f for f in report.findings if f.code == "MLW002"]


def test_evidence_lookalikes_claim_nothing() -> None:
    """A toy search, a tokenizer, PIL's convert, pandas helpers, early stopping on the test
    set, a local pickle and a describe of predictions show none of their practices."""
    report = report_of(HARD / "evidence_lookalikes.ipynb")
    claimed = [(e.best_practice, e.cell_index) for e in report.evidence]
    # Early stopping does save training resources, whatever it stops on.
    assert claimed == [("MLSUS04-BP04", 5)]
    assert report_of(HARD / "toy_search.ipynb").evidence == ()


def test_a_notebooks_own_split_and_encoder_are_neither_random_nor_training() -> None:
    """Seen on batch 8 before the rules saw it: a time-series ``def train_test_split`` that cuts
    in order draws nothing, and a target encoder written as a scikit-learn transformer (its
    ``fit_transform`` calling ``self.fit``) trains no model. scikit-learn's own split unseeded,
    and a model fitted beside it, are still found."""
    own = make_notebook(
        "import pandas as pd\nfrom sklearn.base import BaseEstimator, TransformerMixin",
        "def train_test_split(data, ratio=0.9):\n    n = int(len(data) * ratio)\n"
        "    return data[:n], data[n:]",
        "class TargetEncode(BaseEstimator, TransformerMixin):\n"
        "    def fit(self, X, y=None):\n        self.prior = y.mean()\n        return self\n"
        "    def transform(self, X):\n        return X.fillna(self.prior)\n"
        "    def fit_transform(self, X, y=None):\n        self.fit(X, y)\n"
        "        return self.transform(X)",
        "train, test = train_test_split(pd.read_csv('sales.csv'))",
        "te = TargetEncode()\nte.fit(train, train['y'])",
    )
    codes = {f.code for f in analyze_notebook(own).findings}
    assert not codes & {"MLW002", "MLW004"}, codes
    library = make_notebook(
        "import pandas as pd\nfrom sklearn.model_selection import train_test_split\n"
        "from sklearn.linear_model import LogisticRegression",
        "X_train, X_test, y_train, y_test = train_test_split(X, y)",
        "model = LogisticRegression().fit(X_train, y_train)",
    )
    codes = {f.code for f in analyze_notebook(library).findings}
    assert {"MLW002", "MLW004"} <= codes, codes


def test_scores_on_the_test_set_a_fit_stopped_early_on_are_no_evidence_of_a_clean_test() -> None:
    """Seen on notebooks from repositories the signals were not written on: ``valid_sets=[dtrain,
    dtest]`` with early stopping picks the rounds on ``dtest``, so the fit and every later score
    on ``dtest`` tested nothing unseen; a score before it, or early stopping on a validation
    split, still does. The finding counts them all as scoring (the model was evaluated)."""
    nb = make_notebook(
        "import lightgbm as lgb\nfrom sklearn.metrics import mean_squared_error",
        "base = lgb.LGBMRegressor().fit(X_train, y_train)\n"
        "print(mean_squared_error(y_test, base.predict(X_test)))",
        "dtrain = lgb.Dataset(X_train, y_train)\ndtest = lgb.Dataset(X_test, y_test)\n"
        "model = lgb.train(params, dtrain, valid_sets=[dtrain, dtest], early_stopping_rounds=10)",
        "rmse = mean_squared_error(dtest.get_label(), model.predict(X_test)) ** 0.5",
        "other = lgb.LGBMRegressor()\n"
        "other.fit(X_train, y_train, eval_set=[(X_val, y_val)], early_stopping_rounds=5)",
    )
    report = analyze_notebook(nb)
    claimed = {e.cell_index for e in report.evidence if e.best_practice == "MLREL03-BP03"}
    assert claimed == {1, 4}, claimed
    assert not [f for f in report.findings if f.code == "MLW002"]


def test_more_evidence_lookalikes_claim_nothing_beside_the_real_ones() -> None:
    """Seen on notebooks from repositories the signals were not written on: a logger's info(), an
    isna() mask, a tracer's or a table view's register(), an install from a requirements file and
    a plot of the training history are no evidence; a count of missing values and a model
    registered by name are."""
    nb = make_notebook(
        "import pandas as pd\nimport duckdb\nfrom phoenix.otel import register\n"
        "from utils import get_logger",
        "log = get_logger()\nlog.info('starting')\ndf = pd.read_csv('rides.csv')\n"
        "df.loc[df.fare.isna(), 'fare'] = 0",
        "register(project_name='agents')\nconn = duckdb.connect()\nconn.register('rides', df)",
        "!pip install -r requirements.txt",
        "def plot_curves(history):\n    loss = history.history['loss']\n"
        "    val_loss = history.history['val_loss']\n    accuracy = history.history['accuracy']\n"
        "    plt.plot(loss)\n    plt.plot(val_loss)\n    plt.plot(accuracy)",
        "df.isna().sum()",
        "import mlflow\nmlflow.register_model(model_uri, 'fares')",
        "CI_ACCURACY_THRESHOLD = 0.9\nCI_TEST_LIMIT = 100\nprint(CI_TEST_LIMIT)",
        "if y_test is None:\n    raise ValueError(y_test)\nlog.error('no test rows %s', y_test)",
    )
    report = analyze_notebook(nb)
    claimed = {(e.best_practice, e.cell_index) for e in report.evidence}
    assert not {c for c in claimed if c[1] in (1, 2, 3, 4, 7, 8)}, claimed
    assert {("MLOPS03-BP01", 5), ("MLOPS06-BP02", 6)} <= claimed


def test_serving_metrics_are_read_back_not_written_and_url_installs_are_not_pinned() -> None:
    report = report_of(HARD / "serving_metrics_and_url_installs.ipynb")
    claimed = {(e.best_practice, e.cell_index) for e in report.evidence}
    assert {("MLOPS05-BP01", 3), ("MLCOST06-BP03", 3)} <= claimed
    assert not {c for c in claimed if c[1] in (0, 2)}, claimed
    assert not [f for f in report.findings if f.code == "MLW005"]


def test_pip_options_before_the_command_still_make_an_install() -> None:
    nb = make_notebook(
        "!pip -q install torchmetrics",
        "!pip --quiet --disable-pip-version-check install pandas==2.2.3",
        "!pip -q list",
    )
    report = analyze_notebook(nb)
    assert [(f.cell_index, f.message) for f in fired(report, "MLW005")] == [
        (0, "cell 1, line 1: installs torchmetrics without an exact version")
    ]


def test_evidence_for_real_is_claimed_with_its_cell() -> None:
    report = report_of(HARD / "evidence_for_real.ipynb")
    shown = {(e.best_practice, e.cell_index) for e in report.evidence}
    assert {
        ("MLOPS03-BP01", 1),  # describe() of the data, before any model
        ("MLSUS02-BP01", 2),  # a pretrained model, not a tokenizer
        ("MLCOST04-BP11", 3),  # an efficient search over a real model
        ("MLREL03-BP03", 3),  # scored on the test split
        ("MLCOST02-BP01", 4),  # a naive baseline
        ("MLREL05-BP02", 5),  # the model logged as a versioned artefact
    } <= shown


def test_a_rollout_is_evidenced_by_a_share_of_traffic_not_by_all_of_it() -> None:
    """Seen on Vertex AI tutorials: ``traffic_percentage=100`` (or a split sending everything to
    the one model) deploys at once; a canary's 10 % is a gradual rollout."""
    at_once = report_of(HARD / "vertex_all_traffic_to_new_model.ipynb")
    canary = report_of(HARD / "vertex_canary_share.ipynb")
    assert not [e for e in at_once.evidence if e.best_practice == "MLREL04-BP02"]
    assert [e.cell_index for e in canary.evidence if e.best_practice == "MLREL04-BP02"] == [1]


def test_clean_up_evidence_is_a_teardown_of_what_the_run_made() -> None:
    """Seen on a fourth batch of repositories: a web app's container stopped and a model version
    deleted before the run makes it were credited as cleaning up idle serving resources."""
    for name in ("app_container_stopped", "cli_version_deleted_before_it_is_made"):
        report = report_of(HARD / f"{name}.ipynb")
        assert not [e for e in report.evidence if e.best_practice == "MLCOST04-BP08"], name
    stopped = report_of(HARD / "cli_model_server_container_stopped.ipynb")
    assert [e.cell_index for e in stopped.evidence if e.best_practice == "MLCOST04-BP08"] == [2]


def test_rescaling_models_predictions_for_a_blend_is_no_preprocessing_leak() -> None:
    """Seen on a Kaggle book's ensembling chapter: the base models' test-set probabilities,
    stacked inside the call that builds them, min-max scaled before averaging, and a blender's
    inputs standardised, were flagged as preprocessing fitted on held-out rows; the test rows
    themselves scaled on their own still are."""
    nb = make_notebook(
        "import numpy as np\nfrom sklearn.model_selection import train_test_split\n"
        "from sklearn.preprocessing import MinMaxScaler, StandardScaler\n"
        "from sklearn.linear_model import LogisticRegression",
        "X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)\n"
        "m1 = LogisticRegression().fit(X_train, y_train)\n"
        "m2 = LogisticRegression(C=0.1).fit(X_train, y_train)",
        "proba = np.stack([m1.predict_proba(X_test)[:, 1],\n"
        "                  m2.predict_proba(X_test)[:, 1]]).T",
        "blend = MinMaxScaler().fit_transform(proba).mean(axis=1)",
        "scores = m1.predict_proba(X_test)\nscaled = StandardScaler().fit_transform(scores)",
        "X_test_scaled = StandardScaler().fit_transform(X_test)",
    )
    report = analyze_notebook(nb)
    assert [f.cell_index for f in fired(report, "MLW009")] == [5]


def test_an_empty_azure_online_endpoint_deploys_no_model_its_deployment_does() -> None:
    """Seen on an Azure ML engineering book: MLW017 pointed at the creation of an empty online
    endpoint; the model without a registry entry goes in with the deployment made later."""
    endpoint = (
        "from azure.ai.ml import MLClient\n"
        "from azure.ai.ml.entities import ManagedOnlineEndpoint, ManagedOnlineDeployment, Model",
        "ml_client = MLClient(credential, sub, rg, ws)\n"
        "endpoint = ManagedOnlineEndpoint(name='titanic', auth_mode='key')",
        "ml_client.begin_create_or_update(endpoint)",
    )
    deployment = (
        "model = Model(path='./model')\n"
        "blue = ManagedOnlineDeployment(name='blue', endpoint_name='titanic', model=model,\n"
        "                               instance_type='Standard_F4s_v2', instance_count=1)",
        "ml_client.online_deployments.begin_create_or_update(blue)",
    )
    deployed = analyze_notebook(make_notebook(*endpoint, *deployment))
    assert [f.cell_index for f in fired(deployed, "MLW017")] == [4]
    empty = analyze_notebook(make_notebook(*endpoint))
    assert not fired(empty, "MLW017")


def test_a_large_training_job_only_built_launches_nothing() -> None:
    """Seen on a SageMaker best-practices book: an estimator on a large instance that is built
    and never fitted was flagged as a job launched without a time limit."""
    build = (
        "import sagemaker\n"
        "est = sagemaker.estimator.Estimator(image, role, instance_count=1,\n"
        "                                    instance_type='ml.m5.12xlarge')"
    )
    assert not fired(analyze_notebook(make_notebook(build)), "MLW014")
    fitted = analyze_notebook(make_notebook(build, "est.fit({'train': train_s3})"))
    assert [f.cell_index for f in fired(fitted, "MLW014")] == [0]
    tuned = analyze_notebook(
        make_notebook(build, "tuner = HyperparameterTuner(est, 'validation:auc', ranges)")
    )
    assert [f.cell_index for f in fired(tuned, "MLW014")] == [0]


def test_a_metric_helper_over_its_unpacked_argument_scores_nothing_where_it_is_defined() -> None:
    """Seen on Hugging Face notebooks of three repositories: ``compute_metrics(eval_pred)``
    unpacks its argument and was credited as a held-out evaluation in the cell defining it; a
    helper that loads its own data and cross-validates still is one, where it runs: in the
    cell that hands it to the optimiser."""
    nb = make_notebook(
        "import numpy as np\nimport evaluate\nmetric = evaluate.load('f1')",
        "def compute_metrics(eval_pred):\n    predictions, labels = eval_pred\n"
        "    predictions = np.argmax(predictions, axis=1)\n"
        "    return metric.compute(predictions=predictions, references=labels)",
        "import sklearn.datasets, sklearn.ensemble, sklearn.model_selection\n"
        "def objective(trial):\n    iris = sklearn.datasets.load_iris()\n"
        "    n = trial.suggest_int('n_estimators', 2, 20)\n"
        "    clf = sklearn.ensemble.RandomForestClassifier(n_estimators=n)\n"
        "    return sklearn.model_selection.cross_val_score(clf, iris.data, iris.target, cv=3)",
        "import optuna\nstudy = optuna.create_study()\nstudy.optimize(objective, n_trials=5)",
    )
    report = analyze_notebook(nb)
    cells = [e.cell_index for e in report.evidence if e.best_practice == "MLREL03-BP03"]
    assert cells == [3], cells


def test_a_score_inside_a_function_is_shown_where_the_function_runs() -> None:
    """Seen on 20 corpus notebooks (PyTorch, Keras, XGBoost, h2o, Lightning): a fit with
    validation data or a test score inside ``def train_and_evaluate()`` was shown as evidence in
    the cell defining the function, where nothing runs yet. It is shown at the first cell that
    calls it, through a helper that calls it; a function never called shows nothing, and the
    finding still counts it (the notebook can evaluate)."""
    split = (
        "from sklearn.model_selection import train_test_split\n"
        "from sklearn.linear_model import LogisticRegression\n"
        "from sklearn.metrics import accuracy_score\n"
        "X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)"
    )
    define = (
        "def train_and_evaluate():\n"
        "    model = LogisticRegression().fit(X_train, y_train)\n"
        "    return accuracy_score(y_test, model.predict(X_test))"
    )
    chain = "def run_all():\n    return train_and_evaluate()"
    called = analyze_notebook(make_notebook(split, define, chain, "print(run_all())"))
    shown = held_out_cells(called)
    assert shown == [3], shown
    never = analyze_notebook(make_notebook(split, define))
    assert not held_out_cells(never)
    assert not fired(never, "MLW002")
    same_cell = analyze_notebook(make_notebook(split, define + "\nscore = train_and_evaluate()"))
    shown = held_out_cells(same_cell)
    assert shown == [1], shown


def test_a_model_monitor_watches_once_it_is_scheduled_and_an_empty_group_registers_nothing() -> (
    None
):
    """Seen on two SageMaker books: building a ``DefaultModelMonitor`` and its baselining job
    were credited as monitoring and drift checks, the schedule that runs them was not credited
    with the drift check, and an empty model package group was taken for a model version."""
    nb = make_notebook(
        "import boto3\nfrom sagemaker.model_monitor import DefaultModelMonitor, CronExpressionGenerator",
        "monitor = DefaultModelMonitor(role=role, instance_count=1, instance_type='ml.m5.xlarge')",
        "monitor.suggest_baseline(baseline_dataset='s3://b/train.csv', output_s3_uri=out)",
        "monitor.create_monitoring_schedule(endpoint_input=endpoint_name, output_s3_uri=out,\n"
        "    schedule_cron_expression=CronExpressionGenerator.hourly())",
        "sm = boto3.client('sagemaker')\nsm.create_model_package_group(ModelPackageGroupName='g')",
    )
    claimed = {(e.best_practice, e.cell_index) for e in analyze_notebook(nb).evidence}
    # The baselining job records feature statistics as a baseline, and only that.
    assert {("MLOPS06-BP02", 3), ("MLPERF06-BP03", 3), ("MLPERF04-BP04", 2)} <= claimed, claimed
    assert not {c for c in claimed if c[1] in (1, 4) or c == ("MLOPS06-BP02", 2)}, claimed


def test_a_switch_compared_with_a_literal_it_never_holds_turns_its_block_off() -> None:
    """Seen on a SageMaker book: ``if use_trained_models == 'False':`` trains and validates,
    but the notebook sets the switch to 'True'; the validation was credited. A clean-up under a
    comparison the switch never meets deletes nothing either; one it meets does."""
    nb = make_notebook(
        "import sagemaker\nuse_trained_models = 'True'\ncleanup = 'no'",
        "if use_trained_models == 'False':\n"
        "    est = sagemaker.estimator.Estimator(image, role, instance_count=1,\n"
        "                                        instance_type='ml.m5.large')\n"
        "    est.fit({'train': train_input, 'validation': validation_input})",
        "predictor = model.deploy(initial_instance_count=1, instance_type='ml.m5.large')",
        "if cleanup == 'yes':\n    predictor.delete_endpoint()",
    )
    report = analyze_notebook(nb)
    assert not [e for e in report.evidence if e.best_practice == "MLREL03-BP03"]
    assert [f.cell_index for f in fired(report, "MLW006")] == [2]
    nb["cells"][0]["source"] = "import sagemaker\nuse_trained_models = 'False'\ncleanup = 'yes'"
    report = analyze_notebook(nb)
    assert [e.cell_index for e in report.evidence if e.best_practice == "MLREL03-BP03"] == [1]
    assert not fired(report, "MLW006")


def test_a_tracking_run_reopened_read_only_tracks_nothing() -> None:
    """Seen on Neptune's data-versioning guide: a baseline run reopened ``mode="read-only"`` to
    read its dataset hash was credited as tracking the training run; the run it made is."""
    nb = make_notebook(
        "import neptune\nfrom sklearn.ensemble import RandomForestClassifier",
        "run = neptune.init_run()\nmodel = RandomForestClassifier(random_state=0).fit(X, y)",
        "base = neptune.init_run(with_id='DAT-1', mode='read-only')\nh = base['hash'].fetch()",
    )
    claimed = {(e.best_practice, e.cell_index) for e in analyze_notebook(nb).evidence}
    assert ("MLOPS03-BP02", 1) in claimed and ("MLOPS03-BP02", 2) not in claimed, claimed


def test_a_key_literal_sent_in_an_authorization_header_is_a_secret() -> None:
    """Seen on an Azure AutoML book: an AKS service key bound to ``key`` and sent as
    ``f"Bearer {key}"`` was missed (the name ``key`` alone says nothing); a placeholder, a key
    fetched at run time and a word on the header's line are not secrets."""
    secret = "key = 'Ps8mFqJfcGpY4RxYAU63U7e3wgOTCKe1'\n"
    cases = {
        secret + "headers = {'Content-Type': 'application/json'}\n"
        "headers['Authorization'] = f'Bearer {key}'": [(0, 1)],
        secret + "headers = {'Authorization': 'Bearer ' + key}": [(0, 1)],
        "key = '<your-key>'\nheaders = {'Authorization': 'Bearer ' + key}": [],
        "key = service.get_keys()[0]\nheaders = {'Authorization': f'Bearer {key}'}": [],
        "col = 'price_per_square_meter_2020'\n"
        "headers = {'Authorization': f'Bearer {token}', 'X-Col': col}": [],
    }
    for source, expected in cases.items():
        report = analyze_notebook(make_notebook(source))
        assert [(f.cell_index, f.line) for f in fired(report, "MLW003")] == expected, source


def test_a_dataset_fetched_at_its_latest_version_is_not_pinned() -> None:
    """Seen on an Azure AutoML book: ``Dataset.get_by_name(ws, name, version='latest')`` was
    credited as a pinned version; it reads whatever is newest. A version number still pins."""
    setup = "from azureml.core import Dataset, Workspace\nws = Workspace.from_config()"
    for version, pinned in (("'latest'", False), ("None", False), ("'2'", True), ("3", True)):
        nb = make_notebook(
            setup,
            f"ds = Dataset.get_by_name(ws, 'OJ Sales Sample', version={version})\n"
            "df = ds.to_pandas_dataframe()",
        )
        report = analyze_notebook(nb)
        claimed = [e.cell_index for e in report.evidence if e.best_practice == "MLOPS03-BP02"]
        assert claimed == ([1] if pinned else []), version
        assert bool(fired(report, "MLW001")) is not pinned, version


def test_vertex_monitoring_is_the_job_its_objective_configs_are_created_with() -> None:
    """Seen on a Vertex AI book: the drift and skew configs and the objective config that holds
    them were credited as monitoring and drift checks; the monitoring job created with them,
    which runs them, was not credited at all."""
    nb = make_notebook(
        "from google.cloud import aiplatform\nfrom google.cloud.aiplatform import model_monitoring",
        "endpoint = model.deploy(machine_type='n1-standard-4')",
        "drift_config = model_monitoring.DriftDetectionConfig(drift_thresholds={'year': 0.05})",
        "skew_config = model_monitoring.SkewDetectionConfig(data_source=bq_uri,\n"
        "    skew_thresholds={'year': 0.5}, target_field='churned')",
        "objective_config = model_monitoring.ObjectiveConfig(\n"
        "    skew_detection_config=skew_config, drift_detection_config=drift_config)",
        "job = aiplatform.ModelDeploymentMonitoringJob.create(display_name='churn',\n"
        "    endpoint=endpoint, schedule_config=schedule, objective_configs=objective_config)",
    )
    report = analyze_notebook(nb)
    claimed = {(e.best_practice, e.cell_index) for e in report.evidence}
    assert {("MLOPS06-BP02", 5), ("MLPERF06-BP03", 5)} <= claimed, claimed
    assert not {c for c in claimed if c[1] in (2, 3, 4)}, claimed
    assert not fired(report, "MLW007")


def test_a_built_in_job_handed_a_validation_channel_filled_in_a_loop_validates() -> None:
    """Seen on a SageMaker engineering book: the channels dict of a built-in algorithm's job is
    filled in a loop over ``["train", "validation", ...]``; the job scores the validation channel
    as it trains, so no missing-evaluation. A loop over training channels only still is one."""

    def notebook(channels: str) -> dict[str, Any]:
        return make_notebook(
            "import sagemaker",
            "est = sagemaker.estimator.Estimator(image, role, instance_count=1,\n"
            "                                    instance_type='ml.p2.xlarge')",
            "data_channels = {}",
            f"channels = [{channels}]",
            "for channel in channels:\n    data_channels[channel] = map_input(channel)",
            "est.fit(inputs=data_channels, logs=True)",
        )

    validated = analyze_notebook(notebook('"train",\n            "validation", "train_lst"'))
    assert not fired(validated, "MLW002")
    assert [e.cell_index for e in validated.evidence if e.best_practice == "MLREL03-BP03"] == [5]
    assert fired(analyze_notebook(notebook('"train", "train_lst"')), "MLW002")


def test_a_file_of_an_unpacked_download_is_judged_at_the_download_only() -> None:
    read = "import pandas as pd\ndf = pd.read_csv('train.csv')"
    download = "!wget https://example.com/data/archive.zip"

    def cells_flagged(*cells: str) -> set[int]:
        report = analyze_notebook(make_notebook(*cells))
        return {f.cell_index for f in report.findings if f.code == "MLW001"}

    # The archive fetched and unpacked: the finding is the download's, not repeated at the read.
    assert cells_flagged(
        download, "import zipfile\nzipfile.ZipFile('archive.zip').extractall()", read
    ) == {0}
    assert cells_flagged(download + "\n!unzip -o archive.zip", read) == {0}
    # Look-alikes: nothing unpacked, or unpacked with nothing fetched: the read is the source.
    assert cells_flagged(download, read) == {0, 1}
    assert cells_flagged("import zipfile\nzipfile.ZipFile('local.zip').extractall()", read) == {1}


def test_reads_the_rule_cannot_name_are_not_reported_as_unversioned_data() -> None:
    """Seen on corpus notebooks: a file unpacked from an archive a library helper fetched from a
    URL built in the call, a fine-tuned model downloaded, and a path constant defined by a module
    of the repository imported with ``*``. Each look-alike, with the data named, still fires."""

    def cells_flagged(*cells: str) -> set[int]:
        report = analyze_notebook(make_notebook(*cells))
        return {f.cell_index for f in report.findings if f.code == "MLW001"}

    fetch = (
        "import zipfile\nfrom raiutils.dataset import fetch_dataset\nname = 'snapshot.zip'\n"
        "fetch_dataset('https://data.example.com/public/' + name, name)\n"
        "zipfile.ZipFile(name).extractall('.')"
    )
    read = "import pandas as pd\ndf = pd.read_csv('train.csv')"
    assert cells_flagged(fetch, read) == set()
    unzip_only = "import zipfile\nzipfile.ZipFile('snapshot.zip').extractall('.')"
    assert cells_flagged(unzip_only, read) == {1}

    assert (
        cells_flagged("!wget https://example.com/food/effnet_fine_tuned_101_classes.zip") == set()
    )
    assert cells_flagged("!wget https://example.com/food/food_101_classes.zip") == {0}

    star = "from modules.config import *\nimport pandas as pd"
    assert cells_flagged(star, "df = pd.read_csv(TRAIN_CSV)") == set()
    assert cells_flagged(star, "TRAIN_CSV = 'train.csv'\ndf = pd.read_csv(TRAIN_CSV)") == {1}
    assert cells_flagged("import pandas as pd", "df = pd.read_csv(TRAIN_CSV)") == {1}


def test_a_job_channel_on_a_formatted_s3_prefix_is_unversioned_data() -> None:
    """Seen on corpus notebooks: ``TrainingInput("s3://{}/{}/train/".format(bucket, prefix))``
    names an S3 prefix as plainly as an f-string does. A prefix whose head is a variable cannot
    be told, and is not reported."""

    def flagged(path: str) -> bool:
        report = analyze_notebook(
            make_notebook(
                "from sagemaker.inputs import TrainingInput",
                f"train = TrainingInput({path}, content_type='text/csv')",
            )
        )
        return bool(fired(report, "MLW001"))

    assert flagged('"s3://{}/{}/train/".format(bucket, prefix)')
    assert flagged("'s3://%s/%s/train' % (bucket, prefix)")
    assert flagged("'s3://' + bucket + '/train'")
    assert not flagged('"{}/train/".format(s3_prefix)')
    assert not flagged("s3_prefix + '/train'")


def test_an_imbalanced_learn_sampler_without_random_state_is_unseeded() -> None:
    """Seen on a batch-12 notebook: ``ADASYN(n_neighbors=3).fit_resample(x, y)`` with no
    ``random_state`` draws its synthetic rows afresh each run. A seeded one, a global NumPy
    seed, or a deterministic under-sampler (NearMiss) is not reported."""

    def flagged(*cells: str) -> bool:
        return bool(fired(analyze_notebook(make_notebook(*cells)), "MLW004"))

    imports = (
        "from imblearn.over_sampling import ADASYN\nfrom imblearn.under_sampling import NearMiss"
    )
    assert flagged(imports, "x2, y2 = ADASYN(n_neighbors=3).fit_resample(x, y)")
    assert not flagged(imports, "x2, y2 = ADASYN(random_state=0).fit_resample(x, y)")
    assert not flagged(imports, "import numpy as np\nnp.random.seed(1)", "s = ADASYN()")
    assert not flagged(imports, "x2, y2 = NearMiss().fit_resample(x, y)")


def test_a_job_script_reading_the_folder_it_is_handed_reads_its_input_channel() -> None:
    """Seen on a SageMaker book (batch 13, out of sample): a training script loading
    ``os.path.join(args.train, "x_train.npy")`` was flagged as unversioned data, though the
    folder is the job's input channel, judged where the notebook hands the job its data. A
    folder the script names itself is still its own read."""
    script = (
        "%%writefile train.py\nimport argparse, os\nimport numpy as np\n"
        "def load(train_dir):\n    return np.load(os.path.join(train_dir, 'x_train.npy'))\n"
        "parser = argparse.ArgumentParser()\n"
        "parser.add_argument('--train', default=os.environ.get('SM_CHANNEL_TRAIN'))\n"
        "args = parser.parse_args()\nx = load(args.train)\n"
        "test_dir = args.test\ny = np.load(os.path.join(test_dir, 'y_test.npy'))\n"
    )
    launch = "from sagemaker.tensorflow import TensorFlow\nest = TensorFlow('train.py')\nest.fit()"
    handed = analyze_notebook(make_notebook(script, launch))
    assert fired(handed, "MLW001") == []
    own = script.replace("test_dir = args.test", "test_dir = 'local_data'")
    named = analyze_notebook(make_notebook(own, launch))
    assert [f.message for f in fired(named, "MLW001")] == [
        "cell 1, line 11: reads `y_test.npy` with np.load() and no version pin"
    ]


def test_an_mlflow_deployment_through_its_client_is_an_endpoint() -> None:
    """Seen on an MLflow-on-SageMaker lab (batch 13): ``get_deploy_client("sagemaker")
    .create_deployment(...)`` makes a SageMaker endpoint; it was not seen because the call is on
    the client, not on the module."""
    deploy = (
        "from mlflow.deployments import get_deploy_client\n"
        "client = get_deploy_client('sagemaker')\n"
        "client.create_deployment(name='housing', model_uri='models:/m/1')"
    )
    left = analyze_notebook(make_notebook(deploy))
    assert [f.code for f in left.findings if f.code in ("MLW006", "MLW007")] == [
        "MLW006",
        "MLW007",
    ]
    deleted = analyze_notebook(make_notebook(deploy, "client.delete_deployment('housing')"))
    assert [f.code for f in deleted.findings if f.code in ("MLW006", "MLW007")] == ["MLW007"]


def test_dask_moving_or_computing_predictions_scores_nothing() -> None:
    """Seen on Dask's examples (batch 13): ``dask.persist(X_test, y_test)`` was shown as a
    helper scoring on held-out data, and ``model.predict(X_test).compute()`` as a score; both
    only move or materialise data. A metric on the predictions still scores."""
    nb = make_notebook(
        "import dask\nfrom dask_ml.model_selection import train_test_split\n"
        "from sklearn.linear_model import SGDClassifier\nfrom dask_ml.wrappers import Incremental\n"
        "X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)\n"
        "X_test, y_test = dask.persist(X_test, y_test)",
        "inc = Incremental(SGDClassifier(random_state=0))\ninc.fit(X_train, y_train)",
        "inc.predict(X_test)[:100].compute()",
    )
    moved = analyze_notebook(nb)
    assert (held_out_cells(moved), [f.code for f in fired(moved, "MLW002")]) == ([], ["MLW002"])
    scored = analyze_notebook(
        make_notebook(*(c["source"] for c in nb["cells"]), "inc.score(X_test, y_test)")
    )
    assert held_out_cells(scored) == [3]
    assert not fired(scored, "MLW002")


def test_a_model_fitted_on_a_sample_and_scored_on_the_whole_is_not_scored_on_its_training_data() -> (
    None
):
    """Seen on Dask's examples (batch 13, judged by hand): a regressor fitted on every tenth row
    (``dask.compute(X[::10], y[::10])``) and scored on all of ``X`` was flagged as scored on its
    training data, and the ``dask.compute`` that takes the sample as a score. The ensemble
    fitted on ``X`` and scored on ``X`` still is."""
    nb = make_notebook(
        "import dask\nimport dask_ml.ensemble\nimport sklearn.linear_model\n"
        "sub = sklearn.linear_model.LinearRegression()\n"
        "clf = dask_ml.ensemble.BlockwiseVotingRegressor(sub)\nclf.fit(X, y)",
        "X_s, y_s = dask.compute(X[::10], y[::10])\nsub.fit(X_s, y_s)",
        "sub.score(X, y)",
        "clf.score(X, y)",
    )
    assert [f.cell_index for f in fired(analyze_notebook(nb), "MLW008")] == [3]


def test_a_sample_drawn_inside_a_function_is_a_step_even_on_a_later_line() -> None:
    """Seen on a SageMaker Studio book (batch 13): ``df.groupby(...).apply(lambda x:
    x.sample(n))`` on the second line of an assignment resamples the training set with no seed;
    it was taken for a peek because the assignment starts on another line. A bare
    ``df.sample(5)`` is still a peek."""
    resample = (
        "import pandas as pd\ndf = pd.read_csv('adult.csv')\n"
        "balanced = df.groupby(['sex', 'target'],\n"
        "                      group_keys=False).apply(lambda x: x.sample(100))"
    )
    flagged = analyze_notebook(make_notebook(resample))
    assert [f.message for f in fired(flagged, "MLW004")] == [
        "cell 1, line 4: x.sample() samples without a seed"
    ]
    peek = analyze_notebook(
        make_notebook("import pandas as pd\ndf = pd.read_csv('a.csv')", "df.sample(5)")
    )
    assert fired(peek, "MLW004") == []


def test_installs_run_through_subprocess_or_os_system_are_read_as_shell_lines() -> None:
    """Seen on skorch's and a Transformers tutorial's notebooks (corpus, in sample): installs
    run with ``subprocess.run(["python", "-m", "pip", "install", "skorch>=0.12.2"])`` or
    ``os.system("pip install pytesseract")`` were not read. Pinned ones, other commands and an
    argument list the notebook builds at run time are not flagged."""
    nb = make_notebook(
        "import subprocess, sys, os\n"
        "subprocess.check_call([sys.executable, '-m', 'pip', 'install', 'skorch>=0.12.2'])\n"
        "os.system('pip install -q pytesseract')",
        "subprocess.run(['python', '-m', 'pip', 'install', 'transformers==4.30.0'])\n"
        "os.system('pip install pyyaml==5.1')\n"
        "subprocess.run([sys.prefix + '/bin/nnictl', 'create', '--config', path])\n"
        "for pkg in needed:\n"
        "    subprocess.check_call([sys.executable, '-m', 'pip', 'install', pkg])",
    )
    assert [f.message for f in fired(analyze_notebook(nb), "MLW005")] == [
        "cell 1, line 2: installs skorch>=0.12.2 without an exact version",
        "cell 1, line 3: installs pytesseract without an exact version",
    ]
