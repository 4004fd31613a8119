"""Erasing one person's personal data on request (UU 27/2022 art. 8 and 16), and the end of an expired application.

The person is named by their NIK, which is only ever turned into its HMAC (functions/shared/person_index.py):
the applications and bookings carrying that HMAC are found by Query on their ``ByNik`` indexes, and the
consultations (which carry no NIK) by the ``ByEmail`` index, for every address the person used on those
applications and bookings and any the request names. Never a Scan.

What an erasure does to each item:

- an **application** keeps its facts (service, channel, status, its whole history: who moved it, when, why; its
  public counters are not touched) and loses the person: the applicant becomes a tombstone, the form values,
  the documents' names and hashes, the survey's notes, the NIK HMAC and the access token's hash go; its uploads
  are deleted from S3, with their upload records;
- its **issued document** is revoked with reason ``erased`` (when still valid: the status list says so too),
  loses the holder's name and the signed token that carries it, and every version of its PDF is deleted;
- a **booking** keeps the visit's facts (site, counter, day, time, status) and loses every other field, whatever
  fields it carries (check-in data included): an active one is cancelled and its place given back, its guard
  and waitlist entry deleted, in one transaction;
- a **consultation** keeps its number, topic, dates and who answered, and loses name, address, question, answer.

The erasure itself is recorded in the erasures table: who asked, when, why, and how many items of each kind —
no NIK, no HMAC, no number that leads back to the person. An item already erased no longer carries the HMAC, so
a second erasure of the same person finds nothing and changes nothing (it is recorded, with zero counts).

The same module ends an application whose retention is over (`expire_application`): DynamoDB's TTL deletes the
item, the table's stream hands the old image to the issue function, and its files are deleted here.
"""

import datetime as dt
import secrets
from dataclasses import dataclass, field
from typing import Any

from functions.shared import aws, bookings, person_index
from functions.shared.applications import ApplicationRecord, get_application, timestamp
from functions.shared.documents import DocumentRecord, document_number, get_document, revoke_items
from functions.shared.dynamo import from_item, query_all
from functions.shared.settings import get_settings
from functions.shared.transactions import TransactionCancelled, attr, transact

ERASED_REASON = "erased"
# What stands where a person's name, address or text was: says what happened, in both languages.
TOMBSTONE = "[dihapus / erased]"

# A booking's facts that are not about the person: everything else on the item is removed, whatever it is.
BOOKING_FACTS = frozenset(
    {
        "pk",
        "sk",
        "id",
        "site_id",
        "site_name",
        "counter_id",
        "date",
        "start",
        "end",
        "windows",
        "gsi1pk",
        "gsi1sk",
        "status",
        "ticket_code",
        "locale",
        "version",
        "created_at",
        "updated_at",
        "expires_at_epoch",
        "erased",
    }
)
# A consultation's facts that are not about the person (the answering officer is the office's own record).
CONSULTATION_FACTS = frozenset(
    {"id", "service_id", "status", "locale", "created_at", "answered_by", "answered_at", "expires_at_epoch", "erased"}
)
# An open question nobody can answer any more leaves the officers' queue.
CONSULTATION_ERASED_STATUS = "ERASED"
_ACTIVE_BOOKING = ("BOOKED", "WAITLISTED")


@dataclass(frozen=True)
class Stores:
    """The tables, buckets and key an erasure reads and changes."""

    db: Any
    applications: Any
    bookings: Any
    consultations: Any
    documents: Any
    uploads: Any
    erasures: Any
    drafts: Any
    s3: Any
    uploads_bucket: str
    documents_bucket: str
    kms: Any
    access_token_key_id: str

    @classmethod
    def from_settings(cls) -> "Stores":
        """Return the function's own tables, buckets and clients."""
        settings = get_settings()
        return cls(
            db=aws.client("dynamodb"),
            applications=aws.table(settings.applications_table),
            bookings=aws.table(settings.bookings_table),
            consultations=aws.table(settings.consultations_table),
            documents=aws.table(settings.documents_table),
            uploads=aws.table(settings.uploads_table),
            erasures=aws.table(settings.erasures_table),
            drafts=aws.table(settings.drafts_table),
            s3=aws.client("s3"),
            uploads_bucket=settings.uploads_bucket,
            documents_bucket=settings.documents_bucket,
            kms=aws.client("kms"),
            access_token_key_id=settings.access_token_key_id,
        )


