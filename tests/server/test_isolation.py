"""Analyses run where they cannot hold the server up, and one that runs too long is stopped."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import pytest
from tornado.httpclient import AsyncHTTPClient, HTTPClientError

from tests.server.conftest import big_notebook


def crafted_notebook(cells: int, salt: str) -> dict[str, Any]:
    """A realistic notebook of ``cells`` cells, with the crafted runs in code, markdown, output.

    The runs (200 KB in all) made the secret and placeholder patterns backtrack for 20 s under
    ``re``; ``salt`` makes them new texts, which no cache of an earlier analysis has seen.
    """
    nb = big_notebook(cells)
    crafted = (f"{salt}x://" + "a." * 25_000, salt + "<" * 50_000, salt + "sk-" * 16_000)
    for n, text in enumerate(crafted):
        code = nb["cells"][3 * n + 1]
        code["source"] = f"value_{n} = {text!r}"
        code["outputs"] = [{"output_type": "stream", "name": "stdout", "text": text}]
        nb["cells"][3 * n]["source"] = text
    return nb


async def test_a_crafted_notebook_does_not_hold_up_the_server(
    jp_fetch: Any, jp_http_port: int, jp_base_url: str, jp_auth_header: dict[str, str]
) -> None:
    # Given a large notebook holding the crafted runs (analysed once, so the process is warm)
    body = json.dumps({"notebook": crafted_notebook(1500, "a"), "path": "crafted.ipynb"})
    await jp_fetch("mlwa", "api", "analyze", method="POST", body=body, request_timeout=300)
    body = json.dumps({"notebook": crafted_notebook(1500, "b"), "path": "crafted.ipynb"})
    body = body.replace("step_", "stage_")  # new sources: no cached cell helps the second run

    # When it is analysed again while /api/status is polled
    monitor = AsyncHTTPClient(force_instance=True)
    status_url = f"http://127.0.0.1:{jp_http_port}{jp_base_url}api/status"
    started = time.perf_counter()
    pending = asyncio.ensure_future(
        jp_fetch("mlwa", "api", "analyze", method="POST", body=body, request_timeout=300)
    )
    # (the test's client shares the server's process and event loop: a stall shows as a gap
    # between two answers, whether it falls while a poll waits or between polls)
    gaps: list[float] = []
    last = time.perf_counter()
    while not pending.done():
        answer = await monitor.fetch(status_url, headers=jp_auth_header)
        assert answer.code == 200
        await asyncio.sleep(0.01)
        gaps.append(time.perf_counter() - last)
        last = time.perf_counter()
    response = await pending
    took = time.perf_counter() - started
    monitor.close()

    # Then it is answered with its report, and the server answered all along, each time in a
    # small part of the time the analysis took
    (report,) = json.loads(response.body)["notebooks"]
    assert len(report["cells"]) == 1500
    print(
        f"\ncrafted 1,500-cell notebook: analysed in {took:.2f} s; /api/status answered "
        f"{len(gaps)} times meanwhile, longest gap {max(gaps) * 1000:.0f} ms"
    )
    assert len(gaps) >= 5
    assert max(gaps) < took / 5, f"/api/status stalled {max(gaps):.2f} s of {took:.2f} s"


class TestTooLong:
    """With a short limit, an analysis that runs longer is cut off with a clear error."""

    @pytest.fixture
    def jp_server_config(self) -> dict[str, Any]:
        return {
            "ServerApp": {
                "jpserver_extensions": {"mlwa_notebook": True},
                "tornado_settings": {"mlwa_timeout_s": 1.0},
            }
        }

    async def test_an_analysis_that_runs_too_long_is_stopped_with_a_clear_error(
        self, jp_fetch: Any
    ) -> None:
        # Given a notebook whose analysis takes many times the limit
        small = json.dumps({"notebook": big_notebook(10), "path": "small.ipynb"})
        await jp_fetch("mlwa", "api", "analyze", method="POST", body=small)  # a warm process
        large = json.dumps({"notebook": big_notebook(16_000), "path": "large.ipynb"})
        # When it is sent
        with pytest.raises(HTTPClientError) as caught:
            await jp_fetch("mlwa", "api", "analyze", method="POST", body=large, request_timeout=120)
        # Then it is answered 504, saying what was stopped and why
        assert caught.value.code == 504
        assert caught.value.response is not None
        error = json.loads(caught.value.response.body)
        assert (
            error["message"] == "the analysis of large.ipynb took longer than 1 s and was stopped"
        )
        assert "mlwa_timeout_s" in error["hint"]
        # And the next analysis is answered by a fresh process
        response = await jp_fetch("mlwa", "api", "analyze", method="POST", body=small)
        assert json.loads(response.body)["notebooks"][0]["path"] == "small.ipynb"
