"""The one way the benchmarks time a piece of work: several runs, their median and spread.

On a shared machine one run says little: ``measure`` runs the work ``runs`` times and keeps
every time, so a script can print the median with the fastest and slowest beside it.
"""

import contextlib
import statistics
import time
from dataclasses import dataclass


@dataclass(frozen=True)
class Timing:
    """The times, in seconds, of several runs of one piece of work."""

    seconds: tuple

    @property
    def median(self):
        return statistics.median(self.seconds)

    @property
    def best(self):
        return min(self.seconds)

    @property
    def worst(self):
        return max(self.seconds)

    def __str__(self):
        """ "12.3 ms (10.1 to 14.0 ms, 7 runs)": the median and the spread."""
        return (
            f"{self.median * 1000:.1f} ms ({self.best * 1000:.1f} to {self.worst * 1000:.1f} ms, "
            f"{len(self.seconds)} runs)"
        )


def measure(work, *args, runs=7, ignore=()):
    """Time ``work(*args)`` ``runs`` times; an exception in ``ignore`` ends a run normally (a
    refused input is work done too)."""
    seconds = []
    for _ in range(runs):
        start = time.perf_counter()
        with contextlib.suppress(ignore):
            work(*args)
        seconds.append(time.perf_counter() - start)
    return Timing(tuple(seconds))
