"""MLW001 unversioned-data: data read from a path, URL, table or bucket with no version pin."""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterable
from functools import lru_cache
from itertools import pairwise

from mlwa_notebook.cellcode import Call, Value
from mlwa_notebook.rules._flow import Site, Unit, interpolated_head
from mlwa_notebook.rules._patterns import (
    BUNDLED_DATA_MODULES,
    DATA_READERS,
    RUN_OUTPUTS,
    first_text,
)
from mlwa_notebook.rules.base import CheckResult, Hit, NotebookContext, Proof, Rule

#: Object-store and HTTP downloads in Python, by callee name.
_DOWNLOADS = frozenset(
    "download_file download_fileobj get_object download_to_filename download_as_bytes "
    "download_as_string download_as_text urlretrieve".split()
)
#: Keywords that pin what is read to one version.
_PIN_KWARGS = frozenset(
    {"VersionId", "version_id", "revision", "version", "snapshot", "rev", "generation"}
)
#: Managed datasets that point at files or tables which can change under them.
_DATASET_CREATE = re.compile(r"(Tabular|Image|Text|Video|TimeSeries)Dataset\.create$")
_SPARK_FORMATS = frozenset({"csv", "parquet", "json", "orc", "text", "load", "table"})
#: Files that are data when downloaded (not installers, keys or binaries).
_DATA_FILE = re.compile(
    r"\.(csv|tsv|json|jsonl|parquet|zip|gz|tgz|tar|bz2|xz|7z|npy|npz|h5|hdf5|txt|data|xlsx?|"
    r"arrow|feather|avro|orc|tfrecords?|pkl|pickle|pdf|mp4|wav|mp3)(\?|$)",
    re.I,
)
_REMOTE = re.compile(r"^(s3|gs|gcs|https?|ftp|hdfs|abfss?|wasbs?)://", re.I)
_CLOUD_COPY = re.compile(
    r"^(?:sudo\s+)?(aws\b.*?\bs3\s+(?:cp|sync)|gsutil\b.*?\b(?:cp|rsync)|"
    r"gcloud\s+storage\s+(?:cp|rsync)|azcopy\s+(?:copy|cp|sync))\s+(.*)$"
)
_HTTP_GET = re.compile(r"^(?:sudo\s+)?(wget|curl)\s+(.*)$")
_HASH_SHELL = re.compile(r"\b(sha\d+sum|md5sum|shasum)\b")
_DVC_SHELL = re.compile(r"^(?:dvc|git lfs)\s+(pull|checkout|get|import|fetch)\b")
_PINNED_SQL = re.compile(
    r"FOR\s+SYSTEM_TIME\s+AS\s+OF|@\d{10,}|\b(?:VERSION|TIMESTAMP)\s+AS\s+OF\b", re.I
)
#: Model files, logged metrics and predictions are artefacts, not data; in-memory buffers are
#: not sources. What was fine-tuned is a model, whatever its architecture is called.
_ARTEFACT = re.compile(
    r"(model|weights|checkpoint|ckpt|metrics|history|predictions|fine[_-]?tuned)[^/]*$", re.I
)
#: A named release in a URL or file name pins what is read: ``aclImdb_v1.tar.gz``,
#: ``/releases/download/v1.8.2/``, a commit hash in a raw URL. Simple, anchored alternatives:
#: no nested repetition, so the search stays linear on any input.
_RELEASE = re.compile(
    r"[_\-/.]v\d+(?:\.\d+){0,3}(?:[_\-/.]|$)|/releases/download/|/raw/[0-9a-f]{7,40}(?:/|$)"
    r"|[@/][0-9a-f]{40}(?:/|$)"
    # An OpenML data file by its id: the file an id names never changes.
    r"|openml\.org/data/(?:get_csv|download|v1/download)/\d+",
    re.I,
)
#: Where a name with a version in it is a published release: a URL a download serves. An
#: object-store key or a local file keeps its name when it is overwritten.
_PUBLISHED = re.compile(r"^(https?|ftp)://", re.I)


#: A file served from a git host at a branch (``raw.githubusercontent.com/o/r/main/...``): what
#: it holds moves with the branch, whatever version its folders are named for.
_ON_A_BRANCH = re.compile(
    r"^https?://(?:raw\.githubusercontent\.com|media\.githubusercontent\.com/media"
    r"|github\.com/[^/]+/[^/]+/(?:raw|blob)|gitlab\.com/[^/]+/[^/]+/-/(?:raw|blob))"
    r"(?:/[^/]+/[^/]+)?/(?:main|master|HEAD|develop|dev|gh-pages)/",
    re.I,
)


def _release(text: str) -> bool:
    """Whether a URL names a release (a version, a release download, a commit)."""
    if not _PUBLISHED.match(text) or _RELEASE.search(text) is None:
        return False
    return _ON_A_BRANCH.match(text) is None


_IN_MEMORY = ("StringIO", "BytesIO")
#: Readers of files into a dataset in TensorFlow's tf.data and H2O, by resolved callee.
_FILE_DATASETS = re.compile(
    r"^(tensorflow\.data\.(experimental\.)?(TextLineDataset|TFRecordDataset|CsvDataset|"
    r"make_csv_dataset)|h2o\.(import_file|upload_file))$"
)
#: What ``open()`` reads is data only when its name says so (not a config or a script).
_OPENED_DATA = re.compile(r"\.(csv|tsv|jsonl|parquet|data)$", re.I)
#: A SageMaker training job's input channel: the job reads the S3 prefix it names.
_CHANNELS = frozenset({"TrainingInput", "s3_input"})
_STORE_RESTORE = re.compile(r"^store\s+-r\b")
#: Azure ML v1 datasets made from datastore files (``Dataset.Tabular.from_delimited_files``):
#: they point at files that can change under them, as Vertex managed datasets do.
_AZURE_FILE_DATASET = re.compile(r"Dataset\.(Tabular|File)\.from_\w+$")
#: Azure ML v1 datasets fetched by name: the latest version unless one is given.
_AZURE_DATASET_GET = re.compile(r"(^|\.)(Dataset\.get_by_name|datasets\.get)$")


