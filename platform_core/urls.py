"""Root URLs: web pages, the REST API v1, the OpenAPI schema and docs, and the admins."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.i18n import JavaScriptCatalog
from django.views.static import serve as serve_file
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("api/v1/", include("platform_core.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("django-admin/", admin.site.urls),
    path("cms/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("", include("platform_core.web.urls")),
    path("academy/", include("academy.urls")),
    path("reps/", include("reps.urls")),
    path("campaigns/", include("campaigns.urls")),
    path("mall/", include("points_mall.urls")),
    path("search/", include("search.urls")),
]
if settings.SERVE_MEDIA:
    # Public media (CMS images, lesson videos) in the embedded default; nginx serves /media/ in production.
    urlpatterns.append(re_path(r"^media/(?P<path>.*)$", serve_file, {"document_root": settings.MEDIA_ROOT}))
urlpatterns += [
    # Wagtail serves the page tree (the academy lives at /academy/) after every other route.
    path("", include(wagtail_urls)),
]
