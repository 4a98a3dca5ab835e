from candidates.filling import fill_empty_fields
from tests.factories import CandidateFactory


def test_only_empty_fields_are_filled(db):
    person = CandidateFactory(phone="", title="Engineer", years_experience=0, country="")
    filled = fill_empty_fields(
        person, {"phone": "+44 20 7946 0000", "title": "Manager", "years_experience": 9, "country": "FR"}
    )
    assert sorted(filled) == ["country", "phone"]
    assert (person.phone, person.title, person.years_experience, person.country.code) == (
        "+44 20 7946 0000",
        "Engineer",
        0,
        "FR",
    )


def test_another_persons_email_or_linkedin_is_never_taken(db):
    CandidateFactory(email="ada@example.org", linkedin_url="https://www.linkedin.com/in/ada")
    person = CandidateFactory(email="", linkedin_url="")
    filled = fill_empty_fields(
        person, {"email": "ADA@example.org", "linkedin_url": "https://www.linkedin.com/in/ada"}
    )
    assert filled == []
    assert (person.email, person.linkedin_url) == ("", "")


def test_the_caller_may_say_what_is_taken(db):
    person = CandidateFactory(email="", linkedin_url="")
    filled = fill_empty_fields(
        person,
        {"email": "new@example.org", "linkedin_url": "https://www.linkedin.com/in/new"},
        taken=lambda name, value: name == "email",
    )
    assert filled == ["linkedin_url"]
