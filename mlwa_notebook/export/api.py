"""The one exporter every caller uses: the CLI, the ``%mlwa export`` magic and ``POST export``.

``export_notebook`` turns notebook JSON into the bytes of one format; ``write_export`` adds the
file rules: a default name beside the notebook, no overwrite without ``force``, the source
written only with ``in_place``, and atomic writes (temporary file, then rename).

Before analysing, whatever an earlier export added is removed (``annotate.strip_generated``), so
the export of an exported notebook is the export of its source, byte for byte.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mlwa_notebook import __version__
from mlwa_notebook.config import Config
from mlwa_notebook.engine import analyze_notebook
from mlwa_notebook.errors import MlwaError, NotebookError
from mlwa_notebook.export.annotate import (
    annotate_cells,
    assemble,
    head_ids,
    markdown_cell,
    output_cell,
    strip_generated,
)
from mlwa_notebook.export.formats import FORMATS, MEDIA_TYPES, default_name
from mlwa_notebook.export.redact import redact_cells, redact_metadata
from mlwa_notebook.lens import Lens, load_lens
from mlwa_notebook.notebook import check_json
from mlwa_notebook.report import NotebookReport, Report
from mlwa_notebook.rules.base import DataTracking
from mlwa_notebook.views.radar_geometry import axes
from mlwa_notebook.views.summary import (
    coverage_text,
    note_markdown,
    pillar_name,
    summary_markdown,
)
from mlwa_notebook.views.svgradar import radar_svg

__all__ = [
    "FORMATS",
    "ExportError",
    "ExportResult",
    "default_output",
    "export_notebook",
    "write_export",
]

#: Most cells an HTML export renders. nbconvert holds every rendered cell in memory (about
#: 40 KB and 5 ms each here): 100,000 cells took minutes and gigabytes. Larger notebooks are
#: refused with this number, and the formats that scale named instead.
MAX_HTML_CELLS = 5_000

#: The rule whose findings say where secrets are.
SECRET_RULE = "MLW003"
RADAR_SOURCE = (
    "# Pillar coverage radar, drawn by `mlwa export` (the summary above has a static copy).\n"
    "# To redraw it from the live notebook: %load_ext mlwa_notebook, then %mlwa radar"
)


class ExportError(MlwaError):
    """An export that cannot be made or written; the message says what to do instead."""


@dataclass(frozen=True, slots=True)
class ExportResult:
    """One exported artefact, ready to write or to send."""

    data: bytes
    media_type: str
    filename: str
    fmt: str
    findings: int
    masked: int

    @property
    def text(self) -> str:
        """The artefact as text (every format is UTF-8)."""
        return self.data.decode("utf-8")


def default_output(source: Path, fmt: str) -> Path:
    """Where an export is written when no output is named: beside the notebook."""
    return source.with_name(default_name(str(source), fmt))


def _plotly_radar(report: NotebookReport) -> dict[str, Any] | None:
    """The plotly radar's JSON, when plotly and the radar view are installed."""
    try:
        from mlwa_notebook.views.radar import plotly_available, radar_json
    except ImportError:
        return None
    if not plotly_available():
        return None
    figure = radar_json(report)
    # The view titles the figure with the file name; an export must not depend on it.
    layout = figure.setdefault("layout", {})
    layout["title"] = {**layout.get("title", {}), "text": "Pillar coverage"}
    return figure


def _annotation(report: NotebookReport, index: int) -> dict[str, Any]:
    cell = report.cells[index]
    return {
        "phase": cell.phase,
        "lens_phase": cell.lens_phase,
        "source": cell.phase_source,
        "confidence": cell.confidence,
        "findings": sorted({f.code for f in report.findings if f.cell_index == index}),
    }


