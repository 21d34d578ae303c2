"""Analyse notebook files: read, analyse, collect errors, use every core for many notebooks."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence

from mlwa_notebook import __version__
from mlwa_notebook.config import Config
from mlwa_notebook.engine import AnalysisCache, analyze_notebook
from mlwa_notebook.errors import MlwaError, NotebookError
from mlwa_notebook.files import read_regular
from mlwa_notebook.lens import Lens, load_lens
from mlwa_notebook.notebook import parse_json
from mlwa_notebook.repo import data_tracking
from mlwa_notebook.report import ErrorRecord, NotebookReport, Report

#: Below this many notebooks, starting worker processes costs more than it saves.
PARALLEL_FROM = 16

Outcome = NotebookReport | ErrorRecord


def check_file(
    path: str, config: Config, lens: Lens | None = None, cache: AnalysisCache | None = None
) -> Outcome:
    """The report for one notebook file, or the error that says why there is none."""
    try:
        data = read_regular(path)
    except FileNotFoundError:
        return ErrorRecord(path, "no such file")
    except IsADirectoryError:
        return ErrorRecord(path, "is a folder, not a notebook")
    except OSError as exc:
        return ErrorRecord(path, f"cannot read the file: {exc.strerror}")
    try:
        raw = parse_json(data, path)
        return analyze_notebook(
            raw, path=path, config=config, lens=lens, tracking=data_tracking(path), cache=cache
        )
    except NotebookError as exc:
        return ErrorRecord(exc.path, exc.message, exc.cell_index)
    except MlwaError as exc:
        return ErrorRecord(path, str(exc))
    except Exception as exc:  # one notebook's crash must not lose the others' results
        return ErrorRecord(path, f"internal error ({type(exc).__name__}: {exc}); please report it")


def _worker(args: tuple[list[str], Config]) -> list[Outcome]:
    paths, config = args
    lens = load_lens(config.lenses)
    cache = AnalysisCache()
    return [check_file(p, config, lens, cache) for p in paths]


def check_paths(
    paths: Sequence[str],
    config: Config,
    jobs: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Report:
    """Analyse every notebook in ``paths``; the order of the report follows ``paths``."""
    lens = load_lens(config.lenses)  # fails early, once, on a bad custom lens
    workers = jobs or os.cpu_count() or 1
    outcomes: list[Outcome] = []
    if workers > 1 and len(paths) >= PARALLEL_FROM:
        # Imported here: multiprocessing costs a one-notebook run a tenth of its start-up.
        from concurrent.futures import ProcessPoolExecutor

        size = max(4, len(paths) // (workers * 4))
        batches = [list(paths[i : i + size]) for i in range(0, len(paths), size)]
        with ProcessPoolExecutor(max_workers=workers) as pool:
            for batch in pool.map(_worker, [(b, config) for b in batches]):
                outcomes.extend(batch)
                if progress:
                    progress(len(outcomes), len(paths))
    else:
        cache = AnalysisCache()
        for path in paths:
            outcomes.append(check_file(path, config, lens, cache))
            if progress:
                progress(len(outcomes), len(paths))
    return Report(
        notebooks=tuple(o for o in outcomes if isinstance(o, NotebookReport)),
        errors=tuple(o for o in outcomes if isinstance(o, ErrorRecord)),
        tool_version=__version__,
    )
