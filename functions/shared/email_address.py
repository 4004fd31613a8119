"""The one rule for an e-mail address: what the API accepts from a citizen and what a notification may go to.

An address is the shape browsers check for `<input type="email">` (HTML's "valid e-mail address", a deliberate
subset of RFC 5322: no quoted local parts, no comments, no IP literals), with what mail needs on top: a dot in the
domain, a top-level domain that starts with a letter, no empty part between dots, the lengths SMTP allows, and no
special-use domain (`.test`, `.invalid`, `.local`, `.localhost`, `.onion`, `.arpa`) that no mail reaches. ASCII only:
SES sends to no other local part, and an internationalised domain can be written in its `xn--` form. The domain
is kept in lower case (it is case-insensitive; the mailbox name is left as typed).

It stands in for pydantic's `EmailStr`, whose email_validator costs about 17 ms of every cold start of a function
that imports it (bench/README.md). It checks the shape only: nothing short of an e-mail proves someone reads it.
"""

import re
from typing import Annotated

from pydantic import AfterValidator, WithJsonSchema

MAX_LENGTH = 254  # RFC 5321's limit on a forward path, less its angle brackets
MAX_LOCAL_LENGTH = 64
SPECIAL_USE_DOMAINS = frozenset({"arpa", "invalid", "local", "localhost", "onion", "test"})

_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_TOP_LABEL = r"[A-Za-z](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_ADDRESS = re.compile(rf"(?P<local>{_ATOM}(?:\.{_ATOM})*)@(?P<domain>(?:{_LABEL}\.)+{_TOP_LABEL})")


def normalise_email(value: str) -> str:
    """Return the address with its domain in lower case.

    :raises ValueError: when the value is not an address mail can be sent to.
    """
    match = _ADDRESS.fullmatch(value) if len(value) <= MAX_LENGTH else None
    if match is None or len(match["local"]) > MAX_LOCAL_LENGTH:
        raise ValueError("not a valid e-mail address")
    domain = match["domain"].lower()
    if domain.rsplit(".", 1)[-1] in SPECIAL_USE_DOMAINS:
        raise ValueError("not a valid e-mail address: the domain is reserved and receives no mail")
    return f"{match['local']}@{domain}"


# Documented as OpenAPI's `format: email`, as EmailStr was.
EmailAddress = Annotated[str, AfterValidator(normalise_email), WithJsonSchema({"type": "string", "format": "email"})]
