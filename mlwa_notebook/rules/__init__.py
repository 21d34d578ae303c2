"""The rule registry: one module per rule, listed here explicitly (no import-time magic)."""

from __future__ import annotations

from mlwa_notebook.rules import (
    deployment_without_monitoring,
    endpoint_not_deleted,
    hardcoded_secret,
    missing_evaluation,
    unparsable_cell,
    unpinned_install,
    unseeded_randomness,
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
)


def rule_by_key(key: str) -> Rule | None:
    """A rule by its code (``MLW001``) or its name (``unversioned-data``)."""
    for rule in ALL_RULES:
        if key in (rule.code, rule.name):
            return rule
    return None
