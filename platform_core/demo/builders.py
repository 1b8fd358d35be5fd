"""Database side of the demo: reference data, people, consents, verification, PV queue, events.

Named demo accounts go through the real services (sign-up, verification, consent, role grants:
audited like any other). The bulk population is written with bulk_create for speed: encrypted
fields still encrypt (get_prep_value runs in bulk inserts too) and blind indexes are set here.
Every step is idempotent on natural keys, so running the seed again adds nothing twice.
"""

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.files.base import ContentFile
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from platform_core.demo import artwork, data
from platform_core.demo.events import ProductRef, Simulator
from platform_core.demo.plan import DoctorPlan, HospitalPlan, Planner, StaffPlan
from platform_core.fields import blind_index
from platform_core.interactions import record_events
from platform_core.models import (
    AdverseEventReport,
    Consent,
    ConsentDocument,
    ConsentEvent,
    ConsentPurpose,
    DoctorProfile,
    Hospital,
    PrescribingInformation,
    Product,
    RepRegistration,
    RoleAssignment,
    Sponsor,
    TherapeuticArea,
    User,
    VerificationRequest,
    VerificationStatus,
)
from platform_core.roles import Role
from platform_core.services.accounts import doctor_sign_up, role_grant, user_find_by_login
from platform_core.services.adverse_events import ae_screen_text
from platform_core.services.consent import consent_give, current_document
from platform_core.services.verification import verification_decide, verification_submit
from platform_core.storage import private_storage

SEED_REASON = "演示数据初始化（seed_demo）"
EVENT_CHUNK = 5000
_CHANNEL_BY_DEVICE = {"wechat": "wechat", "ios": "app", "android": "app", "pc": "web"}


@dataclass
class Summary:
    created: dict[str, int] = field(default_factory=dict)
    timings: list[tuple[str, float]] = field(default_factory=list)

    def add(self, key: str, count: int) -> None:
        self.created[key] = self.created.get(key, 0) + count


def demo_exists() -> bool:
    return Sponsor.objects.filter(code__in=[sponsor["code"] for sponsor in data.SPONSORS]).count() == len(data.SPONSORS)


def local_anchor() -> datetime:
    """Today's local midnight: the simulated history ends here (deterministic within a day)."""
    zone = ZoneInfo(settings.TIME_ZONE)
    today = timezone.now().astimezone(zone).date()
    return datetime(today.year, today.month, today.day, tzinfo=zone)


