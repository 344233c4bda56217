"""A value built on first use, once, however many threads ask for it at the same time."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Generic, TypeVar

__all__ = ["Once"]

T = TypeVar("T")


class Once(Generic[T]):
    """Call ``build`` on the first call, and return what it built on every call.

    Examples
    --------
    >>> calls = []
    >>> answer = Once(lambda: calls.append(1) or 42)
    >>> answer(), answer(), len(calls)
    (42, 42, 1)
    """

    def __init__(self, build: Callable[[], T]) -> None:
        self._build = build
        self._lock = threading.Lock()
        self._value: T | None = None

    def __call__(self) -> T:
        if self._value is None:
            with self._lock:
                if self._value is None:
                    self._value = self._build()
        return self._value
