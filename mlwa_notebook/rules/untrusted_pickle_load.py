"""MLW013 untrusted-pickle-load: a pickle is loaded from a file fetched from elsewhere."""

from __future__ import annotations

import re

from mlwa_notebook.cellcode import Call
from mlwa_notebook.location import cell_label
from mlwa_notebook.rules._flow import Site, Unit
from mlwa_notebook.rules._patterns import RUN_OUTPUTS
from mlwa_notebook.rules.base import CheckResult, Hit, NotebookContext, Rule

#: Loaders that unpickle, i.e. may run code stored in the file.
_LOADERS = frozenset(
    "pickle.load pickle.loads joblib.load dill.load dill.loads cloudpickle.load "
    "cloudpickle.loads pandas.read_pickle torch.load sklearn.externals.joblib.load".split()
)
#: Python calls that fetch a file, by callee name.
_FETCHERS = frozenset(
    "download_file download_fileobj urlretrieve hf_hub_download get_file download_to_filename "
    "load_state_dict_from_url snapshot_download".split()
)
#: Fetchers from the web: not boto3's ``download_file``, which reads the notebook's own bucket.
_WEB_FETCHERS = _FETCHERS - {"download_file", "download_fileobj"}
_SHELL_FETCH = re.compile(
    r"^(?:sudo\s+)?(wget|curl|aws\b.*\bs3\s+(cp|sync)|gsutil\b.*\bcp|gcloud\s+storage\s+cp)\b"
)
_EXTRACT = re.compile(r"^(?:sudo\s+)?(tar\s+-?\w*x\w*|unzip)\b")
_URL = re.compile(r"^(https?|s3|gs|ftp)://", re.I)


def _base(path: str) -> str:
    return path.strip().strip("'\"").rstrip("/").rsplit("/", 1)[-1]


def _path_of(unit: Unit, call: Call) -> str:
    """The file a loader reads, as far as the code shows it."""
    for value in call.args[:1]:
        text = unit.value_text(value)
        if text:
            return text
    for site in unit.sites:  # pickle.load(open("model.pkl", "rb"))
        inner = site.call
        if inner.func == "open" and inner.line == call.line and inner.args:
            return unit.value_text(inner.args[0])
    return ""


def _fetched(unit: Unit) -> tuple[dict[str, tuple[int, str]], set[str], int | None]:
    """Files fetched (base name -> cell, how), names bound to fetched paths, first extraction."""
    files: dict[str, tuple[int, str]] = {}
    names: set[str] = set()
    extracted: int | None = None
    for cell, _, text in unit.shells:
        if _SHELL_FETCH.match(text):
            words = [w for w in text.split() if not w.startswith("-")]
            for word in words[1:]:
                files.setdefault(_base(word), (cell, text.split()[0]))
        if _EXTRACT.match(text) and extracted is None:
            extracted = cell
    for site in unit.sites:
        call = site.call
        if call.attr in _FETCHERS and RUN_OUTPUTS.search(call.func.rpartition(".")[0]):
            continue  # a run's own outputs: the model the notebook's job trained
        if call.attr in _FETCHERS:
            names.update(call.targets)
            for value in (*call.args, *call.kwargs.values()):
                text = unit.value_text(value)
                if text:
                    files.setdefault(_base(text), (site.cell, call.func))
        if call.attr in ("extractall", "unpack_archive") and extracted is None:
            extracted = site.cell
    return files, names, extracted


def _hit(site: Site, where: str) -> Hit:
    return Hit(
        site.cell,
        site.call.line,
        f"unpickles {where} with {site.call.func}(): loading a pickle runs any code it holds, "
        "and nothing checks that this file is the one that was published",
    )


#: Calls that write a file the notebook then has of its own making.
_WRITERS = frozenset("dump save to_pickle save_model".split())