def _shown(value: Value | None, unit: Unit) -> tuple[str, str]:
    """What a path argument reads, for the message, and the literal text if known."""
    if value is None:
        return "data", ""
    if value.kind == "str" or (value.kind == "fstring" and value.text.rsplit("/", 1)[-1] != "{}"):
        return value.text, value.text
    if value.kind == "fstring":  # ``f"{base}/{name}"``: the file read is not known
        return "a computed path", ""
    if value.kind == "name":
        text = unit.literal(value.text)
        return (f"{value.text} = {text!r}" if text else value.text), text
    if value.kind == "call":
        return f"{value.text}(...)", ""
    return "a computed path", ""


def written_files(unit: Unit) -> set[str]:
    """Local files the unit writes itself (its own intermediate results are not data sources)."""
    out: set[str] = set()
    for site in unit.sites:
        if site.call.attr.startswith("to_") or site.call.attr in ("save", "savetxt", "dump"):
            value = first_text(site.call)
            if value is not None and value.kind == "str":
                out.add(value.text.lstrip("./"))
        elif site.call.func == "open":
            # ``open("movie_data.csv", "wb")``: a file the notebook writes (say, unpacks).
            path = first_text(site.call)
            mode = site.call.kwargs.get("mode") or (
                site.call.args[1] if len(site.call.args) > 1 else None
            )
            if (
                path is not None
                and path.kind == "str"
                and mode is not None
                and mode.kind == "str"
                and set(mode.text) & set("wax")
            ):
                out.add(path.text.lstrip("./"))
    return out


#: What a batch transform or a processing job wrote, as the notebook finds it: its own output.
_JOB_OUTPUT = re.compile(r"describe_\w+_job$|\.output_path$|latest_transform_job", re.I)


def _made_from(unit: Unit, names: Iterable[str], depth: int = 4) -> list[str]:
    """The names and callees a path was built from, following its assignments back
    (``file_path = os.path.join(CHECKPOINT_PATH, name)``)."""
    found: list[str] = []
    todo, seen = list(names), set()
    while todo and depth > 0:
        depth -= 1
        current, todo = todo, []
        for name in current:
            if name in seen:
                continue
            seen.add(name)
            found.append(name)
            for value in unit.values_of.get(name, ()):
                if value.kind in ("call", "name", "other"):
                    found.append(value.text)
                todo.extend(value.names)
    return found


def _built_from_artefacts(unit: Unit, call: Call, source: Value | None) -> str:
    """Why a read whose path is computed reads no data source: a path built from a checkpoint
    or model folder (an artefact), or from where the notebook's own job wrote its output."""
    names = [v.text for v in (*call.args, *call.kwargs.values()) if v.kind == "name"]
    if source is not None and source.kind in ("name", "fstring", "call"):
        names.extend(source.names or ((source.text,) if source.kind == "name" else ()))
    for made in _made_from(unit, names):
        if _ARTEFACT.search(made):
            return "artefact"
        if _JOB_OUTPUT.search(made):
            return "job output"
    return ""


#: A file name with an extension, no folder (``loan_data.csv``, ``regression.train``).
_BARE_FILE_NAME = re.compile(r"^[\w.-]+\.\w+$")


def _tracked_elsewhere(ctx: NotebookContext, unit: Unit, site: Site, text: str) -> bool:
    """A file read by its bare name, or through a computed path whose one file-name literal
    names it (``Path(...).parents[1] / "regression.train"``), that the repository tracks in
    another folder: most likely a copy of it. A relative path the repository tracks from its
    root, not from the notebook's folder, is most likely read from the root."""
    if text:
        name = text.removeprefix("./")
        if "/" in name:
            return ctx.tracking.tracked_from_root(name)
        return ctx.tracking.may_track(name)
    line = (site.cell, site.call.line)
    names = [t for c, n, t in unit.strings if (c, n) == line and _BARE_FILE_NAME.match(t)]
    return len(names) == 1 and ctx.tracking.may_track(names[0])


def _pinned_call(call: Call, unit: Unit, cell: int) -> bool:
    # ``version="latest"`` (Azure ML's ``Dataset.get_by_name``) takes whatever is newest.
    if any(_pins(unit, call.kwargs[k]) for k in set(call.kwargs) & _PIN_KWARGS):
        return True
    if ".option" in call.func and _time_travels(unit, cell, call.line):
        return True
    return cell in unit.version_cells


#: Delta Lake's time travel: a read of one version or of the table as of a time.
_TIME_TRAVEL = frozenset({"versionasof", "timestampasof"})


def _time_travels(unit: Unit, cell: int, line: int) -> bool:
    """Whether a Spark read chain sets a Delta time-travel option
    (``.option("versionAsOf", 3)``, ``.options(timestampAsOf=...)``)."""
    for site in unit.sites:
        call = site.call
        if site.cell != cell or call.line != line or call.attr not in ("option", "options"):
            continue
        keys = {k.lower() for k in call.kwargs}
        if call.args and call.args[0].kind == "str":
            keys.add(call.args[0].text.lower())
        if keys & _TIME_TRAVEL:
            return True
    return False