def annotated_notebook(
    clean: dict[str, Any], report: NotebookReport, lens: Lens, notes: bool
) -> tuple[dict[str, Any], int]:
    """The annotated copy of a stripped notebook, and how many secret values were masked."""
    cells: list[dict[str, Any]] = clean["cells"]
    flagged: dict[int, list[int]] = {}
    for f in (*report.findings, *report.suppressed):
        if f.code == SECRET_RULE:
            flagged.setdefault(f.cell_index, []).append(f.line)
    masked = {r.cell_index: r.count for r in redact_cells(cells, flagged)}
    annotate_cells(cells, [_annotation(report, i) for i in range(len(cells))])
    cell_ids = [str(c["id"]) for c in cells]
    summary_id, radar_id = head_ids(cells)
    shares = axes(report.pillar_scores)
    svg = radar_svg(
        [pillar_name(lens, a.pillar) for a in shares],
        [a.coverage for a in shares],
        "Coverage of the six Well-Architected pillars",
        checked=[a.checked for a in shares],
    )
    uri = "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")
    head = [
        markdown_cell(
            summary_id,
            "summary",
            summary_markdown(report, lens, cell_ids, masked, __version__, uri),
        )
    ]
    figure = _plotly_radar(report)
    if figure is not None:
        bundle = {
            "application/vnd.plotly.v1+json": figure,
            "text/plain": coverage_text(report, lens),
        }
        head.append(output_cell(radar_id, "radar", RADAR_SOURCE, bundle))
    note_texts: dict[int, str] = {}
    if notes:
        for index in sorted({f.cell_index for f in report.findings}):
            text = note_markdown(report, index)
            if text is not None:
                note_texts[index] = text
    out = dict(clean)
    out["metadata"], in_metadata = redact_metadata(clean.get("metadata", {}))
    out["cells"] = assemble(cells, head, note_texts)
    return out, sum(masked.values()) + in_metadata


def serialize_notebook(nb: Mapping[str, Any]) -> bytes:
    """A notebook as nbformat writes it (sorted keys, one source line per JSON line), validated."""
    import nbformat

    node = nbformat.from_dict(dict(nb))  # type: ignore[no-untyped-call]
    try:
        nbformat.validate(node)
    except nbformat.ValidationError as exc:  # a bug here must not write a broken notebook
        raise ExportError(f"the annotated notebook does not validate: {exc.message}") from exc
    text: str = nbformat.writes(node)  # type: ignore[no-untyped-call]
    return (text + "\n").encode("utf-8")


def _check_valid(nb: Mapping[str, Any], path: str) -> None:
    """Refuse a notebook the nbformat schema does not accept: the analysis reads around damage,
    but an export copies every cell, and nbconvert and the writer need each to be well formed."""
    import nbformat

    try:
        nbformat.validate(nbformat.from_dict(dict(nb)))  # type: ignore[no-untyped-call]
    except nbformat.ValidationError as exc:
        where = "/".join(str(p) for p in getattr(exc, "absolute_path", ())) or "the top level"
        raise NotebookError(
            path,
            f"is not a valid nbformat 4 notebook at {where}: {str(exc.message)[:200]}; open and "
            "save it in Jupyter, or fix that field, then export again",
        ) from exc
    except (TypeError, KeyError, AttributeError) as exc:  # nbformat's own messages fail on some
        raise NotebookError(
            path,
            "is not a valid nbformat 4 notebook (a field has the wrong type); open and save "
            "it in Jupyter, then export again",
        ) from exc


def _source_regions(raw: Mapping[str, Any], text: str | None) -> dict[int, tuple[int, ...]] | None:
    """File lines of each analysed cell's source in the original file, for SARIF regions."""
    from mlwa_notebook.export.annotate import is_generated
    from mlwa_notebook.export.positions import cell_source_lines

    if text is None:
        return None
    lines = cell_source_lines(text)
    cells = raw.get("cells")
    if not isinstance(cells, list) or len(lines) != len(cells):
        return None
    kept = [i for i, c in enumerate(cells) if not (isinstance(c, Mapping) and is_generated(c))]
    return {n: lines[i].file_lines for n, i in enumerate(kept)}


