"""Run a piece of business logic at most once per client Idempotency-Key (Powertools Idempotency on DynamoDB).

The key is the client's header; the request body is the payload that must match on a replay. Only
hashes of both are stored, with the function's return value, so what the function returns must
hold no secret and no personal data. Each wrapped function gets its own persistence layer and
config: Powertools lets the first config win when a layer is shared.
"""

import re
from collections.abc import Callable
from functools import cache
from typing import Any

from functions.shared import aws, retention
from functions.shared.errors import BadRequest, Conflict, Unprocessable
from functions.shared.settings import get_settings

KEY_PATTERN = re.compile(r"^[A-Za-z0-9_.:-]{8,128}$")
# A client that retries within a day gets the first answer back (retention.IDEMPOTENCY).
DEFAULT_EXPIRY_S = retention.IDEMPOTENCY_S


def require_key(header: str | None) -> str:
    """Return the Idempotency-Key header's value.

    :raises BadRequest: it is missing or not 8-128 letters, digits or ``_.:-``.
    """
    if not header:
        raise BadRequest(
            "Header Idempotency-Key wajib diisi (misalnya sebuah UUID baru untuk setiap pengajuan).",
            "The Idempotency-Key header is required (e.g. a new UUID for each submission).",
            code="idempotency_key_required",
        )
    if not KEY_PATTERN.match(header):
        raise BadRequest(
            "Header Idempotency-Key harus 8-128 karakter: huruf, angka, _ . : atau -.",
            "The Idempotency-Key header must be 8-128 characters: letters, digits, _ . : or -.",
            code="idempotency_key_invalid",
        )
    return header


@cache
def _wrapped(function: Callable[..., Any], table_name: str, client: Any, expires_after_s: int) -> tuple[Any, Any]:
    """Build the Powertools wrapper once per function, table and client (tests swap clients)."""
    from aws_lambda_powertools.utilities.idempotency import (
        DynamoDBPersistenceLayer,
        IdempotencyConfig,
        idempotent_function,
    )

    layer = DynamoDBPersistenceLayer(table_name=table_name, boto3_client=client)
    config = IdempotencyConfig(
        event_key_jmespath="idempotency_key",
        payload_validation_jmespath="payload",
        raise_on_no_idempotency_key=True,
        expires_after_seconds=expires_after_s,
        hash_function="sha256",
    )
    wrapped = idempotent_function(data_keyword_argument="request", persistence_store=layer, config=config)(function)
    return wrapped, config


def run_once(
    function: Callable[..., Any],
    key: str,
    payload: dict[str, Any],
    *,
    lambda_context: Any = None,
    expires_after_s: int = DEFAULT_EXPIRY_S,
    **kwargs: Any,
) -> Any:
    """Call ``function(request={"idempotency_key", "payload"}, **kwargs)`` once per key; replay its result after.

    :raises Unprocessable: the key was used before with a different payload (``idempotency_key_reused``).
    :raises Conflict: the first request with this key is still running (``request_in_progress``).
    """
    from aws_lambda_powertools.utilities.idempotency.exceptions import (
        IdempotencyAlreadyInProgressError,
        IdempotencyValidationError,
    )

    wrapped, config = _wrapped(function, get_settings().idempotency_table, aws.client("dynamodb"), expires_after_s)
    if lambda_context is not None:
        # Lets an interrupted first attempt's lock expire with the invocation, not an hour later.
        config.register_lambda_context(lambda_context)
    try:
        return wrapped(request={"idempotency_key": key, "payload": payload}, **kwargs)
    except IdempotencyValidationError:
        raise Unprocessable(
            "Idempotency-Key ini sudah dipakai untuk isian yang berbeda. Buat kunci baru untuk pengajuan baru.",
            "This Idempotency-Key was already used with different content. Use a new key for a new submission.",
            code="idempotency_key_reused",
        ) from None
    except IdempotencyAlreadyInProgressError:
        raise Conflict(
            "Pengajuan yang sama sedang diproses. Tunggu sebentar lalu coba lagi dengan kunci yang sama.",
            "The same request is still being processed. Wait a moment and retry with the same key.",
            code="request_in_progress",
        ) from None
