"""Request size and time limits, shared by the pages and the API."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, TypeVar

import anyio
from starlette.types import ASGIApp, Message, Receive, Scope, Send

MAX_BODY = 1_000_000  # bytes: a policy file or an application is far smaller
TIME_LIMIT = 10.0  # seconds for one evaluation, check or preview

T = TypeVar("T")


class TooLarge(Exception):
    pass


class TimeLimit(Exception):
    pass


class BodyLimit:
    """Refuse a request body over ``limit`` bytes with 413, whether it declares its
    length or streams it."""

    def __init__(self, app: ASGIApp, limit: int = MAX_BODY) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for key, value in scope.get("headers", []):
            if key == b"content-length" and value.isdigit() and int(value) > self.limit:
                await _too_large(send, self.limit)
                return
        seen = 0
        started = False

        async def limited() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise TooLarge
            return message

        async def tracking(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited, tracking)
        except TooLarge:
            if not started:
                await _too_large(send, self.limit)


async def _too_large(send: Send, limit: int) -> None:
    body = json.dumps({"error": f"request body larger than {limit} bytes"}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


async def within_time(func: Callable[..., T], *args: Any, seconds: float = TIME_LIMIT) -> T:
    """Run ``func`` in a worker thread and give up waiting after ``seconds``: the
    answer is then 503 (the thread finishes on its own; evaluation has no side effects)."""
    try:
        with anyio.fail_after(seconds):
            return await anyio.to_thread.run_sync(lambda: func(*args), abandon_on_cancel=True)
    except TimeoutError as exc:
        raise TimeLimit(f"took longer than {seconds:g} s") from exc
