"""The labelled corpus: rebuild `.corpus/` from git clones, and show a notebook for labelling.

The project commits only references (`eval/corpus.tsv`: repository, commit, path) and labels
(`eval/labels.jsonl`, `eval/facts.jsonl`); the notebooks themselves are third-party text and stay
in the git-ignored `.corpus/`. Rebuild it from clones or bare mirrors of the listed repositories:

    python scripts/corpus.py build --clones DIR

where DIR holds each repository as `DIR/<owner>+<name>/repo` (a bare mirror), `DIR/<owner>/<name>`
or `DIR/<owner>+<name>` (clones). Every notebook is read at its pinned commit with `git show`, so
a clone on any branch serves. `show NAME` prints a notebook cell by cell, sources whole and
outputs cut short, the form the labellers read.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS_TSV = ROOT / "eval" / "corpus.tsv"
#: Repositories the corpus must never hold: those kept for measuring it independently, and near
#: copies of them (another edition of the same book), which would make that measurement in-sample.
KEPT_OUT_TSV = ROOT / "eval" / "kept-out.tsv"
CORPUS_DIR = ROOT / ".corpus"
#: Each repository's tree as git listed it at the pinned commit (an index, no file contents) with
#: the corpus notebooks at their own paths: the rules read a notebook in its repository, where a
#: data file the repository tracks is versioned, as the reviewers judged it.
TREES_DIR = ROOT / ".corpus-trees"


def entries(tsv: Path | None = None) -> list[tuple[str, str, str]]:
    """(repo, commit, path) of every notebook of the corpus, in file order."""
    with (tsv or CORPUS_TSV).open(newline="") as fh:
        return [(r["repo"], r["commit"], r["path"]) for r in csv.DictReader(fh, delimiter="\t")]


def kept_out(tsv: Path = KEPT_OUT_TSV) -> dict[str, str]:
    """Repository -> why the corpus must not use it."""
    with tsv.open(newline="") as fh:
        return {r["repo"]: r["why"] for r in csv.DictReader(fh, delimiter="\t")}


def local_name(repo: str, path: str) -> str:
    """Where a notebook lives under `.corpus/` (the devset's naming: owner__repo/a__b.ipynb)."""
    return f"{repo.replace('/', '__')}/{path.replace('/', '__')}"


def tree_name(repo: str, path: str) -> str:
    """Where a notebook lives under `.corpus-trees/`: its repository's folder, then its path."""
    return f"{repo.replace('/', '+')}/{path}"


def _git_dir(clones: Path, repo: str) -> Path | None:
    owner, name = repo.split("/", 1)
    for cand in (
        clones / f"{owner}+{name}" / "repo",
        clones / owner / name,
        clones / f"{owner}+{name}",
    ):
        if cand.exists():
            return cand
    return None


_CORPUS_CONFIG = """\
# Written by scripts/corpus.py: a repository's notebooks sit flattened in one folder here.
[tool.mlwa]
project = false
"""


def build(clones: Path, out: Path = CORPUS_DIR) -> int:
    refused = {repo for repo, _, _ in entries()} & kept_out().keys()
    if refused:
        for repo in sorted(refused):
            print(f"{CORPUS_TSV.name} lists {repo}: {kept_out()[repo]}", file=sys.stderr)
        return 2
    missing = 0
    for repo, commit, path in entries():
        target = out / local_name(repo, path)
        if target.exists():
            continue
        git_dir = _git_dir(clones, repo)
        if git_dir is None:
            print(f"no clone of {repo} under {clones}", file=sys.stderr)
            missing += 1
            continue
        shown = subprocess.run(
            ["git", "-C", str(git_dir), "show", f"{commit}:{path}"], capture_output=True
        )
        if shown.returncode != 0:
            print(f"{repo}@{commit[:10]}:{path}: {shown.stderr.decode().strip()}", file=sys.stderr)
            missing += 1
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(shown.stdout)
    # The corpus flattens each repository into one folder, so its notebooks are not one project
    # each; the facts were written per notebook. Judge every notebook alone.
    out.mkdir(parents=True, exist_ok=True)
    (out / "pyproject.toml").write_text(_CORPUS_CONFIG, encoding="utf-8")
    total = len(entries())
    print(f"{total - missing} of {total} notebooks in {out}")
    missing_trees = trees(clones, out)
    return 1 if missing or missing_trees else 0


def trees(clones: Path, flat: Path = CORPUS_DIR, out: Path = TREES_DIR) -> int:
    """Write `.corpus-trees/`: per repository, a git index of its pinned commit (what
    `git ls-files` answers there) and its corpus notebooks at their paths."""
    missing = 0
    pinned = {repo: commit for repo, commit, _ in entries()}
    for repo, commit in sorted(pinned.items()):
        tree = out / repo.replace("/", "+")
        index = tree / ".git" / "index"
        if index.exists():
            continue
        git_dir = _git_dir(clones, repo)
        if git_dir is None:
            missing += 1
            continue
        subprocess.run(["git", "init", "--quiet", str(tree)], check=True)
        listed = subprocess.run(
            ["git", "-C", str(git_dir), "read-tree", commit],
            env={**os.environ, "GIT_INDEX_FILE": str(index.resolve())},
            capture_output=True,
        )
        if listed.returncode != 0:
            print(f"{repo}@{commit[:10]}: {listed.stderr.decode().strip()}", file=sys.stderr)
            shutil.rmtree(tree)
            missing += 1
    for repo, _, path in entries():
        source, target = flat / local_name(repo, path), out / tree_name(repo, path)
        if source.exists() and (out / repo.replace("/", "+") / ".git").exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
    print(f"{len(pinned) - missing} of {len(pinned)} repository trees in {out}")
    return missing


def _text(value: object) -> str:
    return "".join(value) if isinstance(value, list) else str(value or "")


def _output_summary(output: dict, limit: int) -> str:  # type: ignore[type-arg]
    kind = output.get("output_type")
    if kind == "stream":
        body = _text(output.get("text"))
    elif kind == "error":
        body = f"{output.get('ename')}: {output.get('evalue')}"
    else:
        data = output.get("data") or {}
        shown = [k for k in data if k.startswith("image/")]
        body = _text(data.get("text/plain")) if "text/plain" in data else ""
        if shown:
            body = f"[{', '.join(shown)}] " + body
        elif "text/html" in data and not body:
            body = "[html] " + _text(data["text/html"])[:200]
    lines = body.splitlines()
    cut = "\n".join(lines[:limit])
    return cut + (f"\n… {len(lines) - limit} more lines" if len(lines) > limit else "")


def show(name: str, out_lines: int = 6, src_lines: int = 120) -> str:
    nb = json.loads((CORPUS_DIR / name).read_text(encoding="utf-8"))
    parts = [f"# {name}"]
    for i, cell in enumerate(nb.get("cells", [])):
        kind = cell.get("cell_type")
        src = _text(cell.get("source")).splitlines()
        body = "\n".join(src[:src_lines])
        if len(src) > src_lines:
            body += f"\n… {len(src) - src_lines} more source lines"
        parts.append(f"\n=== cell {i} [{kind}] ===\n{body}")
        for output in cell.get("outputs", [])[:3]:
            parts.append(f"--- output ---\n{_output_summary(output, out_lines)}")
    return "\n".join(parts)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="extract every notebook of eval/corpus.tsv into .corpus/")
    b.add_argument("--clones", type=Path, required=True)
    s = sub.add_parser("show", help="print a .corpus/ notebook cell by cell for labelling")
    s.add_argument("name")
    sub.add_parser("list", help="the .corpus/ names of every notebook")
    args = parser.parse_args(argv)
    if args.command == "build":
        return build(args.clones)
    if args.command == "show":
        print(show(args.name))
        return 0
    for repo, _, path in entries():
        print(local_name(repo, path))
    return 0


if __name__ == "__main__":
    sys.exit(main())
