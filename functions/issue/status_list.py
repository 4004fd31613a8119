"""The signed revocation list every verifier downloads whole: a gzip'd bitstring, bit i set = index i revoked.

As in the W3C Bitstring Status List, a verifier looks its permit's bit up locally, so downloading the
list says nothing about which permit is being checked, and a verifier offline still has the last
list it saw. The list is a compact JWS (the same key as the permits) over ``{iat, ttl, bits}``;
`ttl` (seconds) tells a verifier how long to trust it before it should fetch it again.
"""

import base64
import gzip
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any

from functions.issue.signing import sign_jws
from functions.shared.documents import STATUS_LIST_BLOCK, read_revoked

TTL_S = 1800  # the EU Digital COVID Certificate's lists refresh every 30 minutes; so does this one
# A warm instance reuses a signed list this long when nothing changed since (one KMS call a minute at most).
REUSE_S = 60
_signed: dict[str, tuple[float, frozenset[int], int, str]] = {}


def bitstring(size: int, revoked: set[int]) -> bytes:
    """Return `size` bits (a multiple of 8), most significant bit first, with the revoked indices set."""
    bits = bytearray(size // 8)
    for index in revoked:
        if 0 <= index < size:
            bits[index // 8] |= 0x80 >> (index % 8)
    return bytes(bits)


def list_size(issued: int) -> int:
    """Return the number of entries published: whole blocks of STATUS_LIST_BLOCK, at least one."""
    return max(1, -(-issued // STATUS_LIST_BLOCK)) * STATUS_LIST_BLOCK


def encode_bits(bits: bytes) -> str:
    """Return the bitstring gzip'd and base64url-encoded (no padding), as the list carries it."""
    # mtime=0: the same list always compresses to the same bytes.
    return base64.urlsafe_b64encode(gzip.compress(bits, mtime=0)).rstrip(b"=").decode("ascii")


def decode_bits(text: str) -> bytes:
    """Read what `encode_bits` wrote."""
    return gzip.decompress(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))


def is_set(bits: bytes, index: int) -> bool:
    """Tell whether bit `index` is set."""
    return bool(bits[index // 8] & (0x80 >> (index % 8)))


def signed_status_list(
    documents_table: Any, kms: Any, key_id: str, at: datetime, monotonic: Callable[[], float] = time.monotonic
) -> str:
    """Return the current status list as a compact JWS, reusing this instance's last one if nothing changed."""
    issued, revoked = read_revoked(documents_table)
    size = list_size(issued)
    frozen = frozenset(revoked)
    hit = _signed.get(key_id)
    if hit and hit[1] == frozen and hit[2] == size and monotonic() - hit[0] < REUSE_S:
        return hit[3]
    payload = {"iat": int(at.timestamp()), "ttl": TTL_S, "bits": encode_bits(bitstring(size, revoked))}
    token = sign_jws(kms, key_id, payload, {"typ": "statuslist+jwt"})
    _signed[key_id] = (monotonic(), frozen, size, token)
    return token
