"""Academy views: the heartbeat endpoint, quizzes, my learning, certificates, speakers.

Thin: parse input, call one service or selector, render. Page templates get their context from
the page classes through `page_context`.
"""

import io
import json
import uuid

import segno
from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from academy import selectors
from academy.models import AcademyIndexPage, CoursePage, CourseSeriesPage, LessonPage, QuizPage, Speaker
from academy.services.learning import heartbeat_parse, heartbeat_record, quiz_attempt_submit
from platform_core.exceptions import ApplicationError, NotFound
from platform_core.models import TherapeuticArea

HEARTBEAT_MAX_BYTES = 2048


@require_POST
def lesson_heartbeat(request, lesson_id: int):
    """POST one player heartbeat (JSON); answers progress, or an error naming what was wrong."""
    if not request.user.is_authenticated:
        return _error(401, "not_authenticated", _("Log in to record watch time."))
    if len(request.body) > HEARTBEAT_MAX_BYTES:
        return _error(413, "too_large", _("A heartbeat is a small JSON object."))
    try:
        payload = json.loads(request.body or b"null")
    except (ValueError, UnicodeDecodeError):
        return _error(400, "malformed_json", _("The body is not valid JSON."))
    if not isinstance(payload, dict):
        return _error(400, "malformed_json", _("The body must be a JSON object."))
    try:
        lesson = selectors.lesson_get_for(user=request.user, lesson_id=lesson_id)
        beat = heartbeat_parse(payload=payload, duration=lesson.duration_seconds)
        result = heartbeat_record(user=request.user, lesson=lesson, beat=beat)
    except ApplicationError as error:
        return _error(error.status_code, error.code, error.message, error.details)
    # The quiz link matters once the lesson is complete: no extra query on the other heartbeats.
    quiz = QuizPage.objects.live().child_of(lesson.course).first() if result.completed else None
    return JsonResponse(
        {
            "coverage_percent": result.coverage_percent,
            "watch_seconds": result.watch_seconds,
            "credited_seconds": result.credited_seconds,
            "completed": result.completed,
            "quiz_url": quiz.url if quiz else None,
            "ignored": result.ignored,
        }
    )


def _error(status: int, code: str, message: str, details: dict | None = None) -> JsonResponse:
    return JsonResponse({"error": {"code": code, "message": str(message), "details": details or {}}}, status=status)


def quiz_serve(page: QuizPage, request, *args, **kwargs):
    """GET shows the quiz; POST grades it (idempotent on the form's attempt key) and shows the explanations."""
    context = page.get_context(request, *args, **kwargs)
    if request.method == "POST":
        if not request.user.is_authenticated:
            raise Http404
        answers = {block.id: [int(v) for v in request.POST.getlist(f"q-{block.id}") if v.isdigit()] for block in page.questions}
        try:
            context["result"] = quiz_attempt_submit(
                user=request.user,
                quiz=page,
                answers=answers,
                attempt_key=request.POST.get("attempt_key", "")[:64] or uuid.uuid4().hex,
            )
        except ApplicationError as error:
            context["error"] = error
            context["answers"] = answers
            context["unanswered"] = set(error.details.get("unanswered", []))
            context["attempt_key"] = request.POST.get("attempt_key") or uuid.uuid4().hex
            return render(request, page.get_template(request), context, status=400)
        context["outline"] = selectors.course_outline_for(user=request.user, course=page.course)
    context.setdefault("attempt_key", uuid.uuid4().hex)
    return render(request, page.get_template(request), context)


def page_context(page, request, context: dict) -> dict:
    """Selector-backed context for each academy page type."""
    user = request.user
    if isinstance(page, AcademyIndexPage):
        filters = selectors.CourseFilters(
            therapeutic_area=request.GET.get("area", ""),
            speaker_id=_int(request.GET.get("speaker")),
            series_id=_int(request.GET.get("series")),
            access=request.GET.get("access", "") if request.GET.get("access") in ("public", "verified_hcp") else "",
        )
        context["courses"] = selectors.course_list_for(user=user, filters=filters)[:60]
        context["filters"] = filters
        context["areas"] = TherapeuticArea.objects.all()
        context["series_list"] = CourseSeriesPage.objects.live().child_of(page).order_by("title")
    elif isinstance(page, CourseSeriesPage):
        context["courses"] = selectors.course_list_for(user=user, filters=selectors.CourseFilters(series_id=page.pk))
    elif isinstance(page, CoursePage):
        context["outline"] = selectors.course_outline_for(user=user, course=page)
    elif isinstance(page, LessonPage):
        outline = selectors.course_outline_for(user=user, course=page.course)
        context["outline"] = outline
        context["progress"] = next((row.progress for row in outline.lessons if row.lesson.pk == page.pk), None)
        context["heartbeat_url"] = reverse("academy:lesson_heartbeat", args=[page.pk])
        context["is_hls"] = page.video_url.split("?")[0].endswith(".m3u8")
    elif isinstance(page, QuizPage):
        context["course"] = page.course
    return context


def _int(value) -> int | None:
    return int(value) if value and str(value).isdigit() else None


@login_required
@require_GET
def my_learning(request):
    return render(request, "academy/my_learning.html", {"learning": selectors.my_learning_for(user=request.user)})


@login_required
@require_GET
def certificate_detail(request, code: str):
    try:
        certificate = selectors.certificate_get_for(user=request.user, code=code)
    except NotFound as error:
        raise Http404 from error
    verify_url = request.build_absolute_uri(reverse("academy:certificate_verify", args=[certificate.code]))
    buffer = io.BytesIO()
    segno.make(verify_url, error="m").save(buffer, kind="svg", scale=4, xmldecl=False, svgns=True, border=1)
    return render(
        request,
        "academy/certificate.html",
        {"certificate": certificate, "verify_url": verify_url, "qr_svg": buffer.getvalue().decode()},
    )


@require_GET
def certificate_verify(request, code: str):
    """Public: anyone with the code or the QR sees whether the certificate is genuine and valid."""
    try:
        certificate = selectors.certificate_by_code(code=code)
    except NotFound:
        return render(request, "academy/certificate_verify.html", {"code": code}, status=404)
    return render(request, "academy/certificate_verify.html", {"certificate": certificate, "code": code})


@require_GET
def speaker_list(request):
    return render(request, "academy/speakers.html", {"speakers": Speaker.objects.select_related("photo").order_by("name")})


@require_GET
def speaker_detail(request, speaker_id: int):
    speaker = get_object_or_404(Speaker, pk=speaker_id)
    courses = selectors.course_list_for(user=request.user, filters=selectors.CourseFilters(speaker_id=speaker.pk))
    return render(request, "academy/speaker_detail.html", {"speaker": speaker, "courses": courses})
