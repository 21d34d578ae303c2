"""Draw docs/images/radar.png: the %mlwa radar of two example notebooks, shot in headless chromium."""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

import plotly.io as pio

from mlwa_notebook.config import Config
from mlwa_notebook.runner import check_paths
from mlwa_notebook.views.radar import radar_figure

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    paths = [
        str(ROOT / "example_notebooks" / "01-well-architected-classifier.ipynb"),
        str(ROOT / "example_notebooks" / "02-messy-experiment.ipynb"),
    ]
    report = check_paths(paths, Config())
    clean, messy = report.notebooks
    figure = radar_figure(clean, compare=messy, compare_label="02-messy-experiment")
    with tempfile.TemporaryDirectory() as tmp:
        page = Path(tmp) / "radar.html"
        page.write_text(
            pio.to_html(figure, include_plotlyjs=True, full_html=True), encoding="utf-8"
        )
        out = ROOT / "docs" / "images" / "radar.png"
        subprocess.run(
            [
                "chromium",
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--hide-scrollbars",
                f"--user-data-dir={tmp}/profile",
                "--virtual-time-budget=4000",
                "--window-size=760,560",
                f"--screenshot={out}",
                page.as_uri(),
            ],
            check=True,
            capture_output=True,
        )
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
