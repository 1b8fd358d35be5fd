"""A doctor plays a lesson in the real browser: heartbeats reach the server, progress shows, the quiz
passes and the certificate appears (issue 3's real-browser test)."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import expect

from academy.demo.video import lesson_video
from academy.models import Certificate, LessonProgress
from platform_core.models import InteractionEvent
from tests.academy.support import build_course
from tests.e2e.test_signup_verification_consent import log_in
from tests.factories.accounts import DEFAULT_PASSWORD, DoctorFactory

LESSON_SECONDS = 20


@pytest.fixture
def lesson_file() -> str:
    """A real 20-second WebM, generated once into MEDIA_ROOT (served by the media route)."""
    path = Path(settings.MEDIA_ROOT) / "academy" / "e2e" / f"lesson-{LESSON_SECONDS}s.webm"
    lesson_video(path, seconds=LESSON_SECONDS)
    return f"{settings.MEDIA_URL}academy/e2e/{path.name}"


@pytest.mark.e2e
def test_doctor_watches_lesson_passes_quiz_and_gets_certificate(page, live_server, lesson_file):
    doctor = DoctorFactory(verified=True, email="wangfang@example.cn", name="王芳")
    built = build_course(title="房颤抗凝治疗要点", access_level="verified_hcp", lesson_seconds=(LESSON_SECONDS,))
    lesson = built.lessons[0]
    lesson.video_url = lesson_file
    lesson.save_revision().publish()

    log_in(page, doctor.email, DEFAULT_PASSWORD)
    page.goto(lesson.url)
    video = page.locator("video[data-xl-player]")
    expect(video).to_be_visible()
    # Muted playback may start without a user gesture; 2x is still credited (above 2x would not be).
    page.evaluate(
        "() => { const v = document.querySelector('video[data-xl-player]');"
        " v.muted = true; v.playbackRate = 2; return v.play(); }"
    )
    page.wait_for_function("() => document.querySelector('video[data-xl-player]').ended", timeout=40_000)

    # The server credited the playback and the page shows it.
    expect(page.locator("span[data-xl-progress]")).to_have_text(re.compile(r"^(9\d|100)(\.\d)?%$"), timeout=10_000)
    progress = LessonProgress.objects.get(user=doctor, lesson=lesson)
    assert progress.completed_at is not None and progress.covered_seconds >= 0.9 * LESSON_SECONDS
    beats = InteractionEvent.objects.with_scopes_disabled().filter(actor=doctor, verb="lesson.heartbeat")
    assert beats.count() >= 2

    quiz_link = page.locator("[data-xl-quiz-link] a")
    expect(quiz_link).to_be_visible()
    quiz_link.click()
    page.get_by_label("≥140/90 mmHg").check()
    page.get_by_label("ACEI", exact=True).check()
    page.get_by_label("CCB", exact=True).check()
    page.get_by_role("button", name="提交答案").click()
    expect(page.get_by_role("heading", name="已通过")).to_be_visible()

    page.get_by_role("link", name="查看我的证书").click()
    certificate = Certificate.objects.get(user=doctor)
    expect(page.locator("[data-certificate-code]")).to_have_text(certificate.code)
    expect(page.locator(".certificate-name")).to_have_text("王芳")
    expect(page.locator(".certificate-qr svg")).to_be_visible()
    assert page.console_errors == []
