"""``mlwa check`` on a Dask cluster: the same report as a local run, over any number of notebooks.

```python
from dask.distributed import Client
from mlwa_notebook.config import Config
from mlwa_notebook.discovery import find_notebooks
from mlwa_notebook.distributed import check_on_dask

client = Client("tcp://scheduler:8786")
paths = list(find_notebooks(["s3://bucket/notebooks"]))
report = check_on_dask(client, paths, Config())       # or iter_outcomes_on(...) to stream
```

Dask schedules, moves and retries the work; this module only cuts the paths into batches
(a task a batch: a task per notebook would cost more in scheduling than in analysis) and keeps
a bounded number of them in flight, so memory stays flat however many notebooks there are.
Workers read the notebooks themselves (paths on a shared file system, or fsspec URLs), load
the lens and phase model once per worker thread, and send back the reports in path order.
Needs ``pip install "mlwa-notebook[dask]"``.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

from mlwa_notebook.config import Config
from mlwa_notebook.errors import UsageError

if TYPE_CHECKING:
    from mlwa_notebook.report import Report
    from mlwa_notebook.runner import Analyser, Outcome

#: Notebooks a task analyses: large enough that scheduling is a small share of a task.
BATCH = 32
#: Batches in flight per worker thread: enough to keep every thread busy between results.
AHEAD = 4

#: One analyser per worker thread and configuration (the lens and model are loaded once).
_ANALYSERS: dict[tuple[int, str], Analyser] = {}


def connect(address: str) -> Any:
    """A Dask client for the scheduler at ``address``, with a message that names the fix."""
    try:
        from distributed import Client
    except ImportError as exc:
        raise UsageError(
            '--dask needs Dask: pip install "mlwa-notebook[dask]" (dask and distributed)'
        ) from exc
    try:
        return Client(address, timeout="30s")  # type: ignore[no-untyped-call]
    except OSError as exc:
        raise UsageError(f"cannot reach the Dask scheduler at {address}: {exc}") from exc


def _analyser(config: Config) -> Analyser:
    from mlwa_notebook.runner import Analyser

    key = (threading.get_ident(), repr(config))
    found = _ANALYSERS.get(key)
    if found is None:
        found = _ANALYSERS[key] = Analyser(config, results=None)
    return found


def analyse_batch(paths: Sequence[str], config: Config) -> list[Outcome]:
    """The outcomes of ``paths``, in order: what one Dask task computes."""
    analyser = _analyser(config)
    return [analyser(p) for p in paths]


def iter_outcomes_on(
    client: Any, paths: Sequence[str], config: Config, batch: int = BATCH
) -> Iterator[Outcome]:
    """Each notebook's outcome on the cluster of ``client``, in the order of ``paths``."""
    from mlwa_notebook.lens import load_lens

    load_lens(config.lenses)  # a bad custom lens fails here, once, not in every task
    threads = max(1, sum(client.nthreads().values()))
    pending: deque[Any] = deque()
    batches = (list(paths[i : i + batch]) for i in range(0, len(paths), batch))
    for part in batches:
        pending.append(client.submit(analyse_batch, part, config, pure=False))
        if len(pending) >= threads * AHEAD:
            yield from pending.popleft().result()
    while pending:
        yield from pending.popleft().result()


def check_on_dask(client: Any, paths: Sequence[str], config: Config, batch: int = BATCH) -> Report:
    """The report of ``paths`` analysed on the cluster: the same as ``runner.check_paths``."""
    from mlwa_notebook.runner import collect

    return collect(list(iter_outcomes_on(client, paths, config, batch)))
