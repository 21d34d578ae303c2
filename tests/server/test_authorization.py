"""The server's own authorizer decides who may use the ``/mlwa/api/`` endpoints."""

from __future__ import annotations

import json
from typing import Any

import pytest
from jupyter_server.auth import Authorizer
from tornado.httpclient import HTTPClientError


class NoContents(Authorizer):  # type: ignore[misc]
    """A real authorizer that lets the user in but allows nothing on contents."""

    def is_authorized(self, handler: Any, user: Any, action: str, resource: str) -> bool:
        return resource != "contents"


@pytest.fixture
def jp_server_config() -> dict[str, Any]:
    return {
        "ServerApp": {
            "jpserver_extensions": {"mlwa_notebook": True},
            "authorizer_class": NoContents,
        }
    }


@pytest.mark.parametrize(
    ("method", "endpoint", "action"),
    [
        ("GET", "rules", "read"),
        ("GET", "lens", "read"),
        ("POST", "analyze", "read"),
        ("POST", "export", "write"),
    ],
)
async def test_a_user_not_allowed_contents_is_refused(
    jp_fetch: Any, method: str, endpoint: str, action: str
) -> None:
    # Given a signed-in user whom the authorizer allows nothing on contents
    # When they call the endpoint
    with pytest.raises(HTTPClientError) as caught:
        await jp_fetch(
            "mlwa", "api", endpoint, method=method, body="{}" if method == "POST" else None
        )
    # Then it is refused, in JSON, naming the action and resource
    assert caught.value.code == 403
    assert caught.value.response is not None
    error = json.loads(caught.value.response.body)
    assert f"not authorized to {action} on resource: contents" in error["message"]
