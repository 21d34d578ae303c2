"""The rule registry: every public module of this package is one rule and defines ``RULE``.

A rule module is named after its rule (``unversioned_data.py`` holds ``unversioned-data``);
modules whose names start with ``_`` are helpers shared by rules, and ``base`` holds the
records. Adding a rule is adding its module (and its fixtures): the registry lists the package
once, in code order, and checks each module's name against its rule's.
"""

from __future__ import annotations

import importlib
import pkgutil

from mlwa_notebook.rules.base import Rule

#: Modules of this package that are not rules.
_NOT_RULES = frozenset({"base"})


def _discover() -> tuple[Rule, ...]:
    found: list[Rule] = []
    for info in pkgutil.iter_modules(__path__):
        if info.name.startswith("_") or info.name in _NOT_RULES:
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        rule = getattr(module, "RULE", None)
        if not isinstance(rule, Rule):
            raise TypeError(f"{module.__name__} defines no RULE: name helpers with a leading _")
        if rule.name.replace("-", "_") != info.name:
            # One place to look for a rule: its file carries its name.
            raise NameError(f"{module.__name__} holds {rule.name!r}: name the file after it")
        found.append(rule)
    return tuple(sorted(found, key=lambda r: r.code))


ALL_RULES: tuple[Rule, ...] = _discover()


def rule_by_key(key: str) -> Rule | None:
    """A rule by its code (``MLW001``) or its name (``unversioned-data``)."""
    for rule in ALL_RULES:
        if key in (rule.code, rule.name):
            return rule
    return None