def export_notebook(
    raw: Mapping[str, Any],
    path: str = "<notebook>",
    fmt: str = "ipynb",
    *,
    config: Config | None = None,
    lens: Lens | None = None,
    tracking: DataTracking | None = None,
    notes: bool = True,
    text: str | None = None,
) -> ExportResult:
    """Export one notebook (JSON as read) in ``fmt``; ``path`` names it in reports.

    ``text`` is the file's text when known: SARIF then points at the lines of the file.
    Raises ``NotebookError`` for a notebook that cannot be read, ``ExportError`` otherwise.
    """
    if fmt not in FORMATS:
        raise ExportError(f"unknown export format {fmt!r}; expected one of {', '.join(FORMATS)}")
    config = config or Config()
    lens = lens or load_lens(config.lenses)
    check_json(raw, path)
    clean = strip_generated(raw, path)
    if fmt == "html" and len(clean["cells"]) > MAX_HTML_CELLS:
        raise ExportError(
            f"{path} has {len(clean['cells']):,} cells; an HTML export renders at most "
            f"{MAX_HTML_CELLS:,}: export --to ipynb or markdown instead, or split the notebook"
        )
    _check_valid(clean, path)
    report = analyze_notebook(clean, path=path, config=config, lens=lens, tracking=tracking)
    masked = 0
    if fmt in ("ipynb", "html"):
        annotated, masked = annotated_notebook(clean, report, lens, notes)
        if fmt == "ipynb":
            data = serialize_notebook(annotated)
        else:
            from mlwa_notebook.views.notebook_page import notebook_html

            title = f"mlwa review: {Path(path).name}"
            data = notebook_html(annotated, title).encode("utf-8")
    elif fmt == "markdown":
        from mlwa_notebook.views.prcomment import pr_comment

        data = pr_comment(report, lens, __version__).encode("utf-8")
    elif fmt == "json":
        from mlwa_notebook.views.machine import render_json

        data = (render_json(Report((report,), (), __version__)) + "\n").encode("utf-8")
    elif fmt == "sarif":
        from mlwa_notebook.views.machine import render_sarif

        regions = _source_regions(raw, text)
        sarif = render_sarif(
            Report((report,), (), __version__), regions={path: regions} if regions else None
        )
        data = (sarif + "\n").encode("utf-8")
    else:
        from mlwa_notebook.export.watool import lens_problems, wa_tool_document

        doc = wa_tool_document(report, lens, __version__)
        problems = lens_problems(doc["lens"])
        if problems:
            raise ExportError("the lens does not fit the WA Tool: " + "; ".join(problems))
        data = (json.dumps(doc, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    return ExportResult(
        data=data,
        media_type=MEDIA_TYPES[fmt],
        filename=default_name(path, fmt),
        fmt=fmt,
        findings=len(report.findings),
        masked=masked,
    )


def write_export(
    source: Path,
    fmt: str = "ipynb",
    output: Path | None = None,
    *,
    force: bool = False,
    in_place: bool = False,
    config: Config | None = None,
    notes: bool = True,
    live: Mapping[str, Any] | None = None,
    lens: Lens | None = None,
) -> tuple[Path, ExportResult]:
    """Read ``source``, export it and write the result; returns where it went and what it was.

    ``live`` is the notebook as a kernel holds it (unsaved edits included): it is exported
    instead of the file's content, under the same file rules. The source is written only with
    ``in_place`` (ipynb only); any other existing file only with ``force``. Writes are atomic:
    readers see the old file or the new one, never half.
    """
    from mlwa_notebook.atomic import write_bytes_atomic
    from mlwa_notebook.config import find_config
    from mlwa_notebook.files import read_regular
    from mlwa_notebook.notebook import parse_json
    from mlwa_notebook.repo import data_tracking

    source = Path(source)
    if in_place:
        if fmt != "ipynb":
            raise ExportError("--in-place annotates the notebook itself: it needs --to ipynb")
        if output is not None and output.resolve() != source.resolve():
            raise ExportError("--in-place writes the source notebook: leave out -o")
        target = source
    else:
        target = output if output is not None else default_output(source, fmt)
        if target.exists() and target.resolve() == source.resolve():
            raise ExportError(
                f"{target} is the source notebook; use --in-place to annotate it, "
                "or name another output with -o"
            )
        if target.is_dir():
            raise ExportError(
                f"{target} is a folder; name the output file, e.g. -o {target / default_name(str(source), fmt)}"
            )
        if target.exists() and not force:
            raise ExportError(f"{target} exists; use --force to overwrite it")
    text: str | None = None
    if live is None:
        try:
            data = read_regular(source)
        except FileNotFoundError as exc:
            raise NotebookError(str(source), "no such file") from exc
        except IsADirectoryError as exc:
            raise NotebookError(str(source), "is a folder, not a notebook") from exc
        except OSError as exc:
            raise NotebookError(str(source), f"cannot read the file: {exc.strerror}") from exc
        live, text = parse_json(data, str(source)), data.decode("utf-8-sig")
    config = config or find_config(source)
    result = export_notebook(
        live,
        str(source),
        fmt,
        config=config,
        lens=lens,
        tracking=data_tracking(source),
        notes=notes,
        text=text,
    )
    target.parent.mkdir(parents=True, exist_ok=True)
    write_bytes_atomic(target, result.data)
    return target, result
