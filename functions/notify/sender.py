"""Deliver one queued notification by e-mail, at most once and never lost without a trace.

How: before calling SES, an attempt *claims* the notification in the sent ledger (NOTIFICATION_LEDGER_TABLE,
one row per `notification_id`) with a conditional write: status SENDING, and a lease that outlives the
invocation. When SES accepts the e-mail, the row becomes SENT. A message that comes again (SQS redelivery,
a producer that enqueued twice, a redrive) and finds SENT sends nothing.

The guarantee — for one `notification_id`, while its ledger row lives (30 days; the dead-letter queue keeps a
message 14, so a redriven message always finds its row):

- **never two e-mails**, whatever crashes, times out or is delivered twice;
- **never lost silently**: the notification ends SENT (metric EmailsSent), REJECTED (SES refused this very
  message for good — an invalid address, refused content — metric EmailsRejected; retrying cannot help, so the
  message is acknowledged and the row keeps the SES error code), or in the **dead-letter queue** (alarm), after
  5 receives, with its row telling why: FAILED (throttling, an SES outage, the network, or a problem of the
  account rather than the message: sender identity not verified, sending paused, account suspended — fix it,
  then `make redrive`), POISON (the message is unreadable, e.g. an event this version does not know yet), or
  IN_DOUBT (below).

The crash windows, in order:

1. Before the claim: nothing happened; the redelivery sends.
2. SES answered with an error: it did not accept the e-mail. The claim is released (FAILED, may be tried again)
   or closed (REJECTED). A connection that never opened counts as not sent as well.
3. Between the claim and the SENT mark — the process dies, the SES call times out after the request left, or
   the ledger write fails after SES accepted: nobody can tell whether the e-mail left, and SES has no
   idempotency key to ask. Resending could send it twice, so it is **never resent automatically**. The
   redelivery finds the claim: while the lease runs (the claimant may still be working) it is retried later;
   after that the row is marked IN_DOUBT and every receive fails until the message rests in the dead-letter
   queue, where an operator decides (docs/notifications.md). The window is milliseconds wide, and no send
   starts with less time left than the SES call may take, so a Lambda timeout cannot cut it in half.
4. After the SENT mark, before SQS deletes the message: the redelivery finds SENT and sends nothing.

So a crash after sending but before the message is acknowledged never produces a second e-mail. For the same
reason the SES client must not retry by itself (app.py turns botocore's retries off): botocore retries a read
timeout by sending the same request again, which is exactly window 3 without the ledger knowing.

Nothing here logs or raises with an address or a fact in it: only the notification id, the event and SES's
error code (SES's own error text can name addresses, so it is stored with them blanked out). A link that needs
the holder's access token gets it here, derived with KMS from the id just before rendering: the token exists
only in this invocation's memory and in the e-mail, never in the message, the ledger or a log.
"""

import json
import re
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from botocore.exceptions import ClientError, ConnectTimeoutError, EndpointConnectionError, ParamValidationError
from pydantic import ValidationError

from functions.notify.emails import link_subject, render_email, to_mime
from functions.shared import retention
from functions.shared.access_tokens import derive_access_token
from functions.shared.notifications import Notification
from functions.shared.observability import logger, metrics

LEDGER_DAYS = retention.NOTIFICATION_LEDGER.keep.days
# SES's connect and read timeouts (app.py) plus the ledger writes around the call: a send does not start with less
# time left, so the function's own timeout cannot stop it between SES accepting and the ledger recording.
MIN_TIME_TO_SEND_S = 16.0
# A claim is honoured this much longer than the invocation that made it could possibly run.
LEASE_MARGIN_S = 10.0

_NOTIFICATION_ID = re.compile(r"^[A-Za-z0-9._:#-]{8,200}$")
_ADDRESS = re.compile(r"[^\s<>()\[\],;:'\"]+@[^\s<>()\[\],;:'\"]+")
# SES refuses these for the message itself (its address or content), so sending it again cannot succeed.
_REFUSED_MESSAGE = {"MessageRejected"}
_REFUSED_ADDRESS = {"BadRequestException", "InvalidParameterValue"}


class LedgerStatus(StrEnum):
    """Where a notification stands in the sent ledger."""

    SENDING = "SENDING"  # claimed by an attempt that may be calling SES right now
    SENT = "SENT"  # SES accepted the e-mail: never again
    FAILED = "FAILED"  # SES did not accept it: a later delivery may try again
    REJECTED = "REJECTED"  # SES refused this message for good: never again
    POISON = "POISON"  # the queued message cannot be read: it waits in the dead-letter queue
    IN_DOUBT = "IN_DOUBT"  # an attempt may or may not have reached SES: only an operator resends it


