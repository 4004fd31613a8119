"""The e-mail each notification becomes: complete in both languages, escaped, linked, and well-formed MIME."""

import email
import json
import re
from email import policy

import pytest

from functions.notify.emails import (
    LOCALES,
    TEMPLATES,
    event_template_files,
    format_clock,
    format_moment,
    leftover_placeholders,
    link_for,
    render_email,
    to_mime,
)
from functions.shared.notifications import REQUIRED_FACTS, Notification, NotificationEvent

SITE = "https://satupintu.example.go.id"
# What the sender derives for a link that needs an access token, given here as the sender would give it.
TOKEN = "tok_Abc123-secret"


def _render(notification, site=SITE):
    """Render as the sender does: with the access token when the notification's link asks for one."""
    return render_email(notification, site, TOKEN if notification.link_access else None)


# How the sample facts must read, by language, where they are not shown exactly as given.
SHOWN_AS = {
    ("submitted_at", "id"): "Kamis, 12 Maret 2026 pukul 09.30 WIB",
    ("submitted_at", "en"): "Thursday, 12 March 2026 at 09:30 WIB",
    ("survey_date", "id"): "Jumat, 20 Maret 2026",
    ("survey_date", "en"): "Friday, 20 March 2026",
    ("valid_until", "id"): "Rabu, 12 Maret 2031",
    ("valid_until", "en"): "Wednesday, 12 March 2031",
    ("date", "id"): "Jumat, 13 Maret 2026",
    ("date", "en"): "Friday, 13 March 2026",
    ("start", "id"): "09.30 WIB",
    ("start", "en"): "09:30 WIB",
    ("digest_date", "id"): "Jumat, 13 Maret 2026",
    ("digest_date", "en"): "Friday, 13 March 2026",
}

EVERY_EVENT_AND_LOCALE = [(event, locale) for event in NotificationEvent for locale in LOCALES]


# Facts given in both languages (`x_id` and `x_en`): an e-mail shows the one in its own language.
BILINGUAL = {
    fact
    for facts in REQUIRED_FACTS.values()
    for fact in facts
    if (fact.endswith("_id") and f"{fact[:-3]}_en" in facts) or (fact.endswith("_en") and f"{fact[:-3]}_id" in facts)
}


def _shown(fact: str, value: object, locale: str) -> list[str]:
    """The strings a reader must find for one fact."""
    if (fact, locale) in SHOWN_AS:
        return [SHOWN_AS[(fact, locale)]]
    if fact in BILINGUAL:
        return [str(value)] if fact.endswith(f"_{locale}") else []
    if isinstance(value, list):
        return [item[f"label_{locale}"] for item in value]
    return [line for line in str(value).splitlines() if line]


@pytest.mark.parametrize(("event", "locale"), EVERY_EVENT_AND_LOCALE, ids=lambda v: str(v))
def test_every_event_renders_every_required_fact_in_both_languages_with_no_placeholder_left(
    event, locale, make_notification, sample_facts
):
    # Given a complete notification of the event
    notification = make_notification(event, locale)

    # When it is rendered
    rendered = _render(notification)

    # Then each required fact is there, as people read it, in the subject/text and in the HTML
    for fact in REQUIRED_FACTS[event]:
        for expected in _shown(fact, sample_facts[event][fact], locale):
            assert expected in rendered.subject + rendered.text, (event, locale, fact)
            assert expected.replace("&", "&amp;") in rendered.html, (event, locale, fact)
    # and nothing is left unfilled
    for part in (rendered.subject, rendered.text, rendered.html):
        assert leftover_placeholders(part) == []
        assert "None" not in part
    assert rendered.subject and "\n" not in rendered.subject
    assert f'<html lang="{locale}">' in rendered.html


