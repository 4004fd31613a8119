"""The permit's signature and QR code: KMS's DER made into JOSE's r‖s, the JWK, tampering, another key, QR size."""

import json
import subprocess
import sys

import boto3
import jwt
import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from moto import mock_aws

from functions.issue import signing
from functions.issue.issuing import fitted_payload
from functions.issue.qr import MAX_VERSION, QrTooLarge, from_digits, qr_code, to_digits
from functions.shared.documents import DocumentRecord

REGION = "ap-southeast-3"


@pytest.fixture
def kms(aws_credentials):
    """A KMS client on moto with one ECC_NIST_P256 signing key; returns (client, key id)."""
    with mock_aws():
        client = boto3.client("kms", region_name=REGION)
        key_id = client.create_key(KeySpec="ECC_NIST_P256", KeyUsage="SIGN_VERIFY")["KeyMetadata"]["KeyId"]
        yield client, key_id


def _jwks(client, key_id):
    return {"keys": [signing.public_jwk(client, key_id)]}


def _verify(token, jwks):
    kid = jwt.get_unverified_header(token)["kid"]
    (key,) = [k for k in jwks["keys"] if k["kid"] == kid]
    return json.loads(jwt.api_jws.decode(token, jwt.PyJWK.from_dict(key).key, algorithms=["ES256"]))


@pytest.mark.parametrize("seed", range(20))
def test_a_der_signature_becomes_the_same_r_and_s_in_64_bytes(seed):
    # Given a real DER signature (some with short r or s, which DER writes in fewer bytes)
    key = ec.generate_private_key(ec.SECP256R1())
    der = key.sign(f"message {seed}".encode(), ec.ECDSA(hashes.SHA256()))
    r, s = decode_dss_signature(der)
    # When
    raw = signing.der_to_raw(der)
    # Then
    assert len(raw) == 64 and (int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big")) == (r, s)


def test_the_jwk_is_the_kms_public_key(kms):
    # Given
    client, key_id = kms
    spki = client.get_public_key(KeyId=key_id)["PublicKey"]
    numbers = serialization.load_der_public_key(spki).public_numbers()
    # When
    jwk = signing.public_jwk(client, key_id)
    # Then
    assert int.from_bytes(signing.b64url_decode(jwk["x"]), "big") == numbers.x
    assert int.from_bytes(signing.b64url_decode(jwk["y"]), "big") == numbers.y
    assert jwk["kid"] == signing.thumbprint(jwk) and len(jwk["kid"]) == 43


def test_a_signed_token_verifies_with_pyjwt_against_the_jwks(kms):
    # Given
    client, key_id = kms
    payload = {"n": "DOK-2612-7K3M9Q", "h": "Siti Rahayu", "x": 7}
    # When
    token = signing.sign_jws(client, key_id, payload)
    # Then
    assert _verify(token, _jwks(client, key_id)) == payload
    assert jwt.get_unverified_header(token) == {"alg": "ES256", "kid": signing.public_jwk(client, key_id)["kid"]}


def test_a_changed_payload_does_not_verify(kms):
    # Given a genuine token whose holder's name is then changed
    client, key_id = kms
    header, _, signature = signing.sign_jws(client, key_id, {"n": "DOK-2612-7K3M9Q", "h": "Siti Rahayu"}).split(".")
    forged = signing.b64url(signing.compact_json({"n": "DOK-2612-7K3M9Q", "h": "Budi Santoso"}))
    # When / Then
    with pytest.raises(jwt.InvalidSignatureError):
        _verify(f"{header}.{forged}.{signature}", _jwks(client, key_id))


def test_a_token_signed_by_another_key_does_not_verify(kms):
    # Given a token made with a key of someone else's, claiming our key's kid
    client, key_id = kms
    genuine = signing.public_jwk(client, key_id)
    other = ec.generate_private_key(ec.SECP256R1())
    token = jwt.api_jws.encode(b'{"n":"DOK-2612-7K3M9Q"}', other, algorithm="ES256", headers={"kid": genuine["kid"]})
    # When / Then
    with pytest.raises(jwt.InvalidSignatureError):
        _verify(token, {"keys": [genuine]})


def test_digits_read_back_to_the_same_token():
    token = "eyJhbGciOiJFUzI1NiJ9.eyJuIjoiRE9LIn0.abc-_XYZ"
    assert from_digits(to_digits(token)) == token and to_digits(token).isdigit()


def _document(name: str, service_id: str) -> DocumentRecord:
    return DocumentRecord(
        number="DOK-2612-7K3M9Q",
        application_id="SP-2612-7K3M9Q",
        service_id=service_id,
        holder_name=name,
        issued_at="2026-12-02T10:00:00.000+07:00",
        valid_until="2029-12-02",
        office="DPMPTSP Provinsi DKI Jakarta",
        decision_ref="SP-2612-7K3M9Q#3",
        approved_by="petugas",
        status_index=131_071,
        pdf_key="documents/x.pdf",
        token="",
    )


def test_a_usual_name_fits_whole_and_the_qr_stays_at_version_15_or_below(kms):
    # Given the longest service id of the catalogue
    client, key_id = kms
    document = _document("Raden Ajeng Kartini Sosroningrat", "izin_usaha_angkutan_penyeberangan")
    # When
    payload = fitted_payload(document, "https://satupintu.jakarta.go.id")
    code = qr_code("https://satupintu.jakarta.go.id", signing.sign_jws(client, key_id, payload))
    # Then
    assert payload["h"] == document.holder_name
    assert code.version <= MAX_VERSION == 15 and code.error_correction == 0  # 0 is M in qrcode's numbering


def test_the_longest_name_is_shortened_in_the_qr_only_as_much_as_version_15_needs(kms):
    # Given a 100-character name (the most a submission accepts)
    client, key_id = kms
    name = "Muhammad Abdurrahman Wahid Hasyim Asy'ari Kusumaningrat Prawiranegara Soerjosoemarno Tjokroaminoto"[:100]
    document = _document(name, "izin_usaha_angkutan_penyeberangan")
    # When
    payload = fitted_payload(document, "https://satupintu.jakarta.go.id")
    code = qr_code("https://satupintu.jakarta.go.id", signing.sign_jws(client, key_id, payload))
    # Then
    assert code.version <= MAX_VERSION
    assert payload["h"].endswith("…") and name.startswith(payload["h"][:-1]) and len(payload["h"]) > 40
    with pytest.raises(QrTooLarge):
        qr_code("https://satupintu.jakarta.go.id", "a" * 600)


def test_importing_the_issue_function_loads_no_pdf_qr_or_image_library():
    # When a fresh interpreter imports the issue function as Lambda does
    code = "import sys, functions.issue.app; print(sorted(m for m in ('fpdf', 'qrcode', 'PIL') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout
    # Then
    assert out.strip() == "[]"
