"""Points-ledger benchmark: redemptions/s under contention and balance reads/s for a doctor with 100,000 entries.

    uv run python -m bench.ledger --quick          # 200 orders and 400 reads per phase (~1-2 min)
    uv run python -m bench.ledger                  # 1,000 orders and 2,000 reads per phase
    uv run python -m bench.ledger --processes 8 --threads 2 --json /tmp/ledger.json

What one run does (everything on the local PostgreSQL, through the real services, no HTTP):

1. Drops and recreates its own database (`xinglin_bench_ledger` next to the one in --database-url /
   DATABASE_URL) and runs `migrate`, with the production settings (bench/settings_bench.py).
2. Seeds through the services: a sponsor with a points policy, an active campaign and earn rule,
   a verified doctor who earns 1,000,000 points once (`points_earn`) and one academic item with
   ample stock. A second verified doctor gets 100,000 earn entries (bulk-inserted, as many years of
   activity would leave), a third 10 entries; then ANALYZE, as a live database has statistics.
3. Redemptions, each through `order_place` (wallet lock → item lock → balance sum → order, spend
   entry, audit entry, interaction event, one transaction), all for the SAME doctor and the SAME item:
   - baseline: one thread in one process, uncontended;
   - contended: --processes × --threads clients (own connections), released at once.
   After each phase the ledger is checked: every accepted order spent exactly its price, the balance
   is the sum of the entries, stock went down by the orders, nothing negative, no order lost.
4. Balance reads (`balance_of`, the sum over the doctor's entries) of the 100,000-entry doctor:
   baseline one thread, then the same clients as above concurrently; and the 10-entry doctor
   single-threaded, for what the size of the history costs.

It prints operations/s, p50/p95 latency and the ratio to the baseline of the same run.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import queue as queue_module
import sys
import tempfile
import threading
import time
import traceback
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from bench._common import (
    DEFAULT_DATABASE_URL,
    REPO,
    bench_environment,
    check_local,
    drop_database,
    recreate_database,
    wait_quiet,
    with_database,
)

ITEM_PRICE = 10
START_POINTS = 1_000_000
HISTORY_ENTRIES = 100_000
ADDRESS = {
    "recipient": "张伟",
    "phone": "13800138000",
    "province": "浙江省",
    "city": "杭州市",
    "district": "上城区",
    "street": "解放路 88 号 浙江大学医学院附属第一医院 心内科",
    "postal_code": "310003",
}


@dataclass
class Seed:
    redeemer_id: int
    reader_id: int
    light_reader_id: int
    item_id: int
    item_stock: int
    history_entries: int


@dataclass
class Phase:
    name: str
    clients: int
    ops: int
    ok: int = 0
    seconds: float = 0.0
    errors: dict[str, int] = field(default_factory=dict)
    p50_ms: float = 0.0
    p95_ms: float = 0.0
    load_before: float = 0.0

    @property
    def per_second(self) -> float:
        return self.ok / self.seconds if self.seconds else 0.0


# --------------------------------------------------------------------------- seeding


def seed(history_entries: int, item_stock: int) -> Seed:
    """Sponsor, policy, campaign, rule, three verified doctors, one item; the 100,000-entry history."""
    import datetime
    from decimal import Decimal

    from django.db import connection, transaction
    from django.utils import timezone

    from platform_core.models import Campaign, DoctorProfile, RoleAssignment, Sponsor, User, VerificationStatus
    from platform_core.roles import Role
    from points_mall.models import (
        CatalogCategory,
        CatalogItem,
        EarnAction,
        EarnRule,
        LedgerEntry,
        SponsorPointsPolicy,
        Wallet,
    )
    from points_mall.services.earning import points_earn

    today = timezone.localdate()
    with transaction.atomic():
        sponsor = Sponsor.objects.create(code="bench-ledger", name="杏林示范制药有限公司", name_en="Xinglin Demo Pharma")
        # 0.01 CNY a point and a high cap: the bench measures locking and arithmetic, not a refusal.
        SponsorPointsPolicy.objects.create(sponsor=sponsor, point_value=Decimal("0.01"), annual_tov_cap=Decimal("100000000"))
        campaign = Campaign.objects.create(
            sponsor=sponsor,
            code="bench-ledger",
            name="学术季（基准）",
            starts_on=today - datetime.timedelta(days=30),
            ends_on=today + datetime.timedelta(days=300),
            points_budget=2_000_000_000,
            status=Campaign.Status.ACTIVE,
        )
        big = EarnRule.objects.create(sponsor=sponsor, campaign=campaign, action=EarnAction.COURSE_COMPLETED, points=START_POINTS)

        def doctor(username: str) -> User:
            user = User.objects.create_user(username=username, email=f"{username}@xinglin.test", password=None, name="张医生")
            RoleAssignment.objects.create(user=user, role=Role.DOCTOR)
            DoctorProfile.objects.create(
                user=user, verification_status=VerificationStatus.VERIFIED, verified_at=timezone.now(), specialty="心内科"
            )
            return user

        redeemer, reader, light = doctor("bench-redeemer"), doctor("bench-reader"), doctor("bench-light-reader")
        item = CatalogItem.objects.create(
            name="内科学（第10版）",
            category=CatalogCategory.BOOK,
            price_points=ITEM_PRICE,
            market_value=Decimal("0.10"),  # = the points' value: no transfer of value above the points
            stock=item_stock,
            max_per_order=5,
        )
    outcome = points_earn(doctor=redeemer, rule=big, idempotency_key="bench:redeemer:start")
    assert outcome.paid, outcome.refusal and outcome.refusal.message

    # The history: earns of 1-50 points over the last ~3 years (bulk-inserted; the ledger is append-only).
    now = timezone.now()
    for user, count in ((reader, history_entries), (light, 10)):
        Wallet.objects.get_or_create(doctor=user)
        batch = []
        for number in range(count):
            batch.append(
                LedgerEntry(
                    doctor=user,
                    kind=LedgerEntry.Kind.EARN,
                    points=1 + number % 50,
                    sponsor=sponsor,
                    campaign=campaign,
                    rule=big,
                    idempotency_key=f"bench:{user.pk}:{number}",
                    source_object_type="course",
                    source_object_id=str(number % 400),
                    description="高血压规范化诊疗",
                    occurred_at=now - datetime.timedelta(minutes=15 * (count - number)),
                )
            )
            if len(batch) == 5000:
                LedgerEntry.objects.bulk_create(batch)
                batch = []
        if batch:
            LedgerEntry.objects.bulk_create(batch)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")  # autocommit here: visibility map and planner statistics
    return Seed(redeemer.pk, reader.pk, light.pk, item.pk, item_stock, history_entries)


def ledger_state(seed: Seed) -> dict:
    from django.db.models import Sum

    from points_mall.models import CatalogItem, LedgerEntry, Order
    from points_mall.services.ledger import balance_of

    entries = LedgerEntry.objects.filter(doctor_id=seed.redeemer_id)
    return {
        "balance": balance_of(doctor_id=seed.redeemer_id),
        "spent": -(entries.filter(kind=LedgerEntry.Kind.SPEND).aggregate(total=Sum("points"))["total"] or 0),
        "spend_entries": entries.filter(kind=LedgerEntry.Kind.SPEND).count(),
        "orders": Order.objects.filter(doctor_id=seed.redeemer_id).count(),
        "stock": CatalogItem.objects.get(pk=seed.item_id).stock,
    }


# --------------------------------------------------------------------------- clients


def _client_process(kind: str, seed: Seed, threads: int, ops: int, tag: str, ready, go, results) -> None:
    """One load process: `threads` threads, each `ops` operations with its own connection."""
    from django.db import connections

    from platform_core.exceptions import ApplicationError
    from platform_core.models import User
    from points_mall.services.ledger import balance_of
    from points_mall.services.orders import order_place

    connections.close_all()  # never share the parent's sockets

    def work(thread_index: int) -> None:
        latencies, errors, ok, signalled = [], {}, 0, False
        try:
            redeemer = User.objects.get(pk=seed.redeemer_id)
            reader_id = seed.light_reader_id if kind == "read-light" else seed.reader_id
            ready.put(1)
            signalled = True
            go.wait()
            for number in range(ops):
                began = time.perf_counter()
                try:
                    if kind == "order":
                        order_place(
                            doctor=redeemer,
                            item_id=seed.item_id,
                            quantity=1,
                            expected_unit_price=ITEM_PRICE,
                            address=ADDRESS,
                            idempotency_key=f"{tag}-{os.getpid()}-{thread_index}-{number}",
                        )
                    else:
                        balance_of(doctor_id=reader_id)
                    ok += 1
                except ApplicationError as error:
                    errors[error.code] = errors.get(error.code, 0) + 1
                latencies.append(time.perf_counter() - began)
        except Exception:  # noqa: BLE001 - reported to the parent, which fails the run
            errors["crash: " + traceback.format_exc(limit=3)] = 1
            if not signalled:
                ready.put(1)
        finally:
            connections.close_all()
            results.put((ok, errors, latencies))

    workers = [threading.Thread(target=work, args=(index,)) for index in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()


def run_phase(name: str, kind: str, seed: Seed, processes: int, threads: int, ops_per_client: int, log) -> Phase:
    """Fork the clients, release them together, time until the last one is done."""
    from django.db import connections

    connections.close_all()
    context = multiprocessing.get_context("fork")
    ready, results, go = context.Queue(), context.Queue(), context.Event()
    clients = processes * threads
    phase = Phase(name=name, clients=clients, ops=clients * ops_per_client, load_before=os.getloadavg()[0])
    children = [
        context.Process(target=_client_process, args=(kind, seed, threads, ops_per_client, f"{name}-{index}", ready, go, results))
        for index in range(processes)
    ]
    for child in children:
        child.start()
    for _ in range(clients):
        ready.get(timeout=120)
    began = time.perf_counter()
    go.set()
    latencies: list[float] = []
    for _ in range(clients):
        try:
            ok, errors, client_latencies = results.get(timeout=1800)
        except queue_module.Empty as error:
            raise RuntimeError(f"{name}: a client did not finish") from error
        phase.ok += ok
        latencies.extend(client_latencies)
        for code, count in errors.items():
            phase.errors[code] = phase.errors.get(code, 0) + count
    phase.seconds = time.perf_counter() - began
    for child in children:
        child.join(timeout=30)
    latencies.sort()
    if latencies:
        phase.p50_ms = latencies[len(latencies) // 2] * 1000
        phase.p95_ms = latencies[min(len(latencies) - 1, int(len(latencies) * 0.95))] * 1000
    log(
        f"{name}: {phase.ok:,}/{phase.ops:,} ok in {phase.seconds:.2f} s = {phase.per_second:,.1f}/s "
        f"(p50 {phase.p50_ms:.1f} ms, p95 {phase.p95_ms:.1f} ms){' errors ' + str(phase.errors) if phase.errors else ''}"
    )
    return phase


def check_redemptions(seed: Seed, before: dict, phase: Phase, log) -> list[str]:
    after = ledger_state(seed)
    problems = []
    placed = after["orders"] - before["orders"]
    if placed != phase.ok:
        problems.append(f"{phase.name}: {phase.ok} orders accepted but {placed} stored")
    if after["spend_entries"] - before["spend_entries"] != placed:
        problems.append(f"{phase.name}: {placed} orders but {after['spend_entries'] - before['spend_entries']} spend entries")
    if after["spent"] - before["spent"] != placed * ITEM_PRICE:
        problems.append(f"{phase.name}: spent {after['spent'] - before['spent']} points for {placed} orders of {ITEM_PRICE}")
    if after["balance"] != START_POINTS - after["spent"] or after["balance"] < 0:
        problems.append(f"{phase.name}: balance {after['balance']} ≠ {START_POINTS} − {after['spent']}")
    if after["stock"] != before["stock"] - placed or after["stock"] < 0:
        problems.append(f"{phase.name}: stock {before['stock']} → {after['stock']} for {placed} orders")
    if phase.errors:
        problems.append(f"{phase.name}: refused or failed orders {phase.errors}")
    log(
        f"checked {phase.name}: {placed} orders, balance {after['balance']:,}, stock {after['stock']:,}: "
        + ("OK" if not problems else "; ".join(problems))
    )
    return problems


def balance_plan(seed: Seed) -> str:
    from django.db import connection

    from points_mall.models import LedgerEntry

    query = LedgerEntry.objects.filter(doctor_id=seed.reader_id).values("doctor_id").order_by()
    sql, params = query.query.sql_with_params()
    sql = sql.replace('SELECT "points_mall_ledgerentry"."doctor_id"', 'SELECT SUM("points_mall_ledgerentry"."points")', 1)
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


# --------------------------------------------------------------------------- main


def parse_args(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench.ledger", description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="200 orders and 400 reads per phase")
    parser.add_argument("--orders", type=int, default=None, help="orders per redemption phase (default 1,000; --quick 200)")
    parser.add_argument("--reads", type=int, default=None, help="balance reads per read phase (default 2,000; --quick 400)")
    parser.add_argument("--processes", type=int, default=4, help="client processes of the contended phases (default 4)")
    parser.add_argument("--threads", type=int, default=2, help="threads per client process (default 2: 8 clients)")
    parser.add_argument("--entries", type=int, default=HISTORY_ENTRIES, help="ledger entries of the reading doctor")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL,
        help="a database on the local server; the bench creates its own next to it (default $DATABASE_URL or %(default)s)",
    )
    parser.add_argument("--bench-database", default="xinglin_bench_ledger", help="dropped and recreated each run")
    parser.add_argument("--keep-db", action="store_true", help="leave the bench database in place afterwards")
    parser.add_argument(
        "--quiet-wait", type=float, default=20.0, help="before each phase wait up to this long for an idle machine (0: do not)"
    )
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args(argv)
    if args.orders is None:
        args.orders = 200 if args.quick else 1000
    if args.reads is None:
        args.reads = 400 if args.quick else 2000
    if min(args.orders, args.reads, args.processes, args.threads, args.entries) < 1:
        parser.error("--orders, --reads, --processes, --threads and --entries must be positive")
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    check_local(args.database_url)
    if urlsplit(args.database_url).path.lstrip("/") == args.bench_database:
        raise SystemExit("--bench-database must differ from the database in --database-url (it is dropped)")
    admin_url = with_database(args.database_url, "postgres")
    bench_url = with_database(args.database_url, args.bench_database)
    var_dir = Path(tempfile.mkdtemp(prefix="xinglin-bench-ledger-"))
    env = bench_environment(bench_url, var_dir)
    os.environ.update({k: v for k, v in env.items() if k != "PYTHONPATH"})
    if str(REPO) not in sys.path:
        sys.path.insert(0, str(REPO))
    clients = args.processes * args.threads
    per_client_orders = max(1, args.orders // clients)
    per_client_reads = max(1, args.reads // clients)
    began = time.monotonic()

    def log(message: str) -> None:
        print(f"[{time.monotonic() - began:6.1f} s] {message}", flush=True)

    log(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs; recreating database {args.bench_database}")
    problems: list[str] = []
    phases: dict[str, Phase] = {}
    try:
        import django
        from django.core.management import call_command

        recreate_database(admin_url, args.bench_database)
        django.setup()
        call_command("migrate", interactive=False, verbosity=0)
        log("migrated")
        seed_data = seed(args.entries, item_stock=4 * (args.orders + clients * per_client_orders))
        log(
            f"seeded: redeemer with {START_POINTS:,} points, item stock {seed_data.item_stock:,}, "
            f"reader with {args.entries:,} entries"
        )

        def redemption(name: str, processes: int, threads: int, per_client: int) -> None:
            wait_quiet(args.quiet_wait, log)
            before = ledger_state(seed_data)
            phases[name] = run_phase(name, "order", seed_data, processes, threads, per_client, log)
            problems.extend(check_redemptions(seed_data, before, phases[name], log))

        def reads(name: str, kind: str, processes: int, threads: int, per_client: int) -> None:
            wait_quiet(args.quiet_wait, log)
            phases[name] = run_phase(name, kind, seed_data, processes, threads, per_client, log)
            if phases[name].errors:
                problems.append(f"{name}: errors {phases[name].errors}")

        # Warm-up: every code path and the connection set-up once, not timed.
        run_phase("warm-up orders", "order", seed_data, 1, 1, 20, log)
        run_phase("warm-up reads", "read", seed_data, 1, 1, 20, log)
        redemption("orders, 1 client (baseline)", 1, 1, args.orders)
        redemption(f"orders, {clients} clients, same doctor and item", args.processes, args.threads, per_client_orders)
        reads("balance reads, 10 entries, 1 client", "read-light", 1, 1, args.reads)
        reads(f"balance reads, {args.entries:,} entries, 1 client (baseline)", "read", 1, 1, args.reads)
        reads(
            f"balance reads, {args.entries:,} entries, {clients} clients", "read", args.processes, args.threads, per_client_reads
        )
        plan = balance_plan(seed_data)
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep_db:
            try:
                drop_database(admin_url, args.bench_database)
            except Exception as error:  # noqa: BLE001 - cleanup must not hide the real error
                print(f"could not drop {args.bench_database}: {error}", file=sys.stderr)

    names = list(phases)
    order_base, order_load = phases[names[0]], phases[names[1]]
    read_light, read_base, read_load = phases[names[2]], phases[names[3]], phases[names[4]]
    print()
    print(f"Points ledger on {os.cpu_count()} CPUs (PostgreSQL, production settings, through the services)")
    print(f"{'phase':<52} {'ops/s':>9} {'p50 ms':>8} {'p95 ms':>8} {'vs baseline':>12}")
    rows = [
        (order_base, order_base),
        (order_load, order_base),
        (read_base, read_base),
        (read_load, read_base),
        (read_light, read_base),
    ]
    for phase, baseline in rows:
        ratio = phase.per_second / baseline.per_second if baseline.per_second else 0
        print(f"{phase.name:<52} {phase.per_second:>9,.1f} {phase.p50_ms:>8.1f} {phase.p95_ms:>8.1f} {ratio:>11.2f}×")
    print("\nbalance query plan for the reading doctor:\n" + plan)
    print("\nledger checks: " + ("all OK" if not problems else "FAILED\n  " + "\n  ".join(problems)))
    if args.json:
        figures = {
            "cpus": os.cpu_count(),
            "entries": args.entries,
            "phases": {name: {**asdict(phase), "per_second": phase.per_second} for name, phase in phases.items()},
            "problems": problems,
        }
        args.json.write_text(json.dumps(figures, indent=2, ensure_ascii=False))
    return 1 if problems else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        sys.exit(130)