class Outcome(StrEnum):
    """What delivering a message came to, when it did not have to be retried."""

    SENT = "SENT"
    ALREADY_SETTLED = "ALREADY_SETTLED"  # sent or refused before: nothing to do
    REJECTED = "REJECTED"


class Undelivered(Exception):
    """Not sent this time: the message stays on the queue, is retried, and after 5 receives is dead-lettered.

    Its text names the notification and the reason, never an address or a fact, because it reaches the logs.
    """


class PoisonMessage(Undelivered):
    """The queued message is not a notification this version can read."""


class InDoubt(Undelivered):
    """An attempt may have sent the e-mail already; it is not sent again without an operator."""


@dataclass(frozen=True)
class Outbox:
    """What delivering needs: SES v2, the ledger, the sending identity, the site's address, KMS for link tokens."""

    ses: Any
    ledger: Any
    sender_email: str
    configuration_set: str
    site_url: str
    kms: Any
    access_token_key_id: str
    clock: Callable[[], float] = time.time


def deliver(body: str, message_id: str, outbox: Outbox, time_left_s: float) -> Outcome:
    """Send the e-mail a queued notification asks for, unless the ledger says it was settled before.

    :raises Undelivered: not sent this time (retried later), or to be left to an operator (poison, in doubt).
    """
    notification = read_notification(body, message_id, outbox)
    logger.append_keys(notification_id=notification.notification_id, event=notification.event.value)
    try:
        return _deliver(notification, outbox, time_left_s)
    finally:
        logger.remove_keys(["notification_id", "event"])


def read_notification(body: str, message_id: str, outbox: Outbox) -> Notification:
    """Parse a queued message; record one that cannot be read as POISON and refuse it.

    :raises PoisonMessage: the body is not JSON, or not a Notification (unknown event, missing fact, a NIK…).
    """
    try:
        return Notification.model_validate_json(body)
    except ValidationError as error:
        # Where and what kind of error, never the input: that could be an address or a fact.
        problems = "; ".join(
            f"{'.'.join(str(part) for part in e['loc']) or 'message'}: {e['type']}"
            for e in error.errors(include_url=False, include_context=False, include_input=False)
        )
    key = _claimed_id(body) or f"sqs-message:{message_id}"
    now = outbox.clock()
    try:
        outbox.ledger.update_item(
            Key={"notification_id": key},
            UpdateExpression="SET #status = :poison, #reason = :reason, #message = :message, #updated = :now,"
            " #expires = :expires ADD #attempts :one",
            ConditionExpression="attribute_not_exists(notification_id) OR #status = :poison",
            ExpressionAttributeNames=_names("status", "reason", "message", "updated", "expires", "attempts"),
            ExpressionAttributeValues={
                ":poison": LedgerStatus.POISON.value,
                ":reason": problems[:500],
                ":message": message_id,
                ":now": _iso(now),
                ":expires": _expires(now),
                ":one": 1,
            },
        )
    except ClientError as error:
        if _code(error) != "ConditionalCheckFailedException":
            raise
        # The id belongs to a notification with a history of its own: leave that row as it is.
    logger.error("unreadable notification kept for an operator", extra={"ledger_key": key, "reason": problems})
    raise PoisonMessage(f"{key}: not a readable notification ({problems})")


def _claimed_id(body: str) -> str | None:
    """The notification id an unreadable message claims to have, if it looks like one."""
    try:
        candidate = json.loads(body).get("notification_id")
    except (ValueError, AttributeError):
        return None
    return candidate if isinstance(candidate, str) and _NOTIFICATION_ID.match(candidate) else None


