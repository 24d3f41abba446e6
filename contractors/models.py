"""Contractor companies, their people, functions, agreements and jobs (P10)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from privacy.fields import EncryptedCharField, EncryptedModel

if TYPE_CHECKING:
    from orders.models import Order, OrderLine

# The Albanian tax number (NIPT/NUIS): a letter, eight digits, a letter.
NIPT_VALIDATOR = RegexValidator(
    r"^[A-Z]\d{8}[A-Z]$",
    _("NIPT-i ka një shkronjë, tetë shifra dhe një shkronjë, p.sh. L12345678A."),
)


class ContractorCompany(models.Model):
    """A company that delivers, installs or repairs for 3VFejzo under an agreement."""

    name = models.CharField(_("Emri i kompanisë"), max_length=120)
    tax_number = models.CharField(
        _("NIPT"), max_length=10, unique=True, validators=[NIPT_VALIDATOR]
    )
    office_phone = models.CharField(_("Telefoni i zyrës"), max_length=20, blank=True)
    office_email = models.EmailField(_("Email-i i zyrës"), blank=True)
    created_at = models.DateTimeField(_("Regjistruar më"), default=timezone.now)

    class Meta:
        verbose_name = _("kompani kontraktore")
        verbose_name_plural = _("kompanitë kontraktore")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ContractorFunction(models.Model):
    """What a contractor does for a customer: delivery, installation, repair. Data, not code."""

    slug = models.SlugField(_("Kodi"), max_length=40, unique=True)
    name_sq = models.CharField(_("Emri (shqip)"), max_length=60)
    name_en = models.CharField(_("Emri (anglisht)"), max_length=60)

    class Meta:
        verbose_name = _("funksion kontraktori")
        verbose_name_plural = _("funksionet e kontraktorëve")
        ordering = ["slug"]

    def __str__(self) -> str:
        return self.name_sq


class FunctionFieldAllowance(models.Model):
    """One field of the registry a function may see; the DPO keeps the lists (P10)."""

    function = models.ForeignKey(
        ContractorFunction,
        on_delete=models.CASCADE,
        related_name="allowances",
        verbose_name=_("Funksioni"),
    )
    # app.Model.field, as the registry and the access record name it.
    field = models.CharField(_("Fusha"), max_length=120)

    class Meta:
        verbose_name = _("fushë e lejuar")
        verbose_name_plural = _("fushat e lejuara për funksionet")
        ordering = ["function", "field"]
        constraints = [
            models.UniqueConstraint(fields=["function", "field"], name="allowance_unique_field")
        ]

    def __str__(self) -> str:
        return f"{self.function}: {self.field}"


def agreement_upload_to(agreement: Agreement, filename: str) -> str:
    return f"contractors/agreements/{agreement.company_id}/{filename}"


class AgreementQuerySet(models.QuerySet["Agreement"]):
    def valid_on(self, day: date) -> AgreementQuerySet:
        """Return the agreements in force on this day: signed by then, not yet ended."""
        return self.filter(signed_on__lte=day, ends_on__gte=day)


class Agreement(models.Model):
    """A confidentiality and processing agreement: without one in force, a company sees nothing."""

    company = models.ForeignKey(
        ContractorCompany,
        on_delete=models.CASCADE,
        related_name="agreements",
        verbose_name=_("Kompania"),
    )
    signed_on = models.DateField(_("Nënshkruar më"))
    ends_on = models.DateField(_("Mbaron më"))
    document = models.FileField(
        _("Dokumenti"),
        upload_to=agreement_upload_to,
        blank=True,
        validators=[FileExtensionValidator(["pdf"])],
    )
    # The day the DPO was reminded that it ends: the reminder goes once.
    reminded_on = models.DateField(_("Kujtesa u dërgua më"), null=True, blank=True)

    objects = AgreementQuerySet.as_manager()

    class Meta:
        verbose_name = _("marrëveshje konfidencialiteti")
        verbose_name_plural = _("marrëveshjet e konfidencialitetit")
        ordering = ["company", "-ends_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("signed_on")), name="agreement_ends_after_signed"
            )
        ]

    def __str__(self) -> str:
        return f"{self.company}: {self.signed_on:%d.%m.%Y}–{self.ends_on:%d.%m.%Y}"

    def valid_on(self, day: date) -> bool:
        return self.signed_on <= day <= self.ends_on


class ContractorPerson(models.Model):
    """A company's person with their own sign-in (TOTP required) and the functions they hold."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="contractor",
        verbose_name=_("Llogaria"),
    )
    company = models.ForeignKey(
        ContractorCompany,
        on_delete=models.PROTECT,
        related_name="people",
        verbose_name=_("Kompania"),
    )
    functions = models.ManyToManyField(
        ContractorFunction, related_name="people", blank=True, verbose_name=_("Funksionet")
    )
    active = models.BooleanField(_("Aktiv"), default=True)

    class Meta:
        verbose_name = _("person i kontraktorit")
        verbose_name_plural = _("personat e kontraktorëve")

    def __str__(self) -> str:
        return f"{self.company} #{self.pk}"

    def clean(self) -> None:
        if self.user_id is not None and self.user.is_staff:
            raise ValidationError(
                {"user": _("Një punonjës i 3VFejzo nuk mund të jetë person i një kontraktori.")}
            )


