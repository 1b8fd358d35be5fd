import datetime
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from academy.models import Certificate, CoursePage
from academy.services.learning import HeartbeatInput, certificate_revoke, heartbeat_record
from tests.academy.support import build_course, correct_answers

pytestmark = pytest.mark.django_db


def heartbeat(client, lesson, **overrides):
    body = {"session": "browser-0001", "seq": 0, "position": 0, "playing": True, "rate": 1, "visible": True, **overrides}
    return client.post(
        reverse("academy:lesson_heartbeat", args=[lesson.pk]), data=json.dumps(body), content_type="application/json"
    )


class TestAccess:
    def test_public_course_is_open_to_anyone(self, client):
        course = build_course().course
        response = client.get(course.url)
        assert response.status_code == 200
        assert course.title in response.content.decode()

    @pytest.mark.parametrize(
        ("who", "status"),
        [("anonymous", 403), ("unverified_doctor", 403), ("doctor", 200), ("rep_a", 200), ("rep_b", 403), ("mlr_b", 403)],
    )
    def test_hcp_course_needs_verified_hcp_or_the_sponsors_staff(self, request, client_for, sponsor_a, product_a, who, status):
        course = build_course(sponsor=sponsor_a, products=[product_a], access_level="verified_hcp").course
        client = client_for(request.getfixturevalue(who)) if who != "anonymous" else request.getfixturevalue("client")
        response = client.get(course.url)
        assert response.status_code == status
        body = response.content.decode()
        assert ("高血压规范化诊疗" in body) == (status == 200) or status == 403 and "从诊断到随访" not in body
        if status == 403:
            assert "从诊断到随访" not in body  # the gate reveals nothing of the content

    def test_unapproved_or_expired_sponsored_course_is_not_served(self, client_for, doctor, sponsor_a):
        unapproved = build_course(sponsor=sponsor_a, approved=False)
        assert client_for(doctor).get(unapproved.course.url).status_code == 404
        expired = build_course(title="过期课程", sponsor=sponsor_a)
        CoursePage.objects.filter(pk=expired.course.pk).update(
            approval_expires_on=timezone.localdate() - datetime.timedelta(days=1)
        )
        assert client_for(doctor).get(expired.course.url).status_code == 404
        listing = client_for(doctor).get(reverse("academy:index")).content.decode()
        assert ">过期课程</a>" not in listing and ">高血压规范化诊疗</a>" not in listing

    def test_academy_index_lists_only_what_the_user_may_open(self, client, client_for, doctor, sponsor_a, product_a):
        build_course(title="公开课：心衰管理")
        build_course(title="处方药课程：他汀", sponsor=sponsor_a, products=[product_a], access_level="verified_hcp")
        anonymous = client.get(reverse("academy:index")).content.decode()
        assert ">公开课：心衰管理</a>" in anonymous and ">处方药课程：他汀</a>" not in anonymous
        verified = client_for(doctor).get(reverse("academy:index")).content.decode()
        assert ">公开课：心衰管理</a>" in verified and ">处方药课程：他汀</a>" in verified


class TestHeartbeatEndpoint:
    def test_requires_login(self, client):
        lesson = build_course().lessons[0]
        assert heartbeat(client, lesson).status_code == 401

    def test_lesson_the_user_may_not_watch_answers_not_found(self, client_for, unverified_doctor):
        lesson = build_course(access_level="verified_hcp").lessons[0]
        response = heartbeat(client_for(unverified_doctor), lesson)
        assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"

    def test_bad_body_names_what_was_wrong(self, client_for, doctor):
        lesson = build_course().lessons[0]
        client = client_for(doctor)
        malformed = client.post(reverse("academy:lesson_heartbeat", args=[lesson.pk]), data="{", content_type="application/json")
        assert malformed.status_code == 400 and malformed.json()["error"]["code"] == "malformed_json"
        wrong = heartbeat(client, lesson, position=-3, rate="fast")
        assert wrong.status_code == 400 and set(wrong.json()["error"]["details"]) == {"position", "rate"}

    def test_progress_is_returned(self, client_for, doctor):
        lesson = build_course().lessons[0]
        response = heartbeat(client_for(doctor), lesson)
        assert response.status_code == 200
        assert response.json() | {"quiz_url": None} == {
            "coverage_percent": 0.0,
            "watch_seconds": 0.0,
            "credited_seconds": 0.0,
            "completed": False,
            "quiz_url": None,
            "ignored": None,
        }


