import os
from pathlib import Path

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "recruiting.settings")

app = Celery("longlist")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
app.autodiscover_tasks(["candidates.imports"])  # the import's task lives in its package
app.autodiscover_tasks(["recruiting.webhooks"])  # and the outgoing webhooks' in theirs


@app.on_after_configure.connect
def create_embedded_broker_folders(sender, **kwargs):
    """The embedded file broker (no REDIS_URL) needs its folders before a worker or a client uses them."""
    options = sender.conf.broker_transport_options or {}
    for key in ("data_folder_in", "data_folder_out", "processed_folder", "control_folder"):
        if options.get(key):
            Path(options[key]).mkdir(parents=True, exist_ok=True)
