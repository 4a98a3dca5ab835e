"""The one cleaning of header values (subjects, display names) every email goes through."""

from candidates.mail_headers import header_text, mailbox


def test_header_text_is_one_line_without_control_characters():
    assert header_text(" New:\r\n Maya\tO\x1b[2J\u202eK\x00 \u2028") == "New: Maya O [2J K"
    assert header_text("Siobhán O'Brien") == "Siobhán O'Brien"


def test_mailbox_quotes_the_cleaned_name_and_leaves_a_bare_address_without_one():
    assert mailbox('Smith, "Rita"\r\n', "rita@example.com") == '"Smith, \\"Rita\\"" <rita@example.com>'
    assert mailbox("\r\n", "rita@example.com") == "rita@example.com"
