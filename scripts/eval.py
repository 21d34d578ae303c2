"""`make eval`: phase accuracy out of sample, and rule precision/recall against reviewers' facts.

Phases: cross-validation grouped by repository over the labelled corpus and the devset (no
repository is in both the training and the test folds), so every figure is out of sample. It
prints code and markdown accuracy, macro-F1, per-class precision/recall/F1, the confusion table,
the lens-phase level, and the devset scored as held-out repositories. With ``--compare`` it also
tries the parameter grid used to choose ``train.PARAMS``.

Rules: `mlwa check --format json` over the corpus and the devset, each rule's precision and recall
against `eval/facts.jsonl` and the devset's facts, over all and per stack.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import re
import subprocess
import sys
import tempfile
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT))

import corpus  # noqa: E402
import train  # noqa: E402

from mlwa_notebook.lens import FINE_TO_LENS_PHASE  # noqa: E402
from mlwa_notebook.phases.classifier import PHASES  # noqa: E402

#: The lens phase of each fine phase (setup and other have none), from the lens data.
FINE_TO_LENS = FINE_TO_LENS_PHASE
FOLDS = 6


def folds(groups: Iterable[str], k: int = FOLDS) -> list[set[str]]:
    """Repositories dealt into ``k`` folds, largest first, each to the smallest fold so far."""
    sizes = Counter(groups)
    out: list[set[str]] = [set() for _ in range(k)]
    load = [0] * k
    for g, n in sorted(sizes.items(), key=lambda kv: (-kv[1], kv[0])):
        j = min(range(k), key=lambda i: (load[i], i))
        out[j].add(g)
        load[j] += n
    return out


def cross_validate(docs: Sequence[train.Doc], params: dict[str, object]) -> dict[str, list[str]]:
    """Out-of-fold predictions for every notebook, by name."""
    pred: dict[str, list[str]] = {}
    for held in folds(d.group for d in docs):
        model, _ = train.fit([d for d in docs if d.group not in held], params)
        for d in docs:
            if d.group in held:
                pred[d.name] = train.predict(model, d)
    return pred


def _is_heading(doc: train.Doc, i: int) -> bool:
    return doc.cells[i].cell_type == "markdown" and any(
        line.lstrip().startswith("#") or line.lstrip().lower().startswith("<h")
        for line in doc.cells[i].source.splitlines()[:3]
    )


#: The labelled real notebooks; the project's examples are scored on their own.
REAL = ("corpus", "devset")


def pairs(
    docs: Sequence[train.Doc],
    pred: dict[str, list[str]],
    kind: str,
    source: str | tuple[str, ...] = REAL,
) -> list[tuple[str, str]]:
    wanted_sources = (source,) if isinstance(source, str) else source
    out = []
    for d in docs:
        if d.source not in wanted_sources:
            continue
        for i, cell in enumerate(d.cells):
            wanted = (
                cell.cell_type == kind
                if kind in ("code", "markdown")
                else kind == "heading" and _is_heading(d, i)
            )
            if wanted:
                out.append((d.gold[i], pred[d.name][i]))
    return out


def scores(
    p: Sequence[tuple[str, str]],
) -> tuple[float, float, dict[str, tuple[float, float, float, int]]]:
    """Accuracy, macro-F1 over the classes present in the gold labels, and per-class P/R/F1/n."""
    if not p:
        return 0.0, 0.0, {}
    acc = sum(g == q for g, q in p) / len(p)
    per = {}
    for c in PHASES:
        tp = sum(g == c and q == c for g, q in p)
        fp = sum(g != c and q == c for g, q in p)
        n = sum(g == c for g, _ in p)
        if n == 0:
            continue
        prec = tp / (tp + fp) if tp + fp else 0.0
        rec = tp / n
        f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
        per[c] = (prec, rec, f1, n)
    macro = sum(v[2] for v in per.values()) / len(per)
    return acc, macro, per


def print_table(title: str, p: Sequence[tuple[str, str]], confusion: bool = False) -> None:
    acc, macro, per = scores(p)
    lens = sum(FINE_TO_LENS.get(g) == FINE_TO_LENS.get(q) for g, q in p) / len(p) if p else 0.0
    print(f"\n== {title}: {len(p)} cells ==")
    print(f"accuracy {acc:.3f}   macro-F1 {macro:.3f}   lens-phase accuracy {lens:.3f}")
    print(f"{'class':<22}{'prec':>7}{'rec':>7}{'f1':>7}{'n':>6}")
    for c, (pr, rc, f1, n) in per.items():
        print(f"{c:<22}{pr:>7.3f}{rc:>7.3f}{f1:>7.3f}{n:>6}")
    if confusion:
        conf = Counter((g, q) for g, q in p if g != q)
        print("top confusions (gold -> predicted):")
        for (g, q), n in conf.most_common(12):
            print(f"  {g:<20} -> {q:<20} {n}")


def phases(compare: bool) -> dict[str, list[str]]:
    docs = train.all_docs()
    if not docs:
        print("no labelled notebooks (run scripts/corpus.py build)", file=sys.stderr)
        return {}
    n = Counter(d.source for d in docs)
    print(
        f"phases: {len(docs)} notebooks ({n['corpus']} corpus, {n['devset']} devset, "
        f"{n['examples']} examples), "
        f"{len({d.group for d in docs})} repositories, {FOLDS}-fold cross-validation grouped by "
        "repository (every figure below is out of sample)"
    )
    if compare:
        grid = [
            {**train.PARAMS, "C": c, "transition_weight": t}
            for c in (0.25, 0.5, 1.0)
            for t in (0.0, 0.6, 1.0)
        ]
        for params in grid:
            pred = cross_validate(docs, params)
            a, m, _ = scores(pairs(docs, pred, "code"))
            b, _, _ = scores(pairs(docs, pred, "markdown"))
            print(
                f"  C={params['C']} transition_weight={params['transition_weight']}: "
                f"code {a:.3f} (macro-F1 {m:.3f}), markdown {b:.3f}"
            )
    pred = cross_validate(docs, train.PARAMS)
    print_table("code cells, fine phase", pairs(docs, pred, "code"), confusion=True)
    print_table("markdown cells", pairs(docs, pred, "markdown"))
    print_table("markdown headings", pairs(docs, pred, "heading"))
    print_table("devset code cells (held out by repository)", pairs(docs, pred, "code", "devset"))
    print_table(
        "devset markdown cells (held out by repository)", pairs(docs, pred, "markdown", "devset")
    )
    print_table(
        "the project's example notebooks (held out), all cells",
        pairs(docs, pred, "code", "examples") + pairs(docs, pred, "markdown", "examples"),
    )
    return pred


def agreement() -> None:
    """The second labeller against the first, on the notebooks both labelled."""
    second = ROOT / "eval" / "labels-second.jsonl"
    if not second.exists():
        return
    first = {}
    for line in train.CORPUS_LABELS.read_text().splitlines():
        r = json.loads(line)
        first[(r["notebook"], r["cell_index"])] = (r["cell_type"], r["phase"])
    by_kind: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for line in second.read_text().splitlines():
        r = json.loads(line)
        got = first.get((r["notebook"], r["cell_index"]))
        if got is not None:
            by_kind[got[0]].append((got[1], r["phase"]))
    print("\n== agreement of two independent labellers (the ceiling) ==")
    for kind, p in sorted(by_kind.items()):
        acc = sum(a == b for a, b in p) / len(p)
        print(f"{kind}: {len(p)} cells, accuracy {acc:.3f}, Cohen's kappa {kappa(p):.3f}")


def kappa(p: Sequence[tuple[str, str]]) -> float:
    n = len(p)
    po = sum(a == b for a, b in p) / n
    ca, cb = Counter(a for a, _ in p), Counter(b for _, b in p)
    pe = sum(ca[c] * cb[c] for c in ca) / (n * n)
    return (po - pe) / (1 - pe) if pe < 1 else 1.0


def rules() -> int:
    """Each rule against the reviewers' facts, via the devset's scorer, over corpus and devset."""
    status = 0
    sets = [("devset", train.DEVSET / "facts.jsonl", train.DEVSET / "notebooks")]
    if (ROOT / "eval" / "facts.jsonl").exists() and train.CORPUS_DIR.is_dir():
        sets.insert(0, ("corpus", ROOT / "eval" / "facts.jsonl", train.CORPUS_DIR))
    scorer = train.DEVSET / "score.py"
    mlwa = str(Path(sys.executable).with_name("mlwa"))
    for name, facts, notebooks in sets:
        if not notebooks.is_dir():
            continue
        # Both sets flatten each repository into one folder, and their facts were written per
        # notebook: judge each notebook alone, not with the folder as one project. No result
        # cache: it is keyed by the tool's version, which a working copy's edits do not change.
        # The corpus is read in its repositories' trees when they are built (`corpus.py build`):
        # a data file the repository tracks is versioned there, as the reviewers judged it.
        checked = notebooks
        if name == "corpus" and corpus.TREES_DIR.is_dir():
            checked = corpus.TREES_DIR
        with tempfile.TemporaryDirectory() as alone:
            config = Path(alone) / "pyproject.toml"
            config.write_text("[tool.mlwa]\nproject = false\n", encoding="utf-8")
            with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as out:
                command = [
                    "check",
                    "--format",
                    "json",
                    "--exit-zero",
                    "--no-cache",
                    "--config",
                    str(config),
                ]
                subprocess.run(
                    [mlwa, *command, str(checked)],
                    stdout=out,
                    check=False,
                )
        if checked != notebooks:
            _as_flat(Path(out.name), checked, notebooks)
        print(f"\n== rules against the reviewers' facts: {name} ==", flush=True)
        status |= subprocess.run(
            [sys.executable, str(scorer), "facts", str(facts), str(notebooks), out.name]
        ).returncode
        if name == "corpus":
            report = json.loads(Path(out.name).read_text())
            stack_table(report, facts)
            judged(report, notebooks, _notebooks_of(facts))
        Path(out.name).unlink()
    return status


def _as_flat(report_path: Path, trees: Path, flat: Path) -> None:
    """Rename a report over `.corpus-trees/` to the `.corpus/` names the facts use."""
    names = {
        str((trees / corpus.tree_name(repo, path)).resolve()): flat / corpus.local_name(repo, path)
        for repo, _, path in corpus.entries()
    }
    report = json.loads(report_path.read_text())
    for nb in report["notebooks"]:
        renamed = names.get(str(Path(nb["path"]).resolve()))
        if renamed is not None:
            nb["path"] = str(renamed)
    report_path.write_text(json.dumps(report))


#: A notebook's stack, by the first of these its code imports (else "no cloud").
_STACKS = (
    ("SageMaker", re.compile(r"^\s*(import|from)\s+(sagemaker|boto3)\b", re.M)),
    (
        "Vertex AI",
        re.compile(r"^\s*(import|from)\s+(google\.cloud\.aiplatform|vertexai|kfp)\b", re.M),
    ),
    ("Azure ML", re.compile(r"^\s*(import|from)\s+(azureml|azure\.ai\.ml)\b", re.M)),
    ("Databricks/MLflow", re.compile(r"^\s*(import|from)\s+(mlflow|databricks|pyspark)\b", re.M)),
)


def stack_of(notebook: Path) -> str:
    """The ML stack a notebook works on, read from its code cells' imports."""
    try:
        cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    except (OSError, ValueError, KeyError):
        return "unreadable"
    code = "\n".join(
        "".join(c["source"]) if isinstance(c["source"], list) else c["source"]
        for c in cells
        if c.get("cell_type") == "code"
    )
    return next((name for name, pattern in _STACKS if pattern.search(code)), "no cloud")


