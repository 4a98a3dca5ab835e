"""A touch's headers are built from cleaned values: names with line breaks or control characters never make a
header of their own, in the subject or in the sender's display name (candidates.mail_headers)."""

import email
import email.policy

from outreach.email import build_message
from tests.factories import (
    CandidateFactory,
    EnrollmentFactory,
    RecruiterFactory,
    SequenceFactory,
    TouchFactory,
)


def test_names_with_line_breaks_stay_inside_the_subject_and_the_display_name(db):
    sender = RecruiterFactory(
        first_name="Rita\r\nBcc: all@example.net", last_name="Smith, \x1bJr", email="rita@example.com"
    )
    candidate = CandidateFactory(first_name="Maya\r\nX-Evil: 1", email="maya@example.org")
    enrollment = EnrollmentFactory(sequence=SequenceFactory(sender=sender), candidate=candidate)
    touch = TouchFactory(enrollment=enrollment, subject="Hello {{ first_name }}\n", body="Hi")
    message = email.message_from_bytes(build_message(touch).message().as_bytes(), policy=email.policy.default)
    assert message["Subject"] == "Hello Maya X-Evil: 1"
    assert message["From"].addresses[0].display_name == "Rita Bcc: all@example.net Smith, Jr"
    assert message["From"].addresses[0].addr_spec == "rita@example.com"
    assert message["Bcc"] is None and message["X-Evil"] is None
