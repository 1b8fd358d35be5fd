"""Ingestion benchmark: the HTTP batch endpoint against raw COPY, heartbeats against a trivial view.

    uv run python -m bench.ingest                      # 1,000,000 events, batches of 50, 12 connections
    uv run python -m bench.ingest --quick              # 100,000 events, fewer heartbeats
    uv run python -m bench.ingest --events 200000 --concurrency 16 --json /tmp/ingest.json

What one run does (everything on 127.0.0.1, stops by itself, kills its server on exit or Ctrl-C):

1. Drops and recreates its own database (`xinglin_bench` next to the one in --database-url /
   DATABASE_URL), runs `migrate` into it (the month-partitioned, indexed interaction table of
   migration 0002) and creates --users users with DRF API tokens through the ORM.
2. Starts the production HTTP server exactly as deploy/ runs it — Granian, WSGI interface,
   2 workers — with production settings (bench/settings_bench.py only adds /bench/trivial).
3. API path: client processes (this same machine: they compete with the server and PostgreSQL
   for the CPUs) post N events in batches of --batch over --concurrency keep-alive connections,
   `Authorization: Token ...`, request bodies encoded before the clock starts. Then it checks
   that exactly N rows are stored, one per (actor, client_event_id).
4. Raw baseline: the same N rows (read back with COPY TO) are COPYed server-side into the same
   table after TRUNCATE, in one stream, one transaction; only the COPY is timed.
5. Heartbeats: single-event POSTs to the batch endpoint against POSTs of the same body to a
   trivial JSON view behind the same middleware, same concurrency and request count.

It prints events/s for both, the ratio against the targets (API >= 35 % of COPY, heartbeats
>= 50 % of the trivial view), latencies and where the CPU went (server, PostgreSQL, clients).
"""

from __future__ import annotations

import argparse
import array
import collections
import json
import math
import multiprocessing
import os
import queue as queue_module
import random
import resource
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit, urlunsplit

import msgspec

REPO = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = "postgres://xinglin:xinglin@127.0.0.1:5432/xinglin"
BATCH_PATH = "/api/v1/interactions/batch"
TRIVIAL_PATH = "/bench/trivial"
API_TARGET = 0.35
HEARTBEAT_TARGET = 0.50
DEPLOY_BLOCKING_THREADS = 4  # deploy/Procfile, compose, k8s: granian --blocking-threads 4
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", ""}
CLK_TCK = os.sysconf("SC_CLK_TCK")


# --------------------------------------------------------------------------- request bodies


def _iso_z(epoch: float) -> str:
    millis = int(epoch * 1000) % 1000
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(epoch)) + f".{millis:03d}Z"


def _event(seq: int, prefix: str, rng: random.Random, now: float) -> dict:
    """One page view as a browser posts it: occurred within the last 7 days, value in seconds."""
    return {
        "client_event_id": f"{prefix}-{seq:010d}",
        "verb": "page.viewed",
        "object_type": "page",
        "object_id": str(rng.randrange(1, 5000)),
        "occurred_at": _iso_z(now - rng.uniform(60, 7 * 86400)),
        "value": round(rng.uniform(1, 600), 1),
    }


def _http_request(path: str, host: str, body: bytes, token: str | None) -> bytes:
    auth = f"Authorization: Token {token}\r\n" if token else ""
    head = f"POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\nContent-Length: {len(body)}\r\n{auth}\r\n"
    return head.encode("ascii") + body


@dataclass
class LoadSpec:
    """A load phase: `requests` POSTs over `connections` keep-alive connections in `processes`."""

    name: str
    kind: str  # "batch" (N events in batches), "heartbeat" (1 event / request), "trivial", "warmup"
    requests: int
    port: int
    tokens: list[str]
    processes: int
    connections: int
    events: int = 0  # batch: total events
    batch: int = 1
    prefix: str = "ev"
    seed: int = 1

    def build(self, proc_index: int) -> list[bytes]:
        """The pre-encoded requests this client process sends (request r goes to process r % processes)."""
        host = f"127.0.0.1:{self.port}"
        rng = random.Random(self.seed * 7919 + proc_index)
        now = time.time()
        out = []
        for r in range(proc_index, self.requests, self.processes):
            token = self.tokens[r % len(self.tokens)]
            if self.kind == "batch":
                first = r * self.batch
                events = [_event(seq, self.prefix, rng, now) for seq in range(first, min(first + self.batch, self.events))]
                out.append(_http_request(BATCH_PATH, host, msgspec.json.encode({"events": events}), token))
            elif self.kind in ("heartbeat", "trivial"):
                body = msgspec.json.encode({"events": [_event(r, self.prefix, rng, now)]})
                out.append(_http_request(BATCH_PATH if self.kind == "heartbeat" else TRIVIAL_PATH, host, body, token))
            elif self.kind == "warmup":
                # Alternately the trivial view and an authenticated batch whose only event is
                # rejected (unknown verb): token lookup, validation and DB connections warm up,
                # nothing is stored.
                if r % 2:
                    out.append(_http_request(TRIVIAL_PATH, host, b"{}", None))
                else:
                    event = _event(r, "warmup", rng, now) | {"verb": "bench.warmup"}
                    out.append(_http_request(BATCH_PATH, host, msgspec.json.encode({"events": [event]}), token))
            else:
                raise ValueError(self.kind)
        return out


# --------------------------------------------------------------------------- HTTP/1.1 client


