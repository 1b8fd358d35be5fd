from django.urls import path
from django.utils.translation import gettext_lazy as _

from platform_core.web.coming_soon import ComingSoonView

app_name = "campaigns"
urlpatterns = [
    path(
        "",
        ComingSoonView.as_view(
            title=_("Campaigns"),
            description=_("Webinars, surveys and dashboards arrive with the campaigns release."),
        ),
        name="index",
    ),
]
