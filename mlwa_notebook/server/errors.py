"""The errors the API answers with: a status, a message that says what went wrong, a hint."""

from __future__ import annotations

import json
from http import HTTPStatus
from typing import Any

from tornado.web import HTTPError


class ApiError(HTTPError):
    """A request the API refuses; ``hint`` tells the caller what to do instead."""

    def __init__(self, status: int, message: str, hint: str = "") -> None:
        # tornado %-formats log_message when it logs the error: keep a literal '%' literal.
        super().__init__(status, message.replace("%", "%%"))
        self.message = message
        self.hint = hint


def error_body(status: int, message: str = "", hint: str = "") -> str:
    """The JSON body of every error answer: ``{"message", "hint", "status"}``."""
    if not message:
        try:
            message = HTTPStatus(status).phrase
        except ValueError:
            message = "error"
    body: dict[str, Any] = {
        "message": message,
        "hint": hint or HINTS.get(status, ""),
        "status": status,
    }
    return json.dumps(body)


HINTS: dict[int, str] = {
    403: "sign in to Jupyter again (reload the page) or ask your administrator for access",
    404: "check the URL: the endpoints are analyze, lens, rules and export under /mlwa/api/",
    405: "use GET for lens and rules, POST for analyze and export",
    500: "this is a bug in mlwa-notebook: the server log has the traceback; please report it",
}
"""Default hints for errors raised by Jupyter or tornado rather than by our handlers."""
