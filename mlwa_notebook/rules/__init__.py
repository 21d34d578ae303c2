"""The rule registry: one module per rule, listed here explicitly (no import-time magic)."""

from __future__ import annotations

from mlwa_notebook.rules import (
    absolute_local_path,
    deployment_without_monitoring,
    deployment_without_registry,
    endpoint_not_deleted,
    evaluation_on_training_data,
    hardcoded_secret,
    missing_evaluation,
    out_of_order_execution,
    oversized_endpoint,
    preprocessing_before_split,
    public_or_unencrypted_storage,
    tls_verification_disabled,
    unbounded_training_job,
    unparsable_cell,
    unpinned_install,
    unseeded_randomness,
    untrusted_pickle_load,
    unversioned_data,
)
from mlwa_notebook.rules.base import Rule

ALL_RULES: tuple[Rule, ...] = (
    unparsable_cell.RULE,
    unversioned_data.RULE,
    missing_evaluation.RULE,
    hardcoded_secret.RULE,
    unseeded_randomness.RULE,
    unpinned_install.RULE,
    endpoint_not_deleted.RULE,
    deployment_without_monitoring.RULE,
    evaluation_on_training_data.RULE,
    preprocessing_before_split.RULE,
    out_of_order_execution.RULE,
    absolute_local_path.RULE,
    tls_verification_disabled.RULE,
    untrusted_pickle_load.RULE,
    unbounded_training_job.RULE,
    oversized_endpoint.RULE,
    public_or_unencrypted_storage.RULE,
    deployment_without_registry.RULE,
)


def rule_by_key(key: str) -> Rule | None:
    """A rule by its code (``MLW001``) or its name (``unversioned-data``)."""
    for rule in ALL_RULES:
        if key in (rule.code, rule.name):
            return rule
    return None
