"""Fixtures for MLR review: the workflow on the academy tree, a sponsored course and its reviewers."""

import datetime

import pytest
from django.utils import timezone
from django_scopes import scopes_disabled
from wagtail.models import TaskState

from academy.mlr.demo import setup_mlr_workflow
from academy.mlr.services import mlr_decision_sign
from platform_core.models import AuditEntry, SignatureDecision
from platform_core.roles import Role
from tests.factories import DEFAULT_PASSWORD, PrescribingInformationFactory, UserFactory
from tests.factories.academy import CoursePageFactory, CourseSeriesPageFactory, academy_index


@pytest.fixture
def mlr_workflow(db):
    academy_index()
    return setup_mlr_workflow()


@pytest.fixture
def series(mlr_workflow):
    return CourseSeriesPageFactory()


@pytest.fixture
def pi_a(product_a):
    return PrescribingInformationFactory(product=product_a, version="2026-01", is_current=True)


@pytest.fixture
def editor(db):
    return UserFactory(roles=[Role.EDITOR], name="林佳慧")


@pytest.fixture
def superuser(db):
    """A Wagtail superuser: may publish any page directly, bypassing the workflow."""
    return UserFactory(is_superuser=True, is_staff=True, name="系统管理员")


@pytest.fixture
def sponsored_course(series, sponsor_a, product_a, pi_a):
    """A draft course of sponsor A about product A, referencing its current prescribing information."""
    return CoursePageFactory(
        parent=series, sponsor=sponsor_a, products=[product_a], prescribing_information=[pi_a], publish=False
    )


@pytest.fixture
def audit_baseline(db):
    """Audit entries are never flushed between tests: count only those written after this point."""
    return AuditEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0


def in_a_year() -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=365)


def submit(page, user):
    """Submit the page's latest revision to its workflow (as the editor's "Submit for review" does)."""
    with scopes_disabled():
        return page.get_workflow().start(page.specific, user)


def current_state(page):
    page.refresh_from_db()
    state = page.current_workflow_task_state
    return state.specific if state is not None else None


def sign(
    page, reviewer, decision=SignatureDecision.APPROVED, *, password=DEFAULT_PASSWORD, comment="内容准确，同意。", expires_on=None
):
    return mlr_decision_sign(
        task_state=current_state(page),
        reviewer=reviewer,
        decision=decision,
        password=password,
        comment=comment,
        expires_on=expires_on or in_a_year(),
    )


def approve_all(page, reviewer, *, expires_on=None):
    for _step in range(3):
        sign(page, reviewer, expires_on=expires_on)
    return type(page.specific).objects.get(pk=page.pk)


def in_progress(page) -> bool:
    state = current_state(page)
    return state is not None and state.status == TaskState.STATUS_IN_PROGRESS
