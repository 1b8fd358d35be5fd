"""Adds the batch endpoint (a plain Django view on the hot path) to the OpenAPI schema."""

from platform_core.interactions.verbs import all_verbs

_ERROR = {"$ref": "#/components/schemas/Error"}


def add_batch_endpoint(result, generator, request, public):
    components = result.setdefault("components", {}).setdefault("schemas", {})
    components.setdefault(
        "Error",
        {
            "type": "object",
            "properties": {
                "error": {
                    "type": "object",
                    "properties": {
                        "code": {"type": "string"},
                        "message": {"type": "string"},
                        "details": {"type": "object"},
                    },
                    "required": ["code", "message", "details"],
                }
            },
        },
    )
    event = {
        "type": "object",
        "required": ["client_event_id", "verb", "object_type", "object_id", "occurred_at"],
        "additionalProperties": False,
        "properties": {
            "client_event_id": {"type": "string", "maxLength": 64, "description": "Idempotency key, unique per user."},
            "verb": {"type": "string", "enum": [verb.name for verb in all_verbs() if verb.client_allowed]},
            "object_type": {"type": "string"},
            "object_id": {"oneOf": [{"type": "string"}, {"type": "integer"}]},
            "occurred_at": {"type": "string", "format": "date-time"},
            "value": {"type": "number", "nullable": True},
            "sponsor_id": {"type": "integer", "nullable": True},
            "campaign_id": {"type": "integer", "nullable": True},
            "actor_id": {"type": "integer", "nullable": True, "description": "If present, must be the caller."},
            "context": {"type": "object"},
        },
    }
    components["InteractionEventIn"] = event
    result.setdefault("paths", {})["/api/v1/interactions/batch"] = {
        "post": {
            "operationId": "interactions_batch_ingest",
            "summary": "Record a batch of up to 1,000 interaction events",
            "tags": ["interactions"],
            "requestBody": {
                "required": True,
                "content": {
                    "application/json": {
                        "schema": {
                            "type": "object",
                            "required": ["events"],
                            "properties": {
                                "events": {
                                    "type": "array",
                                    "maxItems": 1000,
                                    "items": {"$ref": "#/components/schemas/InteractionEventIn"},
                                }
                            },
                        }
                    }
                },
            },
            "responses": {
                "200": {
                    "description": "All events stored (or already stored).",
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "properties": {"accepted": {"type": "integer"}, "duplicates": {"type": "integer"}},
                            }
                        }
                    },
                },
                "202": {
                    "description": (
                        "All events valid and queued, not yet stored (deployments with Redis, batches of up to "
                        "8 events): a worker stores them within seconds, once per client_event_id."
                    ),
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "properties": {
                                    "queued": {"type": "integer"},
                                    "rejected": {"type": "array", "items": {"type": "object"}},
                                },
                            }
                        }
                    },
                },
                "400": {"description": "Malformed body.", "content": {"application/json": {"schema": _ERROR}}},
                "401": {"description": "Not authenticated.", "content": {"application/json": {"schema": _ERROR}}},
                "413": {"description": "More than 1,000 events.", "content": {"application/json": {"schema": _ERROR}}},
                "422": {
                    "description": "Some events rejected; details list each with its reasons, the rest were stored (or queued).",
                    "content": {"application/json": {"schema": _ERROR}},
                },
            },
            "security": [{"tokenAuth": []}, {"cookieAuth": []}],
        }
    }
    return result
