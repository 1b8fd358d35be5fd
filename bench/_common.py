"""What every benchmark here shares: the production server, the raw HTTP client, the bench database,
the CPU accounting and the report helpers.

The code itself still lives in bench/ingest.py, where it was written (and where another branch is
changing the ingestion bench right now); this module is the one place other benchmarks import it
from, so moving the bodies here later changes no caller. Only what ingest.py does not have yet is
defined here: Granian's bounded blocking threads as deploy/ runs it, and a GET request builder.
"""

from __future__ import annotations

import os

from bench.ingest import (
    CLK_TCK,
    DEFAULT_DATABASE_URL,
    REPO,
    TRIVIAL_PATH,
    CpuSample,
    backend_count,
    bench_environment,
    drop_database,
    recreate_database,
    wait_quiet,
)
from bench.ingest import GranianServer as _GranianServer
from bench.ingest import _check_local as check_local
from bench.ingest import _connect as connect
from bench.ingest import _Connection as Connection
from bench.ingest import _cpu_delta as cpu_delta
from bench.ingest import _cpu_text as cpu_text
from bench.ingest import _fmt as fmt
from bench.ingest import _free_port as free_port
from bench.ingest import _PeakSampler as PeakSampler
from bench.ingest import _with_database as with_database

__all__ = [
    "CLK_TCK",
    "DEFAULT_DATABASE_URL",
    "DEPLOY_BLOCKING_THREADS",
    "REPO",
    "TRIVIAL_PATH",
    "Connection",
    "CpuSample",
    "GranianServer",
    "PeakSampler",
    "backend_count",
    "bench_environment",
    "check_local",
    "connect",
    "cpu_delta",
    "cpu_text",
    "drop_database",
    "fmt",
    "free_port",
    "get_request",
    "recreate_database",
    "wait_quiet",
    "with_database",
]

# deploy/ bounds Granian's Python threads per worker (its WSGI default is hundreds: GIL contention
# and one database connection per thread). Overridable with --blocking-threads.
DEPLOY_BLOCKING_THREADS = int(os.environ.get("XL_BENCH_BLOCKING_THREADS", "4"))


class GranianServer(_GranianServer):
    """The production server command from deploy/, plus `--blocking-threads` (0: Granian's default)."""

    def __init__(self, env: dict[str, str], workers: int, log_path, blocking_threads: int = DEPLOY_BLOCKING_THREADS):
        super().__init__(env, workers, log_path)
        self.blocking_threads = blocking_threads

    @property
    def command(self) -> list[str]:
        command = list(super().command)
        if self.blocking_threads and "--blocking-threads" not in command:
            at = command.index("--workers") + 2
            command[at:at] = ["--blocking-threads", str(self.blocking_threads)]
        return command


def get_request(path: str, port: int, cookies: dict[str, str] | None = None) -> bytes:
    """A browser-like GET (HTML, Chinese first), keep-alive, with the given cookies."""
    cookie = "; ".join(f"{name}={value}" for name, value in (cookies or {}).items())
    head = (
        f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
        "Accept: text/html,application/xhtml+xml;q=0.9,*/*;q=0.8\r\nAccept-Language: zh-CN,zh;q=0.9,en;q=0.5\r\n"
        "User-Agent: xinglin-bench\r\n" + (f"Cookie: {cookie}\r\n" if cookie else "") + "\r\n"
    )
    return head.encode("ascii")
