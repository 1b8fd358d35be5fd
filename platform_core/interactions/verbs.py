"""The registry of interaction verbs. Apps register theirs in AppConfig.ready()."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Verb:
    name: str
    object_types: frozenset[str]
    client_allowed: bool  # may browsers and apps post it, or only server-side services?
    value_unit: str = ""  # e.g. "seconds"; empty when the event carries no value
    description: str = ""


_VERBS: dict[str, Verb] = {}


def register_verb(
    name: str, *, object_types: set[str] | frozenset[str], client_allowed: bool, value_unit: str = "", description: str = ""
) -> Verb:
    verb = Verb(name, frozenset(object_types), client_allowed, value_unit, description)
    existing = _VERBS.get(name)
    if existing is not None and existing != verb:
        raise ValueError(f"interaction verb {name!r} registered twice with different definitions")
    _VERBS[name] = verb
    return verb


def get_verb(name: str) -> Verb | None:
    return _VERBS.get(name)


def all_verbs() -> list[Verb]:
    return sorted(_VERBS.values(), key=lambda verb: verb.name)


# The shared domain's own verbs.
register_verb(
    "page.viewed",
    object_types={"page"},
    client_allowed=True,
    value_unit="seconds",
    description="A page was shown; value = seconds visible (optional).",
)
register_verb(
    "product.viewed",
    object_types={"product"},
    client_allowed=True,
    value_unit="seconds",
    description="A product page or card was viewed.",
)
register_verb("account.signed_up", object_types={"user"}, client_allowed=False)
register_verb("account.logged_in", object_types={"user"}, client_allowed=False)
register_verb("verification.submitted", object_types={"verification_request"}, client_allowed=False)
register_verb("verification.decided", object_types={"verification_request"}, client_allowed=False)
register_verb("consent.granted", object_types={"consent"}, client_allowed=False)
register_verb("consent.withdrawn", object_types={"consent"}, client_allowed=False)
register_verb("privacy.data_exported", object_types={"user"}, client_allowed=False)
register_verb("privacy.deletion_requested", object_types={"user"}, client_allowed=False)
