"""A baseline: the findings a repository already had when it adopted mlwa, so CI fails on new ones.

``mlwa baseline write`` records each open finding as (notebook path, cell id, rule code, a
fingerprint of the cell's source) and how many times it occurs there; ``mlwa check --baseline``
then drops the findings the file accounts for. Line numbers are never part of the key, so adding
a cell above or a line to another cell keeps the entry; editing the flagged cell changes its
fingerprint, and the finding counts again (the cell was touched: it is the time to fix it).
Entries no current finding matches are *stale* (fixed, or the cell changed): a run reports them
so that the file is rewritten and only ever shrinks.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path, PurePath
from typing import Any

from mlwa_notebook.errors import MlwaError
from mlwa_notebook.report import Finding, NotebookReport, Report

SCHEMA_VERSION = 1


@dataclass(frozen=True, slots=True, order=True)
class Key:
    """What identifies a finding across edits elsewhere in the notebook."""

    path: str
    cell_id: str
    code: str
    fingerprint: str


def fingerprint(source: str | list[str]) -> str:
    """A short hash of a cell's source; trailing spaces and line endings do not change it."""
    text = "".join(source) if isinstance(source, list) else source
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").split("\n")]
    return hashlib.sha256("\n".join(lines).strip("\n").encode("utf-8")).hexdigest()[:16]


def cell_fingerprints(nb: NotebookReport, notebook: Mapping[str, Any]) -> dict[str, str]:
    """Per cell id as the report gives it, the fingerprint of that cell's source.

    The report's ids are used (not the file's) so that a notebook saved before cell ids
    existed, whose ids the reader makes up from positions, is keyed the same way as it is shown.
    """
    cells = notebook.get("cells", [])
    if not isinstance(cells, list) or len(cells) != len(nb.cells):
        return {}
    return {
        c.id: fingerprint(raw.get("source", "") if isinstance(raw, Mapping) else "")
        for c, raw in zip(nb.cells, cells, strict=True)
    }


def _relative(path: str, root: Path) -> str:
    """A notebook path as the baseline stores it: relative to the file's folder, with '/'."""
    absolute = Path(path).resolve()
    try:
        return absolute.relative_to(root.resolve()).as_posix()
    except ValueError:
        return PurePath(path).as_posix()


def keys_of(
    nb: NotebookReport, prints: Mapping[str, str], root: Path, findings: Iterable[Finding]
) -> list[Key]:
    """The baseline key of each finding (one key a finding, repeated when a cell has several)."""
    path = _relative(nb.path, root)
    return [Key(path, f.cell_id, f.code, prints.get(f.cell_id, "")) for f in findings]


def write_baseline(target: Path, keys: Iterable[Key]) -> int:
    """Write the baseline file (sorted, stable for diffs); returns the number of findings."""
    from mlwa_notebook.atomic import write_text_atomic

    counts = Counter(keys)
    entries = [
        {
            "path": k.path,
            "cell_id": k.cell_id,
            "code": k.code,
            "fingerprint": k.fingerprint,
            "count": n,
        }
        for k, n in sorted(counts.items())
    ]
    data = {"schema_version": SCHEMA_VERSION, "tool": "mlwa", "entries": entries}
    write_text_atomic(target, json.dumps(data, indent=1) + "\n")
    return sum(counts.values())


def read_baseline(path: Path) -> Counter[Key]:
    """The entries of a baseline file, counted; a clear error when it is not one."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise MlwaError(f"{path}: cannot read the baseline: {exc.strerror}") from exc
    except ValueError as exc:
        raise MlwaError(f"{path}: the baseline is not valid JSON ({exc})") from exc
    if not isinstance(data, dict) or data.get("schema_version") != SCHEMA_VERSION:
        raise MlwaError(
            f"{path}: not an mlwa baseline (schema_version {SCHEMA_VERSION}); "
            "write one with `mlwa baseline write`"
        )
    counts: Counter[Key] = Counter()
    for i, entry in enumerate(data.get("entries", [])):
        try:
            key = Key(
                str(entry["path"]),
                str(entry["cell_id"]),
                str(entry["code"]),
                str(entry["fingerprint"]),
            )
            counts[key] += int(entry.get("count", 1))
        except (KeyError, TypeError, ValueError) as exc:
            raise MlwaError(f"{path}: entries[{i}] is not a baseline entry ({exc})") from exc
    return counts


@dataclass(frozen=True, slots=True)
class Applied:
    """A report with the baselined findings taken out, and what the baseline no longer matches."""

    report: Report
    baselined: int
    stale: tuple[Key, ...]


def apply_baseline(
    report: Report,
    baseline: Counter[Key],
    prints: Mapping[str, Mapping[str, str]],
    root: Path,
) -> Applied:
    """Drop the findings the baseline accounts for; ``prints``: per notebook path, its cells'.

    Stale entries are those of the notebooks in this run that no finding used up (entries of
    notebooks not checked in this run are left alone: a run over one folder says nothing of
    the others).
    """
    left = Counter(baseline)
    # nbstripout renumbers cell ids by default ("0", "1", ...): an entry whose id is gone still
    # matches a finding of the same rule in a cell of the same content in the same notebook.
    by_content: dict[tuple[str, str, str], list[Key]] = {}
    for key in sorted(baseline):
        by_content.setdefault((key.path, key.code, key.fingerprint), []).append(key)
    notebooks: list[NotebookReport] = []
    baselined = 0
    checked_paths: set[str] = set()
    for nb in report.notebooks:
        checked_paths.add(_relative(nb.path, root))
        kept: list[Finding] = []
        for f, key in zip(
            nb.findings, keys_of(nb, prints.get(nb.path, {}), root, nb.findings), strict=True
        ):
            if left[key] <= 0:
                same = by_content.get((key.path, key.code, key.fingerprint), [])
                key = next((k for k in same if left[k] > 0), key)
            if left[key] > 0:
                left[key] -= 1
                baselined += 1
            else:
                kept.append(f)
        notebooks.append(replace(nb, findings=tuple(kept)))
    stale = tuple(sorted(k for k, n in left.items() if n > 0 and k.path in checked_paths))
    return Applied(replace(report, notebooks=tuple(notebooks)), baselined, stale)
