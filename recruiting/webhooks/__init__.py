"""Outgoing webhooks: admins register endpoints of other systems and choose events; each event becomes one
delivery row per endpoint, posted by Celery with an HMAC signature, retried with backoff (docs/integrations.md).

`events` records deliveries inside the transaction of the change, `endpoints` holds the admins' use cases,
`addresses` decides where a request may go, `sending` claims, signs, posts and records."""