@pytest.mark.parametrize(("event", "locale"), EVERY_EVENT_AND_LOCALE, ids=lambda v: str(v))
def test_every_email_carries_the_shared_frame_and_its_language(event, locale, make_notification):
    # When
    rendered = _render(make_notification(event, locale))

    # Then the header, the automatic-message footer and the link back to the site are in both bodies
    assert "Satu Pintu — DPMPTSP" in rendered.text and "Satu Pintu — DPMPTSP" in rendered.html
    automatic = "Pesan ini dikirim otomatis" if locale == "id" else "This is an automatic message"
    assert automatic in rendered.text and automatic in rendered.html
    greeting = "Halo" if locale == "id" else "Hello"
    assert greeting in rendered.text
    notification = make_notification(event, locale)
    link = link_for(notification, SITE, TOKEN if notification.link_access else None)
    assert link in rendered.text
    assert f'href="{link.replace("&", "&amp;")}"' in rendered.html
    assert rendered.html.count('class="button"') == 1


def test_every_event_has_its_two_template_files_per_language_and_there_are_no_others():
    # Given the events the producers may send
    expected = {
        path.relative_to(TEMPLATES).as_posix()
        for event in NotificationEvent
        for locale in LOCALES
        for path in event_template_files(event.value, locale)
    }

    # When the template folder is listed (besides the shared frame and footers)
    shared = {"layout.html", "layout.txt"} | {f"{locale}/footer.{ext}" for locale in LOCALES for ext in ("txt", "html")}
    found = {p.relative_to(TEMPLATES).as_posix() for p in TEMPLATES.rglob("*") if p.is_file()} - shared

    # Then there is exactly one .txt and one .html per event and language
    assert found == expected


def test_markup_in_a_fact_appears_as_text_in_html_and_never_as_markup(make_notification):
    # Given a hostile reason and id
    notification = make_notification(
        NotificationEvent.APPLICATION_REJECTED,
        reason='<script>alert("x")</script> & Co\n<b>bold</b>',
        application_id='SP-1"><img src=x onerror=alert(1)>',
    )

    # When
    rendered = _render(notification)

    # Then the HTML shows the characters, escaped, and contains no injected tag or attribute
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co<br>\n&lt;b&gt;bold&lt;/b&gt;" in rendered.html
    assert "<script" not in rendered.html and "<img" not in rendered.html and "<b>" not in rendered.html
    # and the plain text shows them as they are
    assert '<script>alert("x")</script> & Co' in rendered.text
    # and the link carries the id percent-encoded, so it cannot break out of the attribute
    assert "track.html#id=SP-1%22%3E%3Cimg%20src%3Dx%20onerror%3Dalert%281%29%3E" in rendered.text


HOSTILE_QUESTION = (
    "Akun Anda diblokir! Buka https://dpmptsp-verifikasi.example/login?u=1 atau www.bayar-denda.example, "
    'balas ke admin@pajak-online.example, <a href="http://evil.example">klik</a>, '
    "javascript:alert(1), 10.20.30.40, dpmptsp。example\nBiaya Rp 1.500.000.000 untuk 3 lokasi."
)


@pytest.mark.parametrize("locale", LOCALES)
def test_links_in_what_the_public_typed_never_become_links_in_any_email(locale, make_notification):
    # Given an officer's answer that quotes a question full of links, addresses and markup
    notification = make_notification(NotificationEvent.CONSULTATION_ANSWERED, locale, question=HOSTILE_QUESTION)

    # When
    rendered = _render(notification)

    # Then, besides the office's own links, neither body holds a scheme, domain, address or IP a client would link
    for body in (rendered.text.replace(SITE, ""), rendered.html.replace(SITE, "")):
        for live in (
            "https://",
            "http://",
            "javascript:",
            "dpmptsp-verifikasi.example",
            "www.bayar-denda.example",
            "pajak-online.example",
            "evil.example",
            "10.20.30.40",
            "dpmptsp。example",
        ):
            assert live not in body, (live, body)
    # but a reader still sees what was written, defanged, and amounts stay as they were
    assert "hxxps[:]//dpmptsp-verifikasi[.]example/login?u=1" in rendered.text
    assert "www[.]bayar-denda[.]example" in rendered.text and "admin@pajak-online[.]example" in rendered.text
    assert "javascript[:]alert(1)" in rendered.text and "10[.]20[.]30[.]40" in rendered.text
    assert "Rp 1.500.000.000 untuk 3 lokasi." in rendered.text
    # and the only links in the HTML are the office's own: the button and the footer's
    hrefs = re.findall(r'href="([^"]*)"', rendered.html)
    assert hrefs and all(href.startswith(SITE) for href in hrefs), hrefs
    assert "&lt;a href=&quot;hxxp[:]//evil[.]example&quot;&gt;klik&lt;/a&gt;" in rendered.html


