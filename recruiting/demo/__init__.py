"""Realistic demo data, by subject: people, pools, requisitions and boards, referrals, sequences, history.

Deterministic (fixed random and Faker seeds) and idempotent: every object is looked up by its natural key
(username, candidate email or LinkedIn URL, pool / sequence / requisition name, one card per board,
one enrollment per sequence, one referral per referrer and person, one silver medal per person and role)
and only what is missing is created, so a second run creates and changes nothing. Everything goes through
the apps' services, so the candidate timelines and stage histories look as if people had done the work in
the browser; then the times are set back, so the reports have weeks of history to show: cards moved along
their boards over the last two months (two of them hired), passive people who became ready to talk weeks
after a first LinkedIn connection, and follow-up sequences whose emails went out, were opened, clicked,
replied to and (once or twice) unsubscribed from. Times come from generators seeded per person, so they are
the same on every run.

`plan.build_plan()` draws everything random first; `load.load_demo()` applies the plan, subject by subject.
"""
