"""E-mail consultations: a citizen's question, stored for an officer and acknowledged by e-mail.

The acknowledgement is committed with the question (notification outbox), then queued. Anyone can name any
address, so the acknowledgement carries only the office's facts (the number, the topic from the catalogue, what
happens next), never the name or the question; and an address gets at most a few in an hour, a client at most a
few dozen: past either limit the question is refused with 429 before anything is stored.
"""

import datetime as dt
from typing import Any, Protocol

from functions.shared import aws, person_index, retention
from functions.shared.access_tokens import TokenPurpose, derive_access_token, hash_access_token, token_matches
from functions.shared.applications import new_tracking_number, timestamp
from functions.shared.catalogue import get_service, load_service
from functions.shared.dynamo import from_item
from functions.shared.errors import Conflict, NotFound
from functions.shared.notifications import Notification, NotificationEvent, dispatch, outbox_put
from functions.shared.observability import after_commit, logger, metrics
from functions.shared.paging import decode_cursor, encode_cursor
from functions.shared.rate_limits import EMAILING_REQUESTS, UNVERIFIED_EMAILS, RateLimiter
from functions.shared.transactions import TransactionCancelled, transact


class Question(Protocol):
    """A citizen's question as the API checked it (the submit function's ``ConsultationRequest``)."""

    name: str
    email: Any  # an address, already checked; stored as its text
    service_id: str | None
    question: str
    locale: str


# The topic of a question that names no service.
GENERAL_TOPIC = {"name_id": "Pertanyaan umum", "name_en": "General question"}

OPEN = "OPEN"
ANSWERED = "ANSWERED"
PREFIX = "KS"  # konsultasi
_ID_ATTEMPTS = 5
_INDEX_KEYS = {"id", "status", "created_at"}


def open_consultation(
    table: Any,
    catalogue: Any,
    sqs: Any,
    queue_url: str,
    request: Question,
    *,
    now: dt.datetime,
    limiter: RateLimiter,
    client: str,
) -> str:
    """Store a question (status OPEN) with its acknowledgement in the outbox, queue that, and return its number.

    :raises Unprocessable: the service named does not exist.
    :raises TooManyRequests: the client, or the address, has had its share of e-mail for now; nothing is stored.
    """
    service = load_service(catalogue, request.service_id) if request.service_id else GENERAL_TOPIC
    limiter.take_or_refuse(EMAILING_REQUESTS, client, now)
    limiter.take_or_refuse(UNVERIFIED_EMAILS, str(request.email), now, field="email")

    # The plain client: the Table's own client would re-serialize these already typed items.
    db = aws.client("dynamodb")
    for _ in range(_ID_ATTEMPTS):
        consultation_id = new_tracking_number(now, PREFIX)
        item = {
            "id": consultation_id,
            "name": request.name,
            "email": str(request.email),
            "question": request.question,
            "locale": request.locale,
            "status": OPEN,
            "created_at": timestamp(now),
        }
        if request.service_id:
            item["service_id"] = request.service_id
        acknowledgement = _acknowledgement(item, service)
        put = {
            "Put": {
                "TableName": table.name,
                "Item": {
                    **{k: {"S": v} for k, v in item.items()},
                    # The limiter's key is the access-token key: the index key derives from it (person_index.py).
                    "email_hmac": {
                        "S": person_index.email_hmac(person_index.index_key(limiter.kms, limiter.key_id), item["email"])
                    },
                    "expires_at_epoch": {"N": str(retention.consultation_expires_at(now))},
                },
                "ConditionExpression": "attribute_not_exists(id)",
            }
        }
        outbox = [outbox_put(acknowledgement, now=now)] if acknowledgement else []
        try:
            transact(db, [put, *outbox])
        except TransactionCancelled as cancelled:
            if 0 in cancelled.failed:
                continue  # the number is taken: draw another
            raise
        break
    else:
        raise RuntimeError("no free consultation number after several draws")
    # Stored: nothing below may turn that into an error.
    with after_commit("record the question"):
        logger.info("consultation received", extra={"consultation_id": consultation_id})
    if acknowledgement:
        with after_commit("queue the acknowledgement"):
            dispatch([acknowledgement], sqs, queue_url, db)
    return consultation_id


def _acknowledgement(item: dict[str, Any], service: dict[str, Any]) -> Notification | None:
    """Return the acknowledgement e-mail, or None (logged) if it cannot be built: the question is stored anyway."""
    notification_id = f"{NotificationEvent.CONSULTATION_RECEIVED}:{item['id']}"
    try:
        return Notification(
            notification_id=notification_id,
            event=NotificationEvent.CONSULTATION_RECEIVED,
            to=item["email"],
            locale=item["locale"],
            # The office's facts only: whoever typed the request may not own the address (see the module's doc).
            facts={
                "consultation_id": item["id"],
                "service_name_id": service["name_id"],
                "service_name_en": service["name_en"],
            },
            # The link opens the question's own page, where the answer appears (token derived when sent).
            link_access=TokenPurpose.CONSULTATION,
        )
    except Exception as error:
        logger.error(
            "notification not queued",
            extra={"notification_id": notification_id, "error_type": type(error).__name__},
        )
        metrics.add_metric(name="NotificationsNotQueued", unit="Count", value=1)
        return None


