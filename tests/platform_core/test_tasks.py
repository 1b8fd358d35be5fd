"""Celery tasks, run by the real worker (Redis broker, this xdist worker's own database)."""

import pytest
from django.db import connection
from django.utils import timezone

from platform_core.interactions.partitions import partition_name
from platform_core.models import AuditEntry
from platform_core.services.audit import audit_record
from platform_core.tasks import audit_chain_verify_task, interaction_partitions_ensure_task, ping_task

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]

TIMEOUT = 30


def test_the_worker_round_trips_a_task():
    assert ping_task.delay("杏林").get(timeout=TIMEOUT) == "杏林"


def test_tasks_are_late_acknowledged_and_requeued_if_the_worker_dies(celery_worker_session):
    app = celery_worker_session.app
    for task in (ping_task, audit_chain_verify_task, interaction_partitions_ensure_task):
        bound = app.tasks[task.name]
        assert bound.acks_late and bound.reject_on_worker_lost
    # The broker redelivers an unacknowledged task only after the longest task could have finished.
    assert app.conf.broker_transport_options["visibility_timeout"] > app.conf.task_time_limit


def test_partition_maintenance_is_idempotent_and_keeps_months_ahead():
    first = interaction_partitions_ensure_task.delay().get(timeout=TIMEOUT)
    second = interaction_partitions_ensure_task.delay().get(timeout=TIMEOUT)
    assert second == []
    assert isinstance(first, list)
    this_month = timezone.now().date().replace(day=1)
    with connection.cursor() as cursor:
        for offset in range(4):
            index = this_month.year * 12 + this_month.month - 1 + offset
            month = this_month.replace(year=index // 12, month=index % 12 + 1)
            cursor.execute("SELECT to_regclass(%s)", [partition_name(month)])
            assert cursor.fetchone()[0] is not None, partition_name(month)


def test_the_nightly_audit_check_reports_an_intact_chain():
    audit_record(actor=None, action="test.task.audit", object_type="test", object_id="1")
    result = audit_chain_verify_task.delay().get(timeout=TIMEOUT)
    assert result == {"checked": AuditEntry.objects.count(), "broken_at": None, "why": ""}
