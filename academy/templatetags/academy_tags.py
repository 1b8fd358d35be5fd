from django import template

register = template.Library()


@register.filter
def get_item(mapping, key):
    """`answers|get_item:block.id`: a dict lookup by a variable key (empty list when absent)."""
    if not mapping:
        return []
    return mapping.get(key, [])