def test_an_officers_own_text_is_shown_as_written(make_notification):
    # Given an officer's answer that points to an official page
    notification = make_notification(
        NotificationEvent.CONSULTATION_ANSWERED, answer="Lihat https://jakarta.go.id/layanan untuk rinciannya."
    )

    # When
    rendered = _render(notification)

    # Then the officer's text is not defanged: only what the public typed is
    assert "https://jakarta.go.id/layanan" in rendered.text


def test_a_fact_with_a_line_break_cannot_add_a_header_through_the_subject(make_notification):
    # Given
    notification = make_notification(
        NotificationEvent.BOOKING_CONFIRMED, ticket_code="A-1\r\nBcc: everyone@example.com"
    )

    # When
    raw = to_mime(
        _render(notification),
        sender="no-reply@satupintu.example",
        to="a@example.com",
        notification=notification,
    )

    # Then the subject stays one header line
    message = email.message_from_bytes(raw, policy=policy.default)
    assert message["Bcc"] is None
    assert message["Subject"] == "Kunjungan terjadwal: tiket A-1 Bcc: everyone@example.com"


@pytest.mark.parametrize(
    ("event", "link_access", "token", "expected"),
    [
        (
            NotificationEvent.APPLICATION_ISSUED,
            "application",
            "tok_Abc123-secret",
            f"{SITE}/track.html#id=SP-2026-000123&token=tok_Abc123-secret",
        ),
        (NotificationEvent.APPLICATION_SUBMITTED, None, None, f"{SITE}/track.html#id=SP-2026-000123"),
        (NotificationEvent.APPLICATION_SUBMITTED, None, "unasked", f"{SITE}/track.html#id=SP-2026-000123"),
        (NotificationEvent.BOOKING_CONFIRMED, "booking", "t/k+n", f"{SITE}/visit.html#id=BK-7F3A9C21&token=t%2Fk%2Bn"),
        (NotificationEvent.BOOKING_REMINDER, None, None, f"{SITE}/visit.html#id=BK-7F3A9C21"),
        (
            NotificationEvent.CONSULTATION_ANSWERED,
            "consultation",
            "tok",
            f"{SITE}/answer.html#id=KS-000042&token=tok",
        ),
    ],
)
def test_links_lead_back_to_the_site_with_the_token_only_in_the_fragment(
    event, link_access, token, expected, make_notification
):
    # Given a site URL with a trailing slash
    notification = make_notification(event, link_access=link_access)

    # When
    link = link_for(notification, SITE + "/", token)

    # Then
    assert link == expected
    assert "?" not in link


def test_a_notification_carries_which_token_its_link_needs_never_the_token(make_notification):
    # Given an application's e-mail whose link opens the application
    notification = make_notification(NotificationEvent.APPLICATION_APPROVED)

    # When it is written for the queue
    body = json.loads(notification.model_dump_json())

    # Then it says whose token the link carries, and holds no token
    assert body["link_access"] == "application"
    assert not {"link_token", "token", "access_token"} & set(body)
    # and it cannot be rendered without the token the sender derives
    with pytest.raises(ValueError, match="access token"):
        render_email(notification, SITE)


def test_a_notification_cannot_ask_for_another_familys_token(make_notification):
    with pytest.raises(ValueError, match="booking access token"):
        make_notification(NotificationEvent.APPLICATION_APPROVED, link_access="booking")
    with pytest.raises(ValueError):
        make_notification(NotificationEvent.CONSULTATION_RECEIVED, link_access="application")


def test_a_message_queued_by_an_earlier_version_drops_its_token_and_asks_for_its_link(make_notification):
    # Given a message as an earlier version queued it, with the token itself in it
    body = json.loads(make_notification(NotificationEvent.APPLICATION_SUBMITTED, link_access=None).model_dump_json())
    body["link_token"] = "tok_old-plain-token"

    # When the notify function reads it
    notification = Notification.model_validate_json(json.dumps(body))

    # Then the token is gone from it, and its link will carry the one derived at send time
    assert notification.link_access == "application"
    assert "tok_old-plain-token" not in notification.model_dump_json()