class _Connection:
    """A minimal keep-alive HTTP/1.1 client on a raw socket: the cheapest client Python offers."""

    def __init__(self, port: int):
        self.port = port
        self.sock: socket.socket | None = None
        self.buf = bytearray()
        self.connect()

    def connect(self) -> None:
        self.close()
        self.sock = socket.create_connection(("127.0.0.1", self.port), timeout=120)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = bytearray()

    def close(self) -> None:
        if self.sock is not None:
            try:
                self.sock.close()
            except OSError:
                pass
            self.sock = None

    def _fill(self) -> None:
        chunk = self.sock.recv(262144)
        if not chunk:
            raise ConnectionError("the server closed the connection")
        self.buf += chunk

    def _take(self, n: int) -> bytes:
        while len(self.buf) < n:
            self._fill()
        data = bytes(self.buf[:n])
        del self.buf[:n]
        return data

    def _line(self) -> bytes:
        while (end := self.buf.find(b"\r\n")) < 0:
            self._fill()
        line = bytes(self.buf[:end])
        del self.buf[: end + 2]
        return line

    def exchange(self, request: bytes) -> tuple[int, bytes]:
        self.sock.sendall(request)
        while (end := self.buf.find(b"\r\n\r\n")) < 0:
            self._fill()
        head = bytes(self.buf[:end]).decode("latin-1")
        del self.buf[: end + 4]
        lines = head.split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        length, chunked, close = 0, False, False
        for line in lines[1:]:
            name, _, value = line.partition(":")
            name = name.strip().lower()
            if name == "content-length":
                length = int(value)
            elif name == "transfer-encoding" and "chunked" in value.lower():
                chunked = True
            elif name == "connection" and value.strip().lower() == "close":
                close = True
        if chunked:
            parts = []
            while (size := int(self._line().split(b";")[0], 16)) > 0:
                parts.append(self._take(size))
                self._line()
            while self._line():
                pass
            body = b"".join(parts)
        else:
            body = self._take(length)
        if close:
            self.connect()
        return status, body


def _connection_loop(port: int, work: collections.deque, kind: str, conn: _Connection, out: dict) -> None:
    latencies = array.array("d")
    statuses: collections.Counter = collections.Counter()
    accepted = duplicates = failures = 0
    samples: list[str] = []
    decode = msgspec.json.decode
    clock = time.perf_counter
    while True:
        try:
            request = work.popleft()
        except IndexError:
            break
        started = clock()
        try:
            status, body = conn.exchange(request)
        except (OSError, ValueError, ConnectionError) as error:
            failures += 1
            if len(samples) < 3:
                samples.append(f"{type(error).__name__}: {error}")
            conn.connect()
            continue
        latencies.append(clock() - started)
        statuses[status] += 1
        if status == 200 and kind in ("batch", "heartbeat"):
            summary = decode(body)
            accepted += summary["accepted"]
            duplicates += summary["duplicates"]
        elif status == 202 and kind in ("batch", "heartbeat"):
            accepted += decode(body)["queued"]  # stored by the worker: checked in the table afterwards
        elif status != 200 and kind != "warmup" and len(samples) < 3:
            samples.append(f"{status}: {body[:120]!r}")
    conn.close()
    out.update(
        latencies=latencies, statuses=statuses, accepted=accepted, duplicates=duplicates, failures=failures, samples=samples
    )


def _client_process(spec: LoadSpec, proc_index: int, threads: int, messages, start) -> None:
    """One load-generator process: builds its requests, opens its connections, waits for the start."""
    try:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C and terminates us
        work = collections.deque(spec.build(proc_index))
        connections = [_Connection(spec.port) for _ in range(threads)]
        messages.put(("ready", proc_index, len(work)))
        start.wait()
        usage_before = resource.getrusage(resource.RUSAGE_SELF)
        outs = [dict() for _ in range(threads)]
        workers = [
            threading.Thread(target=_connection_loop, args=(spec.port, work, spec.kind, conn, out), daemon=True)
            for conn, out in zip(connections, outs, strict=True)
        ]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
        finished = time.monotonic()
        usage_after = resource.getrusage(resource.RUSAGE_SELF)
        latencies = array.array("d")
        statuses: collections.Counter = collections.Counter()
        for out in outs:
            latencies.extend(out["latencies"])
            statuses.update(out["statuses"])
        messages.put(
            (
                "done",
                proc_index,
                {
                    "finished": finished,
                    "cpu": (usage_after.ru_utime - usage_before.ru_utime) + (usage_after.ru_stime - usage_before.ru_stime),
                    "latencies": latencies.tobytes(),
                    "statuses": dict(statuses),
                    "accepted": sum(out["accepted"] for out in outs),
                    "duplicates": sum(out["duplicates"] for out in outs),
                    "failures": sum(out["failures"] for out in outs),
                    "samples": [sample for out in outs for sample in out["samples"]][:5],
                },
            )
        )
    except BaseException:  # noqa: BLE001 - report anything to the parent, which decides
        messages.put(("error", proc_index, traceback.format_exc()))


# --------------------------------------------------------------------------- CPU accounting (/proc)


def _proc_table() -> dict[int, tuple[str, int, int]]:
    """pid -> (group key, process group, CPU ticks user+system) for every process we can read.

    PostgreSQL processes are told apart by their title: a backend names its database
    ("postgres: 15/main: xinglin xinglin_bench 127.0.0.1(5432) idle"), auxiliary processes
    (WAL writer, checkpointer, autovacuum) name their role.
    """
    table = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as handle:
                data = handle.read().decode("latin-1")
            close = data.rfind(")")
            comm = data[data.find("(") + 1 : close]
            fields = data[close + 2 :].split()
            key = comm
            if comm.startswith("postgres"):
                with open(f"/proc/{name}/cmdline", "rb") as handle:
                    title = handle.read().decode("latin-1")
                key = "postgres " + title
        except OSError:
            continue
        table[int(name)] = (key, int(fields[2]), int(fields[11]) + int(fields[12]))
    return table


def _machine_ticks() -> tuple[int, int, int]:
    """(busy, total, steal) ticks of all CPUs; steal = time the hypervisor gave our vCPUs to others."""
    with open("/proc/stat") as handle:
        values = [int(v) for v in handle.readline().split()[1:]]
    idle = values[3] + values[4]  # idle + iowait
    return sum(values[:8]) - idle, sum(values[:8]), values[7]


@dataclass
class CpuSample:
    procs: dict
    busy: int
    total: int
    steal: int = 0

    @classmethod
    def take(cls) -> CpuSample:
        busy, total, steal = _machine_ticks()
        return cls(_proc_table(), busy, total, steal)


CPU_GROUPS = ("server", "worker", "beat", "pg_bench", "pg_aux", "bench", "other")
WORKER_PGIDS: dict[int, str] = {}  # process group -> "worker" / "beat": the heartbeat queue's drain (when on)


