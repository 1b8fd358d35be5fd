from django.urls import path
from django.utils.translation import gettext_lazy as _

from platform_core.web.coming_soon import ComingSoonView

app_name = "search"
urlpatterns = [
    path(
        "",
        ComingSoonView.as_view(
            title=_("Search"),
            description=_("Search across courses, webinars and cases arrives with the search release."),
        ),
        name="index",
    ),
]
