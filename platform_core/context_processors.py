"""Template context for every page: the header navigation built from the user's capabilities."""

from django.utils.functional import SimpleLazyObject

from platform_core.web.common import navigation_items


def navigation(request):
    """`navigation`: (label, url) pairs; computed only when a template uses it (HTMX partials do not)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"navigation": []}
    return {"navigation": SimpleLazyObject(lambda: navigation_items(user))}
