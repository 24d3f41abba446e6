"""Back-office forms for campaigns: the content, a start time, the language of a test."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from campaigns.models import Campaign
from campaigns.selectors import LANGUAGE_LABELS, campaign_is_editable
from catalog.models import Product

MARKDOWN_HELP = _(
    "Shkruani në Markdown: një rresht bosh ndan paragrafët; ## Titull; **i theksuar**; "
    "*i pjerrët*; - për lista; [teksti i lidhjes](https://3vfejzo.al/...). "
    "Imazhet dhe HTML-ja hiqen. Lidhja e çregjistrimit dhe adresa jonë shtohen vetë në fund. "
    "Lidhjet personale të abonentit (@@PREFERENCES_URL@@, @@UNSUBSCRIBE_URL@@) lejohen vetëm "
    "si adresë e plotë e një lidhjeje: [Preferencat](@@PREFERENCES_URL@@)."
)
DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


class CampaignForm(forms.ModelForm):  # type: ignore[type-arg]
    """The campaign's content; saved only while the campaign is still a draft or scheduled."""

    class Meta:
        model = Campaign
        fields = ["topic", "name", "subject_sq", "body_sq", "subject_en", "body_en", "products"]
        help_texts = {
            "name": _("Vetëm për stafin; abonentët nuk e shohin."),
            "subject_sq": _("Rreshti i subjektit që sheh abonenti."),
            "body_sq": MARKDOWN_HELP,
            "subject_en": _(
                "Opsionale. Abonentët që kanë zgjedhur anglishten e marrin në anglisht vetëm "
                "kur janë plotësuar edhe subjekti edhe teksti anglisht."
            ),
            "body_en": MARKDOWN_HELP,
            "products": _(
                "Kartat e produkteve poshtë tekstit, me çmimin e tanishëm. Vetëm produktet "
                "aktive; një produkt që çaktivizohet më vonë nuk shfaqet në email."
            ),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        products = self.fields.get("products")
        if isinstance(products, forms.ModelMultipleChoiceField):
            # Active products, and those already chosen so that saving keeps them.
            chosen = self.instance.products.values("pk") if self.instance.pk else []
            products.queryset = Product.objects.filter(
                Q(is_active=True) | Q(pk__in=chosen)
            ).order_by("name_sq")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.instance.pk is not None:
            # Locked until the admin's transaction ends, so a start that commits first
            # is seen here and one that comes later waits for this save.
            current = Campaign.objects.select_for_update().get(pk=self.instance.pk)
            if not campaign_is_editable(current):
                raise forms.ValidationError(
                    _(
                        "Kjo fushatë nuk mund të ndryshohet më: gjendja e saj tani është "
                        "„%(status)s”."
                    )
                    % {"status": current.get_status_display()}
                )
        subject_en = (cleaned.get("subject_en") or "").strip()
        body_en = (cleaned.get("body_en") or "").strip()
        if subject_en and not body_en:
            self.add_error("body_en", _("Shkruani edhe tekstin anglisht, ose hiqni subjektin."))
        if body_en and not subject_en:
            self.add_error("subject_en", _("Shkruani edhe subjektin anglisht, ose hiqni tekstin."))
        return cleaned


class ScheduleForm(forms.Form):
    when = forms.DateTimeField(
        label=_("Nis dërgimin më"),
        input_formats=[DATETIME_LOCAL, "%Y-%m-%d %H:%M", "%d.%m.%Y %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL),
        help_text=_("Ora e Tiranës."),
    )

    def clean_when(self) -> datetime:
        when: datetime = self.cleaned_data["when"]
        if when <= timezone.now():
            raise forms.ValidationError(_("Zgjidhni një kohë në të ardhmen."))
        return when


class SendTestForm(forms.Form):
    """The language of a test send, among those the campaign is written in."""

    language = forms.ChoiceField(label=_("Gjuha e provës"), choices=[])

    def __init__(self, *args: Any, languages: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ChoiceField, self.fields["language"])
        field.choices = [(code, LANGUAGE_LABELS[code]) for code in languages]