def _deliver(notification: Notification, outbox: Outbox, time_left_s: float) -> Outcome:
    nid = notification.notification_id
    # Rendered before anything is claimed: a broken template, or KMS unavailable, leaves no claim behind.
    email = render_email(notification, outbox.site_url, _access_token(notification, outbox))
    raw = to_mime(email, sender=outbox.sender_email, to=str(notification.to), notification=notification)
    if time_left_s < MIN_TIME_TO_SEND_S:
        raise Undelivered(f"{nid}: only {time_left_s:.0f} s left in this invocation, too little to send safely")

    claim_id = uuid.uuid4().hex
    now = outbox.clock()
    if not _claim(notification, outbox, claim_id, now, lease_until=now + time_left_s + LEASE_MARGIN_S):
        return Outcome.ALREADY_SETTLED

    try:
        response = outbox.ses.send_email(**_send_request(notification, raw, outbox))
    except ClientError as error:
        return _refused(nid, outbox, claim_id, error)
    except (EndpointConnectionError, ConnectTimeoutError, ParamValidationError) as error:
        # The request never reached SES, so it cannot have been sent.
        _settle(outbox, nid, claim_id, LedgerStatus.FAILED, type(error).__name__)
        logger.warning("SES not reached; will be retried", extra={"reason": type(error).__name__})
        raise Undelivered(f"{nid}: SES not reached ({type(error).__name__})") from None
    except Exception as error:
        # A read timeout, a dropped connection, a crash: the request may have reached SES and been accepted.
        reason = f"SES call ended without an answer ({type(error).__name__})"
        _settle(outbox, nid, claim_id, LedgerStatus.IN_DOUBT, reason)
        metrics.add_metric(name="EmailsInDoubt", unit=MetricUnit.Count, value=1)
        logger.error("e-mail may or may not have been sent; left to an operator", extra={"reason": reason})
        raise InDoubt(f"{nid}: {reason}; not resent automatically") from None

    ses_message_id = response.get("MessageId", "")
    try:
        _record_sent(outbox, nid, ses_message_id)
    except Exception as error:
        # SES accepted it: whatever the ledger says later, it must not be sent again (it will surface as IN_DOUBT).
        logger.error(
            "e-mail sent but the ledger could not record it",
            extra={"ses_message_id": ses_message_id, "reason": type(error).__name__},
        )
        raise InDoubt(f"{nid}: sent (SES {ses_message_id}) but not recorded") from None
    metrics.add_metric(name="EmailsSent", unit=MetricUnit.Count, value=1)
    logger.info("e-mail sent", extra={"ses_message_id": ses_message_id})
    return Outcome.SENT


def _claim(notification: Notification, outbox: Outbox, claim_id: str, now: float, lease_until: float) -> bool:
    """Take the notification for this attempt; False when it was settled before (sent or refused for good).

    :raises Undelivered: another attempt holds it (retry later), or it is in doubt (an operator decides).
    """
    nid = notification.notification_id
    try:
        outbox.ledger.update_item(
            Key={"notification_id": nid},
            UpdateExpression="SET #status = :sending, #claim = :claim, #lease = :lease, #event = :event,"
            " #updated = :now, #expires = :expires ADD #attempts :one",
            # Only a notification never seen, or one whose last attempt surely did not send, may be sent now.
            ConditionExpression="attribute_not_exists(notification_id) OR #status IN (:failed, :poison)",
            ExpressionAttributeNames=_names("status", "claim", "lease", "event", "updated", "expires", "attempts"),
            ExpressionAttributeValues={
                ":sending": LedgerStatus.SENDING.value,
                ":failed": LedgerStatus.FAILED.value,
                ":poison": LedgerStatus.POISON.value,
                ":claim": claim_id,
                ":lease": int(lease_until) + 1,
                ":event": notification.event.value,
                ":now": _iso(now),
                ":expires": _expires(now),
                ":one": 1,
            },
        )
        return True
    except ClientError as error:
        if _code(error) != "ConditionalCheckFailedException":
            raise

    row = outbox.ledger.get_item(Key={"notification_id": nid}, ConsistentRead=True).get("Item")
    if row is None:  # expired between the two calls: the next delivery claims it afresh
        raise Undelivered(f"{nid}: ledger row changed while claiming; try again")
    status = row.get("status")
    if status in (LedgerStatus.SENT, LedgerStatus.REJECTED):
        logger.info("already settled; nothing to send", extra={"ledger_status": status})
        return False
    if status == LedgerStatus.SENDING and float(row.get("lease_until", 0)) > now:
        logger.warning("another attempt holds this notification; will be retried")
        raise Undelivered(f"{nid}: another attempt holds it until its lease ends")
    if status == LedgerStatus.SENDING:
        reason = f"the attempt that claimed it at {row.get('updated_at', '?')} never finished"
        _settle(outbox, nid, str(row.get("claim_id", "")), LedgerStatus.IN_DOUBT, reason)
        metrics.add_metric(name="EmailsInDoubt", unit=MetricUnit.Count, value=1)
    logger.error("e-mail may or may not have been sent; left to an operator", extra={"ledger_status": status})
    raise InDoubt(f"{nid}: may have been sent already; not resent automatically")


def _send_request(notification: Notification, raw: bytes, outbox: Outbox) -> dict[str, Any]:
    request: dict[str, Any] = {
        "FromEmailAddress": outbox.sender_email,
        "Destination": {"ToAddresses": [str(notification.to)]},
        "Content": {"Raw": {"Data": raw}},
        # SES tag values allow letters, digits, "_" and "-" only; the event is a dimension for sending metrics.
        "EmailTags": [{"Name": "event", "Value": re.sub(r"[^A-Za-z0-9_-]", "_", notification.event.value)}],
    }
    if outbox.configuration_set:
        request["ConfigurationSetName"] = outbox.configuration_set
    return request


