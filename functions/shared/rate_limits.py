"""How often one e-mail address, or one client, may make the API send e-mail: counters in DynamoDB that expire.

A limit allows `allowance` uses per subject in a fixed window aligned on the clock (10:00–11:00 for an hourly one).
Each subject and window is one item of RATE_LIMIT_TABLE, and counting is one conditional write, `ADD uses 1` only
while `uses < allowance`: checking and counting cannot be split, so concurrent requests never get past the limit
together. An item outlives its window by a little and DynamoDB's TTL then deletes it; the key holds the window's
start, so a deletion that comes late changes nothing. A fixed window can let a subject spend its allowance at the
end of one window and again at the start of the next: at most twice the allowance in any span of one window.

Subjects are never stored as they are. An address or an IP becomes an HMAC under a key derived once per instance
from the access-token KMS key, so the table tells nobody who asked, even someone holding a list of addresses to try.

These limits are the second line. The first is at the edge: a rate-based AWS WAF rule on the CloudFront
distribution (README, "Limits at the edge").
"""

import datetime as dt
import hashlib
import hmac
import ipaddress
from dataclasses import dataclass
from typing import Any

from functions.shared import aws, retention
from functions.shared.errors import TooManyRequests
from functions.shared.observability import logger, metrics
from functions.shared.settings import get_settings


@dataclass(frozen=True)
class Limit:
    """At most `allowance` uses per subject in each window of `window_s` seconds."""

    name: str
    allowance: int
    window_s: int


# E-mails the API may send to an address nobody has proved they own (acknowledgements, submission receipts).
UNVERIFIED_EMAILS = Limit("address", allowance=3, window_s=3600)
# Requests that make the API send e-mail, per client. Generous, because many citizens share one public address
# (mobile carriers' NAT, an office, a notary's counter filing for its clients), and it is not what protects one
# address: UNVERIFIED_EMAILS does, whoever asks.
EMAILING_REQUESTS = Limit("client", allowance=30, window_s=600)
# Paper drafts saved per client: each is a row kept 30 days, so a client may not fill the table. As generous as
# EMAILING_REQUESTS for the same reason (many citizens share one address), and counted apart from it.
DRAFT_WRITES = Limit("draft", allowance=30, window_s=600)

# A counter is kept this long after its window: TTL deletes it later anyway, this only keeps clock skew harmless.
_GRACE_S = retention.RATE_LIMIT_GRACE_S
# HMAC message for the pseudonym key; no access-token message starts like it (those start with their purpose).
_PSEUDONYM_KEY_MESSAGE = b"rate-limit-pseudonym-key:v1"
_pseudonym_keys: dict[str, bytes] = {}
# Providers whose mailboxes ignore dots in the local part: one mailbox, however the dots are placed.
_DOTLESS_DOMAINS = {"gmail.com": "gmail.com", "googlemail.com": "gmail.com"}


def mailbox_of(address: str) -> str:
    """Return the mailbox an address reaches, as far as a limit is concerned: "A.B+x@GMail.com" → "ab@gmail.com".

    A sub-address ("+tag") reaches the same mailbox at nearly every provider, so it does not buy a fresh allowance.
    """
    local, _, domain = address.strip().lower().rpartition("@")
    local = local.split("+", 1)[0]
    if domain in _DOTLESS_DOMAINS:
        domain = _DOTLESS_DOMAINS[domain]
        local = local.replace(".", "")
    return f"{local}@{domain}"


def client_of(headers: dict[str, str], source_ip: str | None) -> str:
    """Return the client a request counts against: its viewer's IP (an IPv6 one by its /64), or "unknown".

    Behind CloudFront the request context's source IP is CloudFront's own, shared by every viewer of an edge;
    CloudFront puts the viewer's address in CloudFront-Viewer-Address ("ip:port"). A caller that reaches the API
    without CloudFront can write that header itself, and so choose its client: that weakens only this limit,
    never the per-address one (README, "Limits at the edge").
    """
    viewer = (headers.get("cloudfront-viewer-address") or "").strip()
    for candidate in (viewer.rpartition(":")[0] if ":" in viewer else "", source_ip or ""):
        try:
            ip = ipaddress.ip_address(candidate.strip("[]"))
        except ValueError:
            continue
        # One IPv6 subscriber holds a whole /64: counting each of its addresses apart would be no limit at all.
        return str(ipaddress.ip_network(f"{ip}/64", strict=False)) if ip.version == 6 else str(ip)
    return "unknown"


