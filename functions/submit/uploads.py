"""Uploads: a presigned POST per document, and the checks each object must pass before an application takes it.

The browser uploads straight to S3 under ``incoming/<upload_id>`` (an id the server draws: no name,
no NIK in any key), bounded by the POST policy to the declared type and the requirement's size.
S3 enforces that policy but an emulator may not, and a policy cannot see inside a file, so at
submission every object is checked again here: it exists, its size is the one declared and within
bounds, it opens as its declared type (functions/submit/file_checks.py), and it belongs to this
service and requirement and has not been used before. Accepted objects are copied to
``applications/<id>/<upload_id>``; the upload is marked attached in the same transaction that
stores the application. The file's name is cleaned before it is recorded; it is never part of a key.
"""

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass
from typing import Any

from functions.shared import retention
from functions.shared.applications import timestamp
from functions.shared.catalogue import DELIVERY_RECEIPT
from functions.shared.dynamo import from_item
from functions.shared.errors import NotFound, Unprocessable, detail
from functions.shared.observability import logger
from functions.submit.file_checks import clean_filename, content_problem
from functions.submit.schemas import DocumentRef, UploadRequest

INCOMING_PREFIX = "incoming/"
APPLICATIONS_PREFIX = "applications/"
# The presigned POST is good for 15 minutes; the record lives as long as the bucket keeps incoming/
# (functions/shared/retention.py UNATTACHED_UPLOAD).
POST_EXPIRY = dt.timedelta(minutes=15)
PENDING, ATTACHED = "pending", "attached"

# The name a file is kept under when nothing of its own name is left once cleaned.
FALLBACK_NAMES = {"application/pdf": "dokumen.pdf", "image/jpeg": "dokumen.jpg", "image/png": "dokumen.png"}
_READ_CHUNK = 1024 * 1024


def incoming_key(upload_id: str) -> str:
    """Return where the browser uploads a file."""
    return f"{INCOMING_PREFIX}{upload_id}"


def application_key(application_id: str, upload_id: str) -> str:
    """Return where an accepted document is kept."""
    return f"{APPLICATIONS_PREFIX}{application_id}/{upload_id}"


def find_requirement(service: dict[str, Any], requirement_id: str) -> dict[str, Any] | None:
    """Return one of a service's requirements (or the delivery receipt every service takes on paper), or None."""
    found = next((r for r in service.get("requirements", []) if r["id"] == requirement_id), None)
    if found is None and requirement_id == DELIVERY_RECEIPT["id"]:
        return DELIVERY_RECEIPT
    return found


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):g}"


def issue_upload(
    table: Any, s3: Any, bucket: str, service: dict[str, Any], request: UploadRequest, now: dt.datetime
) -> dict[str, Any]:
    """Record an upload and return its presigned POST: ``{upload_id, url, fields, expires_at}``.

    :raises Unprocessable: the requirement is not the service's, its type is not accepted, or it is too large.
    """
    requirement = find_requirement(service, request.requirement_id)
    if requirement is None:
        raise _refused(
            "requirement_id",
            "unknown_requirement",
            "Persyaratan ini tidak ada pada layanan tersebut.",
            "That requirement is not one of the service's.",
        )
    accepted = list(requirement["accepted_types"])
    if request.content_type not in accepted:
        raise _refused(
            "content_type",
            "upload_type_not_accepted",
            f"Jenis berkas ini tidak diterima untuk “{requirement['label_id']}”. Gunakan: {', '.join(accepted)}.",
            f"This file type is not accepted for “{requirement['label_en']}”. Use: {', '.join(accepted)}.",
            accepted_types=accepted,
        )
    max_size = int(requirement["max_size_bytes"])
    if request.size > max_size:
        raise _refused(
            "size",
            "upload_too_large",
            f"Berkas untuk “{requirement['label_id']}” melebihi batas {_megabytes(max_size)} MB.",
            f"The file for “{requirement['label_en']}” is larger than the {_megabytes(max_size)} MB limit.",
            max_size_bytes=max_size,
        )

    upload_id = secrets.token_hex(16)
    key = incoming_key(upload_id)
    post = s3.generate_presigned_post(
        Bucket=bucket,
        Key=key,
        Fields={"Content-Type": request.content_type},
        # boto3 adds the bucket and the exact key; these bind the type and the size.
        Conditions=[{"Content-Type": request.content_type}, ["content-length-range", 1, max_size]],
        ExpiresIn=int(POST_EXPIRY.total_seconds()),
    )
    expires_at = now + POST_EXPIRY
    table.put_item(
        Item={
            "upload_id": upload_id,
            "service_id": service["id"],
            "requirement_id": requirement["id"],
            "content_type": request.content_type,
            "filename": clean_filename(request.filename, FALLBACK_NAMES.get(request.content_type, "dokumen")),
            "declared_size": request.size,
            "max_size_bytes": max_size,
            "status": PENDING,
            "created_at": timestamp(now),
            "expires_at": timestamp(expires_at),
            "expires_at_epoch": retention.upload_expires_at(now),
        },
        ConditionExpression="attribute_not_exists(upload_id)",
    )
    return {"upload_id": upload_id, "url": post["url"], "fields": post["fields"], "expires_at": timestamp(expires_at)}