class DemoBuilder:
    def __init__(self, *, seed: int, doctors: int, events: int, log: Callable[[str], None]):
        self.seed = seed
        self.doctor_count = doctors
        self.event_count = events
        self.log = log
        self.anchor = local_anchor()
        self.planner = Planner(seed=seed, anchor=self.anchor)
        self.summary = Summary()
        self.password_hash = make_password(data.DEMO_PASSWORD)
        self.sponsors: dict[str, Sponsor] = {}
        self.products: list[Product] = []
        self.hospitals: dict[tuple[str, str], Hospital] = {}
        self.staff: dict[str, StaffPlan] = {}
        self.users: dict[str, User] = {}  # named accounts by key
        self.doctor_plans: list[DoctorPlan] = []

    # --- orchestration ---------------------------------------------------------------------------
    def run(self) -> Summary:
        steps = [
            ("reference data", self.reference_data),
            ("staff and roles", self.staff_accounts),
            ("doctors", self.bulk_doctors),
            ("named doctors", self.named_doctors),
            ("verification decisions", self.verification_decisions),
            ("PV queue", self.adverse_events),
            ("interaction events", self.interaction_events),
        ]
        with transaction.atomic():
            for label, step in steps:
                started = time.monotonic()
                step()
                elapsed = time.monotonic() - started
                self.summary.timings.append((label, elapsed))
                self.log(f"  ✓ {label} ({elapsed:.1f} s)")
        return self.summary

    # --- reference data --------------------------------------------------------------------------
    def reference_data(self) -> None:
        areas = {}
        for code, name_zh, name_en in data.THERAPEUTIC_AREAS:
            areas[code], created = TherapeuticArea.objects.get_or_create(
                code=code, defaults={"name_zh": name_zh, "name_en": name_en}
            )
            self.summary.add("therapeutic areas", created)
        for spec in data.SPONSORS:
            sponsor, created = Sponsor.objects.get_or_create(
                code=spec["code"],
                defaults={"name": spec["name"], "name_en": spec["name_en"], "pv_contact_email": spec["pv_contact_email"]},
            )
            self.sponsors[spec["code"]] = sponsor
            self.summary.add("sponsors", created)
        for sponsor_code, brand, generic, generic_en, area, indication, versions in data.PRODUCTS:
            sponsor = self.sponsors[sponsor_code]
            product, created = Product.objects.get_or_create(
                sponsor=sponsor,
                brand_name=brand,
                defaults={
                    "generic_name": generic,
                    "generic_name_en": generic_en,
                    "kind": Product.Kind.RX,
                    "therapeutic_area": areas[area],
                    "indication": indication,
                },
            )
            self.products.append(product)
            self.summary.add("products", created)
            for position, (version, effective) in enumerate(versions):
                if PrescribingInformation.objects.filter(product=product, version=version).exists():
                    continue
                info = PrescribingInformation(
                    product=product, version=version, effective_date=date(*effective), is_current=position == 0
                )
                name = f"prescribing-information/demo-{sponsor_code}-{_digest(brand, version)}.pdf"
                pdf = artwork.prescribing_information_pdf(
                    brand=brand,
                    generic=generic,
                    generic_en=generic_en,
                    sponsor=sponsor.name,
                    sponsor_en=sponsor.name_en,
                    indication=indication,
                    version=version,
                )
                info.document.name = self._store(info.document.storage, name, pdf)
                info.save()
                self.summary.add("prescribing information", 1)
        self._consent_documents()
        self._hospitals()
        self._partitions()

    def _store(self, storage, name: str, content: bytes) -> str:
        if storage.exists(name):
            return name
        return storage.save(name, ContentFile(content))

    def _consent_documents(self) -> None:
        """Version 1.0 of each consent text, in force since before the simulated history starts."""
        since = self.anchor - timedelta(days=600)
        for purpose in ConsentPurpose.values:
            existed = ConsentDocument.objects.filter(purpose=purpose).exists()
            document = current_document(purpose)
            if not existed:
                ConsentDocument.objects.filter(pk=document.pk).update(effective_at=since)

    def _hospitals(self) -> None:
        plans = self.planner.hospitals
        existing = {(h.name, h.province): h for h in Hospital.objects.all()}
        missing = [
            Hospital(name=plan.name, level=plan.level, province=plan.province, city=plan.city)
            for plan in plans
            if (plan.name, plan.province) not in existing
        ]
        Hospital.objects.bulk_create(missing)
        self.summary.add("hospitals", len(missing))
        self.hospitals = {(h.name, h.province): h for h in Hospital.objects.all()}

    def _partitions(self) -> None:
        if connection.vendor != "postgresql":
            return
        from platform_core.interactions.partitions import partitions_ensure

        try:
            with transaction.atomic():
                partitions_ensure(around=self.anchor.date(), months_back=4, months_ahead=3)
        except DatabaseError:  # rows already in the default partition: they stay there
            pass

    # --- staff ------------------------------------------------------------------------------------
    def staff_accounts(self) -> None:
        plans = self.planner.staff()
        existing = {user.username: user for user in User.objects.filter(username__in=[p.username for p in plans])}
        admin = None
        for plan in plans:
            plan.sponsor_id = self.sponsors[plan.sponsor_code].pk if plan.sponsor_code else None
            self.staff[plan.key] = plan
        # Named accounts one by one, roles through the audited service.
        for plan in (p for p in plans if p.named):
            user = existing.get(plan.username)
            if user is None:
                user = User(
                    username=plan.username,
                    email=plan.email,
                    name=plan.name,
                    sponsor_id=plan.sponsor_id,
                    password=self.password_hash,
                    is_staff=plan.is_admin,
                    is_superuser=plan.is_admin,
                    date_joined=plan.joined_at,
                    preferred_language="zh-hans",
                )
                user.save()
                self.summary.add("staff users", 1)
            plan.pk = user.pk
            self.users[plan.key] = user
            if plan.key == "admin":
                admin = user
            for role in plan.roles:
                role_grant(actor=admin if admin and admin.pk != user.pk else None, user=user, role=Role(role), reason=SEED_REASON)
        # The rest in bulk (no audit entry per row: seeding, not an administrative act).
        bulk = [p for p in plans if not p.named and p.username not in existing]
        User.objects.bulk_create(
            [
                User(
                    username=p.username,
                    email=p.email,
                    name=p.name,
                    sponsor_id=p.sponsor_id,
                    password=self.password_hash,
                    date_joined=p.joined_at,
                    preferred_language="zh-hans",
                )
                for p in bulk
            ]
        )
        self.summary.add("staff users", len(bulk))
        by_username = dict(User.objects.filter(username__in=[p.username for p in plans]).values_list("username", "pk"))
        for plan in plans:
            plan.pk = by_username[plan.username]
        RoleAssignment.objects.bulk_create(
            [RoleAssignment(user_id=p.pk, role=role, granted_by=admin) for p in bulk for role in p.roles],
            ignore_conflicts=True,
        )
        registrations = []
        have = set(RepRegistration.objects.values_list("sponsor_id", "rep_id"))
        for plan in plans:
            if plan.registration and (plan.sponsor_id, plan.pk) not in have:
                number, status, valid_until = plan.registration
                registrations.append(
                    RepRegistration(
                        sponsor_id=plan.sponsor_id,
                        rep_id=plan.pk,
                        registration_number=number,
                        status=status,
                        valid_until=valid_until,
                    )
                )
        RepRegistration.objects.bulk_create(registrations)
        self.summary.add("rep registrations (备案)", len(registrations))

    # --- doctors ----------------------------------------------------------------------------------
    def bulk_doctors(self) -> None:
        bulk_count = max(self.doctor_count - len(data.NAMED_DOCTORS), 0)
        self.doctor_plans = self.planner.doctors(bulk_count)
        existing = dict(User.objects.filter(username__in=[p.username for p in self.doctor_plans]).values_list("username", "pk"))
        fresh = [plan for plan in self.doctor_plans if plan.username not in existing]
        verifier = self.users["verifier"]
        users = [
            User(
                username=plan.username,
                email=plan.email,
                name=plan.name,
                mobile=plan.mobile,
                mobile_index=blind_index(plan.mobile, purpose="mobile"),
                password=self.password_hash,
                date_joined=plan.joined_at,
                preferred_language="zh-hans",
            )
            for plan in fresh
        ]
        User.objects.bulk_create(users, batch_size=500)
        existing.update(User.objects.filter(username__in=[p.username for p in fresh]).values_list("username", "pk"))
        for plan in self.doctor_plans:
            plan.pk = existing[plan.username]
        self.summary.add("doctors", len(fresh))
        if not fresh:
            return
        RoleAssignment.objects.bulk_create([RoleAssignment(user_id=p.pk, role=Role.DOCTOR) for p in fresh], batch_size=500)
        profiles, requests, submitted = [], [], []
        storage = private_storage()
        for plan in fresh:
            hospital = self.hospitals[(plan.hospital.name, plan.hospital.province)]
            profile = DoctorProfile(user_id=plan.pk, verification_status=plan.status)
            if plan.status == VerificationStatus.VERIFIED:
                profile.hospital = hospital
                profile.department = plan.department
                profile.title = plan.title
                profile.specialty = plan.specialty
                profile.licence_number = plan.licence_number
                profile.licence_index = blind_index(plan.licence_number, purpose="licence")
                profile.verified_at = plan.decided_at
            profiles.append(profile)
            if plan.status == VerificationStatus.UNVERIFIED:
                continue
            png = artwork.licence_evidence_png(
                name=plan.name,
                name_latin=plan.name_latin,
                licence_number=plan.licence_number,
                hospital=plan.hospital.name,
                department=data.DEPARTMENT_ZH[plan.department],
                hue=plan.index,
            )
            digest = _digest(plan.username, plan.name, plan.licence_number, plan.hospital.name)
            evidence = self._store(storage, f"verification-evidence/demo/{plan.username}-{digest}.png", png)
            status = {
                VerificationStatus.VERIFIED: VerificationRequest.Status.APPROVED,
                VerificationStatus.REJECTED: VerificationRequest.Status.REJECTED,
            }.get(plan.status, VerificationRequest.Status.PENDING)
            decided = status != VerificationRequest.Status.PENDING
            request = VerificationRequest(
                doctor_id=plan.pk,
                hospital_name=plan.hospital.name,
                hospital_level=plan.hospital.level,
                province=plan.hospital.province,
                city=plan.hospital.city,
                department=plan.department,
                title=plan.title,
                specialty=plan.specialty,
                licence_number=plan.licence_number,
                evidence=evidence,
                status=status,
                reviewer=verifier if decided else None,
                decided_at=plan.decided_at if decided else None,
                decision_reason=plan.rejection_reason
                if status == VerificationRequest.Status.REJECTED
                else ("执业证书信息与执业机构核验一致。" if decided else ""),
            )
            requests.append(request)
            submitted.append(plan.submitted_at)
        DoctorProfile.objects.bulk_create(profiles, batch_size=500)
        VerificationRequest.objects.bulk_create(requests, batch_size=500)
        # submitted_at is auto_now_add: back-date it (bulk_update does not run pre_save).
        for request, moment in zip(requests, submitted, strict=True):
            request.submitted_at = moment
        VerificationRequest.objects.bulk_update(requests, ["submitted_at"], batch_size=500)
        self.summary.add("verification requests", len(requests))
        self._bulk_consents(fresh)

    def _bulk_consents(self, plans: list[DoctorPlan]) -> None:
        documents = {purpose: current_document(purpose) for purpose in ConsentPurpose.values}
        consents, history = [], []
        for plan in plans:
            channel = _CHANNEL_BY_DEVICE.get(plan.device, "web")
            terms = documents[ConsentPurpose.PLATFORM_TERMS]
            consents.append(
                Consent(
                    user_id=plan.pk, purpose=terms.purpose, sponsor=None, document=terms, granted=True, updated_at=plan.joined_at
                )
            )
            history.append(
                ConsentEvent(
                    user_id=plan.pk,
                    purpose=terms.purpose,
                    document=terms,
                    granted=True,
                    occurred_at=plan.joined_at,
                    channel=channel,
                )
            )
            for code, purposes in plan.consents.items():
                sponsor = self.sponsors[code]
                for purpose, (granted_at, withdrawn_at) in purposes.items():
                    document = documents[purpose]
                    consents.append(
                        Consent(
                            user_id=plan.pk,
                            purpose=purpose,
                            sponsor=sponsor,
                            document=document,
                            granted=withdrawn_at is None,
                            updated_at=withdrawn_at or granted_at,
                        )
                    )
                    history.append(
                        ConsentEvent(
                            user_id=plan.pk,
                            purpose=purpose,
                            sponsor=sponsor,
                            document=document,
                            granted=True,
                            occurred_at=granted_at,
                            channel=channel,
                        )
                    )
                    if withdrawn_at is not None:
                        history.append(
                            ConsentEvent(
                                user_id=plan.pk,
                                purpose=purpose,
                                sponsor=sponsor,
                                document=document,
                                granted=False,
                                occurred_at=withdrawn_at,
                                channel=channel,
                            )
                        )
        Consent.objects.bulk_create(consents, batch_size=500)
        ConsentEvent.objects.bulk_create(history, batch_size=500)
        self.summary.add("consents", len(consents))
        self.summary.add("consent events", len(history))

    # --- named doctors (real services) -------------------------------------------------------------
    def named_doctors(self) -> None:
        verifier = self.users["verifier"]
        hospitals_by_city = {}
        for plan in self.planner.hospitals:
            hospitals_by_city.setdefault(plan.city, []).append(plan)
        rng = self.planner.rng("named-doctors")
        # The demo doctors are among the most engaged, so their timelines are rich.
        activities = sorted(p.activity for p in self.doctor_plans) or [1.0]
        named_activity = activities[max(int(len(activities) * 0.95) - 1, 0)] * 1.5
        for index, spec in enumerate(data.NAMED_DOCTORS, start=1):
            user = user_find_by_login(spec["login"])
            if user is None:
                user = doctor_sign_up(login=spec["login"], password=data.DEMO_PASSWORD, name=spec["name"], accept_terms=True)
                User.objects.filter(pk=user.pk).update(
                    username=spec["username"],
                    date_joined=self.anchor - timedelta(days=420),
                    preferred_language="zh-hans",
                )
                user.refresh_from_db()
                self.summary.add("doctors", 1)
            self.users[spec["key"]] = user
            hospital: HospitalPlan = _pick_hospital(hospitals_by_city[spec["city"]], spec["hospital_kind"])
            profile = user.doctor_profile
            licence = self.planner.licence_number(rng, district_code=hospital.district_code, title=spec["title"])
            if profile.verification_status == VerificationStatus.UNVERIFIED:
                png = artwork.licence_evidence_png(
                    name=spec["name"],
                    name_latin=spec["username"],
                    licence_number=licence,
                    hospital=hospital.name,
                    department=data.DEPARTMENT_ZH[spec["department"]],
                    hue=index,
                )
                request = verification_submit(
                    doctor=user,
                    hospital_name=hospital.name,
                    hospital_level=hospital.level,
                    province=hospital.province,
                    city=hospital.city,
                    department=spec["department"],
                    title=spec["title"],
                    specialty=spec["specialty"],
                    licence_number=licence,
                    evidence=ContentFile(png, name="licence.png"),
                )
                verification_decide(
                    reviewer=verifier, request_id=request.pk, approve=True, reason="执业证书信息与执业机构核验一致。"
                )
                self.summary.add("verification decisions (service)", 1)
            for sponsor_code, purpose in spec["consents"]:
                consent_give(user=user, purpose=purpose, sponsor_id=self.sponsors[sponsor_code].pk)
            profile.refresh_from_db()
            plan = DoctorPlan(
                index=10_000 + index,
                username=spec["username"],
                name=spec["name"],
                name_latin=spec["username"],
                email=None,
                mobile="",
                hospital=hospital,
                department=spec["department"],
                title=spec["title"],
                specialty=spec["specialty"],
                status=profile.verification_status,
                joined_at=self.anchor - timedelta(days=420),
                device="wechat" if index == 2 else "pc",
                consents={code: {purpose: (self.anchor - timedelta(days=400), None)} for code, purpose in spec["consents"]},
            )
            plan.pk = user.pk
            plan.activity = named_activity
            self.doctor_plans.append(plan)

    def verification_decisions(self) -> None:
        """Two queued requests decided through the service: one approved, one rejected (audited)."""
        verifier = self.users["verifier"]
        pending = [plan for plan in self.doctor_plans if plan.status == VerificationStatus.PENDING][:2]
        outcomes = [
            (True, "执业证书信息与执业机构核验一致。"),
            (False, "执业证书照片反光，证书编码无法辨认，请在光线充足处重新拍摄上传。"),
        ]
        for plan, (approve, reason) in zip(pending, outcomes, strict=False):
            request = VerificationRequest.objects.filter(doctor_id=plan.pk, status=VerificationRequest.Status.PENDING).first()
            if request is None:
                continue
            verification_decide(reviewer=verifier, request_id=request.pk, approve=approve, reason=reason)
            self.summary.add("verification decisions (service)", 1)

    # --- pharmacovigilance -------------------------------------------------------------------------
    def adverse_events(self) -> None:
        wanted = ["cardiology", "endocrinology", "oncology"]
        used: set[int] = set()
        for (source_id, text), department in zip(data.AE_FEEDBACK, wanted, strict=True):
            reporter = next(
                (p for p in self.doctor_plans if p.is_verified and p.department == department and p.pk not in used),
                None,
            ) or next(p for p in self.doctor_plans if p.is_verified and p.pk not in used)
            used.add(reporter.pk)
            existed = AdverseEventReport.objects.filter(source_type="demo.feedback", source_id=source_id).exists()
            report = ae_screen_text(
                text=text,
                reporter=User.objects.get(pk=reporter.pk),
                source_type="demo.feedback",
                source_id=source_id,
                context={"channel": "学术反馈表单", "demo": True},
            )
            if report is not None and not existed:
                self.summary.add("PV queue reports", 1)

    # --- interactions --------------------------------------------------------------------------------
    def interaction_events(self) -> None:
        products = [ProductRef(p.pk, p.sponsor_id, p.therapeutic_area.code) for p in self.products]
        simulator = Simulator(
            seed=self.seed,
            anchor=self.anchor,
            window_days=90,
            doctors=self.doctor_plans,
            staff=list(self.staff.values()),
            products=products,
            total=self.event_count,
        )
        buffer = []
        stored = duplicates = generated = 0
        next_report = 20_000

        def flush() -> None:
            nonlocal stored, duplicates
            new, dup = record_events(rows=buffer)
            stored += new
            duplicates += dup
            buffer.clear()

        for rows in simulator.rows_by_actor():
            buffer.extend(rows)
            generated += len(rows)
            if len(buffer) >= EVENT_CHUNK:
                flush()
            if generated >= next_report:
                self.log(f"    … {generated:,} events")
                next_report += 20_000
        if buffer:
            flush()
        self.summary.add("interaction events", stored)
        self.summary.add("interaction events already present", duplicates)
        # last_login follows the simulated logins (never moves backwards).
        changed = []
        users = User.objects.filter(pk__in=list(simulator.last_login)).only("pk", "last_login")
        for user in users:
            moment = simulator.last_login[user.pk]
            if user.last_login is None or user.last_login < moment:
                user.last_login = moment
                changed.append(user)
        User.objects.bulk_update(changed, ["last_login"], batch_size=500)


def _digest(*parts: str) -> str:
    """Short content key for generated files: same inputs, same file (never a licence number in a name)."""
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:12]


def _pick_hospital(plans: list[HospitalPlan], kind: str) -> HospitalPlan:
    if kind == "uni1":
        return next(plan for plan in plans if plan.name.endswith("附属第一医院"))
    return next(plan for plan in plans if plan.name.endswith("市第一人民医院"))


def build_demo(*, seed: int, doctors: int, events: int, log: Callable[[str], None]) -> Summary:
    return DemoBuilder(seed=seed, doctors=doctors, events=events, log=log).run()
