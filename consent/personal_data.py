"""The consent ledger: proof of each cookie decision, kept as long as it is relied on."""

from django.utils.translation import gettext_lazy as _

from consent.models import ConsentDecision
from privacy.processors import Processor, processor_declare
from privacy.registry import Category, Erasure, Mask, PersonalField, Purpose, Retention, declare
from privacy.retention import Schedule, retention_schedule

PROOF = (Purpose.PRODUCTS_AND_SERVICES,)

declare(
    ConsentDecision,
    download_title=_("Zgjedhjet tuaja për cookies"),
    subject="user",
    fields=[
        PersonalField(
            "consent_id",
            Category.TECHNICAL,
            PROOF,
            Mask.HIDDEN,
            Retention.CONSENT_PROOF,
            Erasure.ANONYMISE,
        ),
        PersonalField(
            "user_agent_hash",
            Category.TECHNICAL,
            PROOF,
            Mask.HIDDEN,
            Retention.CONSENT_PROOF,
            Erasure.ANONYMISE,
        ),
    ],
)

retention_schedule(
    Schedule(
        Retention.CONSENT_PROOF,
        "CONSENT_PROOF_RETENTION_YEARS",
        "years",
        "Cookie decisions are deleted from the consent ledger.",
        rows=lambda period: [ConsentDecision.objects.filter(decided_at__lt=period.cutoff)],
    )
)

# Google Analytics: loaded only after consent, and given no personal data (P7).
processor_declare(
    Processor(
        "google_analytics",
        _("Google Analytics"),
        _("Numëron vizitat e faqeve, vetëm pas pëlqimit për analitikën."),
        frozenset(),
        (Purpose.PRODUCTS_AND_SERVICES,),
        _("Ngarkohet vetëm pas pëlqimit; nuk i dërgohet asnjë e dhënë personale."),
        setting="GA_MEASUREMENT_ID",
    )
)
