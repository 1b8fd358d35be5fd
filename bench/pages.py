"""Academy page benchmark: course and lesson pages against a bare Wagtail page, under the production server.

    uv run python -m bench.pages --quick               # 1 round of 200 requests per page (~4 min)
    uv run python -m bench.pages                       # 2 rounds of 1,000 requests per page (~8 min)
    uv run python -m bench.pages --requests 5000 --rounds 3 --json /tmp/pages.json

What one run does (everything on 127.0.0.1, stops by itself, kills its server on exit or Ctrl-C):

1. Drops and recreates its own database (`xinglin_bench_pages` next to the one in --database-url /
   DATABASE_URL), runs `migrate`, `collectstatic` (into a temporary directory) and
   `compilemessages`, as the release step of deploy/ does.
2. Builds the content through Wagtail's tree API and publishes it: a plain `wagtailcore.Page`
   under the site root (the baseline, rendered by templates/wagtailcore/page.html in the site's
   frame), and academy index → series → one sponsored course with its approval stamp, cover
   image, two speakers, six lessons and a quiz. A verified doctor has completed two lessons and
   watched part of a third (through the real heartbeat service).
3. Starts the production HTTP server as deploy/ runs it — Granian, WSGI, 2 workers, bounded
   blocking threads — with production settings, and logs the doctor in through the real login
   form (CSRF token, password check, django-axes) to get a session cookie.
4. Counts the SQL queries of every page through Django's test client (CaptureQueriesContext,
   second request, the same session cookie).
5. Rounds of: the bare page anonymous, the course page anonymous, the bare page as the doctor,
   the course page as the doctor, a lesson page as the doctor. Each phase sends the same GET over
   keep-alive connections from separate client processes, and checks every response: status 200,
   the page's title (and, logged in, the doctor's own markup; anonymous, none).

It prints requests/s, p50/p95 latency, the ratio to the bare page measured in the same rounds,
the SQL queries per page and where the CPU went (server, PostgreSQL, clients, other processes).
"""

from __future__ import annotations

import argparse
import array
import collections
import datetime
import http.client
import io
import json
import multiprocessing
import os
import queue as queue_module
import re
import resource
import secrets
import shutil
import signal
import sys
import tempfile
import threading
import time
import traceback
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from bench._common import (
    DEFAULT_DATABASE_URL,
    DEPLOY_BLOCKING_THREADS,
    REPO,
    Connection,
    CpuSample,
    GranianServer,
    PeakSampler,
    backend_count,
    bench_environment,
    check_local,
    connect,
    cpu_delta,
    cpu_text,
    drop_database,
    fmt,
    get_request,
    recreate_database,
    wait_quiet,
    with_database,
)

COURSE_TITLE = "高血压规范化诊疗：从诊断到长期随访"
BASELINE_TITLE = "关于杏林学术平台"
DOCTOR_EMAIL = "bench.doctor@xinglin.test"
LESSON_SECONDS = (840, 720, 900, 780, 660, 960)  # six lessons of 11-16 minutes
COMPLETED_LESSONS = 2  # the doctor finished these and watched part of the next one
PARTIAL_FRACTION = 0.4


# --------------------------------------------------------------------------- content


def _rich(*paragraphs: str) -> str:
    return "".join(f"<p>{text}</p>" for text in paragraphs)


QUESTIONS = [
    ("高血压诊断阈值（诊室血压）是？", [("≥140/90 mmHg", True), ("≥130/80 mmHg", False), ("≥120/80 mmHg", False)], "single"),
    (
        "以下哪些属于常用一线降压药？",
        [("ACEI/ARB", True), ("CCB", True), ("噻嗪类利尿剂", True), ("α 阻滞剂", False)],
        "multiple",
    ),
    ("家庭血压监测的诊断阈值是？", [("≥135/85 mmHg", True), ("≥140/90 mmHg", False)], "single"),
    ("哪些情况需要筛查继发性高血压？", [("年轻起病", True), ("难治性高血压", True), ("老年单纯收缩期高血压", False)], "multiple"),
    ("多数患者的降压目标是？", [("<130/80 mmHg", True), ("<150/90 mmHg", False)], "single"),
]