#: Spark writes that make a catalog table, and declarative pipelines' tables and views.
_TABLE_WRITES = frozenset({"saveAsTable", "toTable", "insertInto", "create_table"})


def _own_table(unit: Unit, source: Value | None) -> bool:
    """Whether a catalog table read by name is one the notebook makes: written with
    ``saveAsTable``, or defined by a pipeline's table or view function (named by its
    decorator's ``name=`` or by the function itself)."""
    name = unit.value_text(source)
    if not name:
        return False
    if name.rsplit(".", 1)[-1] in unit.defs:
        return True
    for site in unit.sites:
        call = site.call
        if call.attr in _TABLE_WRITES and unit.value_text(first_text(call)) == name:
            return True
        if ("table" in call.attr or "view" in call.attr) and unit.value_text(
            call.kwargs.get("name")
        ) == name:
            return True
    return False


def _pins(unit: Unit, value: Value) -> bool:
    """Whether a version argument names one version: not ``"latest"``, ``None`` or empty."""
    if value.kind == "none":
        return False
    if value.kind == "name":
        # A name bound to a literal is judged by it; one computed is taken to pin.
        text = unit.value_text(value)
        return not text or text.lower() not in _FLOATING
    return value.kind != "str" or value.text.lower() not in _FLOATING


#: Version arguments that name no version: the newest, whichever it is.
_FLOATING = frozenset({"latest", "newest", "current", "", "none"})


def _hashed_cells(unit: Unit) -> set[int]:
    """Cells that compute or check a content hash (they vouch for reads in or before them)."""
    cells = {s.cell for s in unit.sites if s.qualified.startswith("hashlib.")}
    cells |= {c for c, _, text in unit.shells if _HASH_SHELL.search(text)}
    return cells


#: A project's own loader handed a data file (``helper.load_data("./data/scripts.txt")``): its
#: name says it reads, its argument names the file.
_HELPER_LOADER = re.compile(r"^(load|read)_?(data|file|csv|text|corpus|df|dataframe)s?$")


#: A helper that fetches what it is handed (``download_data(url)``, MLRun's
#: ``get_dataitem(url)``): a download when that is a data file at a URL.
_HELPER_DOWNLOAD = re.compile(r"^(download|fetch)(_?\w+)?$|^get_?(data|dataset|dataitem|file)s?$")


def _remote_data_file(unit: Unit, call: Call, cell: int) -> bool:
    """A download helper's URL names a data file; or the URL is built in the call from a
    remote literal (``fetch_dataset(BASE_URL + zip_name, zip_name)``): a download all the same,
    of something the rule cannot name (so it is not reported), but what it fetches and unpacks
    is then known to be the download's."""
    given = first_text(call) or call.kwargs.get("url")
    url = unit.value_text(given)
    if url:
        return bool(_REMOTE.match(url)) and _DATA_FILE.search(url) is not None
    if given is not None and given.kind == "fstring":
        return bool(_REMOTE.match(given.text))
    return (
        given is not None
        and given.kind == "other"
        and any(
            c == cell and line == call.line and _REMOTE.match(text)
            for c, line, text in unit.strings
        )
    )


def _data_file_argument(call: Call) -> bool:
    value = first_text(call)
    return value is not None and value.kind == "str" and _DATA_FILE.search(value.text) is not None


def _reads(unit: Unit) -> list[tuple[Site, str, Value | None]]:
    """Calls that read a dataset: (site, what kind of read, the path argument)."""
    found: list[tuple[Site, str, Value | None]] = []
    for site in unit.sites:
        call, q = site.call, site.qualified
        if call.attr in DATA_READERS or q in ("numpy.load", "numpy.fromfile"):
            found.append((site, "file", first_text(call)))
        elif ".read." in f".{call.func}" and call.attr in _SPARK_FORMATS:
            if not (call.attr == "table" and _own_table(unit, first_text(call))):
                found.append((site, "file", first_text(call)))
        elif call.func == "spark.table" and not _own_table(unit, first_text(call)):
            found.append((site, "file", first_text(call)))
        elif q in _HTTP_GETS:
            kind = _http_read(unit, site)
            if kind:
                found.append((site, kind, first_text(call) or call.kwargs.get("url")))
        elif _HELPER_LOADER.match(call.attr) and _data_file_argument(call):
            found.append((site, "file", first_text(call)))
        elif _HELPER_DOWNLOAD.match(call.attr) and _remote_data_file(unit, call, site.cell):
            found.append((site, "download", first_text(call)))
        elif call.attr in ("download", "read_file") and "S3Downloader" in q:
            # SageMaker's ``S3Downloader.download(s3_uri, local_path)``.
            found.append((site, "download", call.kwargs.get("s3_uri") or first_text(call)))
        elif call.attr in _CHANNELS and q.startswith("sagemaker"):
            found.append((site, "channel", call.kwargs.get("s3_data") or first_text(call)))
        elif _AZURE_FILE_DATASET.search(q):
            found.append((site, "dataset", call.kwargs.get("path") or first_text(call)))
        elif call.attr in _DOWNLOADS:
            key = call.kwargs.get("Key") or (call.args[1] if len(call.args) > 1 else None)
            found.append((site, "download", key or first_text(call)))
        elif call.attr == "query" and (
            "bigquery" in unit.origin(call.func.rsplit(".", 1)[0]) or "bq" in call.root.lower()
        ):
            found.append((site, "query", first_text(call)))
        elif _DATASET_CREATE.search(q):
            source = call.kwargs.get("gcs_source") or call.kwargs.get("bq_source")
            found.append((site, "dataset", source))
        elif _FILE_DATASETS.match(q):
            found.append((site, "file", first_text(call)))
        elif q == "open" and _opens_data(call, unit, site.cell):
            found.append((site, "file", first_text(call)))
        elif call.attr == "load_dataset" and _from_workspace(unit, call):
            dataset = first_text(call)
            # By a literal id: a dataset kept there, as it is now. An id the notebook's own
            # code returned (its traces, its upload) is the notebook's own output.
            if dataset is not None and dataset.kind == "str":
                found.append((site, "asset", dataset))
        elif _AZURE_DATASET_GET.search(q) or _latest_data_asset(unit, site):
            named = call.args[1] if call.attr == "get_by_name" and len(call.args) > 1 else None
            found.append((site, "asset", call.kwargs.get("name") or named or first_text(call)))
        elif call.attr == "get_file" and q.startswith(("tensorflow.", "keras.")):
            found.append((site, "fetch", call.kwargs.get("origin") or first_text(call)))
        elif call.attr == "Input" and q.startswith("azure.ai.ml"):
            path = call.kwargs.get("path")
            text = unit.value_text(path)
            if _AZURE_UNPINNED_ASSET.match(text):
                found.append((site, "asset", path))
            elif _REMOTE.match(text) and _DATA_FILE.search(text):
                found.append((site, "download", path))
        elif (
            call.attr == "TabularDataset"
            and q.startswith("autogluon.")
            and unit.value_text(first_text(call))
        ):
            # A file or URL it is handed (a data frame it is handed is read elsewhere).
            found.append((site, "file", first_text(call)))
        elif call.attr == "BigQueryExampleGen":
            found.append((site, "query", call.kwargs.get("query") or first_text(call)))
        elif call.attr == "import_data" and set(call.kwargs) & {"gcs_source", "bq_source"}:
            source = call.kwargs.get("gcs_source") or call.kwargs.get("bq_source")
            found.append((site, "dataset", source))
        elif call.attr in _WEB_LOADERS and q.startswith(("langchain", "llama_index")):
            found.append((site, "scrape", first_text(call) or call.kwargs.get("web_path")))
    return found