def _written(unit: Unit) -> set[str]:
    """Base names of files the notebook itself writes (``joblib.dump(model, "lgb.jl")``)."""
    out: set[str] = set()
    for site in unit.sites:
        if site.call.attr in _WRITERS:
            for value in (*site.call.args, *site.call.kwargs.values()):
                text = unit.value_text(value)
                if text:
                    out.add(_base(text))
    return out


def _from_the_web(unit: Unit) -> bool:
    """Whether anything is fetched from a public URL (not the notebook's own bucket)."""
    return any(
        _SHELL_FETCH.match(text) and re.search(r"https?://", text) for _, _, text in unit.shells
    ) or any(s.call.attr in _WEB_FETCHERS for s in unit.sites)


def check(ctx: NotebookContext) -> CheckResult:
    for unit in ctx.units:
        files, names, extracted = _fetched(unit)
        written = _written(unit)
        web = _from_the_web(unit)
        hashed = {s.cell for s in unit.sites if s.qualified.startswith("hashlib.")}
        for site in unit.sites:
            call = site.call
            if site.qualified not in _LOADERS and not (
                site.qualified == "numpy.load"
                and "allow_pickle" in call.kwargs
                and call.kwargs["allow_pickle"].text == "True"
            ):
                continue
            if (
                site.qualified == "torch.load"
                and "weights_only" in call.kwargs
                and (call.kwargs["weights_only"].text == "True")
            ):
                continue
            if site.cell in hashed or site.cell - 1 in hashed:
                continue
            path = _path_of(unit, call)
            if path and _URL.match(path):
                yield _hit(site, f"`{path[:80]}` straight from the network")
            elif path and _base(path) in files:
                cell, how = files[_base(path)]
                yield _hit(site, f"`{path[:80]}`, fetched with {how} in {cell_label(cell)},")
            elif any(n in names for n in call.names):
                yield _hit(site, "a downloaded file")
            elif (
                # From an archive unpacked above, when something came from the web and the
                # notebook did not write that file itself (a model it dumped, its own job's
                # artefact from its bucket).
                extracted is not None
                and web
                and site.cell >= extracted
                and path
                and not path.startswith("/")
                and _base(path) not in written
            ):
                yield _hit(site, f"`{path[:80]}` from an archive fetched and unpacked above")


RULE = Rule(
    code="MLW013",
    name="untrusted-pickle-load",
    summary="A pickle (pickle, joblib, torch.load) is loaded from a downloaded file",
    severity="warning",
    pillars=("security",),
    best_practices=("MLSEC04-BP03", "MLSEC05-BP01"),
    fix="Check the file's SHA-256 against a published value before loading it, load only "
    "weights (`torch.load(..., weights_only=True)`, safetensors, ONNX), or fetch from a "
    "registry you control.",
    doc="""\
## What it does
Flags `pickle.load`, `joblib.load`, `pd.read_pickle`, `torch.load` (without
`weights_only=True`), `np.load(allow_pickle=True)` and their kind when the file comes from
outside: a URL given directly, a file fetched earlier in the notebook (`wget`, `curl`,
`aws s3 cp`, `gsutil cp`, `download_file`, `urlretrieve`, `hf_hub_download`), or a file from an
archive unpacked above when something was fetched from the web and the notebook did not write
that file itself. A content hash computed in the same or the previous cell
counts as a check. A file downloaded from a run of the notebook's own job
(`best_run.download_file("outputs/model.pkl")`) is its own model, not one from outside.

## Why is this bad?
Unpickling runs whatever code the file contains. A replaced object in a bucket, a compromised
mirror or a look-alike model on a hub becomes code execution in the notebook, with the
notebook's credentials.

## Example
```python
!wget https://example.org/model.pkl
model = joblib.load("model.pkl")
```

## Use instead
```python
!wget https://example.org/model.pkl
assert hashlib.sha256(Path("model.pkl").read_bytes()).hexdigest() == PUBLISHED_SHA256
model = joblib.load("model.pkl")
```

## Suppress
`# mlwa: ignore[MLW013] reason` in the loading cell.
""",
    check=check,
)
