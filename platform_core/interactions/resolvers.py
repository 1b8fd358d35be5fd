"""Who owns an object: apps register resolvers so events get their sponsor and campaign from the
server's data, never from what a client claims."""

from collections.abc import Callable, Iterable

# object_type -> fn(object ids) -> {object_id: (sponsor_id, campaign_id)}
ObjectResolver = Callable[[Iterable[str]], dict[str, tuple[int | None, int | None]]]
# fn(campaign ids) -> {campaign_id: sponsor_id}
CampaignResolver = Callable[[Iterable[int]], dict[int, int]]

_OBJECT_RESOLVERS: dict[str, ObjectResolver] = {}
_campaign_resolver: list[CampaignResolver] = []


def register_object_resolver(object_type: str, resolver: ObjectResolver) -> None:
    _OBJECT_RESOLVERS[object_type] = resolver


def register_campaign_resolver(resolver: CampaignResolver) -> None:
    _campaign_resolver[:] = [resolver]


def object_resolver(object_type: str) -> ObjectResolver | None:
    return _OBJECT_RESOLVERS.get(object_type)


def resolve_campaigns(campaign_ids: Iterable[int]) -> dict[int, int]:
    if not _campaign_resolver:
        return {}
    return _campaign_resolver[0](campaign_ids)


def _resolve_products(object_ids: Iterable[str]) -> dict[str, tuple[int | None, int | None]]:
    # Function-local import: resolvers load before the app registry is ready.
    from platform_core.models import Product

    numeric = [
        int(object_id) for object_id in object_ids if object_id.isascii() and object_id.isdigit() and int(object_id) < 2**63
    ]
    rows = Product.objects.with_scopes_disabled().filter(pk__in=numeric).values_list("pk", "sponsor_id")
    return {str(pk): (sponsor_id, None) for pk, sponsor_id in rows}


register_object_resolver("product", _resolve_products)


def _resolve_campaigns(campaign_ids: Iterable[int]) -> dict[int, int]:
    from platform_core.models import Campaign

    return dict(Campaign.objects.with_scopes_disabled().filter(pk__in=list(campaign_ids)).values_list("pk", "sponsor_id"))


register_campaign_resolver(_resolve_campaigns)
