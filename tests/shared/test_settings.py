"""Settings fail fast, naming every variable template.yaml should have given the function."""

import pytest

from functions.shared.settings import MissingSettings, get_notify_settings, get_settings, reset_settings


@pytest.fixture(autouse=True)
def _fresh_settings():
    reset_settings()
    yield
    reset_settings()


def test_a_function_deployed_without_its_tables_fails_at_once_naming_them(aws, monkeypatch):
    # Given: every variable but one, and one set empty
    monkeypatch.delenv("BOOKINGS_TABLE")
    monkeypatch.setenv("UPLOADS_BUCKET", " ")
    # When / Then
    with pytest.raises(MissingSettings, match="BOOKINGS_TABLE, UPLOADS_BUCKET"):
        get_settings()


def test_the_notify_function_needs_its_sender_and_site(aws, monkeypatch):
    # Given: the common variables are all there (the aws fixture sets them), the sender is not
    monkeypatch.delenv("SENDER_EMAIL", raising=False)
    # When / Then
    assert get_settings().bookings_table
    with pytest.raises(MissingSettings, match="SENDER_EMAIL"):
        get_notify_settings()


def test_the_full_environment_reads_cleanly(aws):
    settings = get_notify_settings()
    assert settings.catalogue_table == aws.refs["CatalogueTable"]
    assert settings.site_url.startswith("http")


def test_settings_are_read_only_and_an_optional_one_keeps_its_default(aws, monkeypatch):
    # Given no endpoint override (as on Lambda)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    settings = get_settings()
    # Then the optional one is its default, and nothing can be changed in place
    assert settings.aws_endpoint_url is None
    with pytest.raises(AttributeError, match="read-only"):
        settings.bookings_table = "another"  # type: ignore[misc]
    assert get_settings().bookings_table == aws.refs["BookingsTable"]
