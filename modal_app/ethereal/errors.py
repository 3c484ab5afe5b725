"""The one error type the endpoints turn into an HTTP answer."""

from __future__ import annotations


class RequestError(Exception):
    """A request the endpoint refuses: HTTP `status` and a message naming what is wrong and how to fix it."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
