"""Server-rendered pages (templates + HTMX) of the shared domain."""
