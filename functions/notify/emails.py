"""The e-mail a notification becomes: subject, plain text and HTML from the files in templates/, and its MIME form.

Per event and language there are two files:

- `templates/<locale>/<event>.txt`: the first line is the subject, then one blank line, then the plain-text body;
- `templates/<locale>/<event>.html`: the HTML body, framed by `templates/layout.html` and `<locale>/footer.html`.

They are `string.Template` text. Each fact is a placeholder (`$application_id`, `$submitted_at`, …), shown as
people read it: ISO dates and times in Jakarta time (WIB), lists as lists, a fact given in both languages
(`service_name_id`, `service_name_en`) as `$service_name` in the message's language. `$link` is the page on the
site that the event is about, with the holder's access token in its fragment when the notification asks for it
(derived by the sender, passed in here). Every value is HTML-escaped before it enters HTML; what a member of the
public typed (USER_TEXT_FACTS) is defanged as well, so no mail client makes a link of it; and a placeholder
without a value raises instead of leaving `$something` in an e-mail. Tags in the HTML files carry no styles:
inline CSS is added when a template is loaded (e-mail clients ignore style sheets), so the look lives in one place
below.
"""

import html
import re
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from pathlib import Path
from string import Template
from typing import Any
from urllib.parse import quote

from functions.shared import clock
from functions.shared.clock import JAKARTA
from functions.shared.notifications import LINKED_FAMILIES, USER_TEXT_FACTS, FactValue, Notification

TEMPLATES = Path(__file__).resolve().parent / "templates"
LOCALES = ("id", "en")
SENDER_NAME = "Satu Pintu — DPMPTSP"

# Indonesia keeps no daylight saving time: Jakarta is UTC+7 all year, so no time-zone database is needed
# (Lambda's Python runtime ships none).
WIB = JAKARTA

_AT = {"id": "pukul", "en": "at"}
_YES_NO = {"id": ("Ya", "Tidak"), "en": ("Yes", "No")}
_NOTHING = "—"

# The page each family of events links back to (the fact that names the thing on it: LINKED_FAMILIES).
_PAGES = {"application": "track.html", "booking": "visit.html", "consultation": "answer.html", "office": "officer.html"}
_CONSULTATION_PAGE = "consult.html"

# What mail clients turn into links: a scheme, "www.", a domain name (labels and a top-level name of letters),
# an IPv4 address, an e-mail address (by its domain). Dots of other scripts count too: some clients and
# browsers read "。" or "．" as ".".
_DOT = r"[.\u3002\uff0e\uff61]"
_OCTET = r"(?:25[0-5]|2[0-4]\d|1?\d?\d)"  # so "Rp 1.500.000.000" is an amount, not an address
_SCHEME = re.compile(r"\b([a-z][a-z0-9+.-]*):(//)?", re.IGNORECASE)
_DOMAIN = re.compile(rf"\b(?:[^\W_](?:[\w-]*[^\W_])?{_DOT})+[^\W\d_]{{2,}}\b|\b{_OCTET}(?:{_DOT}{_OCTET}){{3}}\b")
_LINKABLE_SCHEMES = {"http", "https", "ftp", "mailto", "tel", "sms", "file", "data", "javascript", "whatsapp", "tg"}

# The look of the e-mail, added to the bare tags of the HTML templates (brand colours of the site).
_BRAND = "#12355b"
_STYLES = {
    "h1": "margin:0 0 16px;font-size:22px;line-height:1.3;color:#0b0c0c",
    "p": "margin:0 0 16px",
    "table": "width:100%;border-collapse:collapse;margin:0 0 20px",
    "th": (
        "text-align:left;vertical-align:top;font-weight:normal;color:#505a5f;"
        "padding:8px 12px 8px 0;border-bottom:1px solid #b1b4b6;width:40%"
    ),
    "td": "vertical-align:top;font-weight:bold;padding:8px 0;border-bottom:1px solid #b1b4b6",
    "ul": "margin:0 0 16px;padding-left:24px",
    "li": "margin:0 0 6px",
    "blockquote": "margin:0 0 16px;padding:8px 16px;border-left:4px solid #b1b4b6;background:#f3f2f1",
    "a": "color:#1d70b8",
    "a.button": (
        f"display:inline-block;background:{_BRAND};color:#ffffff;text-decoration:none;font-weight:bold;"
        "padding:12px 20px;border-radius:4px"
    ),
}
_TAG = re.compile(r"<(h1|p|table|th|td|ul|li|blockquote|a)(\s[^>]*)?>")
_PLACEHOLDER = re.compile(r"\$(?:\{[_a-z][_a-z0-9]*\}|[_a-z][_a-z0-9]*)", re.IGNORECASE)


