"""How academy pages are served: the access rules run before any content is rendered."""

import uuid

from django.shortcuts import render

from academy.models import CoursePage, LessonPage
from academy.selectors import PageAccess, page_access_for
from platform_core.interactions import record_event


def serve_academy_page(page, request, serve, *args, **kwargs):
    """Render the page if the user may see it; otherwise a gate page that reveals no content."""
    if getattr(request, "is_preview", False):
        return serve(request, *args, **kwargs)  # Wagtail checked the editor's permission to preview
    access = page_access_for(user=request.user, page=page)
    if access is PageAccess.UNAVAILABLE:
        return render(request, "academy/unavailable.html", {"page": page}, status=404)
    if access is not PageAccess.ALLOWED:
        return render(request, "academy/gate.html", {"page": page, "access": access.value}, status=403)
    if request.method == "GET" and request.user.is_authenticated and isinstance(page, CoursePage | LessonPage):
        course = page if isinstance(page, CoursePage) else page.course
        record_event(
            actor=request.user,
            verb="course.viewed" if isinstance(page, CoursePage) else "lesson.viewed",
            target=page,
            object_type="course" if isinstance(page, CoursePage) else "lesson",
            sponsor_id=course.sponsor_id,
            campaign_id=course.campaign_id,
            client_event_id=f"view:{uuid.uuid4().hex}",
        )
    return serve(request, *args, **kwargs)
