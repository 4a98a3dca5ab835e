"""The file email backend, slowed down like a remote SMTP server: used to kill a worker mid-send."""

import time

from django.core.mail.backends.filebased import EmailBackend


class SlowFileBackend(EmailBackend):
    def send_messages(self, email_messages):
        time.sleep(0.05)
        return super().send_messages(email_messages)
