"""Analyse notebook files: read, analyse, collect errors, use every core for many notebooks.

Results stream in the order of the paths (``iter_outcomes``), so ``--format jsonl`` holds one
window of notebooks at a time however many there are. With a ``ResultCache`` the notebooks
unchanged since the last run are answered from it and only the others are analysed; when
every one is answered, the analysis (rules, lens, phase model) is never imported.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from mlwa_notebook import __version__
from mlwa_notebook.config import Config
from mlwa_notebook.errors import MlwaError, NotebookError
from mlwa_notebook.files import local_path, read_notebook_bytes
from mlwa_notebook.report import ErrorRecord, NotebookReport, Report

if TYPE_CHECKING:
    from mlwa_notebook.engine import AnalysisCache
    from mlwa_notebook.lens import Lens
    from mlwa_notebook.resultcache import ResultCache

#: Below this many notebooks to analyse, starting worker processes costs more than it saves.
PARALLEL_FROM = 16
#: Notebooks looked up and analysed together: bounds what a streamed run holds in memory.
WINDOW = 2048

Outcome = NotebookReport | ErrorRecord


def check_file(
    path: str,
    config: Config,
    lens: Lens | None = None,
    cache: AnalysisCache | None = None,
    results: ResultCache | None = None,
) -> Outcome:
    """The report for one notebook file (or fsspec URL), or the error that says why there is none.

    With ``results``, a notebook whose bytes and outside inputs are those of a stored result
    gets that result, and a new result is stored.
    """
    from mlwa_notebook.resultcache import content_digest, stat_of

    stat = stat_of(path) if results is not None else None
    try:
        data = read_notebook_bytes(path)
    except FileNotFoundError:
        return ErrorRecord(path, "no such file")
    except IsADirectoryError:
        return ErrorRecord(path, "is a folder, not a notebook")
    except OSError as exc:
        return ErrorRecord(path, f"cannot read the file: {exc.strerror or exc}")
    except Exception as exc:  # a remote file system's own error (credentials, network)
        return ErrorRecord(path, f"cannot read the file: {type(exc).__name__}: {exc}")
    digest = content_digest(data) if results is not None else ""
    if results is not None:
        found = results.lookup_content(path, digest)
        if found is not None:
            if stat is not None:
                results.store(path, stat, digest, found)  # the new time: next run skips the read
            return found
    outcome = _analyse_bytes(path, data, config, lens, cache)
    if results is not None and stat is not None and isinstance(outcome, NotebookReport):
        results.store(path, stat, digest, outcome)
    return outcome


def _analyse_bytes(
    path: str, data: bytes, config: Config, lens: Lens | None, cache: AnalysisCache | None
) -> Outcome:
    from mlwa_notebook.engine import analyze_notebook
    from mlwa_notebook.notebook import parse_json
    from mlwa_notebook.repo import data_tracking
    from mlwa_notebook.rules.base import DataTracking

    try:
        raw = parse_json(data, path)
        local = local_path(path)
        # The neighbours' code is read through the same cache: they are analysed here too.
        facts_of = cache.code_facts if cache is not None else None
        tracking = data_tracking(local, facts_of) if local is not None else DataTracking()
        return analyze_notebook(
            raw, path=path, config=config, lens=lens, tracking=tracking, cache=cache
        )
    except NotebookError as exc:
        return ErrorRecord(exc.path, exc.message, exc.cell_index)
    except MlwaError as exc:
        return ErrorRecord(path, str(exc))
    except Exception as exc:  # one notebook's crash must not lose the others' results
        return ErrorRecord(path, f"internal error ({type(exc).__name__}: {exc}); please report it")


class Analyser:
    """What analysing needs, made once per process: the lens, the per-cell cache, the results."""

    def __init__(self, config: Config, results: ResultCache | None) -> None:
        from mlwa_notebook.engine import AnalysisCache
        from mlwa_notebook.lens import load_lens

        self.config = config
        self.lens = load_lens(config.lenses)
        self.cache = AnalysisCache()
        self.results = results

    def __call__(self, path: str) -> Outcome:
        return check_file(path, self.config, self.lens, self.cache, self.results)


#: The worker process's analyser, made by its initializer: per process, never shared.
_WORKER: dict[str, Analyser] = {}


def _start_worker(config: Config, results: ResultCache | None) -> None:
    _WORKER["analyser"] = Analyser(config, results)


def _in_worker(paths: Sequence[str]) -> list[Outcome]:
    analyser = _WORKER["analyser"]
    return [analyser(p) for p in paths]


def batches(paths: Sequence[str], size: int) -> list[list[str]]:
    """``paths`` in order, cut into batches for the workers: a folder's notebooks stay in one
    batch (each reads the others as its neighbours: one worker reads them once, where two would
    each read them), small folders share one, and a folder too big to be a project (whose
    notebooks read no neighbours) is cut every ``size`` notebooks."""
    from mlwa_notebook.neighbours import MAX_NEIGHBOURS

    folders: list[list[str]] = []
    for path in paths:
        folder = os.path.dirname(path)
        if folders and os.path.dirname(folders[-1][0]) == folder:
            folders[-1].append(path)
        else:
            folders.append([path])
    out: list[list[str]] = []
    for group in folders:
        if len(group) > MAX_NEIGHBOURS + 1:
            out.extend(group[i : i + size] for i in range(0, len(group), size))
        elif out and len(out[-1]) + len(group) <= size:
            out[-1].extend(group)
        else:
            out.append(group)
    return out


def _local_analysis(analyser: Analyser | None, misses: Sequence[str]) -> Iterator[Outcome]:
    assert analyser is not None
    return map(analyser, misses)


def iter_outcomes(
    paths: Sequence[str],
    config: Config,
    jobs: int | None = None,
    results: ResultCache | None = None,
) -> Iterator[Outcome]:
    """Each notebook's outcome, in the order of ``paths``, as soon as it and those before are."""
    workers = jobs or os.cpu_count() or 1
    pool: Any = None
    analyser: Analyser | None = None
    try:
        for start in range(0, len(paths), WINDOW):
            window = paths[start : start + WINDOW]
            found = [results.lookup(p) if results is not None else None for p in window]
            misses = [p for p, f in zip(window, found, strict=True) if f is None]
            analysed: Iterator[Outcome] = iter(())
            if misses:
                if analyser is None:
                    # Made in the parent even when workers analyse: a bad custom lens fails
                    # here, once, with its own message.
                    analyser = Analyser(config, results)
                if pool is None and workers > 1 and len(misses) >= PARALLEL_FROM:
                    # Imported here: multiprocessing costs a one-notebook run a tenth of its
                    # start-up. Each worker loads the lens and the model once (initializer).
                    from concurrent.futures import ProcessPoolExecutor

                    pool = ProcessPoolExecutor(
                        max_workers=workers, initializer=_start_worker, initargs=(config, results)
                    )
                if pool is not None and len(misses) >= PARALLEL_FROM:
                    size = max(1, min(32, len(misses) // (workers * 8)))
                    done = pool.map(_in_worker, batches(misses, size))
                    analysed = (outcome for batch in done for outcome in batch)
                else:
                    analysed = _local_analysis(analyser, misses)
            for hit in found:
                yield hit if hit is not None else next(analysed)
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)


def check_paths(
    paths: Sequence[str],
    config: Config,
    jobs: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    results: ResultCache | None = None,
) -> Report:
    """Analyse every notebook in ``paths``; the order of the report follows ``paths``."""
    outcomes: list[Outcome] = []
    for outcome in iter_outcomes(paths, config, jobs, results):
        outcomes.append(outcome)
        if progress:
            progress(len(outcomes), len(paths))
    return collect(outcomes)


def collect(outcomes: Sequence[Outcome]) -> Report:
    """The run's report from its outcomes, in their order."""
    return Report(
        notebooks=tuple(o for o in outcomes if isinstance(o, NotebookReport)),
        errors=tuple(o for o in outcomes if isinstance(o, ErrorRecord)),
        tool_version=__version__,
    )
