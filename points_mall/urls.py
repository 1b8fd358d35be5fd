from django.urls import path
from django.utils.translation import gettext_lazy as _

from platform_core.web.coming_soon import ComingSoonView

app_name = "points_mall"
urlpatterns = [
    path(
        "",
        ComingSoonView.as_view(
            title=_("Points mall"),
            description=_("Points, the academic catalogue and orders arrive with the points-mall release."),
        ),
        name="index",
    ),
]
