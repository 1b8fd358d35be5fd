"""Wagtail admin access derived from roles.

Wagtail grants page, image and document permissions to Django groups, so each CMS-facing role has
one group, created (idempotently) after every migrate, and a person's membership follows their
RoleAssignment rows. The receivers below keep that derived membership in sync — the roles remain
the single source of truth (platform_core.permissions); the groups are Wagtail's view of them.
"""

from django.contrib.auth.models import Group, Permission
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission, Page

from platform_core.models import RoleAssignment
from platform_core.roles import Role

EDITORS = "Academy editors 学院内容编辑"
REVIEWERS = "MLR reviewers 医学法务注册审核"
CMS_GROUP_OF_ROLE = {Role.EDITOR: EDITORS, Role.MLR_REVIEWER: REVIEWERS, Role.PLATFORM_ADMIN: EDITORS}

EDITOR_PAGE_PERMISSIONS = ("add_page", "change_page", "publish_page", "lock_page", "unlock_page")
EDITOR_COLLECTION_PERMISSIONS = (
    ("wagtailimages", "image", ("add", "change", "choose")),
    ("wagtaildocs", "document", ("add", "change", "choose")),
)


def ensure_cms_groups(**kwargs) -> None:
    """Create the CMS groups and their permissions; safe to run any number of times (post_migrate)."""
    root = Page.get_first_root_node()
    access_admin = Permission.objects.filter(content_type__app_label="wagtailadmin", codename="access_admin").first()
    if root is None or access_admin is None:
        return  # Wagtail's own migrations have not run yet
    editors, _ = Group.objects.get_or_create(name=EDITORS)
    reviewers, _ = Group.objects.get_or_create(name=REVIEWERS)
    editors.permissions.add(access_admin)
    reviewers.permissions.add(access_admin)
    for codename in EDITOR_PAGE_PERMISSIONS:
        permission = Permission.objects.filter(content_type__app_label="wagtailcore", codename=codename).first()
        if permission is not None:
            GroupPagePermission.objects.get_or_create(group=editors, page=root, permission=permission)
    collection = Collection.get_first_root_node()
    if collection is not None:
        for app_label, model, actions in EDITOR_COLLECTION_PERMISSIONS:
            for action in actions:
                permission = Permission.objects.filter(content_type__app_label=app_label, codename=f"{action}_{model}").first()
                if permission is not None:
                    GroupCollectionPermission.objects.get_or_create(group=editors, collection=collection, permission=permission)
    for assignment in RoleAssignment.objects.filter(role__in=list(CMS_GROUP_OF_ROLE)).select_related("user"):
        _sync(assignment.user)


def _sync(user) -> None:
    """Put the user in exactly the CMS groups their roles call for."""
    wanted = {
        CMS_GROUP_OF_ROLE[role]
        for role in RoleAssignment.objects.filter(user=user).values_list("role", flat=True)
        if role in CMS_GROUP_OF_ROLE
    }
    managed = Group.objects.filter(name__in=set(CMS_GROUP_OF_ROLE.values()))
    for group in managed:
        if group.name in wanted:
            group.user_set.add(user)
        else:
            group.user_set.remove(user)


@receiver(post_save, sender=RoleAssignment, dispatch_uid="academy.cms_access.role_saved")
@receiver(post_delete, sender=RoleAssignment, dispatch_uid="academy.cms_access.role_deleted")
def _role_changed(sender, instance, **kwargs):
    if instance.role in CMS_GROUP_OF_ROLE:
        _sync(instance.user)
