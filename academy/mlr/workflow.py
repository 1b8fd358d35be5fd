"""The workflow's finishing action (settings.WAGTAIL_FINISH_WORKFLOW_ACTION).

Wagtail imports this module while it loads its own models, so it imports nothing at module level.
"""


def publish_approved_revision(workflow_state, user=None) -> None:
    """Publish the revision the last workflow step decided on (see academy.mlr.services)."""
    # Function-local import: wagtail.models is still loading when Wagtail imports this module.
    from academy.mlr.services import publish_approved_revision as publish

    publish(workflow_state, user=user)