def _refused(field: str, code: str, message_id: str, message_en: str, **facts: Any) -> Unprocessable:
    """Return the 422 for an upload request refused on one field, its detail worded like the error."""
    return Unprocessable(
        message_id, message_en, code=code, details=[detail(field, code, message_id, message_en, **facts)]
    )


@dataclass(frozen=True)
class CheckedUpload:
    """An uploaded object that passed every check, and what was learned about it."""

    requirement_id: str
    upload_id: str
    service_id: str
    size: int
    content_type: str
    sha256: str
    etag: str
    filename: str | None


# Each problem's code and its message for the person, in both languages (the label names the document).
_PROBLEMS: dict[str, tuple[str, str]] = {
    "upload_missing": (
        "Berkas untuk “{label_id}” tidak ditemukan atau sudah kedaluwarsa. Unggah ulang.",
        "The file for “{label_en}” was not found or has expired. Please upload it again.",
    ),
    "upload_empty": (
        "Berkas untuk “{label_id}” kosong. Unggah ulang.",
        "The file for “{label_en}” is empty. Please upload it again.",
    ),
    "upload_too_large": (
        "Berkas untuk “{label_id}” melebihi batas {max_mb} MB.",
        "The file for “{label_en}” is larger than the {max_mb} MB limit.",
    ),
    "upload_size_mismatch": (
        "Berkas untuk “{label_id}” bukan berkas yang dipilih saat mengunggah (ukurannya berbeda). Unggah ulang.",
        "The file for “{label_en}” is not the one chosen when uploading (its size differs). Please upload it again.",
    ),
    "upload_type_mismatch": (
        "Berkas untuk “{label_id}” bukan {kind_id} yang dapat dibuka. Pilih berkas lain.",
        "The file for “{label_en}” is not {kind_en} that can be opened. Choose another file.",
    ),
    "upload_password_protected": (
        "PDF untuk “{label_id}” dikunci dengan kata sandi. Simpan tanpa kata sandi, lalu unggah ulang.",
        "The PDF for “{label_en}” is locked with a password. Save it without a password and upload it again.",
    ),
    "upload_image_too_large": (
        "Gambar untuk “{label_id}” melebihi {max_megapixels} megapiksel. Perkecil gambar, lalu unggah ulang.",
        "The image for “{label_en}” has over {max_megapixels} megapixels. Make it smaller and upload it again.",
    ),
    "upload_wrong_requirement": (
        "Berkas ini diunggah untuk persyaratan lain, bukan “{label_id}”.",
        "This file was uploaded for another requirement, not “{label_en}”.",
    ),
    "upload_already_used": (
        "Berkas untuk “{label_id}” sudah dipakai di pengajuan lain. Unggah ulang.",
        "The file for “{label_en}” was already used in a submission. Please upload it again.",
    ),
}


def _problem(index: int, ref: DocumentRef, requirement: dict[str, Any], code: str, **facts: Any) -> dict[str, Any]:
    message_id, message_en = _PROBLEMS[code]
    label_id = requirement.get("label_id", ref.requirement_id)
    label_en = requirement.get("label_en", ref.requirement_id)
    values = {"label_id": label_id, "label_en": label_en, **facts}
    return detail(
        f"documents[{index}].upload_id",
        code,
        message_id.format(**values),
        message_en.format(**values),
        requirement_id=ref.requirement_id,
        upload_id=ref.upload_id,
        label_id=label_id,
        label_en=label_en,
    )


