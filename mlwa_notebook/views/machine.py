"""Formats for machines: JSON (the report itself), SARIF 2.1.0, GitHub workflow annotations."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from mlwa_notebook.location import cell_label, cell_number
from mlwa_notebook.report import Report, to_dict
from mlwa_notebook.vocabulary import Severity

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
#: Our severities as SARIF result levels and as GitHub annotation commands.
_SARIF_LEVEL: dict[str, str] = {
    Severity.ERROR: "error",
    Severity.WARNING: "warning",
    Severity.INFO: "note",
}
_GITHUB_LEVEL: dict[str, str] = {
    Severity.ERROR: "error",
    Severity.WARNING: "warning",
    Severity.INFO: "notice",
}
DOCS_URL = "https://github.com/mlwa-notebook/mlwa-notebook/blob/main/docs/rules/{name}.md"


def render_json(report: Report) -> str:
    """The report as JSON, in the shape of ``schema/report.schema.json``."""
    return json.dumps(to_dict(report), indent=2, ensure_ascii=False)


#: Per notebook path, per cell index: the file line (1-based) of each source line of the cell.
Regions = Mapping[str, Mapping[int, Sequence[int]]]


def _physical(path: str, cell_index: int, line: int, regions: Regions | None) -> dict[str, Any]:
    """The artifact location, with the region of the file line that holds the cell's line."""
    found: dict[str, Any] = {"artifactLocation": {"uri": path.replace("\\", "/")}}
    lines = (regions or {}).get(path, {}).get(cell_index)
    if lines:
        found["region"] = {"startLine": lines[min(max(line, 1), len(lines)) - 1]}
    return found


def sarif_log(report: Report, regions: Regions | None = None) -> dict[str, Any]:
    """A SARIF 2.1.0 log: one run, every rule described, one result per open finding.

    With ``regions`` (``export.positions`` computes them from a file's text), each result also
    points at the line of the notebook file where the finding's cell line is stored.
    """
    from mlwa_notebook.rules import ALL_RULES  # here: JSON output of cached results needs no rules

    rules = [
        {
            "id": r.code,
            "name": r.name,
            "shortDescription": {"text": r.summary},
            "fullDescription": {
                "text": r.doc.split("## Why is this bad?")[0].split("\n", 2)[-1].strip()
            },
            "help": {"text": r.fix, "markdown": r.doc},
            "helpUri": DOCS_URL.format(name=r.name),
            "defaultConfiguration": {"level": _SARIF_LEVEL[r.severity]},
            "properties": {"pillars": list(r.pillars), "best_practices": list(r.best_practices)},
        }
        for r in ALL_RULES
    ]
    index = {r.code: i for i, r in enumerate(ALL_RULES)}
    results: list[dict[str, Any]] = []
    for nb in report.notebooks:
        for f in (*nb.findings, *nb.suppressed):
            result: dict[str, Any] = {
                "ruleId": f.code,
                "ruleIndex": index[f.code],
                "level": _SARIF_LEVEL.get(f.severity, "warning"),
                "message": {"text": f"{f.message}. Fix: {f.fix}"},
                "locations": [
                    {
                        "physicalLocation": _physical(nb.path, f.cell_index, f.line, regions),
                        "logicalLocations": [
                            {
                                "name": f"{cell_label(f.cell_index)}",
                                "fullyQualifiedName": f"{nb.path}#cell={cell_number(f.cell_index)}&line={f.line}",
                                "kind": "cell",
                            }
                        ],
                    }
                ],
                "properties": {
                    "cell_index": f.cell_index,
                    "cell_id": f.cell_id,
                    "cell_line": f.line,
                    "pillars": list(f.pillars),
                    "best_practices": list(f.best_practices),
                },
            }
            if f.suppressed is not None:
                result["suppressions"] = [
                    {"kind": "inSource", "justification": f.suppressed.reason or f.suppressed.scope}
                ]
            results.append(result)
    notifications = [
        {"level": "error", "message": {"text": f"{e.path}: {e.message}"}} for e in report.errors
    ]
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "mlwa",
                        "semanticVersion": report.tool_version,
                        "informationUri": "https://github.com/mlwa-notebook/mlwa-notebook",
                        "rules": rules,
                    }
                },
                "results": results,
                "invocations": [
                    {
                        "executionSuccessful": not report.errors,
                        "toolExecutionNotifications": notifications,
                    }
                ],
            }
        ],
    }


def render_sarif(report: Report, regions: Regions | None = None) -> str:
    """The SARIF log as JSON text."""
    return json.dumps(sarif_log(report, regions), indent=2, ensure_ascii=False)


def _escape(text: str, prop: bool = False) -> str:
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return text.replace(":", "%3A").replace(",", "%2C") if prop else text


def render_github(report: Report, regions: Regions | None = None) -> str:
    """GitHub Actions workflow commands: one annotation per finding or unreadable notebook.

    With ``regions`` each annotation carries ``line=``, the file line that holds the finding's
    cell line (as in SARIF), so GitHub pins it in the diff and not only to the file.
    """
    lines = []
    for nb in report.notebooks:
        for f in nb.findings:
            level = _GITHUB_LEVEL.get(f.severity, "notice")
            title = _escape(f"{f.code} {f.name}", prop=True)
            region = _physical(nb.path, f.cell_index, f.line, regions).get("region")
            line = f",line={region['startLine']}" if region else ""
            lines.append(
                f"::{level} file={_escape(nb.path, prop=True)}{line},title={title}::"
                f"{_escape(f.message + '. ' + f.fix)}"
            )
    for e in report.errors:
        lines.append(f"::error file={_escape(e.path, prop=True)},title=mlwa::{_escape(e.message)}")
    return "\n".join(lines)
