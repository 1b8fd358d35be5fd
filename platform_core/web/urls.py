from django.urls import path
from django.views.generic import TemplateView

urlpatterns = [
    path("", TemplateView.as_view(template_name="platform_core/coming_soon.html"), name="home"),
]
