"""The classifier is a pure function: these tests need no database."""

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from outreach.classify import Kind, classify, parse, return_date

from . import mail_corpus as corpus

OURS = "<6f1c2a1e-8a4b-4c7e-9d55-0b7f1f2e3d4c@longlist>"


def test_a_reply_is_a_reply_with_its_threading_headers():
    found = classify(corpus.reply(sender="Ada Lovelace <ada@example.org>", in_reply_to=OURS).as_bytes())
    assert found.kind == Kind.REPLY
    assert found.from_address == "ada@example.org"
    assert found.in_reply_to == OURS and found.references == OURS
    assert "happy to talk" in found.body


@pytest.mark.parametrize(
    "headers",
    [{"Auto-Submitted": "auto-replied"}, {"X-Autoreply": "yes"}, {"Precedence": "auto_reply"}],
)
def test_auto_reply_headers(headers):
    message = corpus.auto_reply(sender="ada@example.org", subject="Re: A role in Berlin", headers=headers)
    assert classify(message).kind == Kind.AUTO_REPLY


def test_auto_submitted_no_is_a_person_writing():
    message = corpus.auto_reply(
        sender="ada@example.org", subject="Re: hello", headers={"Auto-Submitted": "no"}
    )
    assert classify(message).kind == Kind.REPLY


@pytest.mark.parametrize(
    ("subject", "text", "back"),
    [
        ("Out of Office: A role in Berlin", "I'm back on January 18th.", date(2027, 1, 18)),
        ("Automatic reply: A role in Berlin", "Away until 2027-02-01.", date(2027, 2, 1)),
        ("Abwesenheitsnotiz: A role in Berlin", "Ich bin bis 15.01.2027 nicht im Büro.", date(2027, 1, 15)),
        ("Automatische Antwort: Rolle", "Ab dem 20. Januar bin ich wieder erreichbar.", date(2027, 1, 20)),
        ("Réponse automatique : Poste", "Je suis absente jusqu'au 22 janvier 2027.", date(2027, 1, 22)),
        ("Absence du bureau", "De retour le 12/01.", date(2027, 1, 12)),
        ("Out of office", "I am travelling with limited access to email.", None),
    ],
)
def test_out_of_office_subjects_and_return_dates_in_three_languages(subject, text, back):
    message = corpus.auto_reply(sender="ada@example.org", subject=subject, text=text, headers={})
    found = classify(message)
    assert found.kind == Kind.AUTO_REPLY
    assert found.return_date == back


def test_a_return_date_without_a_year_is_the_next_such_day():
    assert return_date("back on 3 January", after=date(2026, 12, 20)) == date(2027, 1, 3)
    assert return_date("until 1 March", after=date(2027, 1, 4)) == date(2027, 3, 1)


def test_a_hard_bounce_dsn_names_the_address_status_and_our_message():
    found = classify(corpus.dsn(recipient="gone@example.org", original_message_id=OURS).as_bytes())
    assert found.kind == Kind.BOUNCE
    (failure,) = found.failures
    assert failure.address == "gone@example.org"
    assert failure.permanent and failure.status == "5.1.1"
    assert "User unknown" in failure.diagnostic
    assert found.original_message_ids == (OURS,)


@pytest.mark.parametrize(("action", "status"), [("delayed", "4.4.1"), ("failed", "4.2.2")])
def test_a_delayed_or_4xx_dsn_is_temporary(action, status):
    message = corpus.dsn(
        recipient="full@example.org",
        original_message_id=OURS,
        action=action,
        status=status,
        headers_only=True,
    )
    found = classify(message)
    assert found.kind == Kind.BOUNCE
    assert [f.permanent for f in found.failures] == [False]
    assert found.original_message_ids == (OURS,)


def test_a_dsn_reporting_delivery_is_not_a_bounce():
    message = corpus.dsn(
        recipient="ada@example.org", original_message_id=OURS, action="delivered", status="2.0.0"
    )
    assert classify(message).kind != Kind.BOUNCE


def test_an_arf_report_is_a_complaint_about_our_email():
    found = classify(corpus.arf_complaint(recipient="ada@yahoo.example", original_message_id=OURS))
    assert found.kind == Kind.COMPLAINT
    assert found.complained_address == "ada@yahoo.example"
    assert found.original_message_ids == (OURS,)


def test_a_non_standard_bounce_is_read_by_flufl_bounce():
    found = classify(corpus.qmail_bounce(recipient="nobody@example.net"))
    assert found.kind == Kind.BOUNCE
    assert [(f.address, f.permanent) for f in found.failures] == [("nobody@example.net", True)]


def test_html_only_mail_is_read_as_text():
    message = corpus.reply(sender="ada@example.org")
    message.set_content("<p>Hi <b>Rita</b>, sounds good.</p>", subtype="html")
    assert classify(message).body == "Hi Rita, sounds good."


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=2000))
def test_any_bytes_classify_without_an_error(raw):
    """A mailbox may hold anything; a message the classifier cannot read must not stop the mailbox."""
    assert classify(raw).kind in set(Kind)
    assert parse(raw).as_bytes()  # what inbound.receive_message keys and stores it by


@settings(max_examples=200, deadline=None)
@given(
    subject=st.text(max_size=200),
    body=st.text(max_size=500),
    report_type=st.sampled_from(["delivery-status", "feedback-report", "disposition-notification", ""]),
    fields=st.text(max_size=300),
)
def test_malformed_reports_classify_without_an_error(subject, body, report_type, fields):
    raw = (
        "From: MAILER-DAEMON@example.org\r\n"
        f"Subject: {' '.join(subject.split())}\r\n"
        f'Content-Type: multipart/report; report-type="{report_type}"; boundary="b"\r\n\r\n'
        f"--b\r\nContent-Type: text/plain\r\n\r\n{body}\r\n"
        f"--b\r\nContent-Type: message/{report_type or 'delivery-status'}\r\n\r\n{fields}\r\n"
        "--b--\r\n"
    )
    assert classify(raw.encode("utf-8", "surrogatepass")).kind in set(Kind)