def _cpu_delta(before: CpuSample, after: CpuSample, server_pgid: int | None, database: str = "") -> dict[str, float]:
    """CPU seconds spent between two samples by: the HTTP server, PostgreSQL backends of the bench
    database, PostgreSQL's own background processes, this bench (process group: clients and main),
    and everything else on the machine (other databases' backends included)."""
    groups = dict.fromkeys(CPU_GROUPS, 0)
    own_pgid = os.getpgrp()
    for pid, (key, pgrp, ticks) in after.procs.items():
        previous = before.procs.get(pid)
        spent = ticks - previous[2] if previous and previous[1] == pgrp else ticks
        if server_pgid is not None and pgrp == server_pgid:
            groups["server"] += spent
        elif pgrp in WORKER_PGIDS:
            groups[WORKER_PGIDS[pgrp]] += spent
        elif key.startswith("postgres "):
            title = key.split(": ", 2)[-1]
            if database and f" {database} " in f" {title} ":
                groups["pg_bench"] += spent
            elif "(" in title or " idle" in title or "authentication" in title:
                groups["other"] += spent  # a client backend of another database
            else:
                groups["pg_aux"] += spent
        elif pgrp == own_pgid:
            groups["bench"] += spent
        else:
            groups["other"] += spent
    result = {name: ticks / CLK_TCK for name, ticks in groups.items()}
    result["machine_busy_fraction"] = (after.busy - before.busy) / max(1, after.total - before.total)
    result["steal_fraction"] = (after.steal - before.steal) / max(1, after.total - before.total)
    return result


# --------------------------------------------------------------------------- load phases


@dataclass
class LoadResult:
    spec: LoadSpec
    seconds: float
    latencies: array.array
    statuses: collections.Counter
    accepted: int
    duplicates: int
    failures: int
    samples: list[str]
    client_cpu: float
    cpu: dict = field(default_factory=dict)
    peaks: dict = field(default_factory=dict)
    settle_seconds: float = 0.0  # after the last response, until every queued event was stored

    @property
    def ok(self) -> int:
        return self.statuses.get(200, 0) + self.statuses.get(202, 0)

    @property
    def stored_rps(self) -> float:
        """Successful requests per second counted until the last one was stored (queue drained)."""
        return self.ok / (self.seconds + self.settle_seconds)

    @property
    def rps(self) -> float:
        """Successful (200, or 202 queued) requests per second: an error is not a heartbeat served."""
        return self.ok / self.seconds

    def percentile(self, q: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


class _PeakSampler(threading.Thread):
    """Samples, twice a second, the server's thread count and its connections to the bench database."""

    def __init__(self, server_pgid: int | None, monitor):
        super().__init__(daemon=True)
        self.server_pgid, self.monitor = server_pgid, monitor
        self.peaks = {"server_threads": 0, "db_connections": 0}
        self.halt = threading.Event()

    def run(self) -> None:
        while not self.halt.wait(0.5):
            self.sample()

    def sample(self) -> None:
        if self.server_pgid is not None:
            threads = 0
            for pid, (_, pgrp, _) in _proc_table().items():
                if pgrp == self.server_pgid:
                    try:
                        threads += len(os.listdir(f"/proc/{pid}/task"))
                    except OSError:
                        pass
            self.peaks["server_threads"] = max(self.peaks["server_threads"], threads)
        if self.monitor is not None:
            try:
                self.peaks["db_connections"] = max(self.peaks["db_connections"], backend_count(self.monitor))
            except Exception:  # noqa: BLE001 - a sample lost is not worth failing the run
                pass

    def stop(self) -> dict:
        self.halt.set()
        self.join(timeout=5)
        self.sample()
        return self.peaks


def run_load(spec: LoadSpec, server_pgid: int | None, database: str = "", monitor=None, settle=None) -> LoadResult:
    """settle(): called once every response is in, before the CPU is counted; returns the seconds it
    waited (the queue's drain: heartbeats answered 202 are stored by the worker afterwards)."""
    context = multiprocessing.get_context("fork")
    messages = context.Queue()
    start = context.Event()
    share = [
        spec.connections // spec.processes + (1 if i < spec.connections % spec.processes else 0) for i in range(spec.processes)
    ]
    children = [
        context.Process(target=_client_process, args=(spec, i, share[i], messages, start), daemon=True)
        for i in range(spec.processes)
        if share[i] > 0
    ]
    for child in children:
        child.start()
    try:
        ready = 0
        while ready < len(children):
            kind, index, payload = _next_message(messages, children)
            if kind == "error":
                raise RuntimeError(f"client process {index} failed:\n{payload}")
            ready += 1
        sampler = _PeakSampler(server_pgid, monitor)
        cpu_before = CpuSample.take()
        started = time.monotonic()
        start.set()
        sampler.start()
        done = []
        while len(done) < len(children):
            kind, index, payload = _next_message(messages, children)
            if kind == "error":
                raise RuntimeError(f"client process {index} failed:\n{payload}")
            done.append(payload)
        seconds = max(item["finished"] for item in done) - started
        settle_seconds = settle() if settle is not None else 0.0
        cpu_after = CpuSample.take()
        peaks = sampler.stop()
    finally:
        for child in children:
            if child.is_alive():
                child.terminate()
            child.join(timeout=5)
    latencies = array.array("d")
    statuses: collections.Counter = collections.Counter()
    for item in done:
        chunk = array.array("d")
        chunk.frombytes(item["latencies"])
        latencies.extend(chunk)
        statuses.update(item["statuses"])
    return LoadResult(
        spec=spec,
        seconds=seconds,
        latencies=latencies,
        statuses=statuses,
        accepted=sum(item["accepted"] for item in done),
        duplicates=sum(item["duplicates"] for item in done),
        failures=sum(item["failures"] for item in done),
        samples=[s for item in done for s in item["samples"]][:5],
        client_cpu=sum(item["cpu"] for item in done),
        cpu=_cpu_delta(cpu_before, cpu_after, server_pgid, database),
        peaks=peaks,
        settle_seconds=settle_seconds,
    )


def _next_message(messages, children, timeout: float = 900.0):
    deadline = time.monotonic() + timeout
    while True:
        try:
            return messages.get(timeout=1.0)
        except queue_module.Empty:
            if not any(child.is_alive() for child in children):
                raise RuntimeError("all client processes exited without reporting") from None
            if time.monotonic() > deadline:
                raise TimeoutError("the load phase did not finish in time") from None


# --------------------------------------------------------------------------- server


class GranianServer:
    """The production server command from deploy/, on a free loopback port, in its own process group."""

    def __init__(self, env: dict[str, str], workers: int, log_path: Path, blocking_threads: int = 0):
        self.env = env
        self.workers = workers
        self.blocking_threads = blocking_threads
        self.log_path = log_path
        self.port = _free_port()
        self.process: subprocess.Popen | None = None

    @property
    def command(self) -> list[str]:
        granian = Path(sys.executable).with_name("granian")
        threads = ["--blocking-threads", str(self.blocking_threads)] if self.blocking_threads else []
        return [
            str(granian if granian.exists() else "granian"),
            "--interface",
            "wsgi",
            "--workers",
            str(self.workers),
            *threads,
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            "platform_core.wsgi:application",
        ]

    def start(self, timeout: float = 90.0) -> None:
        log = open(self.log_path, "wb")  # noqa: SIM115 - lives as long as the server
        self.process = subprocess.Popen(
            self.command, cwd=REPO, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"granian exited with {self.process.returncode}:\n{self.log_tail()}")
            try:
                conn = _Connection(self.port)
                status, _ = conn.exchange(_http_request(TRIVIAL_PATH, f"127.0.0.1:{self.port}", b"{}", None))
                conn.close()
                if status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.3)
        raise RuntimeError(f"granian did not answer within {timeout:.0f} s:\n{self.log_tail()}")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        pgid = self.process.pid  # its own session and process group (start_new_session)
        try:
            os.killpg(pgid, signal.SIGTERM)
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(pgid, signal.SIGKILL)
            self.process.wait(timeout=5)
        except ProcessLookupError:
            pass

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"


