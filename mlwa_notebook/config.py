"""``[tool.mlwa]`` in the nearest ``pyproject.toml``: which rules run, how severe, which lenses.

```toml
[tool.mlwa]
select = ["MLW001", "hardcoded-secret"]   # default: every rule
ignore = ["unpinned-install"]
exclude = ["scratch/**", "**/old_*.ipynb"]
lenses = ["lenses/our-team.json"]          # custom lenses, relative to this file
fail-on = "warning"                        # mlwa check's default threshold
project = true                             # judge a notebook with the notebooks beside it

[tool.mlwa.severity]
unseeded-randomness = "error"
```
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mlwa_notebook.errors import ConfigError
from mlwa_notebook.vocabulary import SEVERITIES

KNOWN_KEYS = frozenset({"select", "ignore", "exclude", "lenses", "fail-on", "severity", "project"})


@dataclass(frozen=True)
class Config:
    """What the user asked for; passed to every call, never global."""

    select: frozenset[str] | None = None
    ignore: frozenset[str] = frozenset()
    severity: Mapping[str, str] = field(default_factory=dict)
    exclude: tuple[str, ...] = ()
    lenses: tuple[Path, ...] = ()
    fail_on: str = "warning"
    #: Whether the notebooks in the same folder are one project (a clean-up notebook deletes
    #: what a deploy notebook made); ``false`` judges each notebook alone.
    project: bool = True
    source: Path | None = None

    def enabled(self, code: str, name: str) -> bool:
        """Whether a rule runs: selected (by code, code prefix or name) and not ignored."""
        if _matches(self.ignore, code, name):
            return False
        return self.select is None or _matches(self.select, code, name)

    def severity_of(self, code: str, name: str, default: str) -> str:
        """The rule's severity after the user's re-ranking."""
        return self.severity.get(code, self.severity.get(name, default))

    def with_overrides(
        self, select: list[str] | None = None, ignore: list[str] | None = None
    ) -> Config:
        """A copy with command-line ``--select`` / ``--ignore`` applied on top."""
        return Config(
            select=frozenset(select) if select else self.select,
            ignore=self.ignore | frozenset(ignore or ()),
            severity=self.severity,
            exclude=self.exclude,
            lenses=self.lenses,
            fail_on=self.fail_on,
            project=self.project,
            source=self.source,
        )


def _matches(patterns: frozenset[str], code: str, name: str) -> bool:
    return name in patterns or any(code.startswith(p) for p in patterns)


def _str_list(table: Mapping[str, Any], key: str, where: str) -> list[str]:
    value = table.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(where, f"'{key}' must be a list of strings, got {value!r}")
    return list(value)


def parse_config(table: Mapping[str, Any], where: str, base: Path) -> Config:
    """Check a ``[tool.mlwa]`` table and build a ``Config``; paths are relative to ``base``."""
    unknown = sorted(set(table) - KNOWN_KEYS)
    if unknown:
        raise ConfigError(
            where, f"unknown key(s) {', '.join(unknown)}; known: {', '.join(sorted(KNOWN_KEYS))}"
        )
    severity = table.get("severity", {})
    if not isinstance(severity, Mapping):
        raise ConfigError(where, "'severity' must be a table of rule = severity")
    for rule, level in severity.items():
        if level not in SEVERITIES:
            raise ConfigError(
                where, f"severity of {rule!r} is {level!r}; use one of {', '.join(SEVERITIES)}"
            )
    fail_on = table.get("fail-on", "warning")
    if fail_on not in (*SEVERITIES, "never"):
        raise ConfigError(where, f"'fail-on' is {fail_on!r}; use info, warning, error or never")
    project = table.get("project", True)
    if not isinstance(project, bool):
        raise ConfigError(where, f"'project' is {project!r}; use true or false")
    select = _str_list(table, "select", where)
    return Config(
        select=frozenset(select) if "select" in table else None,
        ignore=frozenset(_str_list(table, "ignore", where)),
        severity=dict(severity),
        exclude=tuple(_str_list(table, "exclude", where)),
        lenses=tuple(base / p for p in _str_list(table, "lenses", where)),
        fail_on=fail_on,
        project=project,
        source=base / "pyproject.toml",
    )


def find_config(start: Path) -> Config:
    """The configuration of the nearest ``pyproject.toml`` with a ``[tool.mlwa]`` table."""
    try:
        start = start.resolve()
    except (OSError, RuntimeError):  # a symbolic link loop: search from where it is named
        start = Path(os.path.abspath(start))
    folder = start if start.is_dir() else start.parent
    for candidate in (folder, *folder.parents):
        pyproject = candidate / "pyproject.toml"
        if not pyproject.is_file():
            continue
        try:
            data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(str(pyproject), f"cannot be read: {exc}") from exc
        table = data.get("tool", {}).get("mlwa")
        if table is None:
            continue
        if not isinstance(table, Mapping):
            raise ConfigError(str(pyproject), "must be a table")
        return parse_config(table, str(pyproject), candidate)
    return Config()


def parse_config_file(path: Path) -> Config:
    """The ``[tool.mlwa]`` table of a given ``pyproject.toml`` (empty config if it has none)."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ConfigError(str(path), "no such file") from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError, OSError) as exc:
        raise ConfigError(str(path), f"cannot be read: {exc}") from exc
    table = data.get("tool", {}).get("mlwa", {})
    if not isinstance(table, Mapping):
        raise ConfigError(str(path), "must be a table")
    return parse_config(table, str(path), path.resolve().parent)