@dataclass(frozen=True)
class RenderedEmail:
    """What the person reads: a subject, a plain-text body and an HTML body."""

    subject: str
    text: str
    html: str


@dataclass(frozen=True)
class _EventTemplates:
    subject: Template
    text: Template
    html: Template


def _add_styles(fragment: str) -> str:
    """Give every bare tag of a template its inline style (a `class="button"` link its own)."""

    def styled(match: re.Match[str]) -> str:
        tag, attributes = match.group(1), match.group(2) or ""
        if "style=" in attributes:
            return match.group(0)
        key = "a.button" if tag == "a" and 'class="button"' in attributes else tag
        extra = ' scope="row"' if tag == "th" and "scope=" not in attributes else ""
        return f'<{tag}{attributes}{extra} style="{_STYLES[key]}">'

    return _TAG.sub(styled, fragment)


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


@cache
def _event_templates(event: str, locale: str) -> _EventTemplates:
    """Load one event's templates in one language, once per process."""
    subject, blank, body = _read(TEMPLATES / locale / f"{event}.txt").split("\n", 2)
    if blank.strip():
        raise ValueError(f"{locale}/{event}.txt: the subject must be one line followed by a blank line")
    fragment = _add_styles(_read(TEMPLATES / locale / f"{event}.html").strip())
    return _EventTemplates(Template(subject.strip()), Template(body.strip("\n")), Template(fragment))


@cache
def _layouts(locale: str) -> tuple[Template, Template]:
    """Load the text and HTML frames with this language's footer in them, once per process."""
    footer_text = _read(TEMPLATES / locale / "footer.txt").strip()
    footer_html = _add_styles(_read(TEMPLATES / locale / "footer.html").strip())
    text = _read(TEMPLATES / "layout.txt").replace("$footer", footer_text)
    page = _read(TEMPLATES / "layout.html").replace("$footer", footer_html)
    return Template(text), Template(page)


def event_template_files(event: str, locale: str) -> tuple[Path, Path]:
    """Return the two template files of an event in a language (the .txt with its subject, and the .html)."""
    return TEMPLATES / locale / f"{event}.txt", TEMPLATES / locale / f"{event}.html"


# ----------------------------------------------------------------------------- facts as people read them


def _is_date_fact(key: str) -> bool:
    return key in {"date", "valid_until"} or key.endswith(("_at", "_date"))


def format_moment(value: str, locale: str) -> str:
    """Show an ISO date or date-time the way people in Jakarta read it; anything else as it came.

    A date-time with an offset is converted to WIB; one without an offset is taken to be WIB already.
    """
    months, weekdays = clock.MONTHS[locale], clock.WEEKDAYS[locale]
    try:
        if len(value) == 10:
            day = date.fromisoformat(value)
            return f"{weekdays[day.weekday()]}, {day.day} {months[day.month - 1]} {day.year}"
        moment = datetime.fromisoformat(value)
    except ValueError:
        return value
    local = moment.replace(tzinfo=WIB) if moment.tzinfo is None else moment.astimezone(WIB)
    at = format_clock(f"{local.hour:02d}:{local.minute:02d}", locale)
    return f"{weekdays[local.weekday()]}, {local.day} {months[local.month - 1]} {local.year} {_AT[locale]} {at}"


