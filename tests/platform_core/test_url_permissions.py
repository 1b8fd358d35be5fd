"""Every URL of the project, as every role of both sponsors and as an anonymous visitor.

For each pattern (found by walking the URL resolver, so new pages are covered as they land):
- nobody ever gets a server error, whatever the method, the role or the ids in the path;
- a sponsor's staff never see the other sponsor's data: an id of the other sponsor's object
  answers exactly like an id that does not exist, and no page shows the other sponsor's markers;
- a POST that is refused, or that names the other sponsor's object, changes nothing in the database.

Objects of the walk get explicit, distinct primary keys (one range per sponsor), so an id in a path
names exactly one object in the whole database.
"""

import json
import re
from dataclasses import dataclass

import pytest
from django.apps import apps
from django.db import connection
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import LocalePrefixPattern, RegexPattern, RoutePattern

from platform_core.models import RepRegistration, VerificationRequest
from platform_core.services.verification import verification_submit
from tests.factories import (
    AdminFactory,
    AdverseEventReportFactory,
    DoctorFactory,
    ManagerFactory,
    MlrReviewerFactory,
    PrescribingInformationFactory,
    ProductFactory,
    PvOfficerFactory,
    RepFactory,
    SponsorFactory,
    VerifierFactory,
)
from tests.platform_core.support import image_upload

# Prefixes not walked, and why. Everything else is.
SKIPPED_PREFIXES = {
    "django-admin/": "Django's admin: platform staff only, guarded by Django's own admin permissions",
    "cms/": "Wagtail's admin internals: guarded by Wagtail's permissions",
    "documents/": "Wagtail's document serving (regex routes, Wagtail's own privacy checks)",
    "_util/": "Wagtail's page-privacy helpers (its own checks); academy pages are tested with the academy",
}

SPONSOR_BASE = {"a": 9_100_000, "b": 9_200_000}
PLATFORM_BASE = 9_300_000
MISSING_ID = 9_999_999
MARK = {"a": "ALPHAMARK", "b": "BETAMARK"}
SPONSOR_KINDS = (
    "sponsor",
    "product",
    "prescribing_information",
    "rep_registration",
    "rep",
    "manager",
    "mlr",
    "adverse_event_report",
)
PLATFORM_KINDS = (
    "doctor",
    "unverified_doctor",
    "verification_request",
    "adverse_event_report",
    "pv_officer",
    "verifier",
    "platform_admin",
)
ROLES = (
    "anonymous",
    "doctor",
    "unverified_doctor",
    "rep_a",
    "manager_a",
    "mlr_a",
    "rep_b",
    "manager_b",
    "mlr_b",
    "pv_officer",
    "verifier",
    "platform_admin",
)
SPONSOR_OF_ROLE = {"rep_a": "a", "manager_a": "a", "mlr_a": "a", "rep_b": "b", "manager_b": "b", "mlr_b": "b"}
WATCHED_APPS = {"platform_core", "academy", "circles", "campaigns", "points_mall", "reps", "search", "authtoken"}


# --- Walking the resolver ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    template: str  # e.g. "pv/reports/<int:report_id>/"
    name: str

    @property
    def int_params(self) -> list[str]:
        return re.findall(r"<int:(\w+)>", self.template)


def _part(pattern) -> str | None:
    """The route text of one resolver level, or None when it cannot be filled in (regex groups)."""
    if isinstance(pattern, LocalePrefixPattern):
        return pattern.language_prefix
    if isinstance(pattern, RoutePattern):
        return str(pattern)
    if isinstance(pattern, RegexPattern):
        regex = pattern._regex
        if re.compile(regex).groups:
            return None
        return regex.lstrip("^").rstrip("$").replace("\\", "")
    return None


def _walk(patterns, prefix=""):
    for entry in patterns:
        part = _part(entry.pattern)
        if part is None:
            continue
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, prefix + part)
        elif isinstance(entry, URLPattern):
            yield Route(prefix + part, entry.name or entry.lookup_str)


def _project_routes() -> list[Route]:
    routes = {}
    for route in _walk(get_resolver().url_patterns):
        if route.template.startswith(tuple(SKIPPED_PREFIXES)):
            continue
        routes.setdefault(route.template, route)
    return sorted(routes.values(), key=lambda route: route.template)


def _path(route: Route, object_id: int | None) -> str:
    def fill(match):
        converter = match.group(1) or "str"
        if converter == "int":
            return str(object_id)
        return {"uuid": "00000000-0000-4000-8000-000000000000", "slug": "walk", "path": "walk"}.get(converter, "walk")

    return "/" + re.sub(r"<(?:(\w+):)?\w+>", fill, route.template)


