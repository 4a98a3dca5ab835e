"""Custom fields: the admins' definitions (and what a field with values may still become), the one validation of
values, and the candidate and requisition forms and pages that show them."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from candidates import custom_fields, services
from candidates.merge import merge_candidates
from candidates.models import Candidate, CustomField
from candidates.privacy import erase_candidate
from pipelines import services as pipeline_services
from tests.factories import CandidateFactory, CustomFieldFactory, RequisitionFactory

CANDIDATE = CustomField.AppliesTo.CANDIDATE
REQUISITION = CustomField.AppliesTo.REQUISITION


@pytest.fixture
def fields(db):
    """Candidates' fields of every type."""
    return {
        "notice": CustomFieldFactory(label="Notice period (days)", key="notice", type="number"),
        "available": CustomFieldFactory(label="Available from", key="available", type="date"),
        "remote": CustomFieldFactory(
            label="Remote", key="remote", type="choice", choices=["Remote", "Hybrid", "Office"]
        ),
        "languages": CustomFieldFactory(
            label="Languages",
            key="languages",
            type="multiple_choice",
            choices=["English", "German", "French"],
        ),
        "clearance": CustomFieldFactory(label="Security clearance", key="clearance", type="text"),
    }


def clean(values, **kwargs):
    return custom_fields.clean_custom_values(applies_to=CANDIDATE, values=values, **kwargs)


def errors_of(values, **kwargs) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as raised:
        clean(values, **kwargs)
    return raised.value.message_dict


def test_values_are_cleaned_to_what_is_stored(fields):
    assert clean(
        {
            "notice": "30",
            "available": "2026-03-01",
            "remote": "hybrid",  # any case: the option as defined is stored
            "languages": "german; English",  # a CSV cell or a form's text
            "clearance": "  SC  ",
        }
    ) == {
        "notice": 30,
        "available": "2026-03-01",
        "remote": "Hybrid",
        "languages": ["English", "German"],  # in the definition's order
        "clearance": "SC",
    }
    assert clean({"notice": 2.5, "languages": ["French"]}) == {"notice": 2.5, "languages": ["French"]}


@pytest.mark.parametrize(
    ("values", "key", "message"),
    [
        ({"notice": "abc"}, "notice", "“abc” is not a number."),
        ({"notice": True}, "notice", "Enter a number."),
        ({"available": "31/12/2026"}, "available", "“31/12/2026” is not a date: write it as YYYY-MM-DD"),
        ({"available": "2026-02-30"}, "available", "is not a date"),
        ({"remote": "Moon"}, "remote", "“Moon” is not one of the options (Remote, Hybrid, Office)."),
        ({"languages": ["English", "Klingon"]}, "languages", "“Klingon” is not one of the options"),
        ({"languages": "English", "clearance": "x" * 501}, "clearance", "Use at most 500 characters."),
        ({"shoe_size": "42"}, "shoe_size", "There is no custom field with this key."),
    ],
)
def test_invalid_values_are_refused_with_a_clear_message(fields, values, key, message):
    errors = errors_of(values)
    assert list(errors) == [key]
    assert message in errors[key][0]


def test_required_fields_must_be_filled_unless_the_write_is_partial(fields):
    fields["remote"].required = True
    fields["remote"].save()
    assert errors_of({"notice": "3"}) == {"remote": ["This field is required."]}
    assert errors_of({"remote": ""}, partial=True) == {"remote": ["This field is required."]}  # emptied
    assert clean({"notice": "3"}, partial=True) == {"notice": 3}  # a PATCH leaves it as it was
    assert clean({"notice": ""}, current={"notice": 3, "remote": "Office"}) == {"remote": "Office"}


def test_archived_fields_keep_their_values_and_take_no_new_ones(fields):
    custom_fields.archive_custom_field(field=fields["clearance"])
    current = {"clearance": "SC", "notice": 5}
    assert clean({"notice": "6"}, current=current) == {"clearance": "SC", "notice": 6}
    assert clean({"clearance": "SC"}, current=current) == current | {"clearance": "SC"}  # sent back as read
    assert "clearance" in errors_of({"clearance": "DV"}, current=current)


def test_the_services_write_custom_values_and_refuse_bad_ones(fields, recruiter):
    ada = services.create_candidate(
        first_name="Ada", email="ada@example.com", custom_fields={"notice": "30"}, by=recruiter
    )
    assert Candidate.objects.get(pk=ada.pk).custom_fields == {"notice": 30}
    with pytest.raises(ValidationError) as raised:
        services.update_candidate(candidate=ada, custom_fields={"notice": "soon"}, by=recruiter)
    assert raised.value.message_dict == {"custom_fields": ["Notice period (days): “soon” is not a number."]}
    services.update_candidate(candidate=ada, custom_fields={"remote": "Office"}, by=recruiter)
    assert Candidate.objects.get(pk=ada.pk).custom_fields == {"notice": 30, "remote": "Office"}


