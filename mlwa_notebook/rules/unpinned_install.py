"""MLW005 unpinned-install: a package is installed without an exact version.

Installs are read from executed shell lines (``!pip``, ``%pip``, ``%%bash``), and requirement
files the notebook writes with ``%%writefile`` and then installs or hands to a job. The text of
such a file is read as the list it is, not parsed as Python.
"""

from __future__ import annotations

import ast
import re
import shlex
from functools import lru_cache

import re2  # type: ignore[import-untyped]

from mlwa_notebook.cellcode import Call
from mlwa_notebook.rules._secrets import scannable
from mlwa_notebook.rules.base import CheckResult, Hit, NotebookContext, Proof, Rule

# RE2 (linear in the line): under ``re`` the nested ``\S*`` of the interpreter prefix backtracked
# without end on a long word such as ``python/python/…``; a shell line is the user's text. Pip's
# own options may come before the command (``pip -q install``).
_PIP = re2.compile(
    r"^(?:sudo\s+)?(?:\S*/)?(?:\{?\S*(?:python|executable)\S*\}?\s+-m\s+)?"
    r"(pip3?|uv\s+pip|conda|mamba|micromamba)\s+(?:-[\w-]+\s+)*install\b(.*)$"
)
_APT = re2.compile(
    r"^(?:sudo\s+)?(?:DEBIAN_FRONTEND=\S+\s+)?(apt-get|apt|yum|dnf)\s+install\b(.*)$"
)
_VALUE_OPTIONS = frozenset(
    "-r --requirement -c --constraint -i --index-url --extra-index-url -f --find-links -t "
    "--target -e --editable --prefix --root --channel --python --index-strategy "
    "--upgrade-strategy --platform --python-version --implementation --abi --only-binary "
    "--no-binary --progress-bar --log --cache-dir --src --config-settings -C --trusted-host "
    "--resolution --prerelease --exclude-newer --keyring-provider -n --name -p -o --option "
    "--default-release -t".split()
)
#: Where a requirement's per-line options start (RE2: a long run of blanks is not quadratic).
_OPTION = re2.compile(r"\s+-")
_REQUIREMENT_FILE = re2.compile(r"(requirements?[\w.-]*\.(txt|in)|constraints?[\w.-]*\.txt)$")
_ENVIRONMENT_FILE = re2.compile(r"\.ya?ml$")
#: An entry of a conda environment's ``dependencies:`` list (``- scikit-learn``, ``- pip:``).
_CONDA_ENTRY = re2.compile(r"^(\s*)-\s+([^\s#]+)")
#: Entries that are the tools themselves, not the environment's packages.
_TOOLS = frozenset({"pip", "python", "conda"})
#: Calls that add one package to a job's or service's environment (Azure ML ``CondaDependencies``).
_ADD_PACKAGE = {"add_pip_package": "pip", "add_conda_package": "conda"}


def _words(rest: str) -> list[str]:
    rest = re.split(r"&&|;|\|\|?", rest)[0]
    try:
        return shlex.split(rest, comments=True)
    except ValueError:
        return rest.split()


def _pinned(word: str, manager: str) -> bool:
    if word.startswith("git+") or "://" in word:
        return "@" in word.split("://", 1)[-1]  # a VCS install pinned to a ref
    if manager in ("conda", "mamba", "micromamba"):
        return re.search(r"[^=<>!~]==?\d", word) is not None and not re.search(r"[<>*]", word)
    if manager in ("apt-get", "apt", "yum", "dnf"):
        return re.search(r"[=-]\d", word) is not None
    return re.search(r"[^=<>!~]===?[^=]", word) is not None and "*" not in word and "," not in word


def is_install(command: str) -> bool:
    """Whether a shell command installs packages (pip, uv, conda, apt and the like)."""
    line = command.strip()
    return bool(_PIP.match(line) or _APT.match(line))


def unpinned_packages(command: str) -> list[str]:
    """The packages of an install command that name no exact version (ranges are not exact)."""
    return [word for word, pinned in install_packages(command) if not pinned]


def install_segments(command: str) -> list[str]:
    """The installs a shell line runs: each command of a chain (``VER=`...` && pip install
    x``) that is one."""
    parts = (part.strip() for part in re.split(r"&&|;|\|\|", scannable(command.strip())))
    return [part for part in parts if _PIP.match(part) or _APT.match(part)]


def install_packages(command: str) -> list[tuple[str, bool]]:
    """Each package an install command names, and whether it names an exact version (local
    paths, wheels, requirement files and options name no package)."""
    return [found for part in install_segments(command) for found in _segment_packages(part)]


def _segment_packages(command: str) -> list[tuple[str, bool]]:
    match = _PIP.match(command) or _APT.match(command)
    if not match:
        return []
    manager = match.group(1).split()[0] if match.group(1).startswith("uv") else match.group(1)
    found: list[tuple[str, bool]] = []
    skip = False
    for word in _words(match.group(2)):
        if skip:
            skip = False
            continue
        if word in _VALUE_OPTIONS:
            skip = True
            continue
        if word.startswith(("-", "{", "$", ">", "2>", "&>", ".", "/", "~")) or word.endswith(
            (".whl", ".tar.gz", ".zip")
        ):
            continue
        if "/" in word and not word.startswith("git+") and "://" not in word:
            continue  # a local path
        found.append((word, _pinned(word, manager)))
    return found


