"""Reading email: parse raw messages, clean their text, walk mailboxes."""

from rebound_nlp.mail.clean import clean_body
from rebound_nlp.mail.mailboxes import iter_mailbox, mailbox_kind
from rebound_nlp.mail.parse import ParsedMessage, message_text, parse_message

__all__ = [
    "ParsedMessage",
    "clean_body",
    "iter_mailbox",
    "mailbox_kind",
    "message_text",
    "parse_message",
]