# --- Definitions ------------------------------------------------------------------------------------------


def test_a_new_field_gets_a_key_from_its_label_and_goes_last(db):
    first = custom_fields.define_custom_field(applies_to=CANDIDATE, label="Notice period", type="number")
    second = custom_fields.define_custom_field(applies_to=CANDIDATE, label="Notice period!", type="text")
    assert (first.key, second.key) == ("notice_period", "notice_period_2")
    assert second.position > first.position
    with pytest.raises(ValidationError) as raised:
        custom_fields.define_custom_field(applies_to=CANDIDATE, label="X", key="Bad Key", type="text")
    assert "key" in raised.value.message_dict
    with pytest.raises(ValidationError) as raised:
        custom_fields.define_custom_field(applies_to=CANDIDATE, label="Level", type="choice", choices=[" "])
    assert raised.value.message_dict == {"choices": ["Give the options, one a line."]}
    with pytest.raises(ValidationError) as raised:
        custom_fields.define_custom_field(
            applies_to=CANDIDATE, label="Tools", type="multiple_choice", choices=["Git, GitHub"]
        )
    assert "may not contain" in raised.value.message_dict["choices"][0]


def test_renaming_keeps_the_data_and_a_type_with_data_does_not_change(fields):
    ada = CandidateFactory(custom_fields={"notice": 30, "remote": "Office"})
    custom_fields.update_custom_field(field=fields["notice"], label="Notice (days)")
    assert custom_fields.shown_values(custom_fields.active_fields(CANDIDATE), ada.custom_fields) == [
        ("Notice (days)", "30"),
        ("Remote", "Office"),
    ]
    with pytest.raises(ValidationError) as raised:
        custom_fields.update_custom_field(field=fields["notice"], type="text")
    assert raised.value.message_dict["type"] == [
        "1 record has a value of this field: its type cannot change. Archive it and add a new field instead."
    ]
    custom_fields.update_custom_field(field=fields["clearance"], type="number")  # nobody has a value
    with pytest.raises(ValidationError) as raised:
        custom_fields.update_custom_field(field=fields["remote"], choices=["Remote", "Hybrid"])
    assert raised.value.message_dict["choices"] == ["These options are in use and cannot be removed: Office."]
    custom_fields.update_custom_field(field=fields["remote"], choices=["Remote", "Office", "Anywhere"])


def test_a_field_with_values_is_archived_not_deleted(fields):
    CandidateFactory(custom_fields={"languages": ["German"]})
    with pytest.raises(ValidationError) as raised:
        custom_fields.delete_custom_field(field=fields["languages"])
    assert "archive it instead" in raised.value.messages[0]
    custom_fields.delete_custom_field(field=fields["clearance"])
    assert not CustomField.objects.filter(key="clearance").exists()


# --- Pages ------------------------------------------------------------------------------------------------


def test_the_candidate_form_has_an_input_by_type_and_saves_through_the_service(client, recruiter, fields):
    client.force_login(recruiter)
    html = client.get(reverse("candidates:create")).content.decode()
    assert 'type="number" name="cf_notice" step="any"' in html
    assert 'type="date" name="cf_available"' in html
    assert '<select name="cf_remote"' in html
    assert 'type="checkbox" name="cf_languages" value="German"' in html
    response = client.post(
        reverse("candidates:create"),
        {
            "first_name": "Ada",
            "email": "ada@example.com",
            "seeking_status": "passive",
            "source": "sourced",
            "cf_notice": "30",
            "cf_remote": "Hybrid",
            "cf_languages": ["English", "French"],
        },
    )
    ada = Candidate.objects.get(first_name="Ada")
    assert response.status_code == 302
    assert ada.custom_fields == {"notice": 30, "remote": "Hybrid", "languages": ["English", "French"]}
    profile = client.get(ada.get_absolute_url()).content.decode()
    assert '<dt>Languages</dt><dd class="custom-value">English; French</dd>' in profile
    assert '<dt>Notice period (days)</dt><dd class="custom-value">30</dd>' in profile


