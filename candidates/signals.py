"""Signals that let the apps above candidates/ look after their own rows (apps only import downwards)."""

from django.dispatch import Signal

# Sent by merge.merge_candidates inside its transaction, before the duplicate is deleted, with
# primary=Candidate, duplicate=Candidate, by=user or None. Receivers move the duplicate's rows to the primary
# (resolving their own conflicts) and may record what they did on the primary's timeline.
candidates_merging = Signal()

# Sent by privacy.erase_candidate inside its transaction with candidate=Candidate (not yet anonymised) and
# by=user. Receivers blank the free text they hold about the person and stop anything still planned for them.
candidate_erasing = Signal()

# Sent by selectors.merge_moves for the merge page's preview with duplicate=Candidate. Each receiver returns
# {what: count} for the rows of its own that a merge would move (pipelines: boards; outreach: sequences).
merge_previewing = Signal()

# Sent inside the transaction that adds people, with candidates=[Candidate] (saved, with their pk) and by=user or
# None: once per person created on a page, through the API, by an application or a referral, and once per batch
# of a CSV import. Receivers tell other systems (recruiting's outgoing webhooks).
candidates_created = Signal()
