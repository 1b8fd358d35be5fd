"""Server-side HTML sanitising (nh3) for every rich-text or HTML input.

The allowlist matches what Wagtail's rich-text editor produces (including its `linktype` /
`embedtype` references), so editor content survives while scripts, event handlers, styles and
foreign embeds do not.
"""

import nh3
from wagtail.fields import RichTextField

ALLOWED_TAGS = {
    "p",
    "br",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "b",
    "strong",
    "i",
    "em",
    "u",
    "s",
    "sub",
    "sup",
    "ul",
    "ol",
    "li",
    "a",
    "blockquote",
    "code",
    "pre",
    "hr",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "embed",
    "span",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "linktype", "id", "title"},
    "embed": {"embedtype", "id", "format", "alt", "url"},
    "th": {"colspan", "rowspan", "scope"},
    "td": {"colspan", "rowspan"},
    "span": {"lang"},
}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto", "tel"}


def sanitize_html(value: str) -> str:
    """Return `value` with everything outside the allowlist removed; links get rel=noopener."""
    if not value:
        return value
    return nh3.clean(
        value,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


class SanitizedRichTextField(RichTextField):
    """Wagtail RichTextField that sanitises on every save and on form cleaning (crafted POSTs included).

    Use it for every rich-text field of the project's pages and models instead of RichTextField.
    """

    def to_python(self, value):
        return sanitize_html(super().to_python(value))

    def get_prep_value(self, value):
        return sanitize_html(super().get_prep_value(value))
