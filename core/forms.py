from django.forms.renderers import TemplatesSetting


class ShopFormRenderer(TemplatesSetting):
    """Render every field with its label, help and errors next to it (see templates/core/forms/)."""

    form_template_name = "core/forms/form.html"
    field_template_name = "core/forms/field.html"