ROUTES = _project_routes()


def test_the_walk_covers_the_api_and_the_pages():
    templates = {route.template for route in ROUTES}
    assert {"api/v1/products/<int:pk>", "api/v1/interactions/batch", "api/v1/me", "api/schema/"} <= templates
    assert len(ROUTES) >= 15


# --- The world: two sponsors with marked data, and the platform's people ----------------------------


@pytest.fixture
def world(db):
    objects: dict[tuple[str, str], object] = {}
    users: dict[str, object] = {}
    for side, base in SPONSOR_BASE.items():
        mark = MARK[side]
        sponsor = SponsorFactory(pk=base + 1, code=f"walk-{side}", name=f"步行制药{side}")
        product = ProductFactory(
            pk=base + 2,
            sponsor=sponsor,
            brand_name=f"{mark}brand",
            generic_name=f"{mark}他汀",
            generic_name_en=f"{mark.lower()}statin",
            indication=f"{mark} indication",
        )
        pi = PrescribingInformationFactory(pk=base + 3, product=product, version=f"{mark}-PI-1")
        rep = RepFactory(
            pk=base + 5,
            sponsor=sponsor,
            name=f"{mark}代表",
            email=f"rep.{side}@walk.test",
            registration__pk=base + 4,
            registration__registration_number=f"{mark}-REG",
        )
        manager = ManagerFactory(pk=base + 6, sponsor=sponsor, name=f"{mark}经理", email=f"manager.{side}@walk.test")
        mlr = MlrReviewerFactory(pk=base + 7, sponsor=sponsor, name=f"{mark}审核", email=f"mlr.{side}@walk.test")
        report = AdverseEventReportFactory(
            pk=base + 8, sponsor=sponsor, product=product, text=f"服用{mark}brand后出现皮疹 {mark}-AE"
        )
        objects.update(
            {
                (side, "sponsor"): sponsor,
                (side, "product"): product,
                (side, "prescribing_information"): pi,
                (side, "rep_registration"): RepRegistration.objects.with_scopes_disabled().get(rep=rep),
                (side, "rep"): rep,
                (side, "manager"): manager,
                (side, "mlr"): mlr,
                (side, "adverse_event_report"): report,
            }
        )
        users.update({f"rep_{side}": rep, f"manager_{side}": manager, f"mlr_{side}": mlr})

    doctor = DoctorFactory(pk=PLATFORM_BASE + 1, verified=True, email="doctor@walk.test")
    unverified = DoctorFactory(pk=PLATFORM_BASE + 2, email="unverified@walk.test")
    verification = verification_submit(
        doctor=unverified,
        hospital_name="步行医院",
        hospital_level="3A",
        province="上海市",
        department="oncology",
        title="attending",
        licence_number="WALK00000000000001",
        evidence=image_upload(),
    )
    platform_report = AdverseEventReportFactory(pk=PLATFORM_BASE + 4, reporter=doctor)
    users.update(
        {
            "doctor": doctor,
            "unverified_doctor": unverified,
            "pv_officer": PvOfficerFactory(pk=PLATFORM_BASE + 5),
            "verifier": VerifierFactory(pk=PLATFORM_BASE + 6),
            "platform_admin": AdminFactory(pk=PLATFORM_BASE + 7),
        }
    )
    objects.update(
        {
            ("platform", "doctor"): doctor,
            ("platform", "unverified_doctor"): unverified,
            ("platform", "verification_request"): verification,
            ("platform", "adverse_event_report"): platform_report,
            ("platform", "pv_officer"): users["pv_officer"],
            ("platform", "verifier"): users["verifier"],
            ("platform", "platform_admin"): users["platform_admin"],
        }
    )
    yield objects, users
    for request in VerificationRequest.objects.filter(doctor=unverified):
        request.evidence.storage.delete(request.evidence.name)


def _clients(users) -> dict[str, Client]:
    clients = {"anonymous": Client()}
    for role in ROLES[1:]:
        client = Client()
        client.force_login(users[role])
        clients[role] = client
    return clients


# --- Requests and what they may change -------------------------------------------------------------


def _watched_tables() -> list[str]:
    tables = {
        model._meta.db_table
        for model in apps.get_models(include_auto_created=True)
        if model._meta.app_label in WATCHED_APPS and not model._meta.proxy
    }
    return sorted(tables)