def list_consultations(table: Any, status: str, cursor: str | None, limit: int) -> dict[str, Any]:
    """Return consultations in one status, oldest first, a page at a time."""
    from boto3.dynamodb.conditions import Key

    kwargs: dict[str, Any] = {
        "IndexName": "ByStatus",
        "KeyConditionExpression": Key("status").eq(status),
        "ScanIndexForward": True,
        "Limit": limit,
    }
    start = decode_cursor(cursor, _INDEX_KEYS, {"status": status})
    if start:
        kwargs["ExclusiveStartKey"] = start
    page = table.query(**kwargs)
    return {
        "consultations": [from_item(i) for i in page.get("Items", [])],
        "next_cursor": encode_cursor(page.get("LastEvaluatedKey")),
    }


def _topic(catalogue: Any, item: dict[str, Any]) -> dict[str, Any]:
    service = get_service(catalogue, item["service_id"]) if item.get("service_id") else None
    return service or GENERAL_TOPIC


def answer_consultation(
    table: Any,
    catalogue: Any,
    sqs: Any,
    queue_url: str,
    consultation_id: str,
    answer: str,
    *,
    officer: str,
    now: dt.datetime,
) -> dict[str, Any]:
    """Store an officer's answer (OPEN → ANSWERED) with its e-mail in the outbox, queue that; return the item.

    The asker's question is quoted back in the e-mail as user text (escaped and defanged by the notify function).

    :raises NotFound: no such consultation.
    :raises Conflict: ``already_answered`` (another officer answered first).
    """

    item = table.get_item(Key={"id": consultation_id}, ConsistentRead=True).get("Item")
    if item is None:
        raise NotFound("Konsultasi tidak ditemukan.", "No consultation has that number.")
    if item["status"] != OPEN:
        raise _already_answered()
    topic = _topic(catalogue, item)
    notification = Notification(
        notification_id=f"{NotificationEvent.CONSULTATION_ANSWERED}:{consultation_id}",
        event=NotificationEvent.CONSULTATION_ANSWERED,
        to=item["email"],
        locale=item.get("locale", "id"),
        facts={
            "consultation_id": consultation_id,
            "service_name_id": topic["name_id"],
            "service_name_en": topic["name_en"],
            "question": item["question"],
            "answer": answer,
        },
        link_access=TokenPurpose.CONSULTATION,
    )
    at = timestamp(now)
    update = {
        "Update": {
            "TableName": table.name,
            "Key": {"id": {"S": consultation_id}},
            "UpdateExpression": "SET #status = :answered, answer = :answer, answered_by = :by, answered_at = :at,"
            " expires_at_epoch = :expires",
            # Two officers answering at once: the first wins, the second is told, and one e-mail goes.
            "ConditionExpression": "#status = :open",
            "ExpressionAttributeNames": {"#status": "status"},
            "ExpressionAttributeValues": {
                ":answered": {"S": ANSWERED},
                ":open": {"S": OPEN},
                ":answer": {"S": answer},
                ":by": {"S": officer},
                ":at": {"S": at},
                ":expires": {"N": str(retention.consultation_expires_at(now))},
            },
        }
    }
    db = aws.client("dynamodb")
    try:
        transact(db, [update, outbox_put(notification, now=now)])
    except TransactionCancelled as cancelled:
        if 0 in cancelled.failed:
            raise _already_answered() from None
        raise
    logger.info("consultation answered", extra={"consultation_id": consultation_id})
    dispatch([notification], sqs, queue_url, db)
    return {**item, "status": ANSWERED, "answer": answer, "answered_by": officer, "answered_at": at}


def _already_answered() -> Conflict:
    return Conflict(
        "Konsultasi ini sudah dijawab.", "This consultation has already been answered.", code="already_answered"
    )


def read_consultation(table: Any, kms: Any, key_id: str, consultation_id: str, token: str | None) -> dict[str, Any]:
    """Return the asker's own view of a consultation: the question, and the answer once there is one.

    The token is derived from the number (as the e-mail's link was), so none is stored anywhere.

    :raises NotFound: no such consultation, or the token is not its own (the same answer for both).
    """
    item = table.get_item(Key={"id": consultation_id}).get("Item")
    expected = derive_access_token(consultation_id, kms, key_id, purpose=TokenPurpose.CONSULTATION) if item else None
    if not token_matches(token, hash_access_token(expected) if expected else None):
        raise NotFound("Konsultasi tidak ditemukan.", "No consultation has that number.")
    return {
        "id": item["id"],
        "service_id": item.get("service_id"),
        "question": item["question"],
        "status": item["status"],
        "created_at": item["created_at"],
        "answer": item.get("answer"),
        "answered_at": item.get("answered_at"),
    }
