"""`make bench`: speed as ratios to a floor measured in the same run, never as absolute limits.

1. Many notebooks: `analyze` in-process, and `mlwa check` as a process (all cores), against the
   floor = json.load + ast.parse of the same code cells.
2. Re-analysis of a 1,000-cell notebook after one cell changed (with the per-cell cache).
3. `mlwa check` on one notebook as a whole process (start-up included).
4. The after-cell check of the `%mlwa` extension (benchmarks/bench_autocheck.py), when present.
"""

from __future__ import annotations

import ast
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from mlwa_notebook.config import Config
from mlwa_notebook.engine import AnalysisCache, analyze_notebook
from mlwa_notebook.lens import load_lens

ROOT = Path(__file__).resolve().parents[1]
DEVSET = ROOT.parent / "shared" / "devset" / "notebooks"
MLWA = str(Path(sys.executable).with_name("mlwa"))


def corpus() -> list[Path]:
    sources = sorted(DEVSET.rglob("*.ipynb")) if DEVSET.is_dir() else []
    return sources + sorted((ROOT / "example_notebooks").glob("*.ipynb"))


def floor(paths: list[Path]) -> float:
    start = time.perf_counter()
    for p in paths:
        nb = json.loads(p.read_bytes())
        for cell in nb["cells"]:
            if cell["cell_type"] == "code":
                src = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
                try:
                    ast.parse(src)
                except SyntaxError:
                    pass
    return time.perf_counter() - start


def analyse_all(paths: list[Path]) -> float:
    config, lens = Config(), load_lens()
    start = time.perf_counter()
    for p in paths:
        analyze_notebook(json.loads(p.read_bytes()), path=str(p), config=config, lens=lens,
                         cache=AnalysisCache())
    return time.perf_counter() - start


def best_of(fn, *args, repeat: int = 5) -> float:  # type: ignore[no-untyped-def]
    return min(fn(*args) for _ in range(repeat))


def big_notebook(paths: list[Path], n: int = 1000) -> dict:  # type: ignore[type-arg]
    cells: list[dict] = []  # type: ignore[type-arg]
    while len(cells) < n:
        for p in paths:
            cells.extend(json.loads(p.read_bytes())["cells"])
            if len(cells) >= n:
                break
    base = json.loads(paths[0].read_bytes())
    for i, c in enumerate(cells[:n]):
        c["id"] = f"c{i}"
    base["cells"] = cells[:n]
    return base


def main() -> None:
    paths = corpus()
    with tempfile.TemporaryDirectory() as tmp:
        many = []
        for k in range(10):  # 10 copies: a folder of a few hundred notebooks, as CI sees
            for p in paths:
                target = Path(tmp) / f"copy{k}" / p.name
                target.parent.mkdir(exist_ok=True)
                shutil.copyfile(p, target)
                many.append(target)
        f = best_of(floor, many, repeat=3)
        a = best_of(analyse_all, many, repeat=3)
        start = time.perf_counter()
        subprocess.run([MLWA, "check", "--format", "json", "--fail-on", "never", tmp],
                       stdout=subprocess.DEVNULL, check=True)
        cli = time.perf_counter() - start
        cells = sum(len(json.loads(p.read_bytes())["cells"]) for p in many)
        print(f"corpus: {len(many)} notebooks, {cells} cells, {os.cpu_count()} cores")
        print(f"floor (json.load + ast.parse of code cells): {f * 1000:.0f} ms")
        print(f"analyze in-process, one core:              {a * 1000:.0f} ms  ratio {a / f:.2f}x")
        print(f"mlwa check as a process, all cores:        {cli * 1000:.0f} ms  ratio {cli / f:.2f}x")

    nb = big_notebook(paths)
    cache, lens, config = AnalysisCache(), load_lens(), Config()
    analyze_notebook(nb, config=config, lens=lens, cache=cache)
    times = []
    for i in range(30):
        nb["cells"][500]["source"] = f"x = {i}\nmodel.fit(X_train, y_train)\n"
        start = time.perf_counter()
        analyze_notebook(nb, config=config, lens=lens, cache=cache)
        times.append(time.perf_counter() - start)
    cold = time.perf_counter()
    analyze_notebook(nb, config=config, lens=lens, cache=AnalysisCache())
    cold = time.perf_counter() - cold
    print(f"re-analysis of a 1,000-cell notebook after one cell changed: median "
          f"{statistics.median(times) * 1000:.1f} ms (cold {cold * 1000:.0f} ms)")

    one = str(paths[0])
    runs = []
    for _ in range(5):
        start = time.perf_counter()
        subprocess.run([MLWA, "check", "--fail-on", "never", one], stdout=subprocess.DEVNULL, check=True)
        runs.append(time.perf_counter() - start)
    print(f"mlwa check on one notebook, whole process: median {statistics.median(runs) * 1000:.0f} ms")

    auto = ROOT / "benchmarks" / "bench_autocheck.py"
    if auto.is_file():
        subprocess.run([sys.executable, str(auto)], check=True)


if __name__ == "__main__":
    main()
