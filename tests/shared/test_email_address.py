"""One rule for an e-mail address, applied alike where the API takes it in and where a notification is built."""

import pytest
from pydantic import TypeAdapter, ValidationError

from functions.shared.email_address import EmailAddress, normalise_email
from functions.shared.notifications import Notification, NotificationEvent
from functions.submit.schemas import ApplicantIn, ConsultationRequest

ACCEPTED = [
    "siti@example.id",
    "siti.rahayu@example.co.id",
    "budi+permohonan@mail.example.com",
    "o'brien@example.ie",
    "x@a-b.example",
    "user_01@xn--bcher-kva.example",
    "a" * 64 + "@example.com",
]

REFUSED = [
    "",
    "not-an-address",
    "budi",
    "@example.com",
    "budi@",
    "budi@@example.com",
    "budi@example@com",
    "budi santoso@example.com",
    "budi@example .com",
    "budi@localhost",
    "budi@example",
    ".budi@example.com",
    "budi.@example.com",
    "bu..di@example.com",
    "budi@-example.com",
    "budi@example-.com",
    "budi@example..com",
    "budi@example.com.",
    "budi@127.0.0.1",
    "budi@[127.0.0.1]",
    '"budi"@example.com',
    "Budi <budi@example.com>",
    "bü@example.com",
    "budi@bücher.example",
    "budi@contoh.test",
    "budi@printer.local",
    "budi@mail.invalid",
    "budi@abc.onion",
    "budi@1.0.0.127.in-addr.arpa",
    "a" * 65 + "@example.com",
    "budi@" + "a" * 63 + "." + "b" * 63 + "." + "c" * 63 + "." + "d" * 60 + ".id",
]


@pytest.mark.parametrize("address", ACCEPTED)
def test_an_address_mail_can_reach_is_accepted_as_typed(address):
    assert normalise_email(address) == address


@pytest.mark.parametrize("address", REFUSED)
def test_a_malformed_or_reserved_address_is_refused(address):
    with pytest.raises(ValueError, match="not a valid e-mail address"):
        normalise_email(address)


def test_the_domain_is_kept_in_lower_case_and_the_mailbox_as_typed():
    assert normalise_email("Siti.Rahayu@Example.CO.ID") == "Siti.Rahayu@example.co.id"


@pytest.mark.parametrize("address", ["budi@contoh.test", "budi@example", "bu..di@example.com"])
def test_the_api_and_a_notification_refuse_the_same_addresses(address, make_notification_kwargs):
    # When / Then: the applicant's address, a consultation's, and a notification's recipient
    with pytest.raises(ValidationError) as applicant:
        ApplicantIn(nik="3171010101900001", name="Siti", email=address, phone="0812345678")
    with pytest.raises(ValidationError) as consultation:
        ConsultationRequest(name="Siti", email=address, question="Apakah ini perlu izin?")
    with pytest.raises(ValidationError) as notification:
        Notification(**{**make_notification_kwargs, "to": address})
    for refused, field in ((applicant, "email"), (consultation, "email"), (notification, "to")):
        assert [e["loc"] for e in refused.value.errors()] == [(field,)]


def test_an_address_is_documented_as_an_email_string():
    assert TypeAdapter(EmailAddress).json_schema() == {"type": "string", "format": "email"}
    email = ApplicantIn.model_json_schema()["properties"]["email"]
    assert email == {"format": "email", "title": "Email", "type": "string"}


def test_a_refused_address_is_not_echoed_in_the_error():
    # Given
    address = "rahasia pribadi@example.com"
    # When
    with pytest.raises(ValidationError) as refused:
        ApplicantIn(nik="3171010101900001", name="Siti", email=address, phone="0812345678")
    # Then
    assert "rahasia" not in str(refused.value)


@pytest.fixture
def make_notification_kwargs():
    """The fields of a complete notification, but for its recipient."""
    return {
        "notification_id": "consultation-0001",
        "event": NotificationEvent.CONSULTATION_RECEIVED,
        "to": "siti@example.id",
        "facts": {"name": "Siti", "consultation_id": "KONS-0001", "question": "Apakah ini perlu izin?"},
    }
