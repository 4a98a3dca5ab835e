from django import forms

from ..models import WebhookEndpoint, WebhookEvent


class WebhookEndpointForm(forms.ModelForm):
    events = forms.MultipleChoiceField(
        choices=WebhookEvent.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one event."},
    )

    class Meta:
        model = WebhookEndpoint
        fields = ["url", "description", "events", "is_active"]
        help_texts = {
            "url": "Where Longlist posts each event as JSON; a public http or https address.",
            "description": "What this endpoint is for (shown in the list).",
        }