def test_course_page_renders_in_a_fixed_number_of_queries(client_for, doctor):
    small = build_course(title="两讲课程", lesson_seconds=(60, 60))
    large = build_course(title="六讲课程", lesson_seconds=(60,) * 6)
    client = client_for(doctor)
    for built in (small, large):  # progress rows make the logged-in page do its full work
        for number, lesson in enumerate(built.lessons):
            heartbeat_record(user=doctor, lesson=lesson, beat=HeartbeatInput(f"warmup-{number:04d}", 0, 0, True, 1.0, True))
    counts = []
    for built in (small, large):
        client.get(built.course.url)  # warm Wagtail's site cache
        with CaptureQueriesContext(connection) as queries:
            assert client.get(built.course.url).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
    assert counts[0] <= 30, counts


def test_anonymous_course_page_query_count_is_bounded(client, sponsor_a):
    built = build_course(sponsor=sponsor_a, lesson_seconds=(60,) * 5)  # sponsored: the sponsor notice reads more
    client.get(built.course.url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(built.course.url).status_code == 200
    assert len(queries) <= 15, [query["sql"] for query in queries.captured_queries]


class TestQuizAndCertificate:
    def test_rejected_quiz_keeps_the_answers_given(self, client_for, doctor):
        quiz = build_course().quiz
        first = quiz.questions[0].id
        response = client_for(doctor).post(quiz.url, {"attempt_key": "k1", f"q-{first}": "0"})
        assert response.status_code == 400
        body = response.content.decode()
        assert f'name="q-{first}" value="0" checked' in body
        assert "Answer this question" in body or "请回答" in body

    def test_completion_through_the_pages_gives_a_verifiable_certificate(self, client, client_for, doctor, platform_admin):
        built = build_course(lesson_seconds=(30,))
        start = timezone.now()
        for seq, wall in enumerate(range(0, 45, 15)):
            beat = HeartbeatInput("device-0001", seq, min(30, wall), True, 1.0, True)
            heartbeat_record(user=doctor, lesson=built.lessons[0], beat=beat, now=start + datetime.timedelta(seconds=wall))
        data = {"attempt_key": "k2"} | {f"q-{qid}": [str(i) for i in picks] for qid, picks in correct_answers(built.quiz).items()}
        result = client_for(doctor).post(built.quiz.url, data)
        assert result.status_code == 200
        certificate = Certificate.objects.get(user=doctor)
        assert reverse("academy:certificate", args=[certificate.code]) in result.content.decode()

        own = client_for(doctor).get(reverse("academy:certificate", args=[certificate.code]))
        assert own.status_code == 200 and "<svg" in own.content.decode() and certificate.code in own.content.decode()
        assert client_for(platform_admin).get(reverse("academy:certificate", args=[certificate.code])).status_code == 404

        public = client.get(reverse("academy:certificate_verify", args=[certificate.code]))
        assert public.status_code == 200 and certificate.holder_name in public.content.decode()
        assert "alert-success" in public.content.decode()
        certificate_revoke(actor=platform_admin, certificate=certificate, reason="核查不实")
        revoked = client.get(reverse("academy:certificate_verify", args=[certificate.code])).content.decode()
        assert "alert-error" in revoked and "alert-success" not in revoked
        assert client.get(reverse("academy:certificate_verify", args=["XLC-NONE-NONE-NONE"])).status_code == 404

        learning = client_for(doctor).get(reverse("academy:my_learning")).content.decode()
        assert built.course.title in learning
