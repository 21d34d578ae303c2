"""Analysis runs off the event loop: concurrent analyses are all answered, the server stays live.

Also records the analyse round trip for a 300-cell notebook (printed; run with ``-s`` to see it).
"""

from __future__ import annotations

import asyncio
import json
import statistics
import time
from typing import Any

from tornado.httpclient import AsyncHTTPClient

from tests.server.conftest import big_notebook

ROUND_TRIP_AIM_S = 0.150


async def timed(coro: Any) -> tuple[float, Any]:
    start = time.perf_counter()
    answer = await coro
    return time.perf_counter() - start, answer


async def test_twenty_concurrent_analyses_are_answered_while_the_server_stays_responsive(
    jp_fetch: Any, jp_http_port: int, jp_base_url: str, jp_auth_header: dict[str, str]
) -> None:
    # Given twenty different 300-cell notebooks (different sources: no cache help between them)
    bodies = []
    for n in range(20):
        nb = big_notebook(300)
        for cell in nb["cells"]:
            if cell["cell_type"] == "code":
                cell["source"] += f"\nrun_{n} = True"
        bodies.append(json.dumps({"notebook": nb, "path": f"load/nb{n}.ipynb"}))

    # When all twenty are sent at once, while /api/status is polled
    async def analyse(sent: str) -> Any:
        return await jp_fetch(
            "mlwa", "api", "analyze", method="POST", body=sent, request_timeout=120
        )

    # (a client of its own: the shared test client queues requests beyond ten at a time)
    monitor = AsyncHTTPClient(force_instance=True)
    status_url = f"http://127.0.0.1:{jp_http_port}{jp_base_url}api/status"
    analyses = asyncio.gather(*(timed(analyse(b)) for b in bodies))
    status_times: list[float] = []
    pending = asyncio.ensure_future(analyses)
    while not pending.done():
        took, response = await timed(monitor.fetch(status_url, headers=jp_auth_header))
        assert response.code == 200
        status_times.append(took)
        await asyncio.sleep(0.02)
    results = await pending
    monitor.close()

    # Then every analysis is answered with its notebook's report
    for n, (_, response) in enumerate(results):
        (report,) = json.loads(response.body)["notebooks"]
        assert report["path"] == f"load/nb{n}.ipynb" and len(report["cells"]) == 300
    # And the server kept answering meanwhile, promptly
    slowest_analysis = max(t for t, _ in results)
    print(
        f"\n20 concurrent 300-cell analyses: all answered in {slowest_analysis * 1000:.0f} ms; "
        f"/api/status answered {len(status_times)} times meanwhile, "
        f"median {statistics.median(status_times) * 1000:.1f} ms, "
        f"max {max(status_times) * 1000:.1f} ms"
    )
    assert len(status_times) >= 3
    assert statistics.median(status_times) < 0.25 and max(status_times) < 1.0


async def test_round_trip_of_a_300_cell_notebook(jp_fetch: Any) -> None:
    # Given a 300-cell notebook the sidebar sends again and again while the user types
    nb = big_notebook(300)
    timings = []
    for i in range(15):
        nb["cells"][5]["source"] = f"edited = {i}"  # one cell changes between analyses
        sent = json.dumps({"notebook": nb, "path": "typing.ipynb"})
        # When it is analysed
        took, response = await timed(jp_fetch("mlwa", "api", "analyze", method="POST", body=sent))
        assert len(json.loads(response.body)["notebooks"][0]["cells"]) == 300
        timings.append(took)
    # Then the round trip (request, analysis, answer) is recorded; the first one is cold
    median = statistics.median(timings[1:])
    print(
        f"\nanalyse round trip, 300-cell notebook: median {median * 1000:.1f} ms "
        f"(cold {timings[0] * 1000:.1f} ms, aim < {ROUND_TRIP_AIM_S * 1000:.0f} ms)"
    )
    assert median < ROUND_TRIP_AIM_S * 4  # generous on a busy CI machine; the log keeps the figure
