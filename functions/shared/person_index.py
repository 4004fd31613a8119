"""Keys that find one person's items (for an erasure on request) without any table holding who the person is.

An application, a booking and a paper application's draft carry ``nik_hmac``, a consultation ``email_hmac``:
HMAC-SHA256 of the NIK (or of the mailbox an address reaches) under a key derived once from the KMS access-token
key, which never leaves KMS. Indexes on these attributes answer "this person's items" with a Query; nobody
holding a table's copy can turn them back into a NIK (16 digits are few enough to try every one, which is why a
plain hash would not do).
"""

import hashlib
import hmac
from typing import Any

from functions.shared.rate_limits import mailbox_of

# The message MACed to derive the index key; no access-token or pseudonym message starts like it.
_INDEX_KEY_MESSAGE = b"satupintu-person-index-key:v1"
_index_keys: dict[str, bytes] = {}

NIK_INDEX = "ByNik"
EMAIL_INDEX = "ByEmail"


def index_key(kms: Any, key_id: str) -> bytes:
    """Derive the person-index key from KMS once per instance (the same in every instance and function)."""
    if key_id not in _index_keys:
        _index_keys[key_id] = kms.generate_mac(KeyId=key_id, Message=_INDEX_KEY_MESSAGE, MacAlgorithm="HMAC_SHA_256")[
            "Mac"
        ]
    return _index_keys[key_id]


def nik_hmac(key: bytes, nik: str) -> str:
    """Return the index value of a NIK (spaces around it ignored)."""
    return hmac.new(key, b"nik\0" + nik.strip().encode(), hashlib.sha256).hexdigest()


def draft_nik_hmac(key: bytes, typed: str | None) -> str | None:
    """Return the index value of the NIK a draft's form holds as typed (spaces and dashes ignored), or None."""
    digits = "".join(c for c in typed or "" if c.isdigit())
    return nik_hmac(key, digits) if digits else None


def email_hmac(key: bytes, address: str) -> str:
    """Return the index value of an e-mail address: one per mailbox, however the address is spelt."""
    return hmac.new(key, b"email\0" + mailbox_of(address).encode(), hashlib.sha256).hexdigest()
