"""What the contractor API holds about people: nothing; and its addresses are private (P3, P10)."""

from contractor_api.models import ApiToken
from privacy.pages import private_section
from privacy.registry import declare

declare(
    ApiToken,
    fields=[],
    not_personal={
        "name": "What the key is for (the depot's system), chosen by the DPO, not a person.",
    },
)

# Its answers carry customers' delivery data: no crawler goes there.
private_section(
    "contractor_api",
    title="API e kontraktorëve",
    root="contractor_api:api-root",
    unlisted=(("contractor_api:api-root", {}),),
)