@dataclass
class Counts:
    """How many items of each kind an erasure changed."""

    applications: int = 0
    uploads_deleted: int = 0
    documents_revoked: int = 0
    documents_erased: int = 0
    document_files_deleted: int = 0
    bookings: int = 0
    bookings_cancelled: int = 0
    consultations: int = 0
    drafts: int = 0


@dataclass
class Erasure:
    """What an erasure did: the record (no personal data) and, for the caller only, the items it changed."""

    erasure_id: str
    at: str
    by: str
    reason: str
    counts: Counts
    application_ids: list[str] = field(default_factory=list)
    booking_ids: list[str] = field(default_factory=list)
    consultation_ids: list[str] = field(default_factory=list)

    def answer(self) -> dict[str, Any]:
        """Return what the officer is told."""
        return {
            "erasure_id": self.erasure_id,
            "at": self.at,
            "reason": self.reason,
            "counts": vars(self.counts),
            "application_ids": self.application_ids,
            "booking_ids": self.booking_ids,
            "consultation_ids": self.consultation_ids,
        }


def new_erasure_id(now: dt.datetime) -> str:
    """Return a fresh erasure id: the Jakarta time it was made and eight random hex digits."""
    return f"ER-{now.strftime('%Y%m%dT%H%M%S')}-{secrets.token_hex(4)}"


def erase_person(
    stores: Stores, nik: str, reason: str, *, by: str, now: dt.datetime, emails: tuple[str, ...] = ()
) -> Erasure:
    """Erase the personal data of the person with this NIK from every table and bucket; record and return what was done.

    `emails` adds addresses whose consultations go too (those on the person's applications and bookings always do).
    """
    key = person_index.index_key(stores.kms, stores.access_token_key_id)
    nik_index = person_index.nik_hmac(key, nik)
    erasure = Erasure(new_erasure_id(now), timestamp(now), by, reason, Counts())
    mark = {"at": erasure.at, "erasure_id": erasure.erasure_id}
    addresses = {address for address in emails if address}

    for application_id in _ids(stores.applications, person_index.NIK_INDEX, "nik_hmac", nik_index, "id"):
        record = get_application(stores.applications, application_id)
        if record is None or record.erased:
            continue
        addresses.add(record.applicant.email)
        _erase_application(stores, record, mark, by, erasure.counts)
        erasure.application_ids.append(application_id)

    for booking_key in _keys(stores.bookings, person_index.NIK_INDEX, "nik_hmac", nik_index):
        booking = from_item(stores.bookings.get_item(Key=booking_key, ConsistentRead=True).get("Item") or {})
        if not booking or booking.get("erased"):
            continue
        if booking.get("email"):
            addresses.add(str(booking["email"]))
        _erase_booking(stores, booking, mark, erasure.counts)
        erasure.booking_ids.append(str(booking["id"]))

    # A paper application's draft is the form as typed: nothing in it is kept once its person is erased.
    for draft_key in _keys(stores.drafts, person_index.NIK_INDEX, "nik_hmac", nik_index):
        stores.drafts.delete_item(Key=draft_key)
        erasure.counts.drafts += 1

    for address in sorted(addresses):
        index = person_index.email_hmac(key, address)
        for consultation_id in _ids(stores.consultations, person_index.EMAIL_INDEX, "email_hmac", index, "id"):
            if _erase_consultation(stores, consultation_id, mark):
                erasure.counts.consultations += 1
                erasure.consultation_ids.append(consultation_id)

    stores.erasures.put_item(
        Item={
            "erasure_id": erasure.erasure_id,
            "at": erasure.at,
            "by": by,
            "reason": reason,
            "counts": vars(erasure.counts),
        }
    )
    return erasure


def _keys(table: Any, index: str, attribute: str, value: str) -> list[dict[str, Any]]:
    """Return the table keys of the items an index holds under one value (KEYS_ONLY projections)."""
    from boto3.dynamodb.conditions import Key

    found = query_all(table, IndexName=index, KeyConditionExpression=Key(attribute).eq(value))
    return [{k: v for k, v in item.items() if k != attribute} for item in found]


