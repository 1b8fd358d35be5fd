"""The demo population as plain data, drawn from a seeded random generator before anything
touches the database: the same seed (on the same day) always yields the same people, and a
re-run can tell what already exists by natural keys (usernames, hospital names)."""

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from platform_core.demo import data
from platform_core.models import HospitalLevel, ProfessionalTitle, VerificationStatus


@dataclass(frozen=True)
class HospitalPlan:
    name: str
    level: str
    province: str
    city: str
    district_code: str
    weight: float


@dataclass
class DoctorPlan:
    index: int
    username: str
    name: str
    name_latin: str
    email: str | None
    mobile: str
    hospital: HospitalPlan
    department: str
    title: str
    specialty: str
    status: str
    joined_at: datetime
    licence_number: str = ""
    submitted_at: datetime | None = None
    decided_at: datetime | None = None
    rejection_reason: str = ""
    activity: float = 1.0
    device: str = "wechat"
    # sponsor code -> purpose -> (granted_at, withdrawn_at or None)
    consents: dict[str, dict[str, tuple[datetime, datetime | None]]] = field(default_factory=dict)
    pk: int | None = None

    @property
    def area(self) -> str:
        return data.DEPARTMENT_AREA.get(self.department, "")

    @property
    def is_verified(self) -> bool:
        return self.status == VerificationStatus.VERIFIED


@dataclass
class StaffPlan:
    key: str
    username: str
    email: str
    name: str
    roles: list[str]
    sponsor_code: str | None
    joined_at: datetime
    is_admin: bool = False
    named: bool = False
    registration: tuple[str, str, object] | None = None  # (number, status, valid_until date)
    active_until: datetime | None = None
    activity: float = 1.0
    pk: int | None = None
    sponsor_id: int | None = None


def weighted_choice(rng: random.Random, pairs):
    items, weights = zip(*pairs, strict=True)
    return rng.choices(items, weights=weights, k=1)[0]


def hospitals() -> list[HospitalPlan]:
    plans: list[HospitalPlan] = []
    provinces_done: set[str] = set()
    for city in data.CITIES:
        province, name, weight = city["province"], city["city"], city["weight"]
        districts = city["districts"]
        first_code = districts[0][1]

        def add(hospital_name: str, level: str, code: str = first_code, *, province=province, name=name, weight=weight) -> None:
            plans.append(HospitalPlan(hospital_name, level, province, name, code, weight * data.LEVEL_WEIGHT[level]))

        university = city["university"]
        add(f"{university}附属第一医院", HospitalLevel.TERTIARY_A)
        add(f"{university}附属第二医院", HospitalLevel.TERTIARY_A, districts[1][1])
        if city["municipality"]:
            add(f"{name}市第一中心医院", HospitalLevel.TERTIARY_A, districts[2][1])
        elif province in provinces_done:  # one provincial hospital per province (广州 and 深圳)
            add(f"{name}市人民医院", HospitalLevel.TERTIARY_A, districts[2][1])
        else:
            add(f"{province}省人民医院", HospitalLevel.TERTIARY_A, districts[2][1])
        provinces_done.add(province)
        add(f"{name}市中医医院", HospitalLevel.TERTIARY_A, districts[1][1])
        add(f"{name}市第一人民医院", HospitalLevel.TERTIARY_A)
        add(f"{name}市第三人民医院", HospitalLevel.TERTIARY_B, districts[-1][1])
        for district, code, _streets in districts[1:3]:
            add(f"{district}区人民医院", HospitalLevel.SECONDARY_A, code)
        district, code, _streets = districts[-1]
        add(f"{district}区第二人民医院", HospitalLevel.SECONDARY_B, code)
        for district, code, streets in districts[:3]:
            add(f"{district}区{streets[0]}街道社区卫生服务中心", HospitalLevel.COMMUNITY, code)
        rural = city["rural"]
        if rural:
            county, code, towns = rural
            add(f"{county}人民医院", HospitalLevel.SECONDARY_A, code)
            add(f"{county}{towns[0]}镇卫生院", HospitalLevel.PRIMARY, code)
        else:
            district, code, streets = districts[3]
            add(f"{district}区{streets[1]}街道社区卫生服务中心", HospitalLevel.COMMUNITY, code)
    return plans