#: An Azure ML v2 data asset named with no version, or at its ``@latest`` label: whatever
#: version is newest when the job runs (``azureml:credit_cards:3`` pins one).
_AZURE_UNPINNED_ASSET = re.compile(r"^azureml:(?!//)[\w.-]+(?:@latest)?$")
#: Loaders that read live web pages into documents (LangChain, LlamaIndex).
_WEB_LOADERS = frozenset(
    {
        "WebBaseLoader",
        "RecursiveUrlLoader",
        "SitemapLoader",
        "AsyncHtmlLoader",
        "SimpleWebPageReader",
    }
)


#: A local data file named on a job's command line (``python train.py --data diabetes.csv``).
_COMMAND_DATA_FILE = re.compile(r"^[\w./-]+\.(csv|tsv|parquet|jsonl|xlsx?|feather)$", re.I)


def _job_command_files(unit: Unit) -> list[tuple[Site, str, str]]:
    """Local data files a job is told to read on its command line (Azure ML ``command(...,
    command="python train.py --training_data diabetes.csv")``): (site, file, its path in the
    job's code folder)."""
    found = []
    for site in unit.sites:
        command = unit.value_text(site.call.kwargs.get("command"))
        if not command:
            continue
        code = unit.value_text(site.call.kwargs.get("code")).strip("./")
        for word in command.split():
            word = word.strip("'\"")
            if _COMMAND_DATA_FILE.match(word) and not word.startswith(("/", "~")):
                found.append((site, word, f"{code}/{word}" if code else word))
    return found


#: Python HTTP reads.
_HTTP_GETS = frozenset({"requests.get", "urllib.request.urlopen", "httpx.get"})
_IMAGE_FILE = re.compile(r"\.(jpe?g|png|gif|bmp|tiff?|webp)(\?|$)", re.I)


def _http_read(unit: Unit, site: Site) -> str:
    """What an HTTP GET reads as data: a data file or an image at a URL (``"download"``), or a
    live web page parsed for its content (``"scrape"``); empty for an API call."""
    call = site.call
    url = unit.value_text(first_text(call) or call.kwargs.get("url"))
    if _REMOTE.match(url) and (_DATA_FILE.search(url) or _IMAGE_FILE.search(url)):
        return "download"
    parsed = any(
        s.call.attr == "BeautifulSoup" and set(call.targets) & set(s.call.names) for s in unit.sites
    )
    return "scrape" if call.targets and parsed else ""


def _unversioned_channel(unit: Unit, source: Value | None, text: str) -> bool:
    """A job channel on data the notebook did not make: a literal S3 prefix no copy in the
    notebook uploads to, or a prefix restored (``%store -r``) from the notebook that made it
    with no version. A channel on the notebook's own upload is judged where the data is read."""
    if text:
        return text.startswith("s3://") and not any(
            text in command for _, _, command in unit.shells if _CLOUD_COPY.match(command)
        )
    if source is None or source.kind != "name":
        return False
    restored = any(_STORE_RESTORE.match(command) for _, _, command in unit.shells)
    return restored and source.text not in unit.bound_names


def _fetches_release(call: Call, unit: Unit) -> bool:
    """A download whose URL, in any argument (``urlretrieve(url, "local.tgz")``,
    ``get_file("local.tgz", url)``), names a release."""
    return any(_release(unit.value_text(v)) for v in (*call.args, *call.kwargs.values()))