def _ids(table: Any, index: str, attribute: str, value: str, id_name: str) -> list[str]:
    return sorted({str(key[id_name]) for key in _keys(table, index, attribute, value)})


# ---------------------------------------------------------------------------------------------------------------
# Applications, their uploads and documents
# ---------------------------------------------------------------------------------------------------------------
def _erase_application(
    stores: Stores, record: ApplicationRecord, mark: dict[str, str], by: str, counts: Counts
) -> None:
    """Delete an application's files, erase its document, and replace the person on the item with a tombstone."""
    stored = [*record.documents, *record.superseded_documents]
    counts.uploads_deleted += delete_objects(stores.s3, stores.uploads_bucket, [d.key for d in stored])
    for document in stored:
        stores.uploads.delete_item(Key={"upload_id": document.upload_id})
    found = get_document(stores.documents, document_number(record.id))
    if found is not None:
        _erase_document(stores, found, by, mark["at"], counts)

    survey = {k: v for k, v in (record.survey or {}).items() if k != "notes"} or None
    stores.applications.update_item(
        Key={"id": record.id},
        UpdateExpression=(
            "SET applicant = :applicant, #fields = :empty, documents = :documents, superseded_documents = :superseded,"
            " survey = :survey, erased = :mark, version = version + :one"
            " REMOVE nik_hmac, access_token_hash, pending_issue_job"
        ),
        # Only the item as read: a decision made meanwhile is kept, and the erasure is asked again.
        ConditionExpression="version = :version",
        ExpressionAttributeNames={"#fields": "fields"},
        ExpressionAttributeValues={
            ":applicant": {"nik": "", "name": TOMBSTONE, "email": "", "phone": ""},
            ":empty": {},
            ":documents": [_document_facts(d.model_dump(mode="json")) for d in record.documents],
            ":superseded": [_document_facts(d.model_dump(mode="json")) for d in record.superseded_documents],
            ":survey": survey,
            ":mark": mark,
            ":one": 1,
            ":version": record.version,
        },
    )
    counts.applications += 1


def _document_facts(document: dict[str, Any]) -> dict[str, Any]:
    """Return what the record keeps of an erased document: which requirement it met, its type and size.

    The key (an upload id, no name) stays so the item still reads as an application; the object is gone. The
    file's name and its hash (which would tell a copy of the file) are not kept.
    """
    kept = ("requirement_id", "upload_id", "key", "content_type", "size", "attached_at")
    return {**{k: document[k] for k in kept}, "sha256": ""}


def _erase_document(stores: Stores, document: DocumentRecord, by: str, at: str, counts: Counts) -> None:
    """Revoke a valid document with reason ``erased``, drop the holder's name and token, delete every PDF version."""
    table = stores.documents.name
    if document.status == "valid":
        items = revoke_items(table, document, ERASED_REASON, by, at)
        try:
            transact(stores.db, items)
            counts.documents_revoked += 1
        except TransactionCancelled:
            pass  # revoked meanwhile: its own reason stands
    stores.documents.update_item(
        Key={"number": document.number},
        UpdateExpression="SET holder_name = :none, #token = :none, erased_at = :at",
        ExpressionAttributeNames={"#token": "token"},
        ExpressionAttributeValues={":none": "", ":at": at},
    )
    counts.documents_erased += 1
    counts.document_files_deleted += delete_all_versions(
        stores.s3, stores.documents_bucket, f"documents/{document.number}/"
    )


def delete_objects(s3: Any, bucket: str, keys: list[str]) -> int:
    """Delete objects of an unversioned bucket; return how many were asked for.

    :raises RuntimeError: S3 refused one (the erasure stops before the item loses the keys).
    """
    deleted = 0
    for start in range(0, len(keys), 1000):
        chunk = keys[start : start + 1000]
        answer = s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": k} for k in chunk], "Quiet": True})
        if answer.get("Errors"):
            raise RuntimeError(f"S3 refused {len(answer['Errors'])} deletions")
        deleted += len(chunk)
    return deleted


