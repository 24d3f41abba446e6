"""What the contractors app holds about people, and how its rows end (P3, P10, P12)."""

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from contractors.models import ContractorCompany, ContractorFunction, ContractorPerson, Job
from privacy.erasure_steps import People, erasure_step
from privacy.pages import private_section
from privacy.registry import Category, Erasure, Mask, PersonalField, Purpose, Retention, declare
from privacy.retention import Period, Schedule, retention_schedule

declare(
    ContractorCompany,
    fields=[],
    not_personal={
        "name": "A company's trade name, not a person's.",
        "office_phone": "The company's office line, not a person's.",
        "office_email": "The company's office address, not a person's.",
    },
)

declare(
    ContractorFunction,
    fields=[],
    not_personal={
        "name_sq": "The name of a function (delivery), not a person's.",
        "name_en": "The name of a function (delivery), not a person's.",
    },
)

# A contractor's person: their sign-in is their own account (accounts.User); this row
# says which company they work for and what they do. Erasing them deletes it (below).
declare(
    ContractorPerson,
    download_title=_("Puna juaj si kontraktor"),
    subject="user",
    fields=[],
)

# A job is about the customer it serves (of its order, or of its repair case): what the
# courier wrote when it failed is a note about serving them, and may mention them. Its
# other fields are references. Erasing the customer deletes their jobs, except those of
# an order a hold keeps; what each company saw stays on the access record.
declare(
    Job,
    download_title=_("Dorëzimet, instalimet dhe riparimet tuaja"),
    subject="customer",
    fields=[
        PersonalField(
            "failure_reason",
            Category.SUPPORT,
            (Purpose.PRODUCTS_AND_SERVICES,),
            Mask.TEXT,
            Retention.CONTRACTOR_JOB,
            Erasure.DELETE,
            encrypted=True,
        ),
    ],
)


def _jobs_ended(period: Period) -> list[QuerySet[Job]]:
    return [Job.objects.filter(closed_at__lt=period.cutoff)]


retention_schedule(
    Schedule(
        Retention.CONTRACTOR_JOB,
        "CONTRACTOR_JOB_RETENTION_DAYS",
        "days",
        "Closed contractor jobs are deleted; what each contractor saw stays on the access "
        "record. The portal stops showing a closed job's data after CONTRACTOR_GRACE_HOURS.",
        rows=_jobs_ended,
    )
)


@erasure_step("contractors.people_leave")
def people_leave(people: People) -> int:
    """Take an erased person off every contractor company: they see no job again."""
    left, _detail = ContractorPerson.objects.filter(user_id__in=people.user_ids).delete()
    return left


# The portal shows jobs with the customer's delivery data.
private_section(
    "contractors",
    title="Portali i kontraktorëve",
    root="contractors:jobs",
    unlisted=(("contractors:jobs", {}),),
)
