"""drf-spectacular hooks: the published schema is the platform's API only (not Wagtail's admin API)."""


def only_platform_api(endpoints):
    return [endpoint for endpoint in endpoints if endpoint[0].startswith("/api/v1/")]
