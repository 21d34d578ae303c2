"""`make eval`: phase accuracy and rule precision/recall on the labelled development set.

Runs `mlwa check --format json` over the devset notebooks, then the devset's own scorer
(`score.py`): phases for code and markdown cells (fine level), phases at the lens-phase level,
facts per rule, and the report contract.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

FINE_TO_LENS = {
    "business-goal": "business-goal", "problem-framing": "problem-framing",
    "data-collection": "data-processing", "data-preprocessing": "data-processing",
    "feature-engineering": "data-processing", "model-training": "model-development",
    "model-tuning": "model-development", "model-evaluation": "model-development",
    "deployment": "deployment", "monitoring": "monitoring", "setup": "none", "other": "none",
}


def lens_level(labels: Path, report: dict, kind: str) -> str:  # type: ignore[type-arg]
    by_path = {str(Path(nb["path"]).resolve()): nb for nb in report["notebooks"]}
    right = total = 0
    misses: Counter[tuple[str, str]] = Counter()
    for line in labels.read_text().splitlines():
        lab = json.loads(line)
        if lab["cell_type"] != kind:
            continue
        nb = by_path.get(str((labels.parent / "notebooks" / lab["notebook"]).resolve()))
        pred = nb["cells"][lab["cell_index"]]["phase"] if nb else "<none>"
        gold, got = FINE_TO_LENS[lab["phase"]], FINE_TO_LENS.get(pred, "<none>")
        total += 1
        right += gold == got
        if gold != got:
            misses[(gold, got)] += 1
    top = ", ".join(f"{g}->{p} {n}" for (g, p), n in misses.most_common(4))
    return f"lens-phase accuracy {right / total:.3f} on {total} {kind} cells (top confusions: {top})"


def main(devset: Path) -> int:
    notebooks = devset / "notebooks"
    if not notebooks.is_dir():
        print(f"no devset at {devset}", file=sys.stderr)
        return 2
    mlwa = str(Path(sys.executable).with_name("mlwa"))
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as out:
        subprocess.run([mlwa, "check", "--format", "json", "--fail-on", "never", str(notebooks)],
                       stdout=out, check=True)
    report = json.loads(Path(out.name).read_text())
    score = [sys.executable, str(devset / "score.py")]
    status = 0
    for kind in ("code", "markdown"):
        print(f"\n== phases, {kind} cells (fine level) ==", flush=True)
        bar = "0.9" if kind == "code" else "0.8"
        status |= subprocess.run([*score, "phases", str(devset / "labels.jsonl"), str(notebooks),
                                  out.name, f"--cells={kind}", f"--min-acc={bar}"]).returncode
        print(lens_level(devset / "labels.jsonl", report, kind))
    print("\n== rules against the reviewer facts ==", flush=True)
    status |= subprocess.run([*score, "facts", str(devset / "facts.jsonl"), str(notebooks),
                              out.name]).returncode
    print("\n== report contract ==", flush=True)
    status |= subprocess.run([*score, "contract", out.name]).returncode
    Path(out.name).unlink()
    return status


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/devset")))