def format_clock(value: str, locale: str) -> str:
    """Show a wall-clock time ("09:30") as Indonesians write it ("09.30 WIB") or in English ("09:30 WIB")."""
    match = re.fullmatch(r"(\d{1,2}):(\d{2})(?::\d{2})?", value.strip())
    if not match:
        return value
    separator = "." if locale == "id" else ":"
    return f"{int(match.group(1)):02d}{separator}{match.group(2)} WIB"


def _format_number(value: float, locale: str) -> str:
    text = f"{value:g}"
    return text.replace(".", ",") if locale == "id" else text


def _list_item(item: Any, locale: str) -> str:
    """A list entry: a plain string, or a dict with a label per language (`label_id`, `label_en`)."""
    if isinstance(item, dict):
        return str(item.get(f"label_{locale}") or item.get("label_id") or item.get("label") or _NOTHING)
    return str(item)


def _scalar_text(key: str, value: FactValue, locale: str) -> str:
    if value is None or value == "":
        return _NOTHING
    if isinstance(value, bool):
        yes, no = _YES_NO[locale]
        return yes if value else no
    if isinstance(value, int | float):
        text = _format_number(value, locale)
        return f"{text} °C" if key.endswith("_c") else text
    text = str(value)
    if _is_date_fact(key):
        return format_moment(text, locale)
    if key in {"start", "end"}:
        return format_clock(text, locale)
    return text


def defang(text: str) -> str:
    """Return text with every URL, domain name and address in it made unclickable, but still readable.

    "https://pajak-online.example/bayar" becomes "hxxps[:]//pajak-online[.]example/bayar", "budi@mail.example"
    becomes "budi@mail[.]example": mail clients link neither, and a person can still read and report it.
    """

    def scheme(match: re.Match[str]) -> str:
        name = match.group(1)
        if name.lower() not in _LINKABLE_SCHEMES:
            return match.group(0)
        name = re.sub("t", "x", name, flags=re.IGNORECASE) if name.lower().startswith("http") else name
        return f"{name}[:]{match.group(2) or ''}"

    def domain(match: re.Match[str]) -> str:
        return re.sub(_DOT, "[.]", match.group(0))

    return _DOMAIN.sub(domain, _SCHEME.sub(scheme, text))


def _fact_text(key: str, value: FactValue, locale: str) -> str:
    """A fact for the subject and the plain-text body (defanged when a member of the public typed it)."""
    if isinstance(value, list):
        text = "\n".join(f"- {_list_item(item, locale)}" for item in value) or _NOTHING
    else:
        text = _scalar_text(key, value, locale)
    return defang(text) if key in USER_TEXT_FACTS else text


def _fact_html(key: str, value: FactValue, locale: str) -> str:
    """A fact for the HTML body: escaped (and defanged when typed by the public), line breaks kept, a list as a list."""
    shown = defang if key in USER_TEXT_FACTS else str
    if isinstance(value, list):
        if not value:
            return _NOTHING
        items = "".join(f"<li>{html.escape(shown(_list_item(item, locale)))}</li>" for item in value)
        return _add_styles(f"<ul>{items}</ul>")
    return html.escape(shown(_scalar_text(key, value, locale))).replace("\n", "<br>\n")


def _in_locale(facts: dict[str, FactValue], locale: str) -> dict[str, FactValue]:
    """Every fact, plus `x` for each pair `x_id`/`x_en`, in the message's language."""
    out = dict(facts)
    for key in facts:
        if key.endswith("_id") and f"{key[:-3]}_en" in facts:
            stem = key[:-3]
            out.setdefault(stem, facts[f"{stem}_{locale}"])
    return out


def link_subject(notification: Notification) -> str | None:
    """Return the id whose access token the notification's link carries, or None when its link needs none."""
    if notification.link_access is None:
        return None
    return str(notification.facts[LINKED_FAMILIES[notification.link_access]])