def _requirement_lines(source: str) -> list[tuple[int, str]]:
    lines = source.splitlines()[1:]  # below the %%writefile line
    found: list[tuple[int, str]] = []
    for n, line in enumerate(lines):
        # A requirement is its first word; markers (``; python_version...``) and per-line
        # options (``--extra-index-url``) follow it.
        text = line.split("#", 1)[0].split(";", 1)[0].strip()
        if text and not text.startswith("-"):
            found.append((n + 2, _OPTION.split(scannable(text), 1)[0].strip()))
    return found


def conda_entries(source: str) -> list[tuple[int, str, str]]:
    """The packages a conda environment file lists: (line, package, manager), pip ones apart."""
    lines = source.splitlines()
    found: list[tuple[int, str, str]] = []
    in_deps = False
    pip_indent: int | None = None
    for n, line in enumerate(lines[1:], start=2):  # below the %%writefile line
        stripped = line.split("#", 1)[0].rstrip()
        if not stripped.strip():
            continue
        if not line.startswith((" ", "-", "\t")):
            in_deps = stripped.strip() == "dependencies:"
            pip_indent = None
            continue
        match = _CONDA_ENTRY.match(stripped)
        if not in_deps or not match:
            continue
        indent, entry = len(match.group(1)), match.group(2)
        if entry == "pip:":
            pip_indent = indent
            continue
        manager = "pip" if pip_indent is not None and indent > pip_indent else "conda"
        if manager == "conda":
            pip_indent = None
        name = re.split(r"[=<>!~]", entry, maxsplit=1)[0].lower()
        if name not in _TOOLS:
            found.append((n, entry, manager))
    return found


#: Keywords that list the packages of a job's or service's environment (Azure ML
#: ``CondaDependencies.create``, v1 estimators).
#: Keywords that list packages a job or a pipeline component installs (Azure ML's
#: ``CondaDependencies.create``, Kubeflow's ``packages_to_install``, pip-installed in the step).
_PACKAGE_LISTS = {
    "pip_packages": "pip",
    "conda_packages": "conda",
    "packages_to_install": "pip",
}
_TOP_LEVEL_DEPENDENCIES = re2.compile(r"(?m)^dependencies:\s*$")


def _is_environment(source: str) -> bool:
    """Whether a written file is a conda environment (a top-level ``dependencies:`` list)."""
    return _TOP_LEVEL_DEPENDENCIES.search(source) is not None


def _used_after(ctx: NotebookContext, index: int, variable: str) -> bool:
    """Whether code after cell ``index`` reads ``variable`` (hands the file it names on)."""
    return any(view.index > index and variable in call.names for view, call, _ in ctx.calls(False))


def _listed_packages(source: str, call: Call) -> list[tuple[str, str, int]]:
    """The literal packages a call lists in ``pip_packages=[...]`` / ``conda_packages=[...]``:
    (manager, package, line). The lists are read from the cell's syntax tree, only for a call
    that has such a keyword."""
    if not call.kwargs.keys() & _PACKAGE_LISTS.keys():
        return []
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    found: list[tuple[str, str, int]] = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or node.lineno != call.line:
            continue
        for keyword in node.keywords:
            manager = _PACKAGE_LISTS.get(keyword.arg or "")
            if manager and isinstance(keyword.value, ast.List | ast.Tuple):
                found.extend(
                    (manager, item.value, item.lineno)
                    for item in keyword.value.elts
                    if isinstance(item, ast.Constant) and isinstance(item.value, str)
                )
    return found


def _listing_hit(index: int, loose: list[tuple[int, str]], what: str) -> Hit:
    """One finding for a list of unpinned packages, at the first, naming up to five."""
    return Hit(index, loose[0][0], f"{what}: {', '.join(p for _, p in loose[:5])}")


@lru_cache(maxsize=65536)
def _read_install(command: str) -> tuple[str, tuple[tuple[str, bool], ...]] | None:
    """A shell line's install, as text the rules scan and the packages it names, or ``None``
    when it installs nothing: the same line is read again at every analysis of its notebook."""
    text = scannable(command.strip())
    if not install_segments(text):
        return None
    return text, tuple(install_packages(text))


