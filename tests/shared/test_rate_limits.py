"""Rate limits: one conditional write per use, a fixed window aligned on the clock, subjects kept as pseudonyms."""

import datetime as dt
import json

import boto3
import pytest

from functions.shared.clock import JAKARTA
from functions.shared.errors import TooManyRequests
from functions.shared.rate_limits import (
    EMAILING_REQUESTS,
    UNVERIFIED_EMAILS,
    Limit,
    RateLimiter,
    client_of,
    mailbox_of,
)

NINE = dt.datetime(2026, 3, 12, 9, 0, tzinfo=JAKARTA)


@pytest.fixture
def limiter(aws):
    """A limiter on the template's RateLimitTable and access-token key, on moto."""
    return RateLimiter.from_settings()


@pytest.fixture
def counters(aws):
    """The rate-limit table, to look inside."""
    return boto3.resource("dynamodb", region_name="ap-southeast-3").Table(aws.refs["RateLimitTable"])


def test_an_address_gets_its_allowance_in_a_window_and_then_waits_for_the_windows_end(limiter):
    # When
    taken = [limiter.take(UNVERIFIED_EMAILS, "siti@example.id", NINE + dt.timedelta(minutes=m)) for m in (0, 10, 20)]
    refused = limiter.take(UNVERIFIED_EMAILS, "siti@example.id", NINE + dt.timedelta(minutes=45))
    next_hour = limiter.take(UNVERIFIED_EMAILS, "siti@example.id", NINE + dt.timedelta(minutes=60))
    # Then
    assert taken == [0, 0, 0]
    assert refused == 15 * 60
    assert next_hour == 0


def test_a_refused_use_is_not_counted(limiter, counters):
    # Given a spent allowance
    small = Limit("address", allowance=1, window_s=60)
    limiter.take(small, "a@example.id", NINE)
    # When it is asked again and again
    for _ in range(5):
        assert limiter.take(small, "a@example.id", NINE) > 0
    # Then the counter stayed at its allowance
    (item,) = counters.scan()["Items"]
    assert item["uses"] == 1
    assert item["expires_at_epoch"] >= int(NINE.timestamp()) + 60


def test_subjects_are_stored_as_pseudonyms_only(limiter, counters):
    # When
    limiter.take(UNVERIFIED_EMAILS, "rahasia.pribadi@example.id", NINE)
    limiter.take(EMAILING_REQUESTS, "203.0.113.9", NINE)
    # Then
    text = json.dumps(counters.scan()["Items"], default=str)
    assert "rahasia" not in text and "example.id" not in text and "203.0.113.9" not in text


def test_the_refusal_is_a_429_with_retry_after_naming_the_field(limiter):
    # Given
    for _ in range(3):
        limiter.take_or_refuse(UNVERIFIED_EMAILS, "siti@example.id", NINE)
    # When
    with pytest.raises(TooManyRequests) as refused:
        limiter.take_or_refuse(UNVERIFIED_EMAILS, "siti@example.id", NINE + dt.timedelta(minutes=59), field="email")
    # Then
    error = refused.value
    assert error.status == 429 and error.headers() == {"Retry-After": "60"}
    body = error.body()["error"]
    assert body["code"] == "too_many_emails"
    assert body["details"] == [
        {"field": "email", "code": "too_many_emails", "message": body["message"], "message_en": body["message_en"]}
    ]
    assert "1 menit" in body["message"] and "1 minute." in body["message_en"]


@pytest.mark.parametrize(
    ("address", "mailbox"),
    [
        ("Siti.Rahayu@Example.ID ", "siti.rahayu@example.id"),
        ("siti+izin@example.id", "siti@example.id"),
        ("S.i.t.i+x@GoogleMail.com", "siti@gmail.com"),
        ("siti.rahayu@gmail.com", "sitirahayu@gmail.com"),
    ],
)
def test_one_mailbox_is_one_subject_however_its_address_is_written(address, mailbox):
    assert mailbox_of(address) == mailbox


@pytest.mark.parametrize(
    ("headers", "source_ip", "client"),
    [
        ({"cloudfront-viewer-address": "198.51.100.7:50123"}, "130.176.1.1", "198.51.100.7"),
        ({"cloudfront-viewer-address": "2001:db8:1:2:3:4:5:6:443"}, "130.176.1.1", "2001:db8:1:2::/64"),
        ({"cloudfront-viewer-address": "not an address"}, "203.0.113.4", "203.0.113.4"),
        ({}, "203.0.113.4", "203.0.113.4"),
        ({}, None, "unknown"),
    ],
)
def test_the_client_is_the_viewer_behind_cloudfront_and_an_ipv6_subscriber_by_its_64(headers, source_ip, client):
    assert client_of(headers, source_ip) == client
