"""Admin wiring: sponsored material is published by the MLR workflow, not by the editor's Publish button.

The guard in academy.mlr.services keeps any other publication undeliverable; this hook tells the
editor at the moment they try, and keeps their edit as a draft.
"""

from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from wagtail import hooks
from wagtail.admin import messages

from academy.mlr.services import material_sponsor_of


@hooks.register("before_publish_page")
def sponsored_material_goes_through_review(request, page):
    if material_sponsor_of(page) is None:
        return None
    messages.warning(
        request,
        _(
            "'%(title)s' is sponsored material: it goes live only through MLR review (Medical → Legal → Regulatory). "
            "Your changes were saved as a draft; submit them for review."
        )
        % {"title": page.get_admin_display_title()},
    )
    return redirect(reverse("wagtailadmin_pages:edit", args=[page.pk]))
