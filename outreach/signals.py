"""Signals that let the app above outreach/ (recruiting) follow the conversation (apps only import downwards).

Each is sent inside the transaction of the change; a receiver that fails rolls the change back."""

from django.dispatch import Signal

# A reply was matched to a person (inbound email, a logged reply, or an unmatched one matched later), with
# reply=Reply (its candidate set) and by=user or None.
reply_received = Signal()

# A person unsubscribed from all email (once: a second unsubscribe sends nothing), with candidate=Candidate.
candidate_unsubscribed = Signal()

# A call or interview was booked, by the candidate on their booking page or by a recruiter (outreach.meetings),
# with meeting=Meeting (its type, candidate and card loaded) and by=user or None (the candidate).
meeting_booked = Signal()