def _opens_data(call: Call, unit: Unit, cell: int) -> bool:
    """``open("data/train.csv")`` for reading (a write makes an output, not a source), also of
    a path built from a data file's name (``open(os.path.join(data_dir, "train.csv"))``)."""
    path = call.args[0] if call.args else None
    mode = call.args[1] if len(call.args) > 1 else call.kwargs.get("mode")
    if path is None:
        return False
    if path.kind == "str":
        if not _OPENED_DATA.search(path.text):
            return False
    elif not _OPENED_DATA.search(_built_file_name(unit, cell, call.line, path)):
        return False
    return mode is None or not set(mode.text) & set("wax+")


def _built_file_name(unit: Unit, cell: int, line: int, path: Value | None) -> str:
    """The data file a path built at run time names (``data_dir + "/items.csv"``,
    ``fname = os.path.join(data_dir, "jena.csv")``): the one data-file literal on the line that
    builds it, or empty when there is none or more than one."""
    where = _path_parts(unit, cell, line, path)
    if where is None:
        return ""
    cell, line, folders = where
    # A folder a call made (``untar_data(...)``, ``get_file(...)``) holds fetched data, judged
    # where it is fetched; only folders given as text or built with os.path/pathlib count.
    if any(not o.startswith(_PATH_BUILDERS) for n in folders for o in unit.origins.get(n, ())):
        return ""
    names = [t for c, n, t in unit.strings if c == cell and n == line and _DATA_FILE.search(t)]
    return names[0].rsplit("/", 1)[-1] if len(names) == 1 else ""


def _path_parts(
    unit: Unit, cell: int, line: int, path: Value | None
) -> tuple[int, int, tuple[str, ...]] | None:
    """Where a path built at run time is built (its cell and line) and the names it is built
    from: the assignment a name was last bound by, or the call's own line."""
    if path is None:
        return None
    if path.kind == "name":
        built = [(c, a) for c, a in unit.assigns if a.target == path.text and c <= cell]
        if not built or unit.literal(path.text):
            return None
        cell, assign = built[-1]
        return cell, assign.line, assign.value.names
    if path.kind in ("call", "other"):
        return (
            cell,
            line,
            tuple(
                n
                for s in unit.sites
                if s.cell == cell and s.call.line == line
                for n in s.call.names
            ),
        )
    return None


def _folder_handed_in(unit: Unit, site: Site, source: Value | None) -> bool:
    """A script's path built on a folder it is handed when it runs (an argument, a channel's
    environment variable, a parameter of its function): the job's input, whose version is
    judged where the notebook hands it to the job. A folder bound to a literal is the script's
    own choice and is judged here."""
    where = _path_parts(unit, site.cell, site.call.line, source)
    folders = where[2] if where else ()
    receiver = site.call.root if "." in site.call.func else ""
    folders = tuple(n for n in folders if n != receiver and n not in unit.imports)
    return bool(folders) and all(_handed_in(unit, n) for n in folders)


#: Where a script is handed what it runs on: its command line and its environment.
_RUN_INPUTS = ("argparse.", "os.environ", "os.getenv", "sys.argv")


def _handed_in(unit: Unit, name: str, depth: int = 3) -> bool:
    """A name a script is handed when it runs: a parameter of its functions (bound nowhere in
    it), its parsed arguments or environment, or a name made from those alone."""
    if name in unit.imports:
        return False
    if name not in unit.bound_names:
        return True
    if unit.literal(name) or depth == 0:
        return False
    if any(o.startswith(_RUN_INPUTS) for o in unit.ancestry(name)):
        return True
    values = [a.value for _, a in unit.assigns if a.target == name]
    return bool(values) and all(
        v.names and all(n != name and _handed_in(unit, n, depth - 1) for n in v.names)
        for v in values
    )


#: Calls that build a path from text, not fetch what it points at.
_PATH_BUILDERS = ("os.path.", "os.getcwd", "pathlib.", "os.environ", "str")


#: Platforms whose workspace keeps datasets by id that grow or change (Evidently Cloud).
_DATASET_WORKSPACES = ("evidently.",)


def _from_workspace(unit: Unit, call: Call) -> bool:
    """``client.load_dataset(dataset_id)`` on a platform workspace: the dataset as it is now."""
    receiver = call.func.rsplit(".", 1)[0] if "." in call.func else ""
    return bool(receiver) and any(
        o.startswith(_DATASET_WORKSPACES) for o in unit.ancestry(receiver)
    )


def _latest_data_asset(unit: Unit, site: Site) -> bool:
    """Azure ML v2 ``ml_client.data.get(name, label="latest")``: whatever version is newest."""
    call = site.call
    if call.attr != "get" or not call.func.endswith(".data.get"):
        return False
    label = call.kwargs.get("label")
    client = call.func.split(".", 1)[0]
    made_by_azure = any(o.startswith("azure.ai.ml") for o in unit.ancestry(client))
    return made_by_azure and label is not None and "latest" in label.text


def _download_source(command: str) -> str:
    """The remote source of a shell copy or download, or empty when it uploads or is not data."""
    source = _remote_source(command)
    if _ARTEFACT.search(source.rstrip("/")) or _release(source):
        return ""
    return source


def _resolved(unit: Unit, source: str) -> str:
    """A copy's source whose head is a variable (``$raw_uri``, ``{data_dir}``), as the literal
    bound to it; empty when nothing says what it holds (a ``%%bash -s`` argument ``$1``, a job's
    output path): where the rule cannot tell data from a report, it says nothing."""
    head = interpolated_head(source)
    if head is None:
        return source
    name, rest = head
    literal = unit.literal(name)
    if not _REMOTE.match(literal) or _ARTEFACT.search(literal.rstrip("/")) or _release(literal):
        return ""  # unknown, an upload of a local file, an artefact or a release
    return literal + rest


