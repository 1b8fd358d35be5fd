"""MLR (Medical → Legal → Regulatory) review of sponsored academy content: Wagtail workflow tasks whose
decisions are electronic signatures, approval stamps, and the withdrawal of expired or orphaned material."""
