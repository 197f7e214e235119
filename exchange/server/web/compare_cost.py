"""Bounded cost of compare pages: computed results kept by the pair of model sha256s, and a limit on
how many diffs the server computes at once.

A compare page diffs two stored versions and draws both with marks; for two large models that is
seconds of CPU, and anyone who may read the versions can ask for it (under ``--policy public``
without an account). Stored versions never change, so a computed page content is kept in an LRU
bounded in entries and in bytes, keyed by both sha256s and what else the content depends on (the
language, whether it compares with the original, the version names in the titles). Computing is
allowed ``slots`` at a time per server process (the diff is CPU-bound Python: more threads would
not finish sooner); a request that finds every slot taken waits at most ``wait`` seconds, then
gets ``Busy``, which the page route answers with 503 and Retry-After.
"""

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field

DEFAULT_SLOTS = 1  # per server process (worker)
DEFAULT_WAIT_SECONDS = 10.0
DEFAULT_CACHE_ENTRIES = 64
DEFAULT_CACHE_BYTES = 256 * 1024 * 1024


class Busy(Exception):
    """Every diff slot stayed taken for the whole wait; ``retry_after`` is a whole number of seconds."""

    def __init__(self, retry_after: int):
        super().__init__(f"every diff slot is busy; retry after {retry_after} s")
        self.retry_after = retry_after


@dataclass
class CacheStats:
    hits: int = 0
    computed: int = 0
    refused: int = 0


@dataclass
class CompareCost:
    """The cache and the slots of one server process (kept on ``app.state.compare_cost``)."""

    slots: int = DEFAULT_SLOTS
    wait: float = DEFAULT_WAIT_SECONDS
    max_entries: int = DEFAULT_CACHE_ENTRIES
    max_bytes: int = DEFAULT_CACHE_BYTES
    stats: CacheStats = field(default_factory=CacheStats)

    def __post_init__(self):
        self._semaphore = threading.BoundedSemaphore(self.slots)
        self._lock = threading.Lock()
        self._entries: OrderedDict = OrderedDict()  # key -> (value, size)
        self._bytes = 0

    # --- the cache ----------------------------------------------------------------------------
    def cached(self, key):
        """The value kept for ``key`` (and counts a hit), or None."""
        with self._lock:
            found = self._entries.get(key)
            if found is None:
                return None
            self._entries.move_to_end(key)
            self.stats.hits += 1
            return found[0]

    def keep(self, key, value, size: int):
        """Keep ``value`` (about ``size`` bytes) for ``key``; the least recently used go first. A value
        larger than the whole budget is not kept."""
        if size > self.max_bytes:
            return
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self._bytes -= old[1]
            self._entries[key] = (value, size)
            self._bytes += size
            while len(self._entries) > self.max_entries or self._bytes > self.max_bytes:
                _, (_, dropped) = self._entries.popitem(last=False)
                self._bytes -= dropped

    # --- computing ----------------------------------------------------------------------------
    def get_or_compute(self, key, compute: Callable[[], object], size: Callable[[object], int]):
        """(value, None when it was kept, else (wall seconds, CPU seconds of this thread) spent
        computing it): the kept value for ``key``, else ``compute()`` within a slot (raises Busy
        when none frees up within ``wait``)."""
        found = self.cached(key)
        if found is not None:
            return found, None
        if not self._semaphore.acquire(timeout=self.wait):
            with self._lock:
                self.stats.refused += 1
            raise Busy(max(1, round(self.wait)))
        try:
            found = self.cached(key)  # computed by the request that held the slot before
            if found is not None:
                return found, None
            started, started_cpu = time.perf_counter(), time.thread_time()
            value = compute()
            spent = (time.perf_counter() - started, time.thread_time() - started_cpu)
            with self._lock:
                self.stats.computed += 1
            self.keep(key, value, size(value))
            return value, spent
        finally:
            self._semaphore.release()

    def hold_every_slot(self):
        """Take every slot (for tests of the busy answer); returns a function that gives them back."""
        for _ in range(self.slots):
            self._semaphore.acquire()

        def release():
            for _ in range(self.slots):
                self._semaphore.release()

        return release


def text_size(value) -> int:
    """About how many bytes a computed content holds: the length of its strings, recursively."""
    if isinstance(value, str):
        return len(value)
    if isinstance(value, (bytes, bytearray)):
        return len(value)
    if isinstance(value, dict):
        return sum(text_size(k) + text_size(v) for k, v in value.items()) + 64
    if isinstance(value, (list, tuple)):
        return sum(text_size(v) for v in value) + 16 * len(value)
    return 16