class NameMaker:
    """Common Chinese names (surname by frequency + one or two given characters), with pinyin."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.surnames = [(zh, py) for zh, py, _w in data.SURNAMES]
        self.surname_weights = [w for _zh, _py, w in data.SURNAMES]

    def make(self) -> tuple[str, str, str, str]:
        """(name, latin, surname pinyin, given pinyin)."""
        surname, surname_py = self.rng.choices(self.surnames, weights=self.surname_weights, k=1)[0]
        count = 1 if self.rng.random() < 0.28 else 2
        chars = self.rng.sample(data.GIVEN_CHARS, count)
        given = "".join(zh for zh, _py in chars)
        given_py = "".join(py for _zh, py in chars)
        latin = f"{surname_py.capitalize()} {given_py.capitalize()}"
        return surname + given, latin, surname_py, given_py


def _whole_second(moment: datetime) -> datetime:
    return moment.replace(microsecond=0)


def _grassroots(level: str) -> bool:
    return level in (HospitalLevel.COMMUNITY, HospitalLevel.PRIMARY)


def _title_band(level: str) -> str:
    if level == HospitalLevel.TERTIARY_A:
        return "top"
    return "grassroots" if _grassroots(level) else "mid"


_FIRST_REGISTRATION_YEARS = {
    ProfessionalTitle.RESIDENT: (2019, 2025),
    ProfessionalTitle.ATTENDING: (2009, 2020),
    ProfessionalTitle.ASSOCIATE_CHIEF: (2001, 2014),
    ProfessionalTitle.CHIEF: (1992, 2008),
}
_STATUS_FACTOR = {
    VerificationStatus.VERIFIED: 1.0,
    VerificationStatus.PENDING: 0.5,
    VerificationStatus.UNVERIFIED: 0.28,
    VerificationStatus.REJECTED: 0.2,
}
_TITLE_FACTOR = {
    ProfessionalTitle.RESIDENT: 1.1,
    ProfessionalTitle.ATTENDING: 1.15,
    ProfessionalTitle.ASSOCIATE_CHIEF: 0.95,
    ProfessionalTitle.CHIEF: 0.7,
}
# Share of doctors consenting to data sharing with each sponsor (verified doctors; others lower).
SHARE_RATE = {"huakang": 0.78, "ruide": 0.7}


class Planner:
    def __init__(self, *, seed: int, anchor: datetime, window_days: int = 90):
        self.seed = seed
        self.anchor = anchor  # local midnight today: simulated history ends here
        self.window_start = anchor - timedelta(days=window_days)
        self.hospitals = hospitals()
        self.licences: set[str] = set()
        self.mobiles: set[str] = {"13800138000"}
        self.emails: set[str] = set()

    def rng(self, stage: str) -> random.Random:
        return random.Random(f"xinglin-demo:{self.seed}:{stage}")

    # --- doctors -----------------------------------------------------------------------------
    def licence_number(self, rng: random.Random, *, district_code: str, title: str) -> str:
        first, last = _FIRST_REGISTRATION_YEARS[title]
        while True:
            # 15 digits: category (1 = clinical) + district code + year of first registration + serial.
            number = f"1{district_code}{rng.randint(first, last) % 100:02d}{rng.randint(0, 999_999):06d}"
            if number not in self.licences:
                self.licences.add(number)
                return number

    def mobile(self, rng: random.Random) -> str:
        while True:
            number = rng.choice(data.MOBILE_PREFIXES) + f"{rng.randint(0, 99_999_999):08d}"
            if number not in self.mobiles:
                self.mobiles.add(number)
                return number

    def email(self, rng: random.Random, surname_py: str, given_py: str) -> str:
        base = f"{surname_py}{given_py}"
        while True:
            email = f"{base}{rng.randint(10, 99)}@{data.DEMO_EMAIL_DOMAIN}"
            if email not in self.emails:
                self.emails.add(email)
                return email

    def doctors(self, count: int) -> list[DoctorPlan]:
        """`count` bulk doctors (the named demo doctors come on top of these)."""
        rng = self.rng("doctors")
        names = NameMaker(rng)
        rejected = max(1, round(count * 0.04))
        pending = max(3, round(count * 0.09))
        unverified = max(1, round(count * 0.09))
        statuses = (
            [VerificationStatus.REJECTED] * rejected
            + [VerificationStatus.PENDING] * pending
            + [VerificationStatus.UNVERIFIED] * unverified
        )
        statuses += [VerificationStatus.VERIFIED] * (count - len(statuses))
        rng.shuffle(statuses)
        hospital_weights = [hospital.weight for hospital in self.hospitals]
        plans = []
        for index, status in enumerate(statuses, start=1):
            hospital = rng.choices(self.hospitals, weights=hospital_weights, k=1)[0]
            mix = data.DEPARTMENT_MIX_GRASSROOTS if _grassroots(hospital.level) else data.DEPARTMENT_MIX_HOSPITAL
            department = weighted_choice(rng, mix)
            title = weighted_choice(rng, data.TITLE_MIX[_title_band(hospital.level)])
            name, latin, surname_py, given_py = names.make()
            plan = DoctorPlan(
                index=index,
                username=f"demo.hcp.{index:04d}",
                name=name,
                name_latin=latin,
                email=self.email(rng, surname_py, given_py) if rng.random() < 0.4 else None,
                mobile=self.mobile(rng),
                hospital=hospital,
                department=department,
                title=title,
                specialty=rng.choice(data.SPECIALTIES[department]),
                status=status,
                joined_at=self._joined(rng),
                device=weighted_choice(rng, data.DEVICES),
            )
            self._verification(rng, plan)
            # Heavy-tailed engagement, capped so no single doctor dominates the dashboards.
            engagement = min(rng.lognormvariate(0.0, 1.05), 7.0)
            plan.activity = engagement * _STATUS_FACTOR[status] * _TITLE_FACTOR[title]
            self._consents(rng, plan)
            plans.append(plan)
        return plans

    def _joined(self, rng: random.Random) -> datetime:
        if rng.random() < 0.72:
            days = rng.uniform(91, 540)
        else:  # recent sign-ups, more of them lately (the platform is growing)
            days = 0.5 + 89.5 * rng.random() ** 1.4
        return _whole_second(self.anchor - timedelta(days=days))

    def _verification(self, rng: random.Random, plan: DoctorPlan) -> None:
        if plan.status == VerificationStatus.UNVERIFIED:
            return
        plan.licence_number = self.licence_number(rng, district_code=plan.hospital.district_code, title=plan.title)
        latest = self.anchor - timedelta(hours=1)
        if plan.status == VerificationStatus.PENDING:
            plan.submitted_at = _whole_second(self.anchor - timedelta(days=rng.uniform(0.1, 9)))
            plan.joined_at = _whole_second(min(plan.joined_at, plan.submitted_at - timedelta(hours=rng.uniform(0.2, 400))))
            return
        submitted = plan.joined_at + timedelta(hours=rng.uniform(0.1, 48))
        decided = submitted + timedelta(hours=rng.uniform(2, 70))
        decided = min(decided, latest)
        submitted = min(submitted, decided - timedelta(minutes=30))
        plan.joined_at = _whole_second(min(plan.joined_at, submitted - timedelta(minutes=10)))
        plan.submitted_at, plan.decided_at = _whole_second(submitted), _whole_second(decided)
        if plan.status == VerificationStatus.REJECTED:
            plan.rejection_reason = rng.choice(data.REJECTION_REASONS)

    def _consents(self, rng: random.Random, plan: DoctorPlan) -> None:
        damp = 1.0 if plan.is_verified else 0.6
        for sponsor in data.SPONSORS:
            code = sponsor["code"]
            sharing = rng.random() < SHARE_RATE[code] * damp
            contact = rng.random() < (0.86 if sharing else 0.12)
            chosen = {}
            for purpose, wanted in (("sponsor_data_sharing", sharing), ("sponsor_contact", contact)):
                if not wanted:
                    continue
                span = max((self.anchor - plan.joined_at).total_seconds(), 3600)
                granted = plan.joined_at + timedelta(seconds=0 if rng.random() < 0.55 else rng.uniform(0, span * 0.8))
                withdrawn = None
                if rng.random() < 0.07:
                    tail = (self.anchor - granted).total_seconds()
                    withdrawn = _whole_second(granted + timedelta(seconds=tail * rng.uniform(0.3, 0.98)))
                chosen[purpose] = (_whole_second(granted), withdrawn)
            if chosen:
                plan.consents[code] = chosen

    # --- sponsor staff -------------------------------------------------------------------------
    def staff(self) -> list[StaffPlan]:
        rng = self.rng("staff")
        names = NameMaker(rng)
        plans: list[StaffPlan] = []
        for key, roles, sponsor, login, username, name, _zh, _en, is_admin in data.NAMED_STAFF:
            plans.append(
                StaffPlan(
                    key=key,
                    username=username,
                    email=login,
                    name=name,
                    roles=[str(r) for r in roles],
                    sponsor_code=sponsor,
                    joined_at=self.anchor - timedelta(days=400),
                    is_admin=is_admin,
                    named=True,
                )
            )
        today = self.anchor.date()
        for sponsor in data.SPONSORS:
            code, abbr = sponsor["code"], sponsor["abbr"]
            reps = [plan for plan in plans if plan.key == f"rep.{code}"]
            for number in range(2, data.REPS_PER_SPONSOR + 1):
                name = names.make()[0]
                reps.append(
                    StaffPlan(
                        key=f"rep{number:02d}.{code}",
                        username=f"rep{number:02d}.{code}",
                        email=f"rep{number:02d}.{code}@{data.DEMO_EMAIL_DOMAIN}",
                        name=name,
                        roles=["rep"],
                        sponsor_code=code,
                        joined_at=_whole_second(self.anchor - timedelta(days=rng.uniform(120, 700))),
                    )
                )
                plans.append(reps[-1])
            for number in range(2, 2 + data.EXTRA_MANAGERS[code]):
                plans.append(
                    StaffPlan(
                        key=f"manager{number}.{code}",
                        username=f"manager{number}.{code}",
                        email=f"manager{number}.{code}@{data.DEMO_EMAIL_DOMAIN}",
                        name=names.make()[0],
                        roles=["manager"],
                        sponsor_code=code,
                        joined_at=_whole_second(self.anchor - timedelta(days=rng.uniform(200, 700))),
                    )
                )
            # 备案 numbers in order of issue; one rep per sponsor is not in good standing.
            issued = sorted(
                ((rep, today - timedelta(days=(400 if rep.named else rng.randint(30, 700)))) for rep in reps),
                key=lambda pair: (pair[1], pair[0].username),
            )
            troubled = reps[-2] if code == "huakang" else reps[-1]
            for serial, (rep, issue_date) in enumerate(issued, start=1):
                status, valid_until = "active", issue_date + timedelta(days=3 * 365 + 1)
                if rep is troubled and code == "huakang":
                    status = "suspended"
                    rep.activity = 0.35
                elif rep is troubled:
                    status = "expired"
                    valid_until = today - timedelta(days=rng.randint(20, 70))
                    issue_date = valid_until - timedelta(days=3 * 365 + 1)
                    rep.active_until = datetime.combine(valid_until, datetime.min.time(), tzinfo=self.anchor.tzinfo)
                rep.registration = (f"BA-{abbr}-{issue_date.year}-{serial:04d}", status, valid_until)
        for plan in plans:
            role = plan.roles[0]
            plan.activity *= {
                "rep": 1.0,
                "manager": 0.7,
                "mlr_reviewer": 0.5,
                "pv_officer": 0.5,
                "verifier": 0.6,
                "editor": 0.6,
                "moderator": 0.4,
                "platform_admin": 0.3,
            }.get(role, 0.4)
        return plans