def check(ctx: NotebookContext) -> CheckResult:
    pinned_cells: list[int] = []
    from_urls: set[int] = set()
    unpinned = False
    for view in ctx.code_cells():
        assert view.facts is not None
        for shell in (*view.facts.shells, *view.facts.spawned):
            read = _read_install(shell.text)
            if read is None:
                continue
            text, named = read
            loose = [word for word, pinned in named if not pinned]
            if loose:
                unpinned = True
                more = f" and {len(loose) - 5} more" if len(loose) > 5 else ""
                yield Hit(
                    view.index,
                    shell.line,
                    f"installs {', '.join(loose[:5])}{more} without an exact version",
                )
            elif named:
                # Only what names its versions is evidence: ``-r requirements.txt`` or a local
                # path shows no pin.
                pinned_cells.append(view.index)
            if "://" in text:
                # An install from a URL names no version an index vouches for: not flagged,
                # and its cell is not shown as installing pinned versions.
                from_urls.add(view.index)
    # Only a cell that writes a file (``%%writefile``) writes requirements or an environment;
    # what the others say is read only when there is one.
    writing = [v for v in ctx.code_cells() if v.facts is not None and v.facts.script_path]
    texts = [
        t
        for v in (ctx.code_cells() if writing else ())
        if v.facts is not None
        for t in [*(s for _, s in v.facts.strings), *(sh.text for sh in v.facts.shells)]
    ]
    for view in writing:
        facts = view.facts
        assert facts is not None
        path = facts.script_path or ""
        name = path.rsplit("/", 1)[-1]
        if not _REQUIREMENT_FILE.search(scannable(name)) or not any(name in t for t in texts):
            continue
        loose_lines = [
            (line, req)
            for line, req in _requirement_lines(view.cell.source)
            if not _pinned(req.replace(" ", ""), "pip")
        ]
        if loose_lines:
            unpinned = True
            line, _ = loose_lines[0]
            names = ", ".join(req for _, req in loose_lines[:5])
            yield Hit(
                view.index, line, f"writes {name} with requirements that are not pinned: {names}"
            )
        else:
            pinned_cells.append(view.index)
    for view in writing:
        facts = view.facts
        assert facts is not None
        path = facts.script_path or ""
        name = path.rsplit("/", 1)[-1]
        if re.fullmatch(r"\$\{?\w+\}?", path):
            # ``%%writefile $env_file``: an environment by its content, handed on by its name.
            variable = path[1:].strip("{}")
            if not _is_environment(view.cell.source) or not _used_after(ctx, view.index, variable):
                continue
            name = f"${variable}"
        elif not _ENVIRONMENT_FILE.search(name) or not any(name in t for t in texts):
            continue
        loose_entries = [
            (line, entry)
            for line, entry, manager in conda_entries(view.cell.source)
            if not _pinned(entry, manager)
        ]
        if loose_entries:
            unpinned = True
            what = f"writes the environment {name} with packages that are not pinned"
            yield _listing_hit(view.index, loose_entries, what)
    for view, call, _ in ctx.calls(scripts=False):
        listed = _listed_packages(view.cell.source, call)
        loose_listed = [(line, p) for manager, p, line in listed if not _pinned(p, manager)]
        if loose_listed:
            unpinned = True
            what = f"lists packages for an environment with {call.func}() without a version"
            yield _listing_hit(view.index, loose_listed, what)
        manager = _ADD_PACKAGE.get(call.attr)
        first = call.args[0] if call.args else None
        if manager and first is not None and first.kind == "str":
            if not _pinned(first.text, manager):
                unpinned = True
                yield Hit(
                    view.index,
                    call.line,
                    f"adds {first.text} to an environment with {call.func}() without a version",
                )
    if not unpinned:
        for index in dict.fromkeys(i for i in pinned_cells if i not in from_urls):
            yield Proof("MLOPS04-BP02", index, "installs pinned package versions")


RULE = Rule(
    code="MLW005",
    name="unpinned-install",
    summary="A package is installed without an exact version",
    severity="warning",
    pillars=("operational-excellence",),
    best_practices=("MLOPS04-BP02",),
    fix="Pin every package to an exact version (`pip install pandas==2.2.3`) or install from a "
    "locked requirements file.",
    doc="""\
## What it does
Flags executed installs (`%pip install`, `!pip install`, `uv pip install`, `conda install`,
`apt-get install`, installs in `%%bash` cells and those run through `os.system` or
`subprocess`, such as `subprocess.check_call([sys.executable, "-m", "pip", "install", "x"])`)
of a package without an exact version,
requirement files and conda environment files (`%%writefile env.yml` with `dependencies:`, also
written to the path a variable holds, `%%writefile $env_file`) the notebook writes and then
installs or hands to a job or service that list a package without one, and packages given to a
job's or service's environment without one (`add_pip_package("x")`,
`CondaDependencies.create(conda_packages=[...], pip_packages=[...])`, an estimator's
`pip_packages=`). Ranges (`mlflow<4`, `>=0.2`) are not exact. Commented-out installs are
ignored. An install from a URL is not flagged, nor shown as pinned evidence.

## Why is this bad?
An unpinned install gives a different library the next time the notebook runs; results drift
and old notebooks break without any change to their code.

## Example
```python
%pip install xgboost "mlflow<4"
```

## Use instead
```python
%pip install xgboost==2.1.3 mlflow==2.19.0
```

## Suppress
`# mlwa: ignore[MLW005] reason` in the cell.
""",
    check=check,
)