def check_uploads(
    table: Any, s3: Any, bucket: str, service: dict[str, Any], documents: list[DocumentRef], now: dt.datetime
) -> list[CheckedUpload]:
    """Check every offered upload and return them, or raise one 422 naming each document that fails.

    :raises Unprocessable: code ``upload_missing``, ``upload_empty``, ``upload_too_large``,
        ``upload_size_mismatch``, ``upload_type_mismatch``, ``upload_password_protected``,
        ``upload_image_too_large``, ``upload_wrong_requirement`` or ``upload_already_used`` (when several
        documents fail differently, ``uploads_rejected``); `details` has one entry per failing document.
    """
    checked, problems = upload_problems(table, s3, bucket, service, documents, now)
    if problems:
        raise uploads_refused(problems)
    return checked


def uploads_refused(problems: list[dict[str, Any]]) -> Unprocessable:
    """Return the 422 naming each refused document (its own code if they share one, else ``uploads_rejected``)."""
    codes = {p["code"] for p in problems}
    return Unprocessable(
        "Ada dokumen yang tidak dapat diterima. Perbaiki dokumen yang disebutkan lalu kirim lagi.",
        "Some documents cannot be accepted. Fix the documents listed and send again.",
        code=codes.pop() if len(codes) == 1 else "uploads_rejected",
        details=problems,
    )


def upload_problems(
    table: Any, s3: Any, bucket: str, service: dict[str, Any], documents: list[DocumentRef], now: dt.datetime
) -> tuple[list[CheckedUpload], list[dict[str, Any]]]:
    """Check every offered upload of a known requirement; return those that pass and a detail for each that fails."""
    checked: list[CheckedUpload] = []
    problems: list[dict[str, Any]] = []
    seen: set[str] = set()
    for index, ref in enumerate(documents):
        requirement = find_requirement(service, ref.requirement_id)
        if requirement is None:  # named by the caller as an unknown requirement
            continue
        if ref.upload_id in seen:
            problems.append(_problem(index, ref, requirement, "upload_already_used"))
            continue
        seen.add(ref.upload_id)
        result = _check_one(table, s3, bucket, service, ref, now)
        if isinstance(result, CheckedUpload):
            checked.append(result)
        else:
            code, facts = result
            problems.append(_problem(index, ref, requirement, code, **facts))
    return checked, problems


def check_upload(table: Any, s3: Any, bucket: str, catalogue: Any, upload_id: str, now: dt.datetime) -> dict[str, Any]:
    """Check one upload right after it lands (the checks a submission runs) and mark it checked.

    The mark is a courtesy to the citizen, not a pass: a submission checks every object again, since the same
    presigned POST could replace it meanwhile. An object already checked at the same ETag is not read again.

    :raises NotFound: no such upload (or it expired).
    :raises Unprocessable: the file is refused; one detail names it, in plain words, with the requirement.
    """
    from functions.shared.catalogue import get_service

    item = table.get_item(Key={"upload_id": upload_id}, ConsistentRead=True).get("Item")
    record = from_item(item) if item else None
    if record is None or int(record["expires_at_epoch"]) <= int(now.timestamp()):
        raise NotFound(
            "Unggahan ini tidak ditemukan atau sudah kedaluwarsa. Unggah ulang.",
            "This upload was not found or has expired. Please upload it again.",
            code="upload_missing",
        )
    service = get_service(catalogue, str(record["service_id"])) or {"id": record["service_id"], "requirements": []}
    ref = DocumentRef(requirement_id=str(record["requirement_id"]), upload_id=upload_id)
    requirement = find_requirement(service, ref.requirement_id) or {}
    answer = {"upload_id": upload_id, "requirement_id": ref.requirement_id, "status": "checked"}
    if record.get("checked_etag") and record["status"] == PENDING:
        head = _head(s3, bucket, incoming_key(upload_id))
        if head is not None and head["ETag"] == record["checked_etag"]:
            return answer
    result = _check_one(table, s3, bucket, service, ref, now)
    if not isinstance(result, CheckedUpload):
        code, facts = result
        problem = _problem(0, ref, requirement, code, **facts)
        problem["field"] = "upload_id"
        raise Unprocessable(problem["message"], problem["message_en"], code=code, details=[problem])
    table.update_item(
        Key={"upload_id": upload_id},
        UpdateExpression="SET checked_etag = :etag, checked_at = :at",
        ConditionExpression="#status = :pending",
        ExpressionAttributeNames={"#status": "status"},
        ExpressionAttributeValues={":etag": result.etag, ":at": timestamp(now), ":pending": PENDING},
    )
    return answer


