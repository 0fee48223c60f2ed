"""Retrying transient failures: exponential backoff with full jitter.

The policy is an object handed to whoever needs it; tests inject ``jitter`` and ``sleep`` to get
exact, instant delays.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class RetryPolicy:
    """Up to ``attempts`` tries; before try n+1 sleep ``jitter() * min(cap, base * 2**(n-1))``.

    Attributes:
        attempts: Tries in all, the first included (1 means no retry).
        base: Ceiling of the first delay, in seconds; it doubles after every failure.
        cap: The largest ceiling, in seconds.
        jitter: Returns a float in [0, 1); full jitter spreads reconnecting TVs apart.
        sleep: Waits the given number of seconds.
    """

    attempts: int = 3
    base: float = 0.25
    cap: float = 4.0
    jitter: Callable[[], float] = random.random
    sleep: Callable[[float], None] = time.sleep

    def delay(self, failures: int) -> float:
        """Seconds to wait after ``failures`` failed tries (1 for the first)."""
        return self.jitter() * min(self.cap, self.base * 2 ** (failures - 1))

    def run(
        self,
        attempt: Callable[[], T],
        *,
        retry_on: type[BaseException] | tuple[type[BaseException], ...],
    ) -> T:
        """``attempt()``, tried again after ``retry_on`` errors; the last one is re-raised.

        Any other exception propagates at once, untried again.
        """
        for failures in range(1, self.attempts):
            try:
                return attempt()
            except retry_on:
                self.sleep(self.delay(failures))
        return attempt()
