"""The current request's id, readable by services (audit entries carry it) without passing it around."""

from contextvars import ContextVar

current_request_id: ContextVar[str] = ContextVar("current_request_id", default="")
