from django.forms.renderers import TemplatesSetting


class FormRenderer(TemplatesSetting):
    """Every form renders its fields through templates/forms/field.html, so all forms look alike."""

    field_template_name = "forms/field.html"
