"""Through the real local stack: a queued notification reaches the local mailbox once, in its language."""

import json
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import requests

from functions.shared.notifications import NotificationEvent, enqueue

pytestmark = pytest.mark.stack

ROOT = Path(__file__).resolve().parents[2]


def _mail_to(stack, address: str, expected: int = 1, timeout_s: float = 30) -> list[dict]:
    """The mailbox's e-mails to one address, once at least `expected` have arrived."""
    deadline = time.monotonic() + timeout_s
    while True:
        mails = [m for m in requests.get(f"{stack.mailbox_url}.json", timeout=10).json() if address in m["to"]]
        if len(mails) >= expected or time.monotonic() > deadline:
            return mails
        time.sleep(0.2)


def test_a_queued_notification_reaches_the_mailbox_once_in_its_language(local_stack, make_notification, expected_token):
    # Given an Indonesian and an English notification on the stack's queue, the first enqueued twice (a retry)
    info, run = local_stack.info, uuid.uuid4().hex[:10]
    sqs, queue_url = local_stack.client("sqs"), info["resources"]["NotificationsQueue"]
    siti, budi = f"siti.{run}@example.com", f"budi.{run}@example.com"
    indonesian = make_notification(NotificationEvent.APPLICATION_SUBMITTED, "id", f"stack-{run}-1", siti)
    english = make_notification(NotificationEvent.BOOKING_CONFIRMED, "en", f"stack-{run}-2", budi)
    for notification in (indonesian, english, indonesian):
        enqueue(notification, sqs=sqs, queue_url=queue_url)

    # When the stack's poller has handled them
    assert _mail_to(local_stack, siti) and _mail_to(local_stack, budi)
    local_stack.wait_for_queue_drained("NotificationsQueue")

    # Then each person has exactly one e-mail, in their language, linking back to the stack's site
    (to_siti,) = _mail_to(local_stack, siti)
    assert to_siti["to"] == [siti]
    assert to_siti["subject"] == "Permohonan SP-2026-000123 telah diterima"
    assert "Halo," in to_siti["text"]
    assert "Kamis, 12 Maret 2026 pukul 09.30 WIB" in to_siti["text"]
    # (the link's token is derived by the stack's notify function, with the stack's key)
    kms, key_id = local_stack.client("kms"), info["resources"]["AccessTokenKey"]
    siti_token, budi_token = expected_token(indonesian, kms, key_id), expected_token(english, kms, key_id)
    assert f"{info['site_url']}track.html#id=SP-2026-000123&token={siti_token}" in to_siti["text"]
    assert '<html lang="id">' in to_siti["html"] and "Pesan ini dikirim otomatis" in to_siti["html"]
    (to_budi,) = _mail_to(local_stack, budi)
    assert to_budi["subject"] == "Visit booked: ticket A-017"
    assert "Hello," in to_budi["text"]
    assert f"{info['site_url']}visit.html#id=BK-7F3A9C21&amp;token={budi_token}" in to_budi["html"]


def test_make_redrive_brings_a_dead_lettered_notification_to_the_mailbox_once(local_stack, make_notification, tmp_path):
    # Given a notification sitting in the stack's dead-letter queue (say, SES was down for its five tries)
    info, run = local_stack.info, uuid.uuid4().hex[:10]
    sqs = local_stack.client("sqs")
    dewi = f"dewi.{run}@example.com"
    notification = make_notification(NotificationEvent.CONSULTATION_ANSWERED, "id", f"redrive-{run}", dewi)
    sqs.send_message(QueueUrl=info["resources"]["NotificationsDLQ"], MessageBody=notification.model_dump_json())
    state_file = tmp_path / "stack.json"
    state_file.write_text(json.dumps(info))

    # When the operator runs `make redrive` (twice, by mistake)
    runs = [
        subprocess.run(
            [sys.executable, "-m", "devstack.redrive", "--state-file", str(state_file)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )
        for _ in range(2)
    ]

    # Then it was moved back once and e-mailed once
    assert "NotificationsDLQ → satupintu-local-NotificationsQueue: 1" in runs[0].stdout
    assert _mail_to(local_stack, dewi)
    local_stack.wait_for_queue_drained("NotificationsQueue")
    (mail,) = _mail_to(local_stack, dewi)
    assert mail["subject"] == "Jawaban atas pertanyaan Anda (KS-000042)"
    assert "Untuk IUMK, NPWP tidak wajib." in mail["text"]