def _refused(nid: str, outbox: Outbox, claim_id: str, error: ClientError) -> Outcome:
    """SES answered with an error, so it did not accept the e-mail: close it for good or release it for a retry.

    :raises Undelivered: the refusal may pass (throttling, an outage) or is the account's to fix.
    """
    code = _code(error)
    message = str(error.response.get("Error", {}).get("Message", ""))
    reason = f"{code}: {_ADDRESS.sub('<address>', message)}"[:500]
    if refused_for_good(code, message, outbox.sender_email):
        _settle(outbox, nid, claim_id, LedgerStatus.REJECTED, reason)
        metrics.add_metric(name="EmailsRejected", unit=MetricUnit.Count, value=1)
        logger.warning("SES refused the e-mail for good; it will not be retried", extra={"reason": code})
        return Outcome.REJECTED
    _settle(outbox, nid, claim_id, LedgerStatus.FAILED, reason)
    logger.warning("SES did not accept the e-mail; it will be retried", extra={"reason": code})
    raise Undelivered(f"{nid}: SES {code}") from None


def _access_token(notification: Notification, outbox: Outbox) -> str | None:
    """Derive the access token the notification's link carries (None when it needs none).

    :raises Undelivered: KMS did not answer; the message is retried like any other failure before sending.
    """
    subject = link_subject(notification)
    if subject is None or notification.link_access is None:
        return None
    try:
        return derive_access_token(subject, outbox.kms, outbox.access_token_key_id, purpose=notification.link_access)
    except Exception as error:
        logger.warning(
            "the link's access token could not be derived; will be retried", extra={"reason": type(error).__name__}
        )
        raise Undelivered(
            f"{notification.notification_id}: access token not derived ({type(error).__name__})"
        ) from None


def refused_for_good(code: str, message: str, sender_email: str) -> bool:
    """Tell whether an SES error is about this message itself (drop it) rather than passing or the account's.

    Throttling, 5xx and unknown codes may pass; a suspended or paused account, a missing configuration set or an
    unverified sender affect every e-mail, and must not make every e-mail vanish: those wait in the dead-letter
    queue until the operator has fixed the account and redriven them.
    """
    text = message.lower()
    if sender_email and sender_email.lower() in text:
        return False  # SES names our own sending identity: the account's problem, not this message's
    if code in _REFUSED_MESSAGE:
        return True
    # A malformed request is our bug unless what SES complains about is the recipient's address.
    return code in _REFUSED_ADDRESS and ("address" in text or "domain" in text)


def _record_sent(outbox: Outbox, nid: str, ses_message_id: str) -> None:
    """Mark SENT without condition: SES accepted the e-mail, which is true whatever the row said."""
    now = outbox.clock()
    outbox.ledger.update_item(
        Key={"notification_id": nid},
        UpdateExpression="SET #status = :sent, #ses = :ses, #sent = :now, #updated = :now, #expires = :expires"
        " REMOVE #claim, #lease, #reason",
        ExpressionAttributeNames=_names("status", "ses", "sent", "updated", "expires", "claim", "lease", "reason"),
        ExpressionAttributeValues={
            ":sent": LedgerStatus.SENT.value,
            ":ses": ses_message_id,
            ":now": _iso(now),
            ":expires": _expires(now),
        },
    )


def _settle(outbox: Outbox, nid: str, claim_id: str, status: LedgerStatus, reason: str) -> None:
    """End a claim with a status and a reason, if the claim is still the one this attempt holds."""
    now = outbox.clock()
    try:
        outbox.ledger.update_item(
            Key={"notification_id": nid},
            UpdateExpression="SET #status = :status, #reason = :reason, #updated = :now, #expires = :expires"
            " REMOVE #claim, #lease",
            ConditionExpression="#claim = :claim",
            ExpressionAttributeNames=_names("status", "reason", "updated", "expires", "claim", "lease"),
            ExpressionAttributeValues={
                ":status": status.value,
                ":reason": reason[:500],
                ":now": _iso(now),
                ":expires": _expires(now),
                ":claim": claim_id,
            },
        )
    except ClientError as error:
        if _code(error) != "ConditionalCheckFailedException":
            raise
        logger.warning("the claim changed hands before it could be settled", extra={"ledger_status": status.value})


# The ledger's attribute names; every one goes through ExpressionAttributeNames (several are reserved words).
_ATTRIBUTES = {
    "status": "status",
    "reason": "reason",
    "message": "sqs_message_id",
    "updated": "updated_at",
    "expires": "expires_at_epoch",
    "attempts": "attempts",
    "claim": "claim_id",
    "lease": "lease_until",
    "event": "event",
    "ses": "ses_message_id",
    "sent": "sent_at",
}


def _names(*keys: str) -> dict[str, str]:
    return {f"#{key}": _ATTRIBUTES[key] for key in keys}


def _code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", "Unknown"))


def _iso(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).isoformat(timespec="seconds")


def _expires(epoch: float) -> int:
    return retention.ledger_expires_at(epoch)