class JobStatus(models.TextChoices):
    OPEN = "open", _("E hapur")
    DONE = "done", _("E kryer")
    FAILED = "failed", _("Nuk u krye")


class JobQuerySet(models.QuerySet["Job"]):
    def readable_at(self, now: datetime) -> JobQuerySet:
        """Return jobs still open, or closed less than the grace period before `now`."""
        since = now - timedelta(hours=settings.CONTRACTOR_GRACE_HOURS)
        return self.filter(Q(status=JobStatus.OPEN) | Q(closed_at__gt=since))


ONE_OF_ORDER_OR_CASE = _("Zgjidhni ose një porosi, ose një rast riparimi: njërën.")

# How the access record names a job, and how its pages read the name back: "<order
# number>#<job id>" for an order's job, "#<case id>#<job id>" for a repair case's.
CASE_MARK = "#"


@dataclass(frozen=True)
class JobReference:
    """A job's reference on the access record, read back: its order or its case, and the job."""

    order_number: str
    case_id: int | None
    job_id: int | None

    @classmethod
    def parse(cls, reference: str) -> JobReference:
        head, _mark, job = reference.rpartition("#")
        if not head:
            head, job = job, ""
        job_id = int(job) if job.isdigit() else None
        if head.startswith(CASE_MARK) and head[1:].isdigit():
            return cls(order_number="", case_id=int(head[1:]), job_id=job_id)
        return cls(order_number=head, case_id=None, job_id=job_id)


class Job(EncryptedModel):
    """An order, or a repair case, given to a company for one function, in a window (P10).

    Exactly one of `order` and `case`. A repair case's job names the appliance: one line
    of the order the case is about, so the technician sees that appliance and no other.
    """

    company = models.ForeignKey(
        ContractorCompany, on_delete=models.PROTECT, related_name="jobs", verbose_name=_("Kompania")
    )
    function = models.ForeignKey(
        ContractorFunction,
        on_delete=models.PROTECT,
        related_name="jobs",
        verbose_name=_("Funksioni"),
    )
    order = models.ForeignKey(
        "orders.Order",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("Porosia"),
    )
    # A repair case's job goes with the case: without it the job means nothing.
    case = models.ForeignKey(
        "support.SupportCase",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("Rasti i riparimit"),
    )
    appliance = models.ForeignKey(
        "orders.OrderLine",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("Pajisja"),
    )
    # Whom the job serves: the order's or the case's customer, copied when it is given,
    # so the download and erasure find a person's jobs of both kinds by one path.
    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("Klienti"),
    )
    window_start = models.DateTimeField(_("Nga"))
    window_end = models.DateTimeField(_("Deri"))
    status = models.CharField(
        _("Statusi"), max_length=10, choices=JobStatus.choices, default=JobStatus.OPEN
    )
    # What the courier wrote when it could not be done; it may mention the customer.
    failure_reason = EncryptedCharField(_("Arsyeja"), max_length=300, blank=True)
    closed_at = models.DateTimeField(_("Mbyllur më"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        db_constraint=False,
        related_name="+",
        verbose_name=_("Mbyllur nga"),
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("Caktuar nga"),
    )
    created_at = models.DateTimeField(_("Krijuar më"), default=timezone.now)

    objects = JobQuerySet.as_manager()

    class Meta:
        verbose_name = _("punë kontraktori")
        verbose_name_plural = _("punët e kontraktorëve")
        ordering = ["window_start", "pk"]
        indexes = [models.Index(fields=["company", "status", "window_start"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(window_end__gte=models.F("window_start")), name="job_window_ordered"
            ),
            models.CheckConstraint(
                condition=Q(status=JobStatus.OPEN, closed_at__isnull=True)
                | (~Q(status=JobStatus.OPEN) & Q(closed_at__isnull=False)),
                name="job_closed_at_matches_status",
            ),
            models.CheckConstraint(
                condition=Q(order__isnull=False, case__isnull=True, appliance__isnull=True)
                | Q(order__isnull=True, case__isnull=False),
                name="job_for_an_order_or_a_case",
                violation_error_message=ONE_OF_ORDER_OR_CASE,
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk}"

    @property
    def reference(self) -> str:
        """Return how the access record names this job: its order's number (or its case's)
        and the job's id."""
        if self.order_id is None:
            return f"{CASE_MARK}{self.case_id}#{self.pk}"
        assert self.order is not None
        return f"{self.order.number}#{self.pk}"

    @property
    def served_order(self) -> Order | None:
        """Return the order whose delivery details the job reaches: its own, or its case's."""
        if self.order_id is not None:
            return self.order
        return self.case.order if self.case is not None else None

    @property
    def lines(self) -> list[OrderLine]:
        """Return the order lines the job reaches: the order's, or the repaired appliance."""
        if self.case_id is not None:
            return [self.appliance] if self.appliance is not None else []
        if self.order is None:
            return []
        # .all() and a sort, not order_by(): a page of jobs prefetches the lines.
        return sorted(self.order.lines.all(), key=lambda line: line.pk)
