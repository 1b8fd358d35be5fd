from django.urls import include, path
from wagtail.views import serve as wagtail_serve

from academy import web

app_name = "academy"
urlpatterns = [
    # The academy index is a Wagtail page with the slug "academy"; this name lets navigation link to it.
    path("", wagtail_serve, {"path": "academy/"}, name="index"),
    path("my/", web.my_learning, name="my_learning"),
    path("speakers/", web.speaker_list, name="speakers"),
    path("speakers/<int:speaker_id>/", web.speaker_detail, name="speaker"),
    path("lessons/<int:lesson_id>/heartbeat", web.lesson_heartbeat, name="lesson_heartbeat"),
    path("certificates/<str:code>/", web.certificate_detail, name="certificate"),
    path("verify/<str:code>/", web.certificate_verify, name="certificate_verify"),
    path("circles/", include("academy.circles.urls")),
]
