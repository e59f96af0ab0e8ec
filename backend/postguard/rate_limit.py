"""Token-bucket rate limiting, in memory, shared by the worker's threads."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict

MAX_CLIENTS = 1024  # loopback has few clients; bound memory anyway


class RateLimiter:
    """``allow(key)`` is False once a client spends its burst faster than the rate."""

    def __init__(self, per_second: float, burst: int, clock=time.monotonic):
        self.per_second = per_second
        self.burst = max(1, burst)
        self._clock = clock
        self._buckets: OrderedDict[object, tuple[float, float]] = OrderedDict()
        self._lock = threading.Lock()

    @property
    def enabled(self) -> bool:
        return self.per_second > 0

    def retry_after(self) -> int:
        return max(1, round(1 / self.per_second)) if self.enabled else 0

    def allow(self, key: object) -> bool:
        if not self.enabled:
            return True
        now = self._clock()
        with self._lock:
            tokens, last = self._buckets.pop(key, (float(self.burst), now))
            tokens = min(self.burst, tokens + (now - last) * self.per_second)
            allowed = tokens >= 1
            self._buckets[key] = (tokens - 1 if allowed else tokens, now)
            if len(self._buckets) > MAX_CLIENTS:
                self._buckets.popitem(last=False)
        return allowed