class QueueWorkers:
    """The Celery worker and beat of deploy/Procfile, draining the heartbeat queue (each its own group)."""

    def __init__(self, env: dict[str, str], var_dir: Path):
        self.env = env | {"CONN_HEALTH_CHECKS": "true"}  # as deploy/ runs the worker and beat
        self.var_dir = var_dir
        self.processes: list[subprocess.Popen] = []

    def start(self) -> dict[int, str]:
        """Starts both; returns their process groups (for the CPU accounting)."""
        celery = Path(sys.executable).with_name("celery")
        celery = str(celery if celery.exists() else "celery")
        log = open(self.var_dir / "celery.log", "wb")  # noqa: SIM115 - lives as long as the processes
        for command in (
            ["worker", "--concurrency", "2", "-O", "fair", "--loglevel", "WARNING"],
            [
                "beat",
                "--loglevel",
                "WARNING",
                "--pidfile",
                str(self.var_dir / "beat.pid"),
                "--schedule",
                str(self.var_dir / "beat-schedule"),
            ],
        ):
            self.processes.append(
                subprocess.Popen(
                    [celery, "-A", "platform_core", *command],
                    cwd=REPO,
                    env=self.env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            )
        return {process.pid: name for process, name in zip(self.processes, ("worker", "beat"), strict=True)}

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is not None:
                continue
            try:
                os.killpg(process.pid, signal.SIGTERM)
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=5)
            except ProcessLookupError:
                pass

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join((self.var_dir / "celery.log").read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --------------------------------------------------------------------------- database


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/" + name))


def _check_local(url: str) -> None:
    host = urlsplit(url).hostname or ""
    if unquote(host) not in LOCAL_HOSTS and not unquote(host).startswith("/"):
        raise SystemExit(f"refusing to benchmark against a non-local database host {host!r}")


def recreate_database(admin_url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def drop_database(admin_url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def create_users(count: int) -> list[str]:
    """Doctors with API tokens, straight through the ORM (no password hashing: unusable passwords)."""
    from rest_framework.authtoken.models import Token

    from platform_core.models import User

    users = User.objects.bulk_create(
        [User(username=f"bench-{i:05d}", name=f"Bench doctor {i}", password="!") for i in range(count)]
    )
    tokens = Token.objects.bulk_create([Token(key=Token.generate_key(), user=user) for user in users])
    from django.db import connection

    with connection.cursor() as cursor:  # planner statistics, as a live database has them
        cursor.execute(f"ANALYZE {User._meta.db_table}, {Token._meta.db_table}")
    return [token.key for token in tokens]


def _connect(url: str, attempts: int = 10, autocommit: bool = False):
    """A connection, retried for a while: a shared server may briefly have no free slot."""
    import psycopg

    for attempt in range(attempts):
        try:
            return psycopg.connect(url, autocommit=autocommit)
        except psycopg.OperationalError:
            if attempt == attempts - 1:
                raise
            time.sleep(1 + attempt)


def table_check(conn, table: str, where: str = "TRUE") -> tuple[int, int]:
    """(rows, distinct (actor, client_event_id) keys) in the table, through the bench's own connection
    (opened before the server starts, so a server that used up the connection slots cannot lock it out)."""
    return conn.execute(f"SELECT count(*), count(DISTINCT (actor_id, client_event_id)) FROM {table} WHERE {where}").fetchone()


def backend_count(conn) -> int:
    """Connections open to the bench database (the server's threads hold one each), this one excluded."""
    return conn.execute(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
    ).fetchone()[0]


def wait_for_drainer(queue, workers: QueueWorkers, log, timeout: float = 90.0) -> None:
    """Until beat has run the drain task once on the worker (it creates the consumer group)."""
    client = queue._client()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if any(group["name"] in (queue.GROUP, queue.GROUP.encode()) for group in client.xinfo_groups(queue.STREAM)):
                log("celery worker and beat up: the heartbeat queue is drained")
                return
        except Exception:  # noqa: BLE001 - the stream does not exist until the first drain
            pass
        time.sleep(0.5)
    raise RuntimeError(f"the queue drain did not run within {timeout:.0f} s:\n{workers.log_tail()}")


def wait_drained(queue, timeout: float = 300.0) -> float:
    """Seconds until the stream holds no entry, read or unread (every queued row is committed)."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        backlog = queue.queue_backlog()
        if backlog["entries"] == 0 and backlog["pending"] == 0:
            return time.monotonic() - started
        time.sleep(0.05)
    raise TimeoutError(f"the heartbeat queue was not drained within {timeout:.0f} s: {queue.queue_backlog()}")


def wait_quiet(max_wait: float, log) -> float:
    """Wait (at most max_wait s) until the machine is nearly idle; returns the last busy fraction."""
    deadline = time.monotonic() + max_wait
    while True:
        before = CpuSample.take()
        time.sleep(1.0)
        busy = _cpu_delta(before, CpuSample.take(), None)["machine_busy_fraction"]
        if busy < 0.15 or time.monotonic() >= deadline:
            if busy >= 0.15:
                log(f"machine still {busy * 100:.0f}% busy with other work; measuring anyway")
            return busy
        time.sleep(2.0)


@dataclass
class CopyResult:
    rows: int
    seconds: float
    megabytes: float
    cpu: dict

    @property
    def eps(self) -> float:
        return self.rows / self.seconds


def copy_baseline(url: str, table: str, columns: tuple[str, ...]) -> CopyResult:
    """Read back the rows the API stored, TRUNCATE, and time one server-side COPY of them."""

    column_list = ", ".join(columns)
    with _connect(url) as conn:
        pieces: list[bytes] = []
        with conn.cursor() as cursor:
            with cursor.copy(f"COPY (SELECT {column_list} FROM {table} ORDER BY id) TO STDOUT") as copy:
                for data in copy:
                    pieces.append(bytes(data))
        conn.execute(f"TRUNCATE {table}")
        conn.commit()
        blocks, current, size = [], [], 0
        for piece in pieces:
            current.append(piece)
            size += len(piece)
            if size >= 1 << 20:
                blocks.append(b"".join(current))
                current, size = [], 0
        if current:
            blocks.append(b"".join(current))
        del pieces
        cpu_before = CpuSample.take()
        started = time.perf_counter()
        with conn.cursor() as cursor:
            with cursor.copy(f"COPY {table} ({column_list}) FROM STDIN") as copy:
                for block in blocks:
                    copy.write(block)
        conn.commit()
        seconds = time.perf_counter() - started
        cpu = _cpu_delta(cpu_before, CpuSample.take(), None, urlsplit(url).path.lstrip("/"))
        rows = conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    return CopyResult(rows=rows, seconds=seconds, megabytes=sum(map(len, blocks)) / 1e6, cpu=cpu)


# --------------------------------------------------------------------------- environment


def bench_environment(database_url: str, var_dir: Path) -> dict[str, str]:
    from cryptography.fernet import Fernet

    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="bench.settings_bench",
        SECRET_KEY=secrets.token_urlsafe(50),
        FIELD_ENCRYPTION_KEY=Fernet.generate_key().decode(),
        DATABASE_URL=database_url,
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="false",
        XINGLIN_VAR_DIR=str(var_dir),
        LOG_LEVEL="WARNING",
        PYTHONPATH=os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH", "")])),
    )
    if not env.get("REDIS_URL") and _port_open(6379):
        env["REDIS_URL"] = "redis://127.0.0.1:6379/15"  # production shape; the hot path does not use it
    return env


def _port_open(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


# --------------------------------------------------------------------------- report


def _fmt(n: float) -> str:
    return f"{n:,.0f}"


def _verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def _cpu_text(cpu: dict, seconds: float, clients: float | None = None, label: str = "clients") -> str:
    available = seconds * os.cpu_count()
    parts = [f"server {cpu['server']:.1f}"] if cpu.get("server") else []
    if cpu.get("worker") or cpu.get("beat"):
        parts.append(f"celery worker {cpu['worker']:.1f} + beat {cpu['beat']:.1f}")
    parts += [f"postgres {cpu['pg_bench']:.1f} (+{cpu['pg_aux']:.1f} background)"]
    if clients is not None:
        parts.append(f"{label} {clients:.1f}")
    parts.append(f"other processes {cpu['other']:.1f}")
    steal = cpu.get("steal_fraction", 0.0)
    return (
        f"CPU s: {', '.join(parts)} of {available:.1f} available "
        f"(machine {cpu['machine_busy_fraction'] * 100:.0f}% busy"
        + (f", {steal * 100:.0f}% stolen by the hypervisor" if steal >= 0.005 else "")
        + ")"
    )


def _load_line(result: LoadResult) -> str:
    peaks = result.peaks
    return (
        f"    p50 {result.percentile(0.5) * 1000:.1f} ms, p99 {result.percentile(0.99) * 1000:.1f} ms; "
        f"peak {peaks.get('server_threads', 0)} server threads, {peaks.get('db_connections', 0)} DB connections\n    "
        + _cpu_text(result.cpu, result.seconds + result.settle_seconds, result.client_cpu)
    )


def _status_text(result: LoadResult) -> str:
    statuses = ", ".join(f"{count:,} x {status}" for status, count in sorted(result.statuses.items()))
    extra = f", {result.failures} failed" if result.failures else ""
    return statuses + extra


def report(
    args,
    api: LoadResult,
    stored: tuple[int, int],
    copy: CopyResult,
    rounds: list[tuple[LoadResult, LoadResult]],
    hb_stored: tuple[int, int],
) -> dict:
    api_eps = api.accepted / api.seconds  # events stored per second (errors excluded)
    ratio = api_eps / copy.eps
    trivial_ok = sum(t.ok for t, _ in rounds)
    trivial_secs = sum(t.seconds for t, _ in rounds)
    hb_reqs = sum(h.spec.requests for _, h in rounds)
    hb_ok = sum(h.ok for _, h in rounds)
    hb_secs = sum(h.seconds for _, h in rounds)
    trivial_rps, hb_rps = trivial_ok / trivial_secs, hb_ok / hb_secs
    all_ok = all(r.ok == r.spec.requests and not r.failures for r in [api] + [r for pair in rounds for r in pair])
    # With the queue, a heartbeat counts until the worker stored it: the verdict uses that rate.
    drain_secs = sum(h.settle_seconds for _, h in rounds)
    queued = any(h.statuses.get(202) for _, h in rounds)
    hb_answered_ratio = hb_rps / trivial_rps
    hb_stored_rps = hb_ok / (hb_secs + drain_secs)
    hb_ratio = hb_stored_rps / trivial_rps
    exact = stored == (args.events, args.events) and api.accepted == args.events and api.duplicates == 0
    hb_exact = hb_stored == (hb_ok, hb_ok)
    width = 78
    print()
    print("=" * width)
    print(f"Xinglin ingestion benchmark: {args.events:,} events, batches of {args.batch}, {args.concurrency} connections")
    print(
        f"Granian WSGI, {args.workers} workers; PostgreSQL on 127.0.0.1; {os.cpu_count()} CPUs shared by "
        f"server, database and {args.client_processes} client processes"
    )
    print("-" * width)
    print(f"{'API  POST ' + BATCH_PATH:<44}{_fmt(api_eps):>12} events/s  {api.seconds:8.1f} s")
    print(f"    {api.spec.requests:,} requests: {_status_text(api)}")
    print(
        f"    stored {stored[0]:,} rows, {stored[1]:,} distinct (actor, client_event_id); "
        f"accepted {api.accepted:,}, duplicates {api.duplicates:,}: {'exactly N' if exact else 'MISMATCH'}"
    )
    print(_load_line(api))
    print(f"{'COPY one stream, same rows, same table':<44}{_fmt(copy.eps):>12} events/s  {copy.seconds:8.1f} s")
    print(
        f"    {copy.rows:,} rows, {copy.megabytes:.0f} MB of COPY text; "
        + _cpu_text(copy.cpu, copy.seconds, copy.cpu["bench"], "COPY feeder")
    )
    print(
        f"{'ratio API / COPY':<44}{ratio * 100:>11.1f} %   target >= {API_TARGET * 100:.0f} %   {_verdict(ratio >= API_TARGET)}"
    )
    print("-" * width)
    for index, (trivial, heartbeat) in enumerate(rounds, 1):
        print(
            f"round {index}: trivial {_fmt(trivial.rps)} req/s ({trivial.seconds:.1f} s), "
            f"heartbeat {_fmt(heartbeat.rps)} req/s ({heartbeat.seconds:.1f} s)"
            + (
                f", all stored {heartbeat.settle_seconds:.1f} s after the last answer: {_fmt(heartbeat.stored_rps)} req/s stored"
                if queued
                else ""
            )
        )
        print("  trivial " + _load_line(trivial).strip())
        print("  heartbeat " + _load_line(heartbeat).strip())
        bad = [r for r in (trivial, heartbeat) if r.ok != r.spec.requests]
        for r in bad:
            print(f"  {r.spec.name}: {_status_text(r)}; {r.samples}")
    print(
        f"{'Heartbeats  POST ' + BATCH_PATH + ' (1 event)':<52}{_fmt(hb_rps):>9} req/s"
        + (" answered (202 queued)" if queued else "")
        + ("" if hb_ok == hb_reqs else f"  ({hb_reqs - hb_ok:,} of {hb_reqs:,} failed)")
    )
    if queued:
        print(
            f"{'    ... counted until the worker stored the last one':<52}{_fmt(hb_stored_rps):>9} req/s"
            f"   ({hb_answered_ratio * 100:.1f} % of trivial as answered)"
        )
    print(f"{'Trivial JSON view  POST ' + TRIVIAL_PATH:<52}{_fmt(trivial_rps):>9} req/s")
    print(
        f"    heartbeat rows stored {hb_stored[0]:,} (distinct {hb_stored[1]:,}); {hb_ok:,} of {hb_reqs:,} "
        f"answered 200: {'exact' if hb_exact else 'MISMATCH'}"
    )
    print(
        f"{'ratio heartbeat (stored) / trivial':<52}{hb_ratio * 100:>8.1f} %   target >= {HEARTBEAT_TARGET * 100:.0f} %   "
        f"{_verdict(hb_ratio >= HEARTBEAT_TARGET)}"
    )
    print("=" * width)
    if api.samples:
        print("API errors (samples):", *api.samples, sep="\n  ")
    return {
        "events": args.events,
        "batch": args.batch,
        "concurrency": args.concurrency,
        "workers": args.workers,
        "client_processes": args.client_processes,
        "cpus": os.cpu_count(),
        "api": {
            "events_per_s": api_eps,
            "seconds": api.seconds,
            "requests": api.spec.requests,
            "statuses": {str(k): v for k, v in api.statuses.items()},
            "failures": api.failures,
            "rows": stored[0],
            "distinct_keys": stored[1],
            "exact": exact,
            "p50_ms": api.percentile(0.5) * 1000,
            "p99_ms": api.percentile(0.99) * 1000,
            "peaks": api.peaks,
            "cpu_s": api.cpu | {"clients": api.client_cpu},
        },
        "copy": {
            "events_per_s": copy.eps,
            "seconds": copy.seconds,
            "rows": copy.rows,
            "megabytes": copy.megabytes,
            "cpu_s": copy.cpu,
        },
        "api_over_copy": ratio,
        "api_target": API_TARGET,
        "api_pass": ratio >= API_TARGET,
        "heartbeat": {
            "requests_per_s": hb_rps,
            "stored_requests_per_s": hb_stored_rps,
            "queued": queued,
            "drain_seconds": drain_secs,
            "answered_over_trivial": hb_answered_ratio,
            "requests": hb_reqs,
            "rows": hb_stored[0],
            "exact": hb_exact,
            "rounds": [
                {
                    "trivial_rps": t.rps,
                    "heartbeat_rps": h.rps,
                    "trivial_p50_ms": t.percentile(0.5) * 1000,
                    "heartbeat_p50_ms": h.percentile(0.5) * 1000,
                    "heartbeat_stored_rps": h.stored_rps,
                    "drain_seconds": h.settle_seconds,
                    "trivial_cpu_s": t.cpu | {"clients": t.client_cpu},
                    "heartbeat_statuses": {str(k): v for k, v in h.statuses.items()},
                    "heartbeat_peaks": h.peaks,
                    "heartbeat_cpu_s": h.cpu | {"clients": h.client_cpu},
                }
                for t, h in rounds
            ],
        },
        "trivial": {"requests_per_s": trivial_rps, "requests": sum(t.spec.requests for t, _ in rounds)},
        "all_requests_ok": all_ok,
        "heartbeat_over_trivial": hb_ratio,
        "heartbeat_target": HEARTBEAT_TARGET,
        "heartbeat_pass": hb_ratio >= HEARTBEAT_TARGET,
    }


# --------------------------------------------------------------------------- main


def parse_args(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench.ingest", description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=None, help="events through the API and COPY (default 1,000,000)")
    parser.add_argument("--batch", type=int, default=50, help="events per API request (default 50)")
    parser.add_argument("--concurrency", type=int, default=12, help="keep-alive client connections (default 12)")
    parser.add_argument("--client-processes", type=int, default=2, help="load-generator processes (default 2)")
    parser.add_argument("--workers", type=int, default=2, help="Granian worker processes (default 2, as deployed)")
    parser.add_argument(
        "--blocking-threads",
        type=int,
        default=DEPLOY_BLOCKING_THREADS,
        help=f"Granian blocking threads per worker (default {DEPLOY_BLOCKING_THREADS}, as deployed; 0 = Granian's own default)",
    )
    parser.add_argument(
        "--queue",
        choices=("auto", "on", "off"),
        default="auto",
        help="heartbeats through the Redis stream and a Celery worker (auto: when Redis is there, "
        "as production does with REDIS_URL) or stored in the request (off)",
    )
    parser.add_argument("--users", type=int, default=200, help="users with API tokens (default 200)")
    parser.add_argument(
        "--heartbeats",
        type=int,
        default=None,
        help="requests per heartbeat and per trivial measurement (default 20,000; --quick 5,000)",
    )
    parser.add_argument("--rounds", type=int, default=2, help="alternating trivial/heartbeat rounds (default 2)")
    parser.add_argument("--quick", action="store_true", help="100,000 events and 5,000 heartbeats")
    parser.add_argument("--skip-heartbeat", action="store_true", help="only the API vs COPY part")
    parser.add_argument("--heartbeats-only", action="store_true", help="only the heartbeat vs trivial part")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL,
        help="a database on the local server; the bench creates its own next to it (default $DATABASE_URL or %(default)s)",
    )
    parser.add_argument("--bench-database", default="xinglin_bench", help="dropped and recreated each run")
    parser.add_argument("--keep-db", action="store_true", help="leave the bench database in place afterwards")
    parser.add_argument(
        "--quiet-wait",
        type=float,
        default=60.0,
        help="before each timed phase wait up to this many seconds for other work on the machine "
        "to stop (default 60; 0 = do not wait)",
    )
    parser.add_argument(
        "--hold", action="store_true", help="after warm-up, print the server's pids and wait for Enter (to attach a profiler)"
    )
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args(argv)
    if args.events is None:
        args.events = 100_000 if args.quick else 1_000_000
    if args.heartbeats is None:
        args.heartbeats = 5_000 if args.quick else 20_000
    if args.events < 1 or args.batch < 1 or args.concurrency < 1 or args.client_processes < 1:
        parser.error("--events, --batch, --concurrency and --client-processes must be positive")
    args.client_processes = min(args.client_processes, args.concurrency)
    return args


def api_and_copy(args, spec, pgid, database, monitor, bench_url, table, columns, log):
    """The API path (N events in batches) and the raw COPY baseline of the same rows."""
    requests = math.ceil(args.events / args.batch)
    wait_quiet(args.quiet_wait, log)
    log(
        f"API path: building {requests:,} requests of {args.batch} events in {args.client_processes} processes, "
        f"then posting over {args.concurrency} connections"
    )
    api = run_load(spec("api", "batch", requests, events=args.events, batch=args.batch, prefix="ev"), pgid, database, monitor)
    stored = table_check(monitor, table)
    backends = {"after API path": backend_count(monitor)}
    log(
        f"API path: {args.events / api.seconds:,.0f} events/s in {api.seconds:.1f} s; "
        f"{stored[0]:,} rows stored; {backends['after API path']} server connections to the database"
    )
    if api.samples:
        log(f"API errors: {api.samples}")

    log("COPY baseline: reading the stored rows back, TRUNCATE, one COPY FROM STDIN")
    wait_quiet(args.quiet_wait, log)
    copy = copy_baseline(bench_url, table, columns)
    log(f"COPY baseline: {copy.eps:,.0f} events/s in {copy.seconds:.1f} s")

    return api, stored, copy, backends


def heartbeat_summary(rounds, hb_stored) -> int:
    """--heartbeats-only: the rounds and the ratios, no API/COPY part."""
    for index, (trivial, heartbeat) in enumerate(rounds, 1):
        print(
            f"round {index}: trivial {_fmt(trivial.rps)} req/s, heartbeat {_fmt(heartbeat.rps)} req/s answered, "
            f"{_fmt(heartbeat.stored_rps)} stored: {heartbeat.stored_rps / trivial.rps * 100:.1f} %"
        )
        print("  trivial " + _load_line(trivial).strip())
        print("  heartbeat " + _load_line(heartbeat).strip())
    trivial_rps = sum(t.ok for t, _ in rounds) / sum(t.seconds for t, _ in rounds)
    hb_ok = sum(h.ok for _, h in rounds)
    stored_rps = hb_ok / sum(h.seconds + h.settle_seconds for _, h in rounds)
    exact = hb_stored == (hb_ok, hb_ok) and hb_ok == sum(h.spec.requests for _, h in rounds)
    print(
        f"heartbeat (stored) / trivial: {stored_rps / trivial_rps * 100:.1f} %; rows {hb_stored}: "
        f"{'exact' if exact else 'MISMATCH'}"
    )
    return 0 if exact and stored_rps / trivial_rps >= HEARTBEAT_TARGET else 1


def main(argv=None) -> int:
    args = parse_args(argv)
    admin_url = args.database_url
    _check_local(admin_url)
    if urlsplit(admin_url).path.lstrip("/") == args.bench_database:
        raise SystemExit("--bench-database must differ from the database in --database-url (it is dropped)")
    bench_url = _with_database(admin_url, args.bench_database)
    var_dir = Path(tempfile.mkdtemp(prefix="xinglin-bench-"))
    env = bench_environment(bench_url, var_dir)
    if args.queue == "on" and not env.get("REDIS_URL"):
        raise SystemExit("--queue on needs Redis (REDIS_URL or a server on 127.0.0.1:6379)")
    env["INTERACTIONS_QUEUE"] = "true" if args.queue != "off" and env.get("REDIS_URL") else "false"
    queue_on = env["INTERACTIONS_QUEUE"] == "true"
    os.environ.update({k: v for k, v in env.items() if k != "PYTHONPATH"})
    if str(REPO) not in sys.path:
        sys.path.insert(0, str(REPO))

    began = time.monotonic()

    def log(message: str) -> None:
        print(f"[{time.monotonic() - began:6.1f} s] {message}", flush=True)

    log(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs; recreating database {args.bench_database}")
    recreate_database(admin_url, args.bench_database)

    import django
    from django.core.management import call_command
    from django.db import connections

    django.setup()
    call_command("migrate", interactive=False, verbosity=0)
    from platform_core.interactions.store import COLUMNS, TABLE

    tokens = create_users(args.users)
    connections.close_all()
    log(f"migrated; {len(tokens)} users with API tokens")

    monitor = _connect(bench_url, autocommit=True)
    server = GranianServer(env, args.workers, var_dir / "granian.log", args.blocking_threads)
    workers = QueueWorkers(env, var_dir) if queue_on else None
    previous_sigterm = signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    try:
        server.start()
        pgid = server.process.pid
        tuning = " ".join(f"{k}={v}" for k, v in sorted(env.items()) if k.startswith("GRANIAN_"))
        log(f"granian up on 127.0.0.1:{server.port} ({' '.join(server.command[1:])}){' with ' + tuning if tuning else ''}")
        settle = None
        if workers is not None:
            from platform_core.interactions import queue

            queue._client().delete(queue.STREAM, queue.DEAD_LETTERS)
            WORKER_PGIDS.update(workers.start())
            wait_for_drainer(queue, workers, log)
            settle = lambda: wait_drained(queue)  # noqa: E731

        def spec(name, kind, requests, **extra) -> LoadSpec:
            return LoadSpec(
                name=name,
                kind=kind,
                requests=requests,
                port=server.port,
                tokens=tokens,
                processes=args.client_processes,
                connections=args.concurrency,
                **extra,
            )

        database = args.bench_database
        warm = run_load(spec("warm-up", "warmup", max(400, 40 * args.concurrency)), pgid, database, monitor)
        if warm.statuses.get(200, 0) == 0 or warm.failures:
            raise RuntimeError(f"warm-up failed: {_status_text(warm)} {warm.samples}\n{server.log_tail()}")
        if args.hold:
            children = subprocess.run(["pgrep", "-g", str(pgid)], capture_output=True, text=True).stdout.split()
            input(f"server process group {pgid}: pids {' '.join(children)}; press Enter to start the load ")

        if args.heartbeats_only:
            api = copy = None
            stored = (0, 0)
            backends = {}
        else:
            api, stored, copy, backends = api_and_copy(args, spec, pgid, database, monitor, bench_url, TABLE, COLUMNS, log)

        rounds = []
        hb_stored = (0, 0)
        if not args.skip_heartbeat:
            for index in range(args.rounds):
                wait_quiet(args.quiet_wait, log)
                trivial = run_load(
                    spec(f"trivial-{index}", "trivial", args.heartbeats, prefix=f"tv{index}"), pgid, database, monitor
                )
                wait_quiet(args.quiet_wait, log)
                heartbeat = run_load(
                    spec(f"heartbeat-{index}", "heartbeat", args.heartbeats, prefix=f"hb{index}"), pgid, database, monitor, settle
                )
                log(
                    f"round {index + 1}: trivial {trivial.rps:,.0f} req/s, heartbeat {heartbeat.rps:,.0f} req/s"
                    + (
                        f" answered, {heartbeat.stored_rps:,.0f} req/s stored (queue drained "
                        f"{heartbeat.settle_seconds:.1f} s after the last answer)"
                        if settle
                        else ""
                    )
                )
                rounds.append((trivial, heartbeat))
            hb_stored = table_check(monitor, TABLE, "client_event_id LIKE 'hb%'")
            backends["after heartbeats"] = backend_count(monitor)
    finally:
        server.stop()
        if workers is not None:
            workers.stop()
        monitor.close()
        signal.signal(signal.SIGTERM, previous_sigterm)
        if not args.keep_db:
            try:
                drop_database(admin_url, args.bench_database)
            except Exception as error:  # noqa: BLE001 - cleanup must not hide the real error
                print(f"could not drop {args.bench_database}: {error}", file=sys.stderr)

    if args.heartbeats_only:
        return heartbeat_summary(rounds, hb_stored)
    if not rounds:
        print(
            f"API {args.events / api.seconds:,.0f} events/s, COPY {copy.eps:,.0f} events/s, "
            f"ratio {args.events / api.seconds / copy.eps * 100:.1f} %"
        )
        return 0
    errors = [r for r in [api] + [r for pair in rounds for r in pair] if r.ok != r.spec.requests]
    if errors:
        print(f"some requests failed; server log: {server.log_path}; its last lines:\n{server.log_tail(25)}")
    figures = report(args, api, stored, copy, rounds, hb_stored)
    print("server connections to the database: " + ", ".join(f"{n} {when}" for when, n in backends.items()))
    figures["server_db_connections"] = backends
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2))
    if not figures["all_requests_ok"]:
        print("NOT ALL REQUESTS SUCCEEDED: the figures above count only the successful ones.")
    ok = figures["api_pass"] and figures["heartbeat_pass"] and figures["api"]["exact"] and figures["all_requests_ok"]
    return 0 if ok else 1


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        print("interrupted; server stopped", file=sys.stderr)
        sys.exit(130)