@lru_cache(maxsize=65536)
def _remote_source(command: str) -> str:
    match = _CLOUD_COPY.match(command)
    if match:
        try:
            words = [w for w in shlex.split(match.group(2)) if not w.startswith("-")]
        except ValueError:
            words = [w for w in match.group(2).split() if not w.startswith("-")]
        if len(words) < 2:
            return ""
        src = words[0]
        if "--version-id" in command or "#" in src:
            return ""
        if _REMOTE.match(src) or src.startswith(("$", "{")):
            return src  # a variable is judged by what it is bound to (``_resolved``)
        return ""
    match = _HTTP_GET.match(command)
    if match and "|" not in command:
        for word in match.group(2).split():
            url = word.strip("'\"")
            if _REMOTE.match(url) and _DATA_FILE.search(url):
                return url
    return ""


#: Options of wget and curl that name the file written (``-O cars.csv``, ``--output x``).
_OUTPUT_OPTIONS = frozenset({"-O", "-o", "--output", "--output-document"})


def _destination(command: str) -> str:
    """The local file name a shell download writes to: the file its output option names, else
    its last word's base name (``wget URL`` keeps the URL's name)."""
    words = command.split()
    for option, value in pairwise(words):
        if option in _OUTPUT_OPTIONS:
            return value.strip("'\"").rsplit("/", 1)[-1]
    return words[-1].strip("'\"").rstrip("/").rsplit("/", 1)[-1] if words else ""


def _pinned_download(command: str) -> bool:
    """A shell download of a named release or a commit (its local copy is that version)."""
    return _release(_remote_source(command))


#: Unpacking an archive: Python's archive modules, and the shell's unzip and tar.
_UNPACKS = frozenset({"extractall", "unpack_archive"})
_SHELL_UNPACK = re.compile(r"^\s*(unzip|tar\s+(-\w*x|x)\w*|gunzip|7z\s+x)\b")


def _unpacked_download(unit: Unit, reads: list[tuple[Site, str, Value | None]]) -> int | None:
    """The first cell that unpacks an archive after the notebook fetched one (in that cell or
    an earlier one), or ``None``. A bare file name read after it may be the archive's content,
    whose version is the download's: judged where it is fetched, not again where it is read."""
    fetched = [s.cell for s, kind, _ in reads if kind in ("download", "fetch")]
    fetched += [c for c, _, t in unit.shells if _remote_source(t)]
    if not fetched:
        return None
    unpacks = [s.cell for s in unit.sites if s.call.attr in _UNPACKS]
    unpacks += [c for c, _, t in unit.shells if _SHELL_UNPACK.match(t)]
    after = [c for c in unpacks if c >= min(fetched)]
    return min(after) if after else None


