"""The platform's URLs plus `/bench/trivial`: the floor a Django view pays on this server.

The trivial view goes through the whole middleware stack of the production settings, like
every other view; it only skips authentication, validation and the database.
"""

from django.http import JsonResponse
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt


@csrf_exempt
def trivial_json_view(request):
    return JsonResponse({"ok": True})


urlpatterns = [
    path("bench/trivial", trivial_json_view, name="bench-trivial"),
    path("", include("platform_core.urls")),
]