def delete_all_versions(s3: Any, bucket: str, prefix: str) -> int:
    """Delete every version and delete marker under a prefix of a versioned bucket; return how many went."""
    targets: list[dict[str, str]] = []
    for page in s3.get_paginator("list_object_versions").paginate(Bucket=bucket, Prefix=prefix):
        for entry in [*page.get("Versions", []), *page.get("DeleteMarkers", [])]:
            targets.append({"Key": entry["Key"], "VersionId": entry["VersionId"]})
    for start in range(0, len(targets), 1000):
        answer = s3.delete_objects(Bucket=bucket, Delete={"Objects": targets[start : start + 1000], "Quiet": True})
        if answer.get("Errors"):
            raise RuntimeError(f"S3 refused {len(answer['Errors'])} deletions")
    return len(targets)


# ---------------------------------------------------------------------------------------------------------------
# Bookings
# ---------------------------------------------------------------------------------------------------------------
def _erase_booking(stores: Stores, booking: dict[str, Any], mark: dict[str, str], counts: Counts) -> None:
    """Remove every personal field of a booking; an active one is cancelled and its place given back at once."""
    table = stores.bookings.name
    personal = sorted(set(booking) - BOOKING_FACTS)
    names = {f"#p{i}": name for i, name in enumerate(personal)}
    names |= {"#s": "status", "#v": "version"}
    active = booking["status"] in _ACTIVE_BOOKING
    values: dict[str, Any] = {
        ":mark": attr(mark),
        ":version": attr(int(booking.get("version", 0))),
        ":next": attr(int(booking.get("version", 0)) + 1),
        ":status": attr("CANCELLED" if active else booking["status"]),
    }
    expression = "SET erased = :mark, #v = :next, #s = :status"
    if personal:
        expression += " REMOVE " + ", ".join(f"#p{i}" for i in range(len(personal)))
    items: list[dict[str, Any]] = [
        {
            "Update": {
                "TableName": table,
                "Key": attr(bookings.booking_key(str(booking["id"])))["M"],
                "UpdateExpression": expression,
                "ConditionExpression": "#v = :version",
                "ExpressionAttributeNames": names,
                "ExpressionAttributeValues": values,
            }
        }
    ]
    if active and booking.get("guard_pk"):
        items.append(bookings.guard_delete(table, {"pk": booking["guard_pk"], "sk": "GUARD"}, str(booking["id"])))
    if booking["status"] == "WAITLISTED" and booking.get("waitlist_pk"):
        entry = {"pk": booking["waitlist_pk"], "sk": booking["waitlist_sk"]}
        items.append({"Delete": {"TableName": table, "Key": attr(entry)["M"]}})
    if booking["status"] == "BOOKED":
        items += [entry for _, entry in bookings.counter_items(table, [], [_held_place(stores, booking)])]
    transact(stores.db, items)
    counts.bookings += 1
    counts.bookings_cancelled += int(active)


def _held_place(stores: Stores, booking: dict[str, Any]) -> bookings.Place:
    """Return the place a booked visit holds, as far as giving it back needs (its counters, not their limits)."""
    quota = bookings.quota_key(booking["site_id"], booking["date"], booking["counter_id"])
    counted_in_quota = "Item" in stores.bookings.get_item(Key=quota, ConsistentRead=True)
    return bookings.Place(
        site_id=booking["site_id"],
        counter_id=booking["counter_id"],
        date=booking["date"],
        start=booking["start"],
        end=booking["end"],
        windows=tuple(booking.get("windows", [])),
        slot_capacity=0,
        window_limit=0,
        daily_quota=1 if counted_in_quota else None,
    )