def test_the_candidate_form_shows_what_is_wrong_with_a_value(client, recruiter, fields):
    ada = CandidateFactory(custom_fields={"notice": 30})
    client.force_login(recruiter)
    edit = client.get(reverse("candidates:edit", args=[ada.pk])).content.decode()
    assert 'name="cf_notice" value="30"' in edit
    response = client.post(
        reverse("candidates:edit", args=[ada.pk]),
        {"first_name": "Ada", "seeking_status": "passive", "source": "sourced", "cf_notice": "abc"},
    )
    assert response.status_code == 200
    assert "“abc” is not a number." in response.content.decode()
    ada.refresh_from_db()
    assert ada.custom_fields == {"notice": 30}


def test_archived_fields_leave_the_form_and_profile_but_keep_their_values(client, recruiter, fields):
    ada = CandidateFactory(custom_fields={"clearance": "SC", "notice": 5})
    custom_fields.archive_custom_field(field=fields["clearance"])
    client.force_login(recruiter)
    assert "cf_clearance" not in client.get(reverse("candidates:edit", args=[ada.pk])).content.decode()
    assert "Security clearance" not in client.get(ada.get_absolute_url()).content.decode()
    client.post(
        reverse("candidates:edit", args=[ada.pk]),
        {"first_name": ada.first_name, "seeking_status": "passive", "source": "sourced", "cf_notice": "7"},
    )
    ada.refresh_from_db()
    assert ada.custom_fields == {"clearance": "SC", "notice": 7}


def test_requisitions_have_their_own_fields_on_the_form_and_page(client, recruiter, db):
    CustomFieldFactory(label="Budget code", key="budget", applies_to=REQUISITION, required=True)
    CustomFieldFactory(label="Remote", key="remote", applies_to=CANDIDATE)
    client.force_login(recruiter)
    form = client.get(reverse("pipelines:requisition_create")).content.decode()
    assert 'name="cf_budget"' in form and 'name="cf_remote"' not in form
    missing = client.post(reverse("pipelines:requisition_create"), {"title": "Data engineer", "headcount": 1})
    assert missing.status_code == 200 and "This field is required." in missing.content.decode()
    client.post(
        reverse("pipelines:requisition_create"),
        {"title": "Data engineer", "headcount": 1, "cf_budget": "B-7"},
    )
    role = pipeline_services.Requisition.objects.get(title="Data engineer")
    assert role.custom_fields == {"budget": "B-7"}
    page = client.get(role.get_absolute_url()).content.decode()
    assert '<dt>Budget code</dt><dd class="custom-value">B-7</dd>' in page


def test_requisition_services_validate_custom_values(recruiter, db):
    CustomFieldFactory(label="Band", key="band", applies_to=REQUISITION, type="choice", choices=["A", "B"])
    role = RequisitionFactory()
    with pytest.raises(ValidationError) as raised:
        pipeline_services.update_requisition(requisition=role, custom_fields={"band": "Z"}, by=recruiter)
    assert raised.value.message_dict == {"custom_fields": ["Band: “Z” is not one of the options (A, B)."]}
    pipeline_services.update_requisition(requisition=role, custom_fields={"band": "b"}, by=recruiter)
    role.refresh_from_db()
    assert role.custom_fields == {"band": "B"}


def test_a_merge_fills_custom_values_the_primary_lacks_and_erasing_blanks_them(fields, admin_user):
    primary = CandidateFactory(custom_fields={"notice": 30})
    duplicate = CandidateFactory(custom_fields={"notice": 60, "remote": "Office"})
    merge_candidates(primary=primary, duplicate=duplicate, by=admin_user)
    primary.refresh_from_db()
    assert primary.custom_fields == {"notice": 30, "remote": "Office"}
    merge = primary.activities.get(kind="merge")
    assert "Not kept from the duplicate, custom field notice: 60" in merge.body
    erase_candidate(candidate=primary, by=admin_user)
    primary.refresh_from_db()
    assert primary.custom_fields == {}


def test_changed_custom_values_are_on_the_timeline_with_the_other_edits(fields, recruiter):
    ada = CandidateFactory(title="Engineer", custom_fields={"notice": 30, "languages": ["English"]})
    services.update_candidate(
        candidate=ada,
        title="Lead engineer",
        custom_fields={"notice": "60", "languages": ["English"], "remote": "Hybrid"},
        by=recruiter,
    )
    entry = ada.activities.get(kind="edit")
    assert entry.summary == "Changed title, Notice period (days), Remote"
    assert entry.body.splitlines() == [
        "Title: Engineer → Lead engineer",
        "Notice period (days): 30 → 60",
        "Remote: (empty) → Hybrid",
    ]
    services.update_candidate(candidate=ada, custom_fields={"notice": "60"}, by=recruiter)
    assert ada.activities.filter(kind="edit").count() == 1  # nothing changed: no entry
