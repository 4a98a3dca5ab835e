"""A real IMAP server for the tests: Debian's dovecot-imapd, started on loopback with a throwaway configuration.

`dovecot -F -c <conf>` runs in the foreground with everything under one temporary folder (base_dir, state_dir,
the log, the maildirs), two users in a passwd-file with plain passwords, no TLS, and a free port. Run as root
(CI), dovecot's login processes must not be root: they run as Debian's `dovenull`, the rest as `dovecot`, and
the mail as `dovecot` too (dovecot refuses mail access as uid 0); as anyone else, everything runs as that user.
Messages are "delivered" with IMAP APPEND, as a mail server's delivery agent would.

Without /usr/sbin/dovecot the tests skip with a message; with CI=true they fail instead (`.ci/run` installs
dovecot-imapd).
"""

import grp
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from email.message import Message
from pathlib import Path

import pytest
from imap_tools import MailBoxUnencrypted

DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"
USERS = {"alice": "alice-password", "bob": "bob-password"}


@dataclass(frozen=True)
class Dovecot:
    host: str
    port: int
    folder: Path

    def deliver(self, user: str, message: Message | bytes, folder: str = "INBOX") -> None:
        raw = message if isinstance(message, bytes) else message.as_bytes()
        with MailBoxUnencrypted(self.host, self.port) as mailbox:
            mailbox.login(user, USERS[user], initial_folder=folder)
            mailbox.append(raw, folder)

    def flagged(self, user: str, folder: str = "INBOX") -> list[tuple[str, ...]]:
        """Each message's flags, oldest first, read without changing anything."""
        with MailBoxUnencrypted(self.host, self.port) as mailbox:
            mailbox.login(user, USERS[user], initial_folder=folder)
            return [m.flags for m in mailbox.fetch(mark_seen=False, headers_only=True)]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _users() -> tuple[str, str, str]:
    """(internal user, login user, mail user)."""
    if os.geteuid() != 0:
        me = pwd.getpwuid(os.geteuid()).pw_name
        return me, me, me
    for name in ("dovecot", "dovenull"):
        try:
            pwd.getpwnam(name)
        except KeyError:
            pytest.fail(
                f"dovecot runs as root here but the system user {name!r} is missing (Debian's package makes it)"
            )
    return "dovecot", "dovenull", "dovecot"


def _config(folder: Path, port: int) -> str:
    internal, login, mail = _users()
    mail_user = pwd.getpwnam(mail)
    return f"""
protocols = imap
listen = 127.0.0.1
base_dir = {folder}/run
state_dir = {folder}/state
log_path = {folder}/dovecot.log
info_log_path = {folder}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_internal_user = {internal}
default_internal_group = {grp.getgrgid(pwd.getpwnam(internal).pw_gid).gr_name}
default_login_user = {login}
first_valid_uid = {mail_user.pw_uid}
mail_location = maildir:{folder}/mail/%u
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {folder}/users
}}
userdb {{
  driver = static
  args = uid={mail_user.pw_uid} gid={mail_user.pw_gid} home={folder}/mail/%u
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  chroot =
}}
service auth {{
  chroot =
}}
service stats {{
  chroot =
}}
"""


def _wait_until_listening(port: int, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"dovecot exited at start:\n{log.read_text() if log.exists() else ''}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5) as connection:
                if connection.recv(100).startswith(b"* OK"):
                    return
        except OSError:
            time.sleep(0.05)  # waiting for a process to listen, not for the clock
    pytest.fail(f"dovecot did not listen on {port}:\n{log.read_text() if log.exists() else ''}")


@pytest.fixture
def dovecot() -> Iterator[Dovecot]:
    if not os.path.exists(DOVECOT):
        message = "dovecot is not installed (Debian: apt-get install dovecot-imapd); the IMAP tests need it"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    # Not under pytest's tmp_path: its parents are private to the user running the tests, and dovecot's own
    # users (when run as root) must reach the sockets and the maildirs.
    folder = Path(tempfile.mkdtemp(prefix="longlist-dovecot-"))
    folder.chmod(0o755)
    _, _, mail = _users()
    (folder / "mail").mkdir()
    os.chown(folder / "mail", pwd.getpwnam(mail).pw_uid, pwd.getpwnam(mail).pw_gid)
    (folder / "users").write_text(
        "".join(f"{user}:{{PLAIN}}{password}::::::\n" for user, password in USERS.items())
    )
    port = _free_port()
    config = folder / "dovecot.conf"
    config.write_text(_config(folder, port))
    process = subprocess.Popen(
        [DOVECOT, "-F", "-c", str(config)], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT
    )
    try:
        _wait_until_listening(port, process, folder / "dovecot.log")
        yield Dovecot(host="127.0.0.1", port=port, folder=folder)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        shutil.rmtree(folder, ignore_errors=True)