def check(ctx: NotebookContext) -> CheckResult:
    dvc_pulled = False
    for unit in ctx.units:
        for cell, _, text in unit.shells:
            if _DVC_SHELL.match(text):
                dvc_pulled = True
                yield Proof("MLOPS03-BP02", cell, f"restores versioned data with `{text[:60]}`")
    for unit in ctx.units:
        hashed = _hashed_cells(unit)
        written = written_files(unit)
        # A file fetched by a flagged download is not flagged again when it is read.
        fetched = {_destination(t) for _, _, t in unit.shells if _download_source(t)}
        released = {_destination(t) for _, _, t in unit.shells if _pinned_download(t)}
        for site in unit.sites:
            q = site.qualified
            # A library's bundled dataset is not flagged, nor credited: nothing pins its version.
            if q.startswith(BUNDLED_DATA_MODULES):
                continue
            if q.startswith("dvc.api."):
                yield Proof(
                    "MLOPS03-BP02", site.cell, f"reads DVC-versioned data ({site.call.func})"
                )
            elif q.startswith("mlflow.data.") or site.call.attr == "log_input":
                yield Proof(
                    "MLSEC03-BP04", site.cell, f"records the dataset used ({site.call.func})"
                )
        reads = _reads(unit)
        unpacked = _unpacked_download(unit, reads)
        # What a pinned read returns, and cells that open DVC-versioned data, read pinned data.
        pinned_names = {
            t for s, _, _ in reads if _pinned_call(s.call, unit, s.cell) for t in s.call.targets
        }
        # A handle fetched at a version in one cell (``asset = ml_client.data.get(name,
        # version="2")``) is read pinned in any later one (``pd.read_parquet(asset.path)``).
        pinned_names |= {
            t for s in unit.sites if set(s.call.kwargs) & _PIN_KWARGS for t in s.call.targets
        }
        dvc_cells = {s.cell for s in unit.sites if s.qualified.startswith("dvc.api.")}
        downloaded = {t for s, kind, _ in reads if kind == "download" for t in s.call.targets}
        for s, kind, _ in reads:  # download_file(bucket, key, "local.csv"): the local copy
            if kind == "download":
                fetched.update(
                    unit.value_text(v).rsplit("/", 1)[-1]
                    for v in (*s.call.args, *s.call.kwargs.values())
                    if unit.value_text(v)
                )
        for site, kind, source in reads:
            call, cell = site.call, site.cell
            shown, text = _shown(source, unit)
            if kind == "channel" and not _unversioned_channel(unit, source, text):
                continue
            if source is not None and source.kind == "call" and source.text.endswith(_IN_MEMORY):
                continue
            built = "" if text else _built_file_name(unit, cell, call.line, source)
            if built and unit.is_script and _folder_handed_in(unit, site, source):
                continue  # a job's input channel (``os.path.join(args.train, "x.npy")``)
            if built:
                if ctx.tracking.may_track(built) or built in {
                    w.rsplit("/", 1)[-1] for w in written
                }:
                    continue
                shown = text = built  # the file is known by its name, wherever its folder is
            if (text and _ARTEFACT.search(text)) or set(call.names) & downloaded:
                continue  # a model file, or the body of a download already reported
            if not text and _built_from_artefacts(unit, call, source):
                continue  # a checkpoint fetched, or what the notebook's own job wrote
            if (text and _release(text)) or (
                kind in ("download", "fetch") and _fetches_release(call, unit)
            ):
                yield Proof("MLOPS03-BP02", cell, f"reads a named release ({shown[:60]})")
                continue
            if kind == "dataset" and shown == "a computed path":
                shown = "datastore files"  # a managed dataset over files, whichever they are
            if shown == "a computed path" or (
                source is not None and source.kind == "call" and source.text == "open"
            ):
                continue  # what is read cannot be told: say nothing rather than guess
            if source is not None and _star_imported(unit, source):
                continue  # a path a module of the repository defines: cannot be told either
            if kind == "download" and RUN_OUTPUTS.search(call.func.rsplit(".", 1)[0]):
                continue  # a run's own outputs, not a data source
            if _pinned_call(call, unit, cell) or (kind == "fetch" and "file_hash" in call.kwargs):
                yield Proof("MLOPS03-BP02", cell, f"reads a pinned version of {shown[:60]}")
                continue
            if cell in dvc_cells or set(call.names) & pinned_names:
                continue
            if kind == "query":
                sql = text or " ".join(t for c, _, t in unit.strings if c == cell)
                if _PINNED_SQL.search(sql):
                    yield Proof("MLOPS03-BP02", cell, "queries a table snapshot")
                    continue
            if text and ctx.tracking.is_versioned(text):
                archive = ctx.tracking.archive_of(text)
                if archive and text.lstrip("./") in written:
                    continue  # the notebook writes it itself: not shown as the archive's copy
                how = f"is unpacked from {archive}, tracked by git" if archive else ""
                yield Proof("MLOPS03-BP02", cell, f"{text} {how or 'is tracked by git or DVC'}")
                continue
            if _tracked_elsewhere(ctx, unit, site, text):
                continue  # the repository keeps a file of that name: say nothing rather than guess
            if dvc_pulled or cell in hashed or cell + 1 in hashed:
                continue
            if text and text.lstrip("./") in written:
                continue
            if text and ctx.tracking.neighbours.writer_of(text):
                continue  # made by a notebook beside this one: judged where it is made
            if kind != "download" and text and text.rsplit("/", 1)[-1] in fetched:
                continue
            if (
                kind != "download"
                and unpacked is not None
                and cell >= unpacked
                and text
                and "/" not in text.lstrip("./")
                and not _PUBLISHED.match(text)
            ):
                continue  # a file of the archive unpacked above: its version is the download's
            if kind != "download" and text and text.rsplit("/", 1)[-1] in released:
                yield Proof("MLOPS03-BP02", cell, f"reads {shown[:60]}, a named release fetched")
                continue
            if unit.is_script and not text:
                continue  # a job's input channel, given by the notebook that launches the job
            if unit.is_script and "/" not in text.lstrip("./") and ctx.tracking.may_track(text):
                continue  # a job script reads the copy of a file the repository tracks
            yield Hit(cell, call.line, _message(kind, shown, call.func))
        if unit.is_script:
            continue
        for site, name, path in _job_command_files(unit):
            if ctx.tracking.is_versioned(path) or dvc_pulled or name in written:
                continue
            yield Hit(
                site.cell,
                site.call.line,
                f"hands the local file `{name}` to a job on its command line "
                f"({site.call.func}()) with no version pin",
            )
        for cell, line, command in unit.shells:
            fetched_from = _resolved(unit, _download_source(command))
            if fetched_from and cell not in hashed and cell + 1 not in hashed and not dvc_pulled:
                yield Hit(
                    cell, line, f"downloads `{fetched_from[:80]}` with no version pin or checksum"
                )
        for cell, line, holder in [] if dvc_pulled else _workspace_datasets(unit):
            if cell in unit.version_cells:
                continue
            named = next((t for c, n, t in unit.strings if (c, n) == (cell, line)), "")
            yield Hit(
                cell,
                line,
                f"gets the dataset `{named[:80]}` from {holder} by name and no version: the "
                "latest one is read",
            )
        for view in ctx.code_cells():
            if view.facts is not None and view.facts.cell_magic == "bigquery":
                yield Hit(view.index, 1, "queries a BigQuery table with no snapshot or version")


def _workspace_datasets(unit: Unit) -> list[tuple[int, int, str]]:
    """Azure ML v1 datasets fetched by name (``ws.datasets["name"]``), the workspace's latest
    version: kept in a name, or used in the call that fetches them
    (``ws.datasets["name"].as_named_input(...)`` handed to a job). (cell, line, holder)."""
    found = [
        (cell, a.line, a.value.text[:-2])
        for cell, a in unit.assigns
        if a.value.kind == "other" and a.value.text.endswith(".datasets[]")
    ]
    if unit.uses("azureml"):
        seen: set[tuple[int, int]] = set()
        for site in unit.sites:
            head, used, _ = site.call.func.partition(".datasets[].")
            if used and (site.cell, site.call.line) not in seen:
                seen.add((site.cell, site.call.line))
                found.append((site.cell, site.call.line, f"{head}.datasets"))
    return found


