"""Simulated interaction history for the demo: who did what, when, following real rhythms.

- Time: hourly slots over the window, weighted by hour of day (lunch break, 20:00–22:00 peak for
  doctors; office hours for sponsor and platform staff), weekday vs weekend, public holidays and a
  gentle growth trend.
- People: each doctor has an activity weight (log-normal: a heavy tail of engaged doctors); only
  verified doctors see prescription-product pages and attend webinars; nobody acts before they
  signed up.
- Sessions: an optional login, then pages following an intent (a course and its lessons with
  drop-off along the funnel, case posts, the points mall, product pages, ...), each page viewed for
  a plausible number of seconds (the event's value).
- Webinars: Tuesday/Thursday evening live sessions produce sharp peaks (registration page days
  before, live room at the start, a few replays).

Rows are built with `server_event_row` and carry `client_event_id = "seed:<seed>:<n>"`, so a
re-run stores nothing twice.
"""

import bisect
import math
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from platform_core.demo import data
from platform_core.demo.plan import DoctorPlan, StaffPlan
from platform_core.interactions import EventRow, server_event_row

DOCTOR_WEEKDAY = [
    0.18,
    0.08,
    0.04,
    0.03,
    0.03,
    0.06,
    0.22,
    0.55,
    0.85,
    0.75,
    0.7,
    0.72,
    1.15,
    1.0,
    0.62,
    0.6,
    0.65,
    0.8,
    0.95,
    1.35,
    2.0,
    2.15,
    1.55,
    0.6,
]
DOCTOR_WEEKEND = [
    0.25,
    0.12,
    0.05,
    0.03,
    0.03,
    0.04,
    0.1,
    0.3,
    0.6,
    0.85,
    0.95,
    0.9,
    0.85,
    0.8,
    0.75,
    0.75,
    0.7,
    0.7,
    0.85,
    1.15,
    1.6,
    1.7,
    1.25,
    0.55,
]
STAFF_WEEKDAY = [0, 0, 0, 0, 0, 0, 0.02, 0.12, 0.8, 1.4, 1.3, 1.0, 0.5, 0.7, 1.2, 1.2, 1.1, 0.9, 0.5, 0.25, 0.2, 0.15, 0.05, 0.01]
STAFF_WEEKEND_FACTOR = 0.07
STAFF_SHARE = 0.035  # of all events


def is_holiday(day: date) -> bool:
    return (day.month == 10 and day.day <= 7) or (day.year, day.month, day.day) in data.HOLIDAYS


