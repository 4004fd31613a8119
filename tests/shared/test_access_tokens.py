"""Access tokens: derived from the tracking number under a KMS HMAC key, stored only as a hash."""

import base64

import boto3
import pytest
from moto import mock_aws

from functions.shared.access_tokens import (
    TokenPurpose,
    bearer_token,
    derive_access_token,
    hash_access_token,
    token_matches,
)


@pytest.fixture
def kms(aws_credentials):
    """A KMS HMAC key like template.yaml's AccessTokenKey, on moto."""
    with mock_aws():
        client = boto3.client("kms", region_name="ap-southeast-3")
        key = client.create_key(KeySpec="HMAC_256", KeyUsage="GENERATE_VERIFY_MAC")["KeyMetadata"]["KeyId"]
        yield client, key


def test_a_token_has_256_bits_and_is_the_same_each_time_for_one_application(kms):
    # Given
    client, key = kms
    # When
    first = derive_access_token("SP-2611-7K3M9Q", client, key)
    again = derive_access_token("SP-2611-7K3M9Q", client, key)
    other = derive_access_token("SP-2611-7K3M9R", client, key)
    # Then
    assert first == again != other
    assert len(base64.urlsafe_b64decode(first + "=")) == 32


def test_another_key_derives_other_tokens(kms):
    # Given
    client, key = kms
    second_key = client.create_key(KeySpec="HMAC_256", KeyUsage="GENERATE_VERIFY_MAC")["KeyMetadata"]["KeyId"]
    # Then
    assert derive_access_token("SP-2611-7K3M9Q", client, key) != derive_access_token(
        "SP-2611-7K3M9Q", client, second_key
    )


def test_an_application_token_is_the_one_issued_before_purposes_existed(kms):
    # Given the token as every application so far got it: the MAC of "application-access-token:v1:" + its number
    client, key = kms
    mac = client.generate_mac(
        KeyId=key, Message=b"application-access-token:v1:SP-2611-7K3M9Q", MacAlgorithm="HMAC_SHA_256"
    )["Mac"]
    issued = base64.urlsafe_b64encode(mac).rstrip(b"=").decode()
    # Then the application purpose (the default) still derives exactly it
    assert derive_access_token("SP-2611-7K3M9Q", client, key) == issued
    assert derive_access_token("SP-2611-7K3M9Q", client, key, purpose=TokenPurpose.APPLICATION) == issued


def test_a_booking_token_never_opens_an_application_with_the_same_id(kms):
    # Given
    client, key = kms
    # When
    application = derive_access_token("X-0001", client, key, purpose=TokenPurpose.APPLICATION)
    booking = derive_access_token("X-0001", client, key, purpose=TokenPurpose.BOOKING)
    # Then
    assert booking != application
    assert booking == derive_access_token("X-0001", client, key, purpose="booking")
    assert not token_matches(booking, hash_access_token(application))


def test_only_the_right_token_matches_its_stored_hash():
    # Given
    stored = hash_access_token("the-token")
    # Then
    assert stored != "the-token" and len(stored) == 64
    assert token_matches("the-token", stored)
    assert not token_matches("the-token ", stored)
    assert not token_matches("another", stored)
    assert not token_matches("", stored)
    assert not token_matches(None, stored)
    assert not token_matches("the-token", None)


@pytest.mark.parametrize(
    ("header", "token"),
    [
        ("Bearer abc", "abc"),
        ("bearer   abc ", "abc"),
        ("Basic abc", None),
        ("Bearer", None),
        ("", None),
        (None, None),
        ("Bearer " + "x" * 300, None),
    ],
)
def test_the_token_is_read_from_a_bearer_header_only(header, token):
    # Then
    assert bearer_token(header) == token
