from django.urls import path
from django.utils.translation import gettext_lazy as _

from platform_core.web.coming_soon import ComingSoonView

app_name = "reps"
urlpatterns = [
    path(
        "",
        ComingSoonView.as_view(
            title=_("Rep workbench"),
            description=_("My doctors, doctor 360, visits and material sharing arrive with the workbench release."),
        ),
        name="index",
    ),
]
