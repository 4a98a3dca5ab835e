"""Signals outreach sends for the apps above it (recruiting: outgoing webhooks), inside the change's transaction.

meeting_booked: a call or interview was booked, by the candidate on their booking page or by a recruiter;
sent with meeting=Meeting (its type, candidate and card loaded) and by=user or None (the candidate).
"""

from django.dispatch import Signal

meeting_booked = Signal()
