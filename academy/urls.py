from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from platform_core.web.coming_soon import ComingSoonView

app_name = "academy"
urlpatterns = [
    path(
        "",
        ComingSoonView.as_view(
            title=_("Academy"),
            description=_("Courses, case circles and certificates arrive with the academy release."),
        ),
        name="index",
    ),
    path("circles/", include("academy.circles.urls")),
]
