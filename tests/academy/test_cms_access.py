import pytest
from django.contrib.auth.models import Group
from wagtail.models import Page

from academy.cms_access import EDITORS, REVIEWERS, ensure_cms_groups
from platform_core.roles import Role
from platform_core.services.accounts import role_grant, role_revoke
from tests.factories.accounts import DoctorFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_editor_role_opens_the_cms_and_lets_them_edit_pages_until_revoked(client, platform_admin):
    ensure_cms_groups()
    person = UserFactory()
    role_grant(actor=platform_admin, user=person, role=Role.EDITOR, reason="新入职内容编辑")
    person.refresh_from_db()
    assert person.has_perm("wagtailadmin.access_admin")
    root = Page.get_first_root_node()
    assert root.permissions_for_user(person).can_add_subpage()
    client.force_login(person)
    assert client.get("/cms/").status_code == 200

    role_revoke(actor=platform_admin, user=person, role=Role.EDITOR, reason="调岗")
    person = type(person).objects.get(pk=person.pk)
    assert not person.has_perm("wagtailadmin.access_admin")
    assert client.get("/cms/").status_code == 302  # back to the login page


def test_doctor_never_gets_cms_access():
    ensure_cms_groups()
    doctor = DoctorFactory(verified=True)
    assert not doctor.has_perm("wagtailadmin.access_admin")
    assert not Group.objects.get(name=EDITORS).user_set.filter(pk=doctor.pk).exists()


def test_mlr_reviewer_can_log_in_to_review(mlr_a):
    ensure_cms_groups()
    assert Group.objects.get(name=REVIEWERS).user_set.filter(pk=mlr_a.pk).exists()
    assert mlr_a.has_perm("wagtailadmin.access_admin")