def database_fingerprint() -> tuple:
    """Row count and content digest of every table the apps own (audit and interactions included)."""
    parts = [
        f"(SELECT count(*) || ':' || coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), '') "
        f"FROM {connection.ops.quote_name(table)} t)"
        for table in _watched_tables()
    ]
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts))
        return tuple(zip(_watched_tables(), cursor.fetchone(), strict=True))


def _changed(before: tuple, after: tuple) -> list[str]:
    return [table for (table, old), (_, new) in zip(before, after, strict=True) if old != new]


def _post_body(foreign_sponsor_id: int) -> dict:
    """A body most forms and APIs of the project would act on, so that a missing check shows."""
    return {
        "approve": True,
        "decision": "approve",
        "reason": "walk",
        "is_adverse_event": False,
        "step": "triage",
        "granted": True,
        "purpose": "sponsor_data_sharing",
        "sponsor_id": foreign_sponsor_id,
        "patient_descriptor": "walk",
        "reaction": "walk",
        "suspect_product": "walk",
        "reporter_description": "walk",
        "action": "send",
        "login": "walker@walk.test",
        "password": "walk-password",
        "name": "walk",
        "accept_terms": True,
        "events": [],
    }


def _request(client: Client, method: str, path: str, body: dict):
    try:
        if method == "GET":
            return client.get(path)
        if path.startswith("/api/"):
            return client.post(path, json.dumps(body), content_type="application/json")
        return client.post(path, {k: v for k, v in body.items() if not isinstance(v, list)})
    except Exception as error:  # the test client re-raises a view's exception: that is a 500
        raise AssertionError(f"{method} {path} raised {type(error).__name__}: {error}") from error


def _text(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode(errors="replace")
    return response.content.decode(errors="replace")


def _shape(response) -> tuple:
    """What must be identical between a foreign id and a missing id."""
    location = response.get("Location", "")
    body = None
    if response.get("Content-Type", "").startswith("application/json"):
        body = _text(response)
    return response.status_code, location, body


def _assert_no_server_error(response, context: str) -> None:
    assert response.status_code < 500, f"{context}: {response.status_code}"


def _assert_no_markers(text: str, marks, context: str) -> None:
    for mark in marks:
        assert mark not in text, f"{context}: shows {mark}"


# --- The walk ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("route", ROUTES, ids=[route.template or "/" for route in ROUTES])
def test_every_url_as_every_role(route, world):
    objects, users = world
    clients = _clients(users)
    problems: list[str] = []

    def check(role: str, method: str, path: str, *, foreign_side: str | None):
        client = clients[role]
        body = _post_body(objects[("b" if SPONSOR_OF_ROLE.get(role) == "a" else "a", "sponsor")].pk)
        before = database_fingerprint() if method == "POST" else None
        response = _request(client, method, path, body)
        context = f"{role} {method} {path}"
        _assert_no_server_error(response, context)
        text = _text(response)
        own_side = SPONSOR_OF_ROLE.get(role)
        if own_side:
            _assert_no_markers(text, [MARK["b" if own_side == "a" else "a"]], context)
        if role == "anonymous":
            _assert_no_markers(text, MARK.values(), context)
        if method == "POST" and (response.status_code >= 400 or foreign_side):
            changed = _changed(before, database_fingerprint())
            if changed:
                problems.append(f"{context} → {response.status_code} changed {changed}")
        return response

    for role in ROLES:
        own_side = SPONSOR_OF_ROLE.get(role)
        for method in ("GET", "POST"):
            if not route.int_params:
                check(role, method, _path(route, None), foreign_side=None)
                continue
            missing = check(role, method, _path(route, MISSING_ID), foreign_side=None)
            # Sponsor staff try both sponsors' objects; everyone else is symmetric in the two.
            sides = ("a", "b") if own_side else ("b",)
            for kind in SPONSOR_KINDS:
                for side in sides:
                    foreign = own_side is not None and side != own_side
                    response = check(role, method, _path(route, objects[(side, kind)].pk), foreign_side=side if foreign else None)
                    if foreign and _shape(response) != _shape(missing):
                        problems.append(
                            f"{role} {method} {_path(route, objects[(side, kind)].pk)} ({kind} of sponsor "
                            f"{side}) answers {_shape(response)[:2]}, a missing id {_shape(missing)[:2]}"
                        )
            for kind in PLATFORM_KINDS:
                check(role, method, _path(route, objects[("platform", kind)].pk), foreign_side=None)

    assert problems == []