def _head(s3: Any, bucket: str, key: str) -> dict[str, Any] | None:
    from botocore.exceptions import ClientError

    try:
        return s3.head_object(Bucket=bucket, Key=key)
    except ClientError:
        return None


def _check_one(
    table: Any, s3: Any, bucket: str, service: dict[str, Any], ref: DocumentRef, now: dt.datetime
) -> CheckedUpload | tuple[str, dict[str, Any]]:
    """Return the checked upload, or (problem code, facts for its message)."""
    from botocore.exceptions import ClientError

    item = table.get_item(Key={"upload_id": ref.upload_id}, ConsistentRead=True).get("Item")
    record = from_item(item) if item else None
    # TTL deletes lazily: an expired record can still be read, and must count as gone.
    if record is None or int(record["expires_at_epoch"]) <= int(now.timestamp()):
        return "upload_missing", {}
    if record["service_id"] != service["id"] or record["requirement_id"] != ref.requirement_id:
        return "upload_wrong_requirement", {}
    if record["status"] != PENDING:
        return "upload_already_used", {}

    max_size = int(record["max_size_bytes"])
    content_type = str(record["content_type"])
    key = incoming_key(ref.upload_id)
    try:
        head = s3.head_object(Bucket=bucket, Key=key)
    except ClientError as error:
        if error.response["Error"]["Code"] in {"404", "NoSuchKey", "NotFound"}:
            return _gone(table, ref.upload_id), {}
        raise
    size = int(head["ContentLength"])
    if size == 0:
        return "upload_empty", {}
    if size > max_size:
        return "upload_too_large", {"max_mb": _megabytes(max_size)}
    # The policy binds the size only to a range; the declared size is what the citizen's own file measured.
    if size != int(record["declared_size"]):
        return "upload_size_mismatch", {}

    # Read exactly the version that was measured: if it is replaced meanwhile, S3 refuses (412).
    try:
        body = s3.get_object(Bucket=bucket, Key=key, IfMatch=head["ETag"])["Body"]
    except ClientError as error:
        if error.response["Error"]["Code"] in {"PreconditionFailed", "404", "NoSuchKey"}:
            return _gone(table, ref.upload_id), {}
        raise
    # Read once, into memory (at most the requirement's maximum): hashed, then opened by the file checks.
    data = _read_at_most(body, max_size)
    if data is None:
        return "upload_too_large", {"max_mb": _megabytes(max_size)}
    if len(data) != size:
        return "upload_size_mismatch", {}
    problem = content_problem(content_type, data)
    if problem is not None:
        code, facts = problem
        return code, {**facts, **_kind(content_type)}
    return CheckedUpload(
        requirement_id=ref.requirement_id,
        upload_id=ref.upload_id,
        service_id=service["id"],
        size=len(data),
        content_type=content_type,
        sha256=hashlib.sha256(data).hexdigest(),
        etag=head["ETag"],
        filename=record.get("filename"),
    )


def _read_at_most(body: Any, max_size: int) -> bytes | None:
    """Return the whole body, or None as soon as it proves longer than `max_size`."""
    chunks: list[bytes] = []
    read = 0
    for chunk in body.iter_chunks(_READ_CHUNK):
        read += len(chunk)
        if read > max_size:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


# How a type is named to the citizen (with the article English needs).
_KINDS: dict[str, tuple[str, str]] = {
    "application/pdf": ("PDF", "a PDF"),
    "image/jpeg": ("gambar JPEG", "a JPEG image"),
    "image/png": ("gambar PNG", "a PNG image"),
}


def _kind(content_type: str) -> dict[str, str]:
    kind_id, kind_en = _KINDS.get(content_type, (content_type, content_type))
    return {"kind_id": kind_id, "kind_en": kind_en}


class UploadVanished(Exception):
    """A checked object was gone (or replaced) by the time it was copied: most likely another submission took it."""

    def __init__(self, upload: CheckedUpload) -> None:
        super().__init__(upload.upload_id)
        self.upload = upload


def _gone(table: Any, upload_id: str) -> str:
    """Name why a pending upload's object is not there: another submission just took it, or it never came."""
    item = table.get_item(Key={"upload_id": upload_id}, ConsistentRead=True).get("Item") or {}
    return "upload_already_used" if item.get("status") == ATTACHED else "upload_missing"


