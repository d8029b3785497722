"""ION's documented business rules and conventions as pure functions, shared by the mutations and the seed."""

from __future__ import annotations

import string
from collections.abc import Iterable


def derive_run_status(step_statuses: Iterable[str]) -> str:
    """A run's status from its steps' (ION manual, runs-and-step-states), first rule that applies:

    any REDLINE (it takes precedence over HOLD) > any FAILED > any HOLD > every step CANCELED >
    every step COMPLETE or CANCELED > any IN_PROGRESS or COMPLETE > TODO (also for a run without steps).
    """
    statuses = set(step_statuses)
    for dominant in ("REDLINE", "FAILED", "HOLD"):
        if dominant in statuses:
            return dominant
    if statuses and statuses == {"CANCELED"}:
        return "CANCELED"
    if statuses and statuses <= {"COMPLETE", "CANCELED"}:
        return "COMPLETE"
    if statuses & {"IN_PROGRESS", "COMPLETE"}:
        return "IN_PROGRESS"
    return "TODO"


def inventory_quantity_problem(tracking_type: str | None, quantity: float) -> str | None:
    """Why `quantity` is not allowed for inventory of a part with this tracking type, or None."""
    if tracking_type == "SERIAL" and quantity not in (0, 1):
        return (
            f"quantity {quantity:g} is not allowed for a serial-tracked part: serial-tracked inventory "
            "holds one unit, so its quantity must be 0 or 1"
        )
    if tracking_type == "LOT" and quantity < 0:
        return f"quantity {quantity:g} is not allowed for a lot-tracked part: lot quantity must be >= 0"
    return None


def quantity_available(status: str, quantity: float) -> float:
    """What can be used from an inventory: all of it when AVAILABLE, nothing otherwise."""
    return quantity if status == "AVAILABLE" else 0.0


def next_revision(existing: Iterable[str]) -> str:
    """The revision after the highest letter revision: A -> B, Z -> AA; A when there is none."""
    letters = [revision for revision in existing if revision and set(revision) <= set(string.ascii_uppercase)]
    if not letters:
        return "A"
    highest = max(letters, key=lambda revision: (len(revision), revision))
    digits = [string.ascii_uppercase.index(letter) for letter in highest]
    position = len(digits) - 1
    while position >= 0 and digits[position] == 25:
        digits[position] = 0
        position -= 1
    if position < 0:
        digits.insert(0, 0)
    else:
        digits[position] += 1
    return "".join(string.ascii_uppercase[digit] for digit in digits)


ATTACHMENT_BUCKET = "ion-sandbox-attachments"
"""The (pretend) S3 bucket of file attachments; their URLs use the reserved `.invalid` domain."""


def attachment_urls(entity_type: str, entity_id: int, unique: str, filename: str) -> dict[str, str]:
    """Bucket, key and URLs of an attachment, as ION's S3-backed attachments carry them."""
    key = f"{entity_type.lower()}/{entity_id}/{unique}/{filename}"
    url = f"https://{ATTACHMENT_BUCKET}.s3.sandbox.invalid/{key}"
    return {
        "s3Bucket": ATTACHMENT_BUCKET,
        "s3Key": key,
        "url": url,
        "downloadUrl": f"{url}?response-content-disposition=attachment",
    }
