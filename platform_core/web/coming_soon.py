"""A page that says what a later capability will bring, for apps whose issue has not landed yet."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.views.generic import TemplateView


class ComingSoonView(LoginRequiredMixin, TemplateView):
    template_name = "platform_core/coming_soon.html"
    title = ""
    description = ""

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "title": self.title, "description": self.description}