def stack_table(report: dict[str, Any], facts_path: Path) -> None:
    """Each of the seven rules against the reviewers' facts, per stack."""
    scorer = _scorer()
    facts = {
        json.loads(line)["notebook"]: json.loads(line)
        for line in facts_path.read_text().splitlines()
        if line.strip()
    }
    rows: dict[tuple[str, str], Counter[str]] = {}
    for nb in report["notebooks"]:
        path = Path(nb["path"])
        fact = facts.get(f"{path.parent.name}/{path.name}")
        if fact is None:
            continue
        stack, fired = stack_of(path), {f["name"] for f in nb["findings"]}
        for rule, expected in scorer.FACT_RULES.items():
            pos, got = bool(expected(fact)), rule in fired
            kind = "tp" if pos and got else "fp" if got else "fn" if pos else "tn"
            rows.setdefault((stack, rule), Counter())[kind] += 1
    print("\n== rules against the reviewers' facts, per stack (corpus) ==")
    print(f"{'stack':18s} {'rule':30s} {'tp':>3s} {'fp':>3s} {'fn':>3s}  prec   rec")
    for (stack, rule), c in sorted(rows.items()):
        if not (c["tp"] + c["fp"] + c["fn"]):
            continue
        prec = c["tp"] / (c["tp"] + c["fp"]) if c["tp"] + c["fp"] else float("nan")
        rec = c["tp"] / (c["tp"] + c["fn"]) if c["tp"] + c["fn"] else float("nan")
        print(
            f"{stack:18s} {rule:30s} {c['tp']:3d} {c['fp']:3d} {c['fn']:3d}  {prec:.2f}  {rec:.2f}"
        )


