"""Signals that let the apps above pipelines/ follow the boards (apps only import downwards).

Each is sent inside the transaction of the change, with card=Card (its pipeline, requisition, stage and
candidate loaded) and by=user or None; a receiver that fails rolls the change back."""

from django.dispatch import Signal

# A person was put on the board of an open role (add_card; planned roles and the talent board send nothing).
card_added_to_open_role = Signal()

# A person reached a role's hired stage (added there, or moved there from a stage that is not hired).
candidate_hired = Signal()

# A person was turned down on a role's board (reject_card), with email_template_id=int or None: the turn-down
# email the recruiter chose (outreach sends it after a delay; an unknown one raises ValidationError).
card_turned_down = Signal()

# A turn-down was undone (reinstate_card): whatever it had planned (its email) is called off.
card_reinstated = Signal()

# A card on a role's board was added, changed stage or was turned down: whatever follows the person's cards
# (their referrals' status: pipelines.receivers) reads them again.
card_changed = Signal()

# A card changed stage on any board (move_card), with from_stage=Stage and to_stage=Stage besides card and by.
card_moved = Signal()

# A visitor applied on the careers page (submit_application), with application=Application (its requisition,
# candidate and card loaded) and no card or by.
application_received = Signal()
