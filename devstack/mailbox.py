"""The local mailbox: every e-mail SES (moto) accepted, as the recipient would see it."""

import email
import html
import threading
from datetime import UTC, datetime
from email import policy
from typing import Any


def _parse_raw(raw: str) -> dict[str, Any]:
    message = email.message_from_string(raw, policy=policy.default)
    text_part = message.get_body(preferencelist=("plain",))
    html_part = message.get_body(preferencelist=("html",))
    return {
        "to": [a.strip() for a in str(message.get("To", "")).split(",") if a.strip()],
        "subject": str(message.get("Subject", "")),
        "text": text_part.get_content() if text_part else "",
        "html": html_part.get_content() if html_part else "",
    }


class Mailbox:
    """Reads what moto's SES keeps (in this process) and remembers when each message was first seen."""

    def __init__(self, account_id: str, region: str) -> None:
        self.account_id = account_id
        self.region = region
        self._seen: dict[str, str] = {}
        self._lock = threading.Lock()

    def messages(self) -> list[dict[str, Any]]:
        """Return every sent e-mail, oldest first: [{to, subject, text, html, sent_at}]."""
        from moto.ses.models import ses_backends

        backend = ses_backends[self.account_id][self.region]
        out = []
        with self._lock:
            for sent in list(backend.sent_messages):
                sent_at = self._seen.setdefault(sent.id, datetime.now(UTC).isoformat(timespec="seconds"))
                if hasattr(sent, "raw_data"):
                    parsed = _parse_raw(sent.raw_data)
                else:  # SendEmail with Simple content: moto keeps only one body
                    parsed = {
                        "to": list(sent.destinations.get("ToAddresses", [])),
                        "subject": sent.subject,
                        "text": sent.body,
                        "html": "",
                    }
                out.append({"id": sent.id, **parsed, "sent_at": sent_at})
        return out

    def render_html(self) -> str:
        """Return the mailbox page."""
        rows = []
        for m in reversed(self.messages()):
            body = (
                f'<iframe title="{html.escape(m["subject"])}" sandbox srcdoc="{html.escape(m["html"])}"></iframe>'
                if m["html"]
                else f"<pre>{html.escape(m['text'])}</pre>"
            )
            rows.append(
                f"<article><h2>{html.escape(m['subject'])}</h2>"
                f"<p><strong>Kepada / To:</strong> {html.escape(', '.join(m['to']))} · "
                f"<time>{html.escape(m['sent_at'])}</time></p>{body}"
                f"<details><summary>Teks / Plain text</summary><pre>{html.escape(m['text'])}</pre></details></article>"
            )
        empty = "<p>Belum ada e-mail. / No e-mail yet.</p>"
        return (
            '<!doctype html><html lang="id"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            "<title>Kotak surat lokal / Local mailbox — Satu Pintu</title>"
            "<style>body{font-family:system-ui,sans-serif;max-width:60rem;margin:1rem auto;padding:0 1rem}"
            "article{border:1px solid #bbb;border-radius:4px;padding:1rem;margin:1rem 0}"
            "iframe{width:100%;min-height:22rem;border:1px solid #ddd}pre{white-space:pre-wrap}</style>"
            "</head><body><main><h1>Kotak surat lokal / Local mailbox</h1>"
            f'<p>{len(rows)} e-mail · <a href="_mailbox.json">JSON</a></p>{"".join(rows) or empty}</main></body></html>'
        )
