"""Base factory: sponsor-scoped models refuse unscoped queries, so factories write with scopes disabled."""

import factory
from django_scopes import scopes_disabled


class ScopedModelFactory(factory.django.DjangoModelFactory):
    """Creates rows of django-scopes models (Product, RepRegistration, ...) outside any scope."""

    class Meta:
        abstract = True

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        with scopes_disabled():
            return super()._create(model_class, *args, **kwargs)

    @classmethod
    def _get_or_create(cls, model_class, *args, **kwargs):
        with scopes_disabled():
            return super()._get_or_create(model_class, *args, **kwargs)