@dataclass(frozen=True)
class RateLimiter:
    """The counters table and the KMS key that turns subjects into pseudonyms."""

    table: Any
    kms: Any
    key_id: str

    @classmethod
    def from_settings(cls) -> "RateLimiter":
        """Return the limiter on the function's own table and access-token key."""
        settings = get_settings()
        return cls(aws.table(settings.rate_limit_table), aws.client("kms"), settings.access_token_key_id)

    def take(self, limit: Limit, subject: str, now: dt.datetime) -> int:
        """Count one use of `limit` by `subject`; return 0, or (counting nothing) the seconds until it is allowed."""
        from botocore.exceptions import ClientError

        epoch = int(now.timestamp())
        window_start = epoch - epoch % limit.window_s
        window_end = window_start + limit.window_s
        try:
            self.table.update_item(
                Key={"pk": f"{limit.name}#{window_start}#{self._pseudonym(limit, subject)}"},
                UpdateExpression="ADD #uses :one SET #expires = :expires",
                ConditionExpression="attribute_not_exists(#uses) OR #uses < :allowance",
                ExpressionAttributeNames={"#uses": "uses", "#expires": "expires_at_epoch"},
                ExpressionAttributeValues={":one": 1, ":allowance": limit.allowance, ":expires": window_end + _GRACE_S},
            )
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") != "ConditionalCheckFailedException":
                raise
            wait_s = max(1, window_end - epoch)
            logger.warning("rate limit reached", extra={"limit": limit.name, "retry_after_s": wait_s})
            metrics.add_metric(name=f"{limit.name.capitalize()}LimitReached", unit="Count", value=1)
            return wait_s
        return 0

    def take_or_refuse(self, limit: Limit, subject: str, now: dt.datetime, field: str | None = None) -> None:
        """Count one use of `limit` by `subject`.

        :raises TooManyRequests: the window's allowance is spent (429 with Retry-After; `field` names the address).
        """
        wait_s = self.take(limit, subject, now)
        if wait_s:
            raise refusal(limit, wait_s, field)

    def _pseudonym(self, limit: Limit, subject: str) -> str:
        normalised = mailbox_of(subject) if limit.name == UNVERIFIED_EMAILS.name else subject
        digest = hmac.new(self._pseudonym_key(), f"{limit.name}\0{normalised}".encode(), hashlib.sha256)
        return digest.hexdigest()[:32]

    def _pseudonym_key(self) -> bytes:
        """Derive the pseudonym key from KMS once per instance (the same in every instance: no shared secret)."""
        if self.key_id not in _pseudonym_keys:
            _pseudonym_keys[self.key_id] = self.kms.generate_mac(
                KeyId=self.key_id, Message=_PSEUDONYM_KEY_MESSAGE, MacAlgorithm="HMAC_SHA_256"
            )["Mac"]
        return _pseudonym_keys[self.key_id]


def refusal(limit: Limit, wait_s: int, field: str | None = None) -> TooManyRequests:
    """Return the 429 for a spent limit: when to come back, in both languages, and the field it is about."""
    minutes = max(1, -(-wait_s // 60))
    in_minutes = f"{minutes} minute" if minutes == 1 else f"{minutes} minutes"
    if limit.name == UNVERIFIED_EMAILS.name:
        message_id = f"Terlalu banyak e-mail ke alamat ini. Coba lagi dalam {minutes} menit."
        message_en = f"Too many e-mails to this address. Please try again in {in_minutes}."
        code = "too_many_emails"
    else:
        message_id = f"Terlalu banyak permintaan dari jaringan Anda. Coba lagi dalam {minutes} menit."
        message_en = f"Too many requests from your network. Please try again in {in_minutes}."
        code = "throttled"
    details = [{"field": field, "code": code, "message": message_id, "message_en": message_en}] if field else []
    return TooManyRequests(message_id, message_en, code=code, details=details, retry_after_s=wait_s)