def _star_imported(unit: Unit, source: Value) -> bool:
    """A path held in a name the unit never binds while it imports every name of a module
    (``from config import *`` then ``pd.read_csv(TRAIN_CSV)``): the module defines it, out of
    sight, and so what it names."""
    if source.kind != "name" or "." in source.text or "*" not in unit.imports:
        return False
    if source.text in unit.defs:
        return False
    return source.text not in unit.bound_names


def _message(kind: str, shown: str, func: str) -> str:
    shown = shown[:100]
    if kind == "query":
        return f"queries a table with {func}() and no snapshot or version pin"
    if kind == "scrape":
        return f"scrapes a live web page ({shown}) with {func}(): no snapshot of it is kept"
    if kind == "channel":
        return f"hands a training job the S3 data `{shown}` with {func}() and no version pin"
    if kind == "dataset":
        return f"creates a managed dataset from `{shown}` with {func}(), which is not a snapshot"
    if kind == "asset":
        return f"gets the dataset `{shown}` with {func}() and no version: the latest one is read"
    if kind == "download":
        return f"downloads `{shown}` with {func}() and no version pin"
    if kind == "fetch":
        return f"fetches `{shown}` with {func}() and no `file_hash=`"
    return f"reads `{shown}` with {func}() and no version pin"


RULE = Rule(
    code="MLW001",
    name="unversioned-data",
    summary="Data is read from a path, URL, table or bucket with no version pin",
    severity="warning",
    pillars=("operational-excellence", "security", "reliability"),
    best_practices=("MLOPS03-BP02", "MLSEC03-BP04", "MLREL02-BP03"),
    fix="Read a pinned version: an S3 `VersionId`, a GCS generation, a DVC- or git-tracked "
    "file, a dataset revision or table snapshot, or record and check the file's content hash.",
    doc="""\
## What it does
Flags data read from a local path, a URL, a database or warehouse table, or an object store
(pandas, NumPy and Spark readers, catalog tables by name (`spark.table("sales")`, not one
the notebook writes or defines itself), boto3, SageMaker `S3Downloader` and Cloud Storage downloads,
HTTP GETs of data files and images, live web pages scraped with BeautifulSoup, datasets
fetched by id or name from a workspace (Azure ML, Evidently Cloud) with no version, also where
the fetch is handed straight to a job (`ws.datasets["name"].as_named_input("x")`),
BigQuery queries (also a TFX `BigQueryExampleGen`'s), `aws s3 cp`, `gsutil cp`, `wget` of data
files and documents, managed datasets created or imported from files (Vertex, Azure ML v1
`Dataset.Tabular.from_*`), Azure ML v2 `Input`s on a data asset with no version or at `@latest`,
AutoGluon's `TabularDataset` of a file or URL, a project helper handed a data file at a URL
(`download_data(url)`), web pages loaded into documents (LangChain's `WebBaseLoader`), SageMaker
training channels on S3 data the notebook did not make, a local data file named on a job's
command line) when nothing pins which
version was read: no S3 `VersionId`, GCS generation, dataset `revision=`, table snapshot
(`FOR SYSTEM_TIME AS OF`, Delta's `VERSION AS OF` or `.option("versionAsOf", 3)`), no git or DVC tracking of the file (checked in the repository that
holds the notebook), and no content hash computed next to the read. A path built at run time
from a folder and a data file's name (`os.path.join(data_dir, "train.csv")`) names that file.
Datasets bundled with a library (`sklearn.datasets`, `keras.datasets`, Hugging Face hub datasets
and files), URLs that name a release (`aclImdb_v1.tar.gz`, `/releases/download/v1.8.2/`, a
commit hash in a raw URL) and the local copies they are downloaded to, and fetchers that verify
a checksum (`get_file(..., file_hash=...)`) count as versioned, and so does an OpenML data file
by its id; a version in a bucket key's or a local file's name does not (the object can be
overwritten under it). A read whose path cannot be told is not flagged, nor one by a bare file
name (or a computed path with one file-name literal) that the repository tracks in another
folder, nor a file unpacked from an archive of its name the repository tracks
(`Data/cards.csv` beside a tracked `Data/cards.zip`), nor a path built from a checkpoint or
model folder (an artefact) or from a batch transform's output, nor a shell copy whose source is
a variable bound to no literal (a `%%bash -s` argument `$1`, a job's output path), nor a path
held in a name the notebook never binds while it imports a module's every name
(`from config import *`), nor a download of a fine-tuned model. A download helper handed a URL
built in the call (`fetch_dataset(BASE_URL + name, name)`) is a download: what it unpacks is
judged there. Files the notebook writes itself or a notebook beside it in the same folder
writes (judged where they are made), a file read by its bare name after the notebook fetched
an archive and unpacked it (judged at the download), and the input channels a job script
receives (also a file joined onto the folder it is handed: `os.path.join(args.train,
"x.npy")`, a function's parameter, `SM_CHANNEL_TRAIN`), are not counted again.

## Why is this bad?
A model is only reproducible and auditable if the exact data it learnt from can be found again.
A file or bucket key that changes under the same name silently changes every result.

## Example
```python
df = pd.read_csv("s3://my-bucket/churn/train.csv")
```

## Use instead
```python
df = pd.read_csv(dvc.api.get_url("data/train.csv", rev="v1.2"))
```

## Suppress
`# mlwa: ignore[MLW001] reason` in the cell, or the cell tag `mlwa-ignore:MLW001`.
""",
    check=check,
)