# ---------------------------------------------------------------------------------------------------------------
# Consultations
# ---------------------------------------------------------------------------------------------------------------
def _erase_consultation(stores: Stores, consultation_id: str, mark: dict[str, str]) -> bool:
    """Remove the asker and their text from one consultation; False when it is gone or erased already."""
    item = stores.consultations.get_item(Key={"id": consultation_id}, ConsistentRead=True).get("Item")
    if not item or item.get("erased"):
        return False
    personal = sorted(set(item) - CONSULTATION_FACTS - {"status"})
    names = {f"#p{i}": name for i, name in enumerate(personal)} | {"#s": "status"}
    status = CONSULTATION_ERASED_STATUS if item["status"] == "OPEN" else item["status"]
    expression = "SET erased = :mark, #s = :status"
    if personal:
        expression += " REMOVE " + ", ".join(f"#p{i}" for i in range(len(personal)))
    stores.consultations.update_item(
        Key={"id": consultation_id},
        UpdateExpression=expression,
        ConditionExpression="#s = :read",
        ExpressionAttributeNames=names,
        ExpressionAttributeValues={":mark": mark, ":status": status, ":read": item["status"]},
    )
    return True


# ---------------------------------------------------------------------------------------------------------------
# The end of retention, and items older than the indexes
# ---------------------------------------------------------------------------------------------------------------
def expire_application(stores: Stores, old_image: dict[str, Any]) -> int:
    """Delete the files of an application DynamoDB's TTL removed; return how many went.

    `old_image` is the stream record's, in DynamoDB's typed JSON. The document item expires by its own TTL at the
    same time; its PDF versions are deleted here.
    """
    from boto3.dynamodb.types import TypeDeserializer

    deserializer = TypeDeserializer()
    record = from_item({name: deserializer.deserialize(value) for name, value in old_image.items()})
    keys = [str(d["key"]) for d in [*record.get("documents", []), *record.get("superseded_documents", [])]]
    deleted = delete_objects(stores.s3, stores.uploads_bucket, keys)
    deleted += delete_all_versions(stores.s3, stores.documents_bucket, f"documents/{document_number(record['id'])}/")
    return deleted


def backfill_person_index(stores: Stores) -> dict[str, int]:
    """Give the items written before the person indexes existed their HMACs; return how many of each were given.

    An operator command (a Scan of each table, once after the upgrade), never a route.
    """
    key = person_index.index_key(stores.kms, stores.access_token_key_id)
    given = {"applications": 0, "bookings": 0, "consultations": 0, "drafts": 0}
    for item in _scan(stores.applications, "attribute_not_exists(nik_hmac) AND attribute_exists(applicant)"):
        nik = (item.get("applicant") or {}).get("nik")
        if nik and not item.get("erased"):
            stores.applications.update_item(
                Key={"id": item["id"]},
                UpdateExpression="SET nik_hmac = :h",
                ExpressionAttributeValues={":h": person_index.nik_hmac(key, nik)},
            )
            given["applications"] += 1
    for item in _scan(stores.bookings, "attribute_not_exists(nik_hmac) AND attribute_exists(nik)"):
        if item.get("nik"):
            stores.bookings.update_item(
                Key={"pk": item["pk"], "sk": item["sk"]},
                UpdateExpression="SET nik_hmac = :h",
                ExpressionAttributeValues={":h": person_index.nik_hmac(key, str(item["nik"]))},
            )
            given["bookings"] += 1
    for item in _scan(stores.drafts, "attribute_not_exists(nik_hmac) AND attribute_exists(applicant)"):
        draft_index = person_index.draft_nik_hmac(key, (item.get("applicant") or {}).get("nik"))
        if draft_index:
            stores.drafts.update_item(
                Key={"reference": item["reference"]},
                UpdateExpression="SET nik_hmac = :h",
                ExpressionAttributeValues={":h": draft_index},
            )
            given["drafts"] += 1
    for item in _scan(stores.consultations, "attribute_not_exists(email_hmac) AND attribute_exists(email)"):
        if item.get("email"):
            stores.consultations.update_item(
                Key={"id": item["id"]},
                UpdateExpression="SET email_hmac = :h",
                ExpressionAttributeValues={":h": person_index.email_hmac(key, str(item["email"]))},
            )
            given["consultations"] += 1
    return given


def _scan(table: Any, condition: str) -> list[dict[str, Any]]:
    kwargs: dict[str, Any] = {"FilterExpression": condition}
    out: list[dict[str, Any]] = []
    while True:
        page = table.scan(**kwargs)
        out += page.get("Items", [])
        if "LastEvaluatedKey" not in page:
            return out
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]
