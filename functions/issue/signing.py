"""ES256 JSON Web Signatures made by the KMS signing key, and the public key as a JWK (RFC 7515, 7517, 7638).

The private key never leaves KMS: it signs `header.payload` (ECDSA P-256 over SHA-256, MessageType RAW,
the only kind moto implements) and answers with a DER signature, which JWS writes as the raw 64 bytes
r‖s instead. The DER and SubjectPublicKeyInfo handling is a few lines of its own, so verifying paths
and cold starts do not load a cryptography library.
"""

import base64
import hashlib
import json
from typing import Any

ALGORITHM = "ES256"
# DER SubjectPublicKeyInfo of a P-256 key, up to the uncompressed point: SEQUENCE, id-ecPublicKey, prime256v1,
# BIT STRING; then 0x04, X (32 bytes), Y (32 bytes).
_P256_SPKI_PREFIX = bytes.fromhex("3059301306072a8648ce3d020106082a8648ce3d030107034200")
_COORDINATE = 32

_public_keys: dict[str, dict[str, str]] = {}


class SigningError(Exception):
    """KMS answered with something that is not an ECDSA P-256 signature or key."""


def b64url(data: bytes) -> str:
    """Return base64url without padding, as JOSE writes it."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    """Read base64url with or without padding."""
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def compact_json(value: Any) -> bytes:
    """Return JSON without spaces, in a stable key order (UTF-8, names unescaped)."""
    return json.dumps(value, separators=(",", ":"), sort_keys=True, ensure_ascii=False).encode("utf-8")


def der_to_raw(der: bytes, size: int = _COORDINATE) -> bytes:
    """Turn a DER ECDSA signature (SEQUENCE of two INTEGERs) into r‖s, each `size` bytes, big-endian.

    :raises SigningError: the bytes are not such a signature.
    """
    try:
        if der[0] != 0x30:
            raise SigningError("not a DER sequence")
        offset = 3 if der[1] & 0x80 else 2  # a long-form length (one byte) for a sequence over 127 bytes
        parts = []
        for _ in range(2):
            if der[offset] != 0x02:
                raise SigningError("not a DER integer")
            length = der[offset + 1]
            value = int.from_bytes(der[offset + 2 : offset + 2 + length], "big")
            parts.append(value.to_bytes(size, "big"))
            offset += 2 + length
    except (IndexError, OverflowError) as error:
        raise SigningError(f"unreadable DER signature: {error}") from None
    return b"".join(parts)


def jwk_from_spki(spki: bytes) -> dict[str, str]:
    """Return the public JWK (kty, crv, x, y) of a DER SubjectPublicKeyInfo for a P-256 key.

    :raises SigningError: not an uncompressed P-256 public key.
    """
    if not spki.startswith(_P256_SPKI_PREFIX) or len(spki) != len(_P256_SPKI_PREFIX) + 1 + 2 * _COORDINATE:
        raise SigningError("the signing key is not an ECC_NIST_P256 public key")
    point = spki[len(_P256_SPKI_PREFIX) :]
    if point[0] != 0x04:
        raise SigningError("the public key is not an uncompressed point")
    x, y = point[1 : 1 + _COORDINATE], point[1 + _COORDINATE :]
    return {"kty": "EC", "crv": "P-256", "x": b64url(x), "y": b64url(y)}


def thumbprint(jwk: dict[str, str]) -> str:
    """Return the RFC 7638 SHA-256 thumbprint of an EC JWK (its required members, sorted, no spaces)."""
    canonical = json.dumps({k: jwk[k] for k in ("crv", "kty", "x", "y")}, separators=(",", ":"), sort_keys=True)
    return b64url(hashlib.sha256(canonical.encode("ascii")).digest())


def public_jwk(kms: Any, key_id: str) -> dict[str, str]:
    """Return the signing key's public JWK with its `kid`, `alg` and `use` (asked of KMS once per instance)."""
    if key_id not in _public_keys:
        spki = kms.get_public_key(KeyId=key_id)["PublicKey"]
        jwk = jwk_from_spki(spki)
        _public_keys[key_id] = {**jwk, "kid": thumbprint(jwk), "alg": ALGORITHM, "use": "sig"}
    return dict(_public_keys[key_id])


def sign_jws(kms: Any, key_id: str, payload: dict[str, Any], header: dict[str, Any] | None = None) -> str:
    """Return a compact JWS of `payload`, signed by the KMS key, with `kid` the key's thumbprint."""
    protected = {"alg": ALGORITHM, "kid": public_jwk(kms, key_id)["kid"], **(header or {})}
    signing_input = f"{b64url(compact_json(protected))}.{b64url(compact_json(payload))}"
    der = kms.sign(
        KeyId=key_id,
        Message=signing_input.encode("ascii"),
        MessageType="RAW",
        SigningAlgorithm="ECDSA_SHA_256",
    )["Signature"]
    return f"{signing_input}.{b64url(der_to_raw(der))}"
