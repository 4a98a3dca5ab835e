"""The production smoke test (`make smoke`, `python -m tests.smoke`; CI's third phase): the compose services'
commands run natively on PostgreSQL and Redis, driven over HTTP through one journey. See tests/smoke/run.py."""