def test_a_returned_application_lists_what_is_missing_as_a_list(make_notification):
    # Given requirements as label pairs
    notification = make_notification(NotificationEvent.APPLICATION_RETURNED, locale="en")

    # When
    rendered = _render(notification)

    # Then the text has one line per requirement and the HTML a list item per requirement
    assert "- Deed of establishment\n- Photo of the business premises" in rendered.text
    assert re.search(
        r"<ul[^>]*><li[^>]*>Deed of establishment</li><li[^>]*>Photo of the business premises</li></ul>", rendered.html
    )


def test_missing_requirements_given_as_plain_strings_render_as_a_list_too(make_notification):
    # Given
    notification = make_notification(NotificationEvent.APPLICATION_RETURNED, missing_requirements=["NPWP", "KTP"])

    # When
    rendered = _render(notification)

    # Then
    assert "- NPWP\n- KTP" in rendered.text
    assert re.search(r"<li[^>]*>NPWP</li><li[^>]*>KTP</li>", rendered.html)


@pytest.mark.parametrize(
    ("value", "locale", "expected"),
    [
        ("2026-08-17T10:00:00+07:00", "id", "Senin, 17 Agustus 2026 pukul 10.00 WIB"),
        ("2026-08-17T03:00:00+00:00", "en", "Monday, 17 August 2026 at 10:00 WIB"),
        ("2026-12-31T20:15:00Z", "id", "Jumat, 1 Januari 2027 pukul 03.15 WIB"),
        ("2026-08-17T10:00:00", "en", "Monday, 17 August 2026 at 10:00 WIB"),
        ("2026-08-17", "id", "Senin, 17 Agustus 2026"),
        ("next Tuesday", "en", "next Tuesday"),
    ],
)
def test_moments_are_shown_in_jakarta_time(value, locale, expected):
    assert format_moment(value, locale) == expected


@pytest.mark.parametrize(
    ("value", "locale", "expected"),
    [
        ("07:30", "id", "07.30 WIB"),
        ("7:30", "en", "07:30 WIB"),
        ("16:00:00", "id", "16.00 WIB"),
        ("pagi", "id", "pagi"),
    ],
)
def test_clock_times_are_written_as_each_language_writes_them(value, locale, expected):
    assert format_clock(value, locale) == expected


def test_the_mime_message_has_both_bodies_in_utf8_and_names_its_notification(make_notification):
    # Given an Indonesian e-mail with non-ASCII text
    notification = make_notification(NotificationEvent.BOOKING_REFUSED, name="Ñoman Widyastuti")
    rendered = _render(notification)

    # When
    raw = to_mime(rendered, sender="no-reply@satupintu.example", to=str(notification.to), notification=notification)

    # Then it is 7-bit on the wire and a mail client reads it back exactly
    raw.decode("ascii")
    message = email.message_from_bytes(raw, policy=policy.default)
    assert message.get_content_type() == "multipart/alternative"
    assert [part.get_content_type() for part in message.iter_parts()] == ["text/plain", "text/html"]
    assert all(part.get_content_charset() == "utf-8" for part in message.iter_parts())
    assert message["Subject"] == rendered.subject
    assert message["To"] == "siti.rahayu@example.com"
    assert message["From"].addresses[0].display_name == "Satu Pintu — DPMPTSP"
    assert message["From"].addresses[0].addr_spec == "no-reply@satupintu.example"
    assert message["X-Satu-Pintu-Notification"] == notification.notification_id
    assert message["Auto-Submitted"] == "auto-generated"
    assert message["Content-Language"] == "id"
    # (on the wire lines end in CRLF, as RFC 5322 wants)
    assert message.get_body(("plain",)).get_content().replace("\r\n", "\n") == rendered.text
    assert message.get_body(("html",)).get_content().replace("\r\n", "\n") == rendered.html
    assert "37,5 °C" in rendered.text