class Clock:
    """Weighted hourly slots over the window; samples instants between two bounds."""

    def __init__(
        self,
        *,
        start: datetime,
        days: int,
        weekday: list[float],
        weekend: list[float],
        weekend_factor: float,
        holiday_factor: float,
        trend: float,
    ):
        self.start = start.timestamp()
        self.end = self.start + days * 86400
        self.cumulative: list[float] = []
        total = 0.0
        for offset in range(days):
            day = (start + timedelta(days=offset)).date()
            weekend_day = day.weekday() >= 5
            factor = weekend_factor if weekend_day else 1.0
            if is_holiday(day):
                factor *= holiday_factor
            factor *= 1.0 - trend / 2 + trend * offset / max(days - 1, 1)
            hours = weekend if weekend_day else weekday
            for hour in range(24):
                total += hours[hour] * factor
                self.cumulative.append(total)

    def _mass_before(self, slot: int) -> float:
        return self.cumulative[slot - 1] if slot > 0 else 0.0

    def fraction_after(self, moment: float) -> float:
        if moment <= self.start:
            return 1.0
        slot = min(int((moment - self.start) // 3600), len(self.cumulative))
        return 1.0 - self._mass_before(slot) / self.cumulative[-1]

    def sample(self, rng: random.Random, low: float | None = None, high: float | None = None) -> float | None:
        low = self.start if low is None or low < self.start else low
        high = self.end if high is None or high > self.end else high
        if high - low < 1:
            return None
        first = int((low - self.start) // 3600)
        last = min(int(math.ceil((high - self.start) / 3600)), len(self.cumulative))
        base, top = self._mass_before(first), self.cumulative[last - 1]
        if top <= base:
            return low + rng.random() * (high - low)
        slot = bisect.bisect_right(self.cumulative, base + rng.random() * (top - base), first, last)
        slot = min(slot, last - 1)
        moment = self.start + slot * 3600 + rng.random() * 3600
        return min(max(moment, low), high - 0.001)


@dataclass(frozen=True)
class Webinar:
    id: int
    start: float
    area: str
    duration: int


@dataclass(frozen=True)
class ProductRef:
    pk: int
    sponsor_id: int
    area: str


def _round_ts(moment: float) -> datetime:
    return datetime.fromtimestamp(round(moment, 3), UTC)


def _largest_remainder(total: int, weights: list[float]) -> list[int]:
    mass = sum(weights)
    if total <= 0 or mass <= 0:
        return [0] * len(weights)
    exact = [total * weight / mass for weight in weights]
    counts = [int(value) for value in exact]
    order = sorted(range(len(weights)), key=lambda i: (exact[i] - counts[i], -i), reverse=True)
    for i in order[: total - sum(counts)]:
        counts[i] += 1
    return counts


class Simulator:
    def __init__(
        self,
        *,
        seed: int,
        anchor: datetime,
        window_days: int,
        doctors: list[DoctorPlan],
        staff: list[StaffPlan],
        products: list[ProductRef],
        total: int,
    ):
        self.seed = seed
        self.rng = random.Random(f"xinglin-demo:{seed}:events")
        self.window_start = anchor - timedelta(days=window_days)
        self.doctors = [doctor for doctor in doctors if doctor.pk is not None]
        self.staff = [member for member in staff if member.pk is not None]
        self.products = products
        self.total = total
        self.counter = 0
        self.doctor_clock = Clock(
            start=self.window_start,
            days=window_days,
            weekday=DOCTOR_WEEKDAY,
            weekend=DOCTOR_WEEKEND,
            weekend_factor=0.6,
            holiday_factor=0.45,
            trend=0.3,
        )
        self.staff_clock = Clock(
            start=self.window_start,
            days=window_days,
            weekday=STAFF_WEEKDAY,
            weekend=STAFF_WEEKDAY,
            weekend_factor=STAFF_WEEKEND_FACTOR,
            holiday_factor=0.1,
            trend=0.1,
        )
        self.webinars = self._schedule_webinars(window_days)
        self.area_codes = [area for area, _lo, _hi in data.COURSE_RANGES]
        self.area_weights = [hi - lo + 1 for _area, lo, hi in data.COURSE_RANGES]
        self.course_range = {area: (lo, hi) for area, lo, hi in data.COURSE_RANGES}
        self.circles_by_area: dict[str, list[int]] = {}
        for circle, area in data.CASE_CIRCLES:
            self.circles_by_area.setdefault(area, []).append(circle)
        self.product_weights = {}
        for department, area in data.DEPARTMENT_AREA.items():
            weights = []
            for product in products:
                weight = 1.0
                if area and product.area == area:
                    weight = 9.0
                elif not area and product.area in ("cardiology", "endocrinology"):
                    weight = 3.0
                weights.append(weight)
            self.product_weights[department] = weights
        self.last_login: dict[int, datetime] = {}
        # Reps may only open the 360 of doctors who consented to contact by their sponsor.
        self.contactable: dict[str, list[int]] = {}
        for doctor in self.doctors:
            for code, purposes in doctor.consents.items():
                contact = purposes.get("sponsor_contact")
                if contact is not None and contact[1] is None:
                    self.contactable.setdefault(code, []).append(doctor.pk)

    # --- schedule ------------------------------------------------------------------------------
    def _schedule_webinars(self, window_days: int) -> list[Webinar]:
        rng = random.Random(f"xinglin-demo:{self.seed}:webinars")
        areas = [
            "cardiology",
            "endocrinology",
            "oncology",
            "respiratory",
            "cardiology",
            "endocrinology",
            "oncology",
            "neurology",
            "gastroenterology",
            "nephrology",
        ]
        webinars = []
        for offset in range(window_days):
            day = self.window_start + timedelta(days=offset)
            weekday = day.weekday()
            if is_holiday(day.date()) or weekday not in (1, 3):
                continue
            if rng.random() > (0.8 if weekday == 1 else 0.65):
                continue
            start = day.replace(hour=19, minute=30) if weekday == 1 else day.replace(hour=20, minute=0)
            webinars.append(
                Webinar(
                    id=101 + len(webinars),
                    start=start.timestamp(),
                    area=areas[len(webinars) % len(areas)],
                    duration=rng.choice((60, 75, 90, 90)) * 60,
                )
            )
        return webinars

    def _webinar_events(self) -> dict[int, list[tuple]]:
        rng = self.rng
        by_doctor: dict[int, list[tuple]] = {}
        for webinar in self.webinars:
            eligible = [
                doctor
                for doctor in self.doctors
                if doctor.is_verified
                and (doctor.decided_at is None or doctor.decided_at.timestamp() < webinar.start)
                and doctor.joined_at.timestamp() < webinar.start
            ]
            if not eligible:
                continue
            size = max(1, round(len(eligible) * rng.uniform(0.12, 0.32)))
            keyed = []
            for doctor in eligible:
                weight = doctor.activity * (3.0 if doctor.area == webinar.area else 1.0)
                keyed.append((rng.random() ** (1.0 / max(weight, 1e-6)), doctor.index, doctor))
            keyed.sort(key=lambda item: (item[0], item[1]), reverse=True)
            page = f"/campaigns/webinars/{webinar.id}"
            for _key, _index, doctor in keyed[:size]:
                events = by_doctor.setdefault(doctor.pk, [])
                if rng.random() < 0.85:
                    moment = self.doctor_clock.sample(
                        rng, max(doctor.joined_at.timestamp(), webinar.start - 7 * 86400), webinar.start - 7200
                    )
                    if moment is not None:
                        seconds = float(round(rng.lognormvariate(3.6, 0.6)))
                        events.append((moment, "page.viewed", "page", page, seconds, None))
                delay = -300 + rng.expovariate(1 / 480)
                watched = min(webinar.duration - max(delay, 0), rng.lognormvariate(math.log(2700), 0.6))
                events.append(
                    (webinar.start + delay, "page.viewed", "page", page + "/live", float(round(max(watched, 60))), None)
                )
                if rng.random() < 0.12:
                    moment = self.doctor_clock.sample(rng, webinar.start + 86400, webinar.start + 14 * 86400)
                    if moment is not None:
                        events.append(
                            (
                                moment,
                                "page.viewed",
                                "page",
                                page + "/replay",
                                float(round(rng.lognormvariate(math.log(900), 0.7))),
                                None,
                            )
                        )
        return by_doctor

    # --- doctors -------------------------------------------------------------------------------
    def _seconds(self, mu: float, sigma: float, cap: float = 7200) -> float:
        return float(round(min(self.rng.lognormvariate(mu, sigma), cap)))

    def _course(self, doctor: DoctorPlan) -> int:
        rng = self.rng
        if doctor.area and rng.random() < 0.65:
            area = doctor.area
        else:
            area = rng.choices(self.area_codes, weights=self.area_weights, k=1)[0]
        low, high = self.course_range[area]
        return low + int((high - low + 1) * rng.random() ** 2.0)

    def _doctor_session(self, doctor: DoctorPlan) -> list[tuple]:
        """(verb, object_type, object_id, value, sponsor_id) in order."""
        rng = self.rng
        pages: list[tuple] = []

        def page(path: str, value: float) -> None:
            pages.append(("page.viewed", "page", path, value, None))

        if rng.random() < 0.3:
            pages.append(("account.logged_in", "user", str(doctor.pk), None, None))
        if rng.random() < 0.35:
            page("/", self._seconds(2.6, 0.7))
        if doctor.is_verified:
            intent = rng.choices(
                ("learn", "cases", "webinar", "product", "mall", "browse", "survey"), weights=(42, 18, 9, 9, 8, 9, 5), k=1
            )[0]
        else:
            intent = rng.choices(("learn", "cases", "browse", "verification", "mall"), weights=(38, 15, 27, 15, 5), k=1)[0]
        if intent == "learn":
            course = self._course(doctor)
            lessons = 3 + (course * 7) % 6
            if rng.random() < 0.55:
                page(f"/academy/courses/{course}", self._seconds(3.8, 0.7))
            lesson = 1 if rng.random() < 0.6 else rng.randint(2, lessons)
            while True:
                length = 420 + ((course * 37 + lesson * 53) % 17) * 60
                page(f"/academy/courses/{course}/lessons/{lesson}", float(round(length * (0.25 + 0.75 * rng.random() ** 0.5))))
                if lesson == lessons:
                    if rng.random() < 0.55:
                        page(f"/academy/courses/{course}/quiz", self._seconds(5.3, 0.5))
                    break
                if rng.random() > 0.62:
                    break
                lesson += 1
        elif intent == "cases":
            circles = self.circles_by_area.get(doctor.area) or self.circles_by_area[""]
            if rng.random() < 0.5:
                page(f"/cases/circles/{rng.choice(circles)}", self._seconds(3.5, 0.7))
            for _ in range(1 + int(rng.expovariate(0.7))):
                page(f"/cases/posts/{1 + int(data.CASE_POSTS * rng.random() ** 1.8)}", self._seconds(4.4, 0.8))
        elif intent == "webinar":
            if rng.random() < 0.7:
                page("/campaigns/webinars/", self._seconds(3.0, 0.6))
            if self.webinars:
                last = self.webinars[-1].id
                for _ in range(1 + (rng.random() < 0.3)):
                    webinar = rng.randint(self.webinars[0].id, last + 4)
                    page(f"/campaigns/webinars/{webinar}", self._seconds(3.7, 0.6))
        elif intent == "product":
            if rng.random() < 0.3:
                page(f"/academy/courses/{self._course(doctor)}", self._seconds(3.6, 0.6))
            weights = self.product_weights[doctor.department]
            for _ in range(1 + (rng.random() < 0.35)):
                product = rng.choices(self.products, weights=weights, k=1)[0]
                pages.append(("product.viewed", "product", str(product.pk), self._seconds(3.9, 0.8, 900), product.sponsor_id))
        elif intent == "mall":
            page("/mall/", self._seconds(3.0, 0.6))
            for _ in range(rng.randint(1, 3)):
                page(f"/mall/items/{1 + int(data.MALL_ITEMS * rng.random() ** 1.5)}", self._seconds(3.2, 0.6))
            if rng.random() < 0.4:
                page("/me/points/", self._seconds(2.8, 0.5))
        elif intent == "survey":
            page(f"/campaigns/surveys/{rng.randint(1, data.SURVEYS)}", self._seconds(5.8, 0.6))
        elif intent == "verification":
            page("/me/verification/", self._seconds(4.5, 0.8))
        else:  # browse
            page("/academy/", self._seconds(3.2, 0.6))
            if rng.random() < 0.4:
                page("/search/", self._seconds(3.0, 0.6))
            page(f"/academy/courses/{self._course(doctor)}", self._seconds(3.6, 0.7))
        if not pages:
            page("/", self._seconds(2.6, 0.7))
        return pages

    def _doctor_events(self, doctor: DoctorPlan, quota: int, webinar_events: list[tuple]) -> list[tuple]:
        rng = self.rng
        joined = doctor.joined_at.timestamp()
        events = list(webinar_events[:quota])
        if joined >= self.doctor_clock.start and len(events) < quota:
            events.append((joined, "account.signed_up", "user", str(doctor.pk), None, None))
        while len(events) < quota:
            moment = self.doctor_clock.sample(rng, joined + 60)
            if moment is None:
                break
            for verb, object_type, object_id, value, sponsor_id in self._doctor_session(doctor):
                if len(events) >= quota or moment >= self.doctor_clock.end:
                    break
                events.append((moment, verb, object_type, object_id, value, sponsor_id))
                moment += (value or 3.0) + rng.uniform(2, 25)
        return events

    # --- staff ---------------------------------------------------------------------------------
    def _staff_session(self, member: StaffPlan) -> list[tuple]:
        rng = self.rng
        pages: list[tuple] = []
        sponsor = member.sponsor_id
        if rng.random() < 0.55:
            pages.append(("account.logged_in", "user", str(member.pk), None, None))
        role = member.roles[0]
        choices = {
            "rep": ["/reps/", "/reps/doctors/", "@doctor", "@doctor", "/reps/visits/", "/reps/materials/"],
            "manager": ["/campaigns/dashboard/", "/campaigns/", "/reps/team/", "/campaigns/dashboard/products/"],
            "mlr_reviewer": ["/mlr/queue/", "@review"],
            "pv_officer": ["/pv/queue/", "@report"],
            "verifier": ["/verification/queue/", "@request"],
            "editor": ["/cms/", "@edit"],
            "moderator": ["/cases/moderation/", "@post"],
            "platform_admin": ["/admin/", "/audit/", "/admin/platform_core/user/"],
        }.get(role, ["/"])
        for _ in range(rng.randint(1, 6)):
            path = rng.choice(choices)
            if path == "@doctor":
                doctors = self.contactable.get(member.sponsor_code or "", [])
                path = f"/reps/doctors/{rng.choice(doctors)}" if doctors else "/reps/doctors/"
            elif path.startswith("@"):
                base = {
                    "@review": "/mlr/reviews/",
                    "@report": "/pv/reports/",
                    "@request": "/verification/requests/",
                    "@edit": "/cms/pages/",
                    "@post": "/cases/posts/",
                }[path]
                path = f"{base}{rng.randint(1, 60)}"
            pages.append(("page.viewed", "page", path, self._seconds(4.0, 0.8), sponsor))
        return pages

    def _staff_events(self, member: StaffPlan, quota: int) -> list[tuple]:
        rng = self.rng
        low = member.joined_at.timestamp() + 3600
        high = member.active_until.timestamp() if member.active_until else None
        events: list[tuple] = []
        while len(events) < quota:
            moment = self.staff_clock.sample(rng, low, high)
            if moment is None:
                break
            for verb, object_type, object_id, value, sponsor_id in self._staff_session(member):
                if len(events) >= quota:
                    break
                events.append((moment, verb, object_type, object_id, value, sponsor_id))
                moment += (value or 3.0) + rng.uniform(2, 20)
        return events

    # --- output --------------------------------------------------------------------------------
    def _rows(self, actor_id: int, context: dict, events: list[tuple]) -> list[EventRow]:
        rows = []
        seed = self.seed
        for moment, verb, object_type, object_id, value, sponsor_id in events:
            self.counter += 1
            occurred = _round_ts(moment)
            if verb == "account.logged_in":
                previous = self.last_login.get(actor_id)
                if previous is None or occurred > previous:
                    self.last_login[actor_id] = occurred
            rows.append(
                server_event_row(
                    actor_id=actor_id,
                    verb=verb,
                    object_type=object_type,
                    object_id=object_id,
                    sponsor_id=sponsor_id,
                    value=value,
                    context=context,
                    client_event_id=f"seed:{seed}:{self.counter}",
                    occurred_at=occurred,
                )
            )
        return rows

    def rows_by_actor(self) -> Iterator[list[EventRow]]:
        staff_total = round(self.total * STAFF_SHARE) if self.staff else 0
        doctor_total = self.total - staff_total
        webinar_events = self._webinar_events()
        doctor_weights = [d.activity * self.doctor_clock.fraction_after(d.joined_at.timestamp()) for d in self.doctors]
        contexts = {device: {"device": device} for device, _w in data.DEVICES}
        for doctor, quota in zip(self.doctors, _largest_remainder(doctor_total, doctor_weights), strict=True):
            if quota:
                events = self._doctor_events(doctor, quota, webinar_events.get(doctor.pk, []))
                yield self._rows(doctor.pk, contexts[doctor.device], events)
        staff_weights = [member.activity * self.staff_clock.fraction_after(member.joined_at.timestamp()) for member in self.staff]
        for member, quota in zip(self.staff, _largest_remainder(staff_total, staff_weights), strict=True):
            if quota:
                device = "pc" if self.rng.random() < 0.8 else "wechat"
                yield self._rows(member.pk, contexts[device], self._staff_events(member, quota))