@dataclass
class Content:
    baseline_path: str
    course_path: str
    lesson_path: str
    lesson_title: str
    approval_code: str
    doctor_id: int
    doctor_password: str
    lessons: int
    completed: int


def build_content() -> Content:
    """The page tree, published through Wagtail's tree API, and a verified doctor with some progress."""
    from django.core.files.images import ImageFile
    from django.db import transaction
    from django.utils import timezone
    from PIL import Image as PILImage
    from wagtail.images import get_image_model
    from wagtail.models import Page, Site

    from academy.models import (
        AcademyIndexPage,
        AccessLevel,
        CoursePage,
        CourseSeriesPage,
        CourseSpeaker,
        LessonPage,
        QuizPage,
        Speaker,
    )
    from academy.models.pages import CmeClass
    from academy.services.learning import HeartbeatInput, heartbeat_record
    from platform_core.models import DoctorProfile, RoleAssignment, Sponsor, TherapeuticArea, User, VerificationStatus
    from platform_core.roles import Role

    def publish(parent, page):
        parent.add_child(instance=page)
        page.save_revision().publish()
        page.refresh_from_db()
        return page

    with transaction.atomic():
        site_root = Site.objects.get(is_default_site=True).root_page
        baseline = publish(site_root, Page(title=BASELINE_TITLE, slug="about"))
        area, _ = TherapeuticArea.objects.get_or_create(
            code="cardiology", defaults={"name_zh": "心血管", "name_en": "Cardiology"}
        )
        sponsor = Sponsor.objects.create(code="bench-pharma", name="杏林示范制药有限公司", name_en="Xinglin Demo Pharma")
        intro = _rich("面向医疗卫生专业人士的继续教育课程。")
        index = publish(site_root, AcademyIndexPage(title="学术课堂", slug="academy", intro=intro))
        series = publish(
            index,
            CourseSeriesPage(title="心血管疾病规范化诊疗系列", slug="cardiology", therapeutic_area=area, intro=intro),
        )
        buffer = io.BytesIO()
        PILImage.linear_gradient("L").resize((1280, 720)).convert("RGB").save(buffer, "JPEG", quality=85)
        buffer.seek(0)
        cover = get_image_model()(title="课程封面", file=ImageFile(buffer, name="course-cover.jpg"))
        cover.save()
        speakers = [
            Speaker.objects.create(
                name="王建国", title="主任医师、教授", hospital="北京协和医院", department="心内科", bio="高血压临床研究。"
            ),
            Speaker.objects.create(name="李晓梅", title="副主任医师", hospital="上海瑞金医院", department="高血压科"),
        ]
        today = timezone.localdate()
        approval = {
            "approval_code": "XL-2026-000042",
            "approved_at": timezone.now(),
            "approval_expires_on": today + datetime.timedelta(days=365),
        }
        course = CoursePage(
            title=COURSE_TITLE,
            slug="hypertension",
            summary="以最新指南为依据，系统讲解高血压的诊断、评估、治疗与长期管理。",
            body=_rich(
                "本课程面向心内科、全科及基层医生，结合《中国高血压防治指南（2024 年修订版）》，"
                "系统讲解诊室血压、家庭血压与动态血压的测量与解读。",
                "课程包括心血管风险评估、继发性高血压筛查、生活方式干预、药物治疗策略以及特殊人群的血压管理，"
                "并通过病例讨论帮助学员将指南要点应用于临床实践。",
                "完成全部课时并通过课后测验可获得平台学习积分与结业证书。",
            ),
            cover_image=cover,
            therapeutic_area=area,
            access_level=AccessLevel.PUBLIC,
            platform_credits="3.0",
            cme_class=CmeClass.CLASS_II,
            cme_credits="2.0",
            cme_project_code="2026-04-01-123（国）",
            sponsor=sponsor,
            **approval,
        )
        course.course_speakers = [
            CourseSpeaker(speaker=speakers[0], role="主讲"),
            CourseSpeaker(speaker=speakers[1], role="主持"),
        ]
        course = publish(series, course)
        lessons = []
        lesson_titles = ["血压测量与诊断", "心血管风险评估", "继发性高血压筛查", "生活方式干预", "降压药物的联合", "长期随访"]
        for number, (title, seconds) in enumerate(zip(lesson_titles, LESSON_SECONDS, strict=True), start=1):
            lesson = LessonPage(
                title=f"第{number}讲 {title}",
                slug=f"lesson-{number}",
                summary=f"{title}的要点与病例。",
                video_url=f"/media/academy/hypertension/lesson-{number}.m3u8",
                duration_seconds=seconds,
                chapters=[
                    {"type": "chapter", "value": {"start_seconds": start, "title": name}}
                    for start, name in ((0, "引言"), (seconds // 3, "指南要点"), (2 * seconds // 3, "病例讨论"))
                ],
                transcript=_rich(f"{title}：讲稿。" * 40),
                **approval,
            )
            lessons.append(publish(course, lesson))
        quiz = QuizPage(
            title="课后测验",
            slug="quiz",
            intro=_rich("答对 80% 以上即可通过。"),
            questions=[
                {
                    "type": f"{kind}_choice",
                    "value": {
                        "prompt": prompt,
                        "choices": [{"text": t, "correct": c} for t, c in choices],
                        "explanation": "见指南",
                    },
                }
                for prompt, choices, kind in QUESTIONS
            ],
            pass_percent=80,
            **approval,
        )
        publish(course, quiz)

        password = secrets.token_urlsafe(16)
        doctor = User.objects.create_user(username="bench-doctor", email=DOCTOR_EMAIL, password=password, name="张医生")
        RoleAssignment.objects.create(user=doctor, role=Role.DOCTOR)
        DoctorProfile.objects.create(
            user=doctor, verification_status=VerificationStatus.VERIFIED, verified_at=timezone.now(), specialty="高血压"
        )

    # Progress through the real service: a heartbeat every 15 s of real playback.
    started = timezone.now() - datetime.timedelta(days=2)
    for number, lesson in enumerate(lessons[: COMPLETED_LESSONS + 1]):
        until = lesson.duration_seconds if number < COMPLETED_LESSONS else int(lesson.duration_seconds * PARTIAL_FRACTION)
        for seq, position in enumerate(range(0, until + 15, 15)):
            beat = HeartbeatInput(f"bench-{number}", seq, min(position, lesson.duration_seconds), True, 1.0, True)
            heartbeat_record(user=doctor, lesson=lesson, beat=beat, now=started + datetime.timedelta(seconds=position))
        started += datetime.timedelta(hours=3)
    partial = lessons[COMPLETED_LESSONS]
    from django.db import connection

    with connection.cursor() as cursor:  # planner statistics, as a live database has them
        cursor.execute("ANALYZE")
    return Content(
        baseline_path=baseline.url,
        course_path=course.url,
        lesson_path=partial.url,
        lesson_title=partial.title,
        approval_code=approval["approval_code"],
        doctor_id=doctor.pk,
        doctor_password=password,
        lessons=len(lessons),
        completed=COMPLETED_LESSONS,
    )


# --------------------------------------------------------------------------- the pages measured


@dataclass(frozen=True)
class Target:
    key: str
    label: str
    path: str
    logged_in: bool
    must: tuple[bytes, ...]  # every response contains all of these
    must_not: tuple[bytes, ...] = ()
    baseline: str = ""  # key of the page this one is compared with


def pages_for(content: Content, lesson: bool) -> list[Target]:
    user = f'data-user-id="{content.doctor_id}"'.encode()
    title, baseline, stamp = COURSE_TITLE.encode(), BASELINE_TITLE.encode(), content.approval_code.encode()
    done = b'class="lesson-row is-done"'
    anonymous, logged_in = (b"data-user-id",), ()
    pages = [
        Target("bare-anon", "bare Wagtail page, anonymous", content.baseline_path, False, (b"<h1>" + baseline,), anonymous),
        Target("course-anon", "course page, anonymous", content.course_path, False, (title, stamp), anonymous, "bare-anon"),
        Target("bare-doctor", "bare Wagtail page, doctor", content.baseline_path, True, (b"<h1>" + baseline, user)),
        Target(
            "course-doctor",
            "course page, doctor (progress)",
            content.course_path,
            True,
            (title, stamp, user, done),
            logged_in,
            "bare-doctor",
        ),
    ]
    if lesson:
        markers = (title, content.lesson_title.encode(), user)
        pages.append(
            Target(
                "lesson-doctor", "lesson page, doctor (progress)", content.lesson_path, True, markers, logged_in, "bare-doctor"
            )
        )
    return pages


def check_body(page: Target, status: int, body: bytes) -> str | None:
    """None if the response is what the page must answer, else what was wrong."""
    if status != 200:
        return f"status {status}"
    missing = [marker for marker in page.must if marker not in body]
    if missing:
        return f"missing {missing[0].decode()!r}"
    present = [marker for marker in page.must_not if marker in body]
    if present:
        return f"unexpected {present[0].decode()!r}"
    return None


# --------------------------------------------------------------------------- load generator


@dataclass
class LoadSpec:
    page: Target
    request: bytes
    requests: int
    port: int
    processes: int
    connections: int


def _connection_loop(spec: LoadSpec, work: collections.deque, conn: Connection, out: dict) -> None:
    latencies = array.array("d")
    statuses: collections.Counter = collections.Counter()
    good = wrong = failures = received = 0
    samples: list[str] = []
    clock = time.perf_counter
    request = spec.request
    while True:
        try:
            work.popleft()
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
        received += len(body)
        problem = check_body(spec.page, status, body)
        if problem is None:
            good += 1
        else:
            wrong += 1
            if len(samples) < 3:
                samples.append(f"{problem}: {body[:160]!r}")
    conn.close()
    out.update(latencies=latencies, statuses=statuses, samples=samples)
    out.update(good=good, wrong=wrong, failures=failures, received=received)


def _client_process(spec: LoadSpec, proc_index: int, threads: int, messages, start) -> None:
    """One load-generator process: opens its connections, waits for the start, sends its share."""
    try:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C and terminates us
        work = collections.deque(range(proc_index, spec.requests, spec.processes))
        connections = [Connection(spec.port) for _ in range(threads)]
        messages.put(("ready", proc_index, len(work)))
        start.wait()
        usage_before = resource.getrusage(resource.RUSAGE_SELF)
        outs = [{} for _ in range(threads)]
        workers = [
            threading.Thread(target=_connection_loop, args=(spec, work, conn, out), daemon=True)
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
        cpu = (usage_after.ru_utime - usage_before.ru_utime) + (usage_after.ru_stime - usage_before.ru_stime)
        summary = {key: sum(out[key] for out in outs) for key in ("good", "wrong", "failures", "received")}
        summary |= {
            "finished": finished,
            "cpu": cpu,
            "latencies": latencies.tobytes(),
            "statuses": dict(statuses),
            "samples": [sample for out in outs for sample in out["samples"]][:5],
        }
        messages.put(("done", proc_index, summary))
    except BaseException:  # noqa: BLE001 - report anything to the parent, which decides
        messages.put(("error", proc_index, traceback.format_exc()))


@dataclass
class LoadResult:
    page: Target
    requests: int
    seconds: float
    latencies: array.array
    statuses: collections.Counter
    good: int
    wrong: int
    failures: int
    received: int
    samples: list[str]
    client_cpu: float
    cpu: dict = field(default_factory=dict)
    peaks: dict = field(default_factory=dict)

    @property
    def all_good(self) -> bool:
        return self.good == self.requests


def run_load(spec: LoadSpec, server_pgid: int, database: str, monitor) -> LoadResult:
    context = multiprocessing.get_context("fork")
    messages = context.Queue()
    start = context.Event()
    base, extra = divmod(spec.connections, spec.processes)
    share = [base + (1 if i < extra else 0) for i in range(spec.processes)]
    children = [
        context.Process(target=_client_process, args=(spec, i, share[i], messages, start), daemon=True)
        for i in range(spec.processes)
        if share[i] > 0
    ]
    for child in children:
        child.start()
    try:
        for _ in children:
            kind, index, payload = _next_message(messages, children)
            if kind == "error":
                raise RuntimeError(f"client process {index} failed:\n{payload}")
        sampler = PeakSampler(server_pgid, monitor)
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
        cpu_after = CpuSample.take()
        seconds = max(item["finished"] for item in done) - started
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
        page=spec.page,
        requests=spec.requests,
        seconds=seconds,
        latencies=latencies,
        statuses=statuses,
        good=sum(item["good"] for item in done),
        wrong=sum(item["wrong"] for item in done),
        failures=sum(item["failures"] for item in done),
        received=sum(item["received"] for item in done),
        samples=[sample for item in done for sample in item["samples"]][:5],
        client_cpu=sum(item["cpu"] for item in done),
        cpu=cpu_delta(cpu_before, cpu_after, server_pgid, database),
        peaks=peaks,
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


# --------------------------------------------------------------------------- login, query counts


def _set_cookies(response: http.client.HTTPResponse, jar: dict[str, str]) -> None:
    for header in response.headers.get_all("Set-Cookie") or []:
        parsed = SimpleCookie()
        parsed.load(header)
        for name, morsel in parsed.items():
            jar[name] = morsel.value


def login_through_form(port: int, login: str, password: str) -> dict[str, str]:
    """Log in as a browser does (GET the form, POST it with its CSRF token); returns the cookies."""
    jar: dict[str, str] = {}
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request("GET", "/accounts/login/", headers={"Accept-Language": "zh-CN"})
        response = conn.getresponse()
        body = response.read()
        _set_cookies(response, jar)
        match = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body)
        if response.status != 200 or match is None:
            raise RuntimeError(f"login form: status {response.status}, no CSRF token: {body[:300]!r}")
        form = urlencode({"csrfmiddlewaretoken": match.group(1).decode(), "login": login, "password": password})
        cookie = "; ".join(f"{name}={value}" for name, value in jar.items())
        headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie, "Accept-Language": "zh-CN"}
        conn.request("POST", "/accounts/login/", body=form, headers=headers)
        response = conn.getresponse()
        body = response.read()
        _set_cookies(response, jar)
    finally:
        conn.close()
    if response.status != 302 or "sessionid" not in jar:
        raise RuntimeError(f"logging in through the form failed: status {response.status}: {body[:300]!r}")
    return jar


@dataclass
class QueryCount:
    queries: int
    first: int  # the same page's first request in this process (cold caches)
    sql: list[str]
    bytes: int


def count_queries(pages: list[Target], cookies: dict[str, str]) -> dict[str, QueryCount]:
    """SQL queries of each page through Django's test client: the second request (warm caches) is counted."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    counts = {}
    for page in pages:
        client = Client(HTTP_HOST="127.0.0.1", HTTP_ACCEPT_LANGUAGE="zh-CN")
        if page.logged_in:
            for name, value in cookies.items():
                client.cookies[name] = value
        measured = []
        for _ in range(2):
            connection.queries_log.clear()  # a full log (it is bounded) would make the capture empty
            with CaptureQueriesContext(connection) as queries:
                response = client.get(page.path)
            problem = check_body(page, response.status_code, response.content)
            if problem:
                raise RuntimeError(f"{page.label} through the test client: {problem}")
            measured.append(queries)
        counts[page.key] = QueryCount(
            queries=len(measured[1]),
            first=len(measured[0]),
            sql=[query["sql"] for query in measured[1].captured_queries],
            bytes=len(response.content),
        )
    connection.close()
    return counts


# --------------------------------------------------------------------------- report


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    return values[min(len(values) - 1, int(q * len(values)))]


@dataclass
class PageFigures:
    page: Target
    requests: int
    good: int
    seconds: float
    p50: float
    p95: float
    p99: float
    server_cpu_ms: float  # per request
    db_cpu_ms: float
    rounds_rps: list[float]

    @property
    def rps(self) -> float:
        return self.good / self.seconds if self.seconds else 0.0


def summarise(pages: list[Target], results: list[LoadResult]) -> dict[str, PageFigures]:
    figures = {}
    for page in pages:
        mine = [r for r in results if r.page.key == page.key]
        latencies = sorted(x for r in mine for x in r.latencies)
        good = sum(r.good for r in mine)
        figures[page.key] = PageFigures(
            page=page,
            requests=sum(r.requests for r in mine),
            good=good,
            seconds=sum(r.seconds for r in mine),
            p50=_percentile(latencies, 0.50),
            p95=_percentile(latencies, 0.95),
            p99=_percentile(latencies, 0.99),
            server_cpu_ms=1000 * sum(r.cpu["server"] for r in mine) / max(1, good),
            db_cpu_ms=1000 * sum(r.cpu["pg_bench"] for r in mine) / max(1, good),
            rounds_rps=[r.good / r.seconds for r in mine],
        )
    return figures


def report(args, pages, figures: dict[str, PageFigures], counts: dict[str, QueryCount], results: list[LoadResult]) -> dict:
    width = 100
    print()
    print("=" * width)
    threads = f"{args.blocking_threads} blocking threads each" if args.blocking_threads else "Granian's default threads"
    print(f"Xinglin academy pages: Granian WSGI, {args.workers} workers, {threads}; production settings; PostgreSQL on 127.0.0.1")
    print(
        f"{args.concurrency} keep-alive connections from {args.client_processes} client processes; {args.rounds} round(s) x "
        f"{args.requests:,} GETs per page; {os.cpu_count()} CPUs shared by server, database and clients"
    )
    print("-" * width)
    print(f"{'page':<33}{'req/s':>8}{'p50 ms':>9}{'p95 ms':>9}{'vs bare':>10}{'SQL':>6}{'KiB':>7}{'server ms':>11}{'PG ms':>8}")
    for page in pages:
        f = figures[page.key]
        base = figures.get(page.baseline)
        ratio = f"{f.rps / base.rps * 100:.0f} %" if base and base.rps else "base"
        count = counts[page.key]
        print(
            f"{page.label:<33}{fmt(f.rps):>8}{f.p50 * 1000:>9.1f}{f.p95 * 1000:>9.1f}{ratio:>10}{count.queries:>6}"
            f"{count.bytes / 1024:>7.1f}{f.server_cpu_ms:>11.1f}{f.db_cpu_ms:>8.1f}"
        )
    print("-" * width)
    print("vs bare: requests/s against the bare Wagtail page for the same visitor (anonymous / logged in), same rounds.")
    print("SQL: queries of one request (Django test client, warm caches). server ms / PG ms: CPU per request of the")
    print("Granian workers / of PostgreSQL's backends for the bench database (the CPU accounting below).")
    if args.rounds > 1:
        per_round = "; ".join(f"{p.key} " + "/".join(fmt(x) for x in figures[p.key].rounds_rps) for p in pages)
        print(f"req/s per round: {per_round}")
    for result in results:
        print(f"  {result.page.key:<14}{result.seconds:6.1f} s  " + cpu_text(result.cpu, result.seconds, result.client_cpu))
    bad = [r for r in results if not r.all_good]
    for result in bad:
        statuses = ", ".join(f"{n:,} x {s}" for s, n in sorted(result.statuses.items()))
        print(f"  {result.page.label}: {result.good:,} of {result.requests:,} good ({statuses}; {result.failures} failed)")
        print(f"    samples: {result.samples}")
    checked = sum(r.requests for r in results)
    good = sum(r.good for r in results)
    print(
        f"{good:,} of {checked:,} responses were 200 with the page's title"
        + (" and the visitor's own markup" if good == checked else "")
        + ("" if good == checked else ": SOME WERE NOT")
    )
    print("=" * width)
    return {
        "workers": args.workers,
        "blocking_threads": args.blocking_threads,
        "concurrency": args.concurrency,
        "client_processes": args.client_processes,
        "rounds": args.rounds,
        "requests_per_page_and_round": args.requests,
        "cpus": os.cpu_count(),
        "pages": {
            page.key: {
                "label": page.label,
                "path": page.path,
                "requests_per_s": figures[page.key].rps,
                "rounds_requests_per_s": figures[page.key].rounds_rps,
                "ratio_to_baseline": (figures[page.key].rps / figures[page.baseline].rps) if page.baseline else 1.0,
                "baseline": page.baseline or None,
                "p50_ms": figures[page.key].p50 * 1000,
                "p95_ms": figures[page.key].p95 * 1000,
                "p99_ms": figures[page.key].p99 * 1000,
                "server_cpu_ms_per_request": figures[page.key].server_cpu_ms,
                "postgres_cpu_ms_per_request": figures[page.key].db_cpu_ms,
                "sql_queries": counts[page.key].queries,
                "sql_queries_cold": counts[page.key].first,
                "response_bytes": counts[page.key].bytes,
                "requests": figures[page.key].requests,
                "good": figures[page.key].good,
            }
            for page in pages
        },
        "phases": [
            {"page": r.page.key, "seconds": r.seconds, "good": r.good, "requests": r.requests}
            | {"cpu_s": r.cpu | {"clients": r.client_cpu}}
            for r in results
        ],
        "all_responses_ok": good == checked,
    }


# --------------------------------------------------------------------------- main


def parse_args(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench.pages", description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=None, help="GETs per page and round (default 1,000; --quick 200)")
    parser.add_argument("--rounds", type=int, default=None, help="rounds over all pages (default 2; --quick 1)")
    parser.add_argument("--quick", action="store_true", help="one round of 200 requests per page")
    parser.add_argument("--concurrency", type=int, default=8, help="keep-alive client connections (default 8)")
    parser.add_argument("--client-processes", type=int, default=2, help="load-generator processes (default 2)")
    parser.add_argument("--workers", type=int, default=2, help="Granian worker processes (default 2, as deployed)")
    parser.add_argument(
        "--blocking-threads",
        type=int,
        default=DEPLOY_BLOCKING_THREADS,
        help=f"Granian blocking threads per worker (default {DEPLOY_BLOCKING_THREADS}, as deployed; 0 = Granian's default)",
    )
    parser.add_argument("--no-lesson", action="store_true", help="skip the lesson page")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL,
        help="a database on the local server; the bench creates its own next to it (default $DATABASE_URL or %(default)s)",
    )
    parser.add_argument("--bench-database", default="xinglin_bench_pages", help="dropped and recreated each run")
    parser.add_argument("--keep-db", action="store_true", help="leave the bench database in place afterwards")
    parser.add_argument(
        "--quiet-wait",
        type=float,
        default=30.0,
        help="before each timed phase wait up to this many seconds for the machine to be idle (default 30; 0 = do not wait)",
    )
    parser.add_argument("--show-queries", action="store_true", help="print the SQL of every page's counted request")
    parser.add_argument(
        "--hold", action="store_true", help="after warm-up, print the server's pids and wait for Enter (to attach a profiler)"
    )
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args(argv)
    if args.requests is None:
        args.requests = 200 if args.quick else 1000
    if args.rounds is None:
        args.rounds = 1 if args.quick else 2
    if min(args.requests, args.rounds, args.concurrency, args.client_processes, args.workers) < 1:
        parser.error("--requests, --rounds, --concurrency, --client-processes and --workers must be positive")
    args.client_processes = min(args.client_processes, args.concurrency)
    return args


def prepare_database(admin_url: str, name: str, log) -> Content:
    """Recreate the bench database, run the release steps of deploy/ and build the content."""
    import django
    from django.core.management import call_command
    from django.db import connections

    recreate_database(admin_url, name)
    django.setup()
    call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    call_command("compilemessages", ignore_patterns=[".venv", "node_modules"], verbosity=0)
    log("migrated, static files collected, messages compiled")
    content = build_content()
    connections.close_all()
    return content


def main(argv=None) -> int:
    args = parse_args(argv)
    check_local(args.database_url)
    if urlsplit(args.database_url).path.lstrip("/") == args.bench_database:
        raise SystemExit("--bench-database must differ from the database in --database-url (it is dropped)")
    # Only the server and the credentials of --database-url are used: the bench database is created
    # from the server's maintenance database, so the one the URL names need not exist.
    admin_url = with_database(args.database_url, "postgres")
    bench_url = with_database(args.database_url, args.bench_database)
    var_dir = Path(tempfile.mkdtemp(prefix="xinglin-bench-pages-"))
    env = bench_environment(bench_url, var_dir)
    env["XL_BENCH_CACHE_PREFIX"] = f"bench-pages-{secrets.token_hex(4)}"
    os.environ.update({k: v for k, v in env.items() if k != "PYTHONPATH"})
    if str(REPO) not in sys.path:
        sys.path.insert(0, str(REPO))

    began = time.monotonic()

    def log(message: str) -> None:
        print(f"[{time.monotonic() - began:6.1f} s] {message}", flush=True)

    log(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs; recreating database {args.bench_database}")
    server = GranianServer(env, args.workers, var_dir / "granian.log", args.blocking_threads)
    monitor = None
    previous_sigterm = signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    results: list[LoadResult] = []
    try:
        content = prepare_database(admin_url, args.bench_database, log)
        pages = pages_for(content, lesson=not args.no_lesson)
        log(
            f"content published: bare page {content.baseline_path}, course {content.course_path} "
            f"({content.lessons} lessons, quiz, 2 speakers, cover, approval {content.approval_code}); "
            f"doctor completed {content.completed} lessons"
        )
        monitor = connect(bench_url, autocommit=True)
        server.start()
        pgid = server.process.pid
        log(f"granian up on 127.0.0.1:{server.port} ({' '.join(server.command[1:])})")
        cookies = login_through_form(server.port, DOCTOR_EMAIL, content.doctor_password)
        log("doctor logged in through the login form (session cookie)")
        counts = count_queries(pages, cookies)
        log("SQL queries per request: " + ", ".join(f"{p.key} {counts[p.key].queries}" for p in pages))
        if args.show_queries:
            for page in pages:
                print(f"--- {page.label}: {counts[page.key].queries} queries")
                for sql in counts[page.key].sql:
                    print("   ", sql[:400])

        def spec(page: Target, requests: int) -> LoadSpec:
            request = get_request(page.path, server.port, cookies if page.logged_in else None)
            return LoadSpec(page, request, requests, server.port, args.client_processes, args.concurrency)

        for page in pages:  # every worker thread renders every page once at least; responses are checked too
            warm = run_load(spec(page, max(50, 10 * args.concurrency)), pgid, args.bench_database, monitor)
            if not warm.all_good:
                raise RuntimeError(f"warm-up of {page.label} failed: {warm.samples}\n{server.log_tail()}")
        log("warmed up")
        if args.hold:
            input(f"server process group {pgid} (py-spy record -p <pid> on its workers); press Enter to start the load ")

        for round_index in range(args.rounds):
            for page in pages:
                wait_quiet(args.quiet_wait, log)
                result = run_load(spec(page, args.requests), pgid, args.bench_database, monitor)
                results.append(result)
                log(
                    f"round {round_index + 1}: {page.label}: {result.good / result.seconds:,.0f} req/s, "
                    f"{result.good:,}/{result.requests:,} good"
                )
        backends = backend_count(monitor)
    finally:
        server.stop()
        if monitor is not None:
            monitor.close()
        signal.signal(signal.SIGTERM, previous_sigterm)
        if not args.keep_db:
            try:
                drop_database(admin_url, args.bench_database)
            except Exception as error:  # noqa: BLE001 - cleanup must not hide the real error
                print(f"could not drop {args.bench_database}: {error}", file=sys.stderr)

    figures = report(args, pages, summarise(pages, results), counts, results)
    print(f"server connections to the database after the load: {backends}")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2, ensure_ascii=False))
    if not figures["all_responses_ok"]:
        print(f"server log: {server.log_path}; its last lines:\n{server.log_tail(25)}")
        return 1
    shutil.rmtree(var_dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        print("interrupted; server stopped", file=sys.stderr)
        sys.exit(130)