def _scorer() -> Any:
    spec = importlib.util.spec_from_file_location("devset_score", train.DEVSET / "score.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _judged(path: Path) -> dict[tuple[str, ...], str]:
    rows = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    key = ("practice", "cell") if "practice" in rows[0] else ("code", "cell")
    return {(r["notebook"], *(str(r[k]) for k in key)): r["verdict"] for r in rows}


def _notebooks_of(facts: Path) -> set[str]:
    return {json.loads(line)["notebook"] for line in facts.read_text().splitlines() if line}


def judged(report: dict[str, Any], notebooks: Path, corpus: set[str]) -> None:
    """Evidence claims and findings the analysis makes now, against the hand verdicts in
    eval/judged-*.jsonl: precision over those judged, and how many are not judged yet. Only the
    corpus's notebooks count (a `.corpus/` built before a notebook was left out may keep it)."""
    claims, findings = Counter(), Counter()
    per_rule: dict[str, Counter[str]] = {}
    by_stack: dict[str, Counter[str]] = {}
    evidence = _judged(ROOT / "eval" / "judged-evidence.jsonl")
    verdicts = _judged(ROOT / "eval" / "judged-findings.jsonl")
    for nb in report["notebooks"]:
        name = str(Path(nb["path"]).resolve().relative_to(notebooks.resolve()))
        if name not in corpus:
            continue
        stack = stack_of(Path(nb["path"]))
        for e in nb["evidence"]:
            verdict = evidence.get((name, e["best_practice"], str(e["cell_index"])), "unjudged")
            claims[verdict] += 1
            by_stack.setdefault(stack, Counter())[verdict] += 1
        for f in nb["findings"]:
            if f["code"] >= "MLW008":
                v = verdicts.get((name, f["code"], str(f["cell_index"])), "unjudged")
                per_rule.setdefault(f["code"], Counter())[v] += 1
                findings[v] += 1
    print("\n== checklist evidence against the hand verdicts (eval/judged-evidence.jsonl) ==")
    _precision_line("distinct claims (practice, cell)", claims)
    for stack, counts in sorted(by_stack.items()):
        _precision_line(f"  {stack}", counts)
    print("\n== MLW008-MLW017 findings against the hand verdicts (eval/judged-findings.jsonl) ==")
    for code, counts in sorted(per_rule.items()):
        _precision_line(code, counts)


def _precision_line(what: str, counts: Counter[str]) -> None:
    judged_n = counts["right"] + counts["wrong"]
    precision = counts["right"] / judged_n if judged_n else float("nan")
    print(
        f"{what:34s} precision {precision:.3f}  right {counts['right']}  wrong "
        f"{counts['wrong']}  not judged {counts['unjudged']}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--compare", action="store_true", help="also try the parameter grid")
    parser.add_argument("--phases-only", action="store_true")
    args = parser.parse_args(argv)
    phases(args.compare)
    agreement()
    if args.phases_only:
        return 0
    return rules()


if __name__ == "__main__":
    sys.exit(main())