def copy_into_application(
    s3: Any, bucket: str, application_id: str, uploads: list[CheckedUpload], attached_at: str
) -> list[dict[str, Any]]:
    """Copy each checked object to the application's folder and return the stored documents.

    :raises UploadVanished: an object was deleted or replaced since it was checked (nothing stays copied).
    """
    from botocore.exceptions import ClientError

    stored: list[dict[str, Any]] = []
    for upload in uploads:
        key = application_key(application_id, upload.upload_id)
        try:
            s3.copy_object(
                Bucket=bucket,
                Key=key,
                CopySource={"Bucket": bucket, "Key": incoming_key(upload.upload_id)},
                # Only the exact bytes that were checked may be copied: S3 refuses (412) if they were replaced.
                CopySourceIfMatch=upload.etag,
                MetadataDirective="REPLACE",
                ContentType=upload.content_type,
            )
        except ClientError as error:
            if error.response["Error"]["Code"] not in {"NoSuchKey", "404", "PreconditionFailed"}:
                raise
            discard_objects(s3, bucket, [d["key"] for d in stored])
            raise UploadVanished(upload) from None
        stored.append(
            {
                "requirement_id": upload.requirement_id,
                "upload_id": upload.upload_id,
                "key": key,
                "sha256": upload.sha256,
                "size": upload.size,
                "content_type": upload.content_type,
                "filename": upload.filename,
                "attached_at": attached_at,
            }
        )
    return stored


def vanished_problem(
    table: Any, service: dict[str, Any], documents: list[DocumentRef], uploads: list[CheckedUpload], gone: CheckedUpload
) -> Unprocessable:
    """Return the 422 for an upload that disappeared mid-submission: already used if another submission took it."""
    item = table.get_item(Key={"upload_id": gone.upload_id}, ConsistentRead=True).get("Item") or {}
    if item.get("status") == ATTACHED:
        return already_used_problem(service, documents, uploads, [uploads.index(gone)])
    details = [
        _problem(index, ref, find_requirement(service, ref.requirement_id) or {}, "upload_missing")
        for index, ref in enumerate(documents)
        if ref.upload_id == gone.upload_id
    ]
    return Unprocessable(
        "Ada dokumen yang tidak ditemukan lagi. Unggah ulang dokumen yang disebutkan.",
        "Some documents can no longer be found. Please upload the documents listed again.",
        code="upload_missing",
        details=details,
    )


def claim_items(table_name: str, uploads: list[CheckedUpload], application_id: str, now: dt.datetime) -> list[dict]:
    """Return the transaction entries that mark each upload attached, only if it is still pending and unexpired."""
    return [
        {
            "Update": {
                "TableName": table_name,
                "Key": {"upload_id": {"S": upload.upload_id}},
                "UpdateExpression": "SET #status = :attached, application_id = :application, attached_at = :at",
                "ConditionExpression": (
                    "#status = :pending AND service_id = :service AND requirement_id = :requirement "
                    "AND expires_at_epoch > :now"
                ),
                "ExpressionAttributeNames": {"#status": "status"},
                "ExpressionAttributeValues": {
                    ":attached": {"S": ATTACHED},
                    ":pending": {"S": PENDING},
                    ":application": {"S": application_id},
                    ":at": {"S": timestamp(now)},
                    ":service": {"S": upload.service_id},
                    ":requirement": {"S": upload.requirement_id},
                    ":now": {"N": str(int(now.timestamp()))},
                },
            }
        }
        for upload in uploads
    ]


def discard_objects(s3: Any, bucket: str, keys: list[str]) -> None:
    """Delete objects, best effort (what is left in incoming/ expires by the bucket's lifecycle rule)."""
    if not keys:
        return
    try:
        s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": k} for k in keys], "Quiet": True})
    except Exception:  # cleaning up must never turn a result into a failure
        logger.warning("could not delete objects", extra={"count": len(keys)})


def already_used_problem(
    service: dict[str, Any], documents: list[DocumentRef], uploads: list[CheckedUpload], failed: list[int]
) -> Unprocessable:
    """Return the 422 for uploads whose claim lost a race with another submission (`failed` index `uploads`)."""
    lost = {uploads[i].upload_id for i in failed if i < len(uploads)}
    details = [
        _problem(index, ref, find_requirement(service, ref.requirement_id) or {}, "upload_already_used")
        for index, ref in enumerate(documents)
        if ref.upload_id in lost
    ]
    return Unprocessable(
        "Ada dokumen yang sudah dipakai di pengajuan lain. Unggah ulang dokumen yang disebutkan.",
        "Some documents were already used in another submission. Please upload the documents listed again.",
        code="upload_already_used",
        details=details,
    )