def link_for(notification: Notification, site_url: str, access_token: str | None = None) -> str:
    """Return the page of the site this notification is about; an access token only ever in the URL fragment."""
    base = site_url.rstrip("/")
    family = notification.event.value.split(".", 1)[0]
    if family not in _PAGES:
        return f"{base}/{_CONSULTATION_PAGE}"
    if family not in LINKED_FAMILIES:
        # The officers' own pages: they sign in, so the link carries nothing.
        return f"{base}/{_PAGES[family]}"
    id_fact = LINKED_FAMILIES[family]
    fragment = f"id={quote(str(notification.facts[id_fact]), safe='')}"
    if access_token and notification.link_access is not None:
        fragment += f"&token={quote(access_token, safe='')}"
    return f"{base}/{_PAGES[family]}#{fragment}"


def _fill(template: Template, values: dict[str, str], where: str) -> str:
    try:
        return template.substitute(values)
    except KeyError as missing:
        raise ValueError(f"{where}: no value for placeholder {missing}") from None


def render_email(notification: Notification, site_url: str, access_token: str | None = None) -> RenderedEmail:
    """Render a notification's e-mail in its language, its link carrying `access_token` if it asks for one.

    :raises ValueError: a template names a placeholder the notification has no value for, or the link needs an
        access token and none was given.
    """
    locale, event = notification.locale, notification.event.value
    if notification.link_access is not None and not access_token:
        raise ValueError(f"{event}: its link needs the {notification.link_access} access token")
    templates = _event_templates(event, locale)
    facts = _in_locale(notification.facts, locale)
    link = link_for(notification, site_url, access_token)
    base = site_url.rstrip("/")
    as_text = {key: _fact_text(key, value, locale) for key, value in facts.items()}
    as_text |= {"link": link, "site_url": base}
    as_html = {key: _fact_html(key, value, locale) for key, value in facts.items()}
    as_html |= {"link": html.escape(link), "site_url": html.escape(base)}

    # A header is one line: whatever a fact holds, the subject does not break (or inject) headers.
    subject = " ".join(_fill(templates.subject, as_text, f"{locale}/{event} subject").split())
    text_frame, html_frame = _layouts(locale)
    body_text = _fill(templates.text, as_text, f"{locale}/{event}.txt")
    body_html = _fill(templates.html, as_html, f"{locale}/{event}.html")
    return RenderedEmail(
        subject=subject,
        text=_fill(text_frame, {"body": body_text, "site_url": base}, "layout.txt").strip() + "\n",
        html=_fill(
            html_frame,
            {"lang": locale, "subject": html.escape(subject), "body": body_html, "site_url": html.escape(base)},
            "layout.html",
        ),
    )


def leftover_placeholders(text: str) -> list[str]:
    """Return anything in rendered text that still looks like a `$placeholder` (a test aid)."""
    return _PLACEHOLDER.findall(text)


def to_mime(email: RenderedEmail, *, sender: str, to: str, notification: Notification) -> bytes:
    """Return the raw MIME message: multipart/alternative, plain text then HTML, UTF-8, quoted-printable."""
    from email import policy
    from email.headerregistry import Address
    from email.message import EmailMessage
    from email.utils import format_datetime

    message = EmailMessage(policy=policy.SMTP)
    message["From"] = Address(display_name=SENDER_NAME, addr_spec=sender)
    message["To"] = to
    message["Subject"] = email.subject
    # SES sets its own Date and Message-ID; these stay for the local mailbox and for any other transport.
    message["Date"] = format_datetime(clock.now())
    # RFC 3834: an automatic message, so out-of-office robots do not answer it.
    message["Auto-Submitted"] = "auto-generated"
    # Which notification this e-mail is, for support and for tracing a delivery through SES events.
    message["X-Satu-Pintu-Notification"] = notification.notification_id
    message["X-Satu-Pintu-Event"] = notification.event.value
    message.set_content(email.text, subtype="plain", charset="utf-8", cte="quoted-printable")
    message.add_alternative(email.html, subtype="html", charset="utf-8", cte="quoted-printable")
    # After the bodies: setting content clears every Content-* header that was there before.
    message["Content-Language"] = notification.locale
    return message.as_bytes()
