"""Load a served page with wrk, against a static file of the same size, on a shared machine.

One reading of the static file taken a minute before a page says little here: whatever else
runs on the machine moves both. ``compare`` alternates the page with its static copy, three
rounds, and gives the medians with their spread, the ratio of each round (its median and
spread), and the gunicorn workers' CPU time per request (read from /proc), which load on
the machine does not inflate the way it does latency.
"""

import os
import re
import signal
import statistics
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PORT = 8765
BASE = f"http://127.0.0.1:{PORT}"
ROUNDS = 3


class Gunicorn:
    """gunicorn (2 sync workers) on 127.0.0.1 for the duration of a ``with`` block."""

    def __init__(self, env, page_cache):
        self.env = {**env, "PAGE_CACHE_SECONDS": "600" if page_cache else "0"}

    def __enter__(self):
        self.process = subprocess.Popen(
            [
                str(ROOT / ".venv/bin/gunicorn"), "meetup.wsgi", "--workers", "2",
                "--bind", f"127.0.0.1:{PORT}", "--log-level", "warning",
            ],
            cwd=ROOT, env=self.env, start_new_session=True,
        )  # fmt: skip
        for _ in range(100):
            try:
                urllib.request.urlopen(BASE + "/", timeout=2).read()
                return self
            except urllib.error.HTTPError as error:
                self.__exit__()
                raise RuntimeError(f"the home page answered {error.code}") from error
            except OSError:
                time.sleep(0.2)
        self.__exit__()
        raise RuntimeError("gunicorn did not start")

    def __exit__(self, *exc):
        os.killpg(self.process.pid, signal.SIGTERM)
        self.process.wait(timeout=30)

    def worker_cpu_seconds(self):
        """User and system CPU time the workers have used so far (the master's children)."""
        ticks = os.sysconf("SC_CLK_TCK")
        total = 0
        for pid in _children(self.process.pid):
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            total += int(fields[11]) + int(fields[12])  # utime, stime
        return total / ticks


def _children(pid):
    children = []
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        children += [int(child) for child in task.read_text().split()]
    return children


def wrk(url, seconds, connections, headers=()):
    """One wrk run: requests/s, requests done, p50, p99 and errors (non-2xx/3xx, sockets)."""
    request = urllib.request.Request(url, headers=dict(headers))
    for _ in range(3):  # warm up both workers (Markdown memo, template cache, page cache)
        try:
            urllib.request.urlopen(request, timeout=30).read()
        except urllib.error.HTTPError as error:
            if error.code != 304:
                raise
    options = [arg for name, value in headers for arg in ("-H", f"{name}: {value}")]
    output = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", *options, url],
        check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    done = int(re.search(r"(\d+) requests in", output).group(1))
    latency = dict(re.findall(r"^\s+(50|99)%\s+(\S+)", output, re.MULTILINE))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    errors = (int(non_2xx.group(1)) if non_2xx else 0) + (
        sum(int(n) for n in socket.groups()) if socket else 0
    )
    return {
        "rps": rate,
        "requests": done,
        "p50": latency["50"],
        "p99": latency["99"],
        "errors": errors,
    }


@dataclass
class Comparison:
    """A target against its static copy, ``ROUNDS`` rounds alternating."""

    target: list  # wrk results
    static: list
    cpu_ms: list  # the workers' CPU milliseconds per request of the target, each round

    @staticmethod
    def _spread(values, fmt):
        ordered = sorted(values)
        return f"{fmt(statistics.median(ordered))} ({fmt(ordered[0])}-{fmt(ordered[-1])})"

    @property
    def ratios(self):
        return [t["rps"] / s["rps"] for t, s in zip(self.target, self.static, strict=True)]

    @property
    def ratio(self):
        return statistics.median(self.ratios)

    def row(self, label):
        rps = self._spread([r["rps"] for r in self.target], lambda v: f"{v:,.0f}")
        static = self._spread([r["rps"] for r in self.static], lambda v: f"{v:,.0f}")
        ratio = self._spread(self.ratios, lambda v: f"{v:.2f}x")
        cpu = self._spread(self.cpu_ms, lambda v: f"{v:.2f}")
        p50 = statistics.median(milliseconds(r["p50"]) for r in self.target)
        errors = sum(r["errors"] for r in self.target)
        return f"| {label} | {rps} | {static} | {ratio} | {p50:.1f} ms | {cpu} | {errors} |"


TABLE_HEADER = [
    "| target | requests/s, median (spread) | static copy, requests/s | ratio to static "
    "| p50 | worker CPU ms/request | errors |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
]


def compare(server, url, static_url, seconds, connections, headers=(), static_headers=()):
    """``url`` against ``static_url`` (a static file of the same size), alternating."""
    target, static, cpu_ms = [], [], []
    for _ in range(ROUNDS):
        static.append(wrk(static_url, seconds, connections, static_headers))
        before = server.worker_cpu_seconds()
        result = wrk(url, seconds, connections, headers)
        used = server.worker_cpu_seconds() - before
        target.append(result)
        cpu_ms.append(1000 * used / max(result["requests"], 1))
    return Comparison(target, static, cpu_ms)


def milliseconds(value):
    number, unit = re.match(r"([\d.]+)(us|ms|s)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1, "s": 1000}[unit]
