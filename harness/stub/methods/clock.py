"""get_virtual_datetime_m and advance_virtual_datetime_m: each client's virtual clock.

Virtual time = real UTC now + the client's offset (the fixture's virtual_offset_hours plus
every advance since). Advancing only moves forward (offset_hours is a positive integer).
"""

from __future__ import annotations

from typing import Any

from harness.stub.context import CallContext, clock_key
from harness.stub.exceptions import InvalidInput
from harness.stub.queued_changes import apply_due

__all__ = ["advance_virtual_datetime_m", "get_virtual_datetime_m"]

# The virtual clock must stay a valid date with room for billing periods after it.
MAX_OFFSET_HOURS = 24 * 366 * 1000


def _clock_fields(ctx: CallContext, db: Any) -> dict[str, Any]:
    system, virtual, offset = ctx.now(db)
    return {
        "virtual_date": virtual.date().isoformat(),
        "virtual_time": virtual.strftime("%H:%M:%S"),
        "system_date": system.date().isoformat(),
        "system_time": system.strftime("%H:%M:%S"),
        "current_offset_hours": offset,
    }


def get_virtual_datetime_m(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    """The client's virtual and system date and time and the offset between them."""
    with ctx.store.read() as db:
        fields = _clock_fields(ctx, db)
    # the stub runs no batch jobs
    fields["is_batch_running"] = "N"
    return fields


def advance_virtual_datetime_m(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    """Move the client's virtual clock forward by offset_hours."""
    hours = params["offset_hours"]
    client_no = ctx.tenant.client_no
    with ctx.store.transaction() as db:
        if ctx.offset_hours(db) + hours > MAX_OFFSET_HOURS:
            raise InvalidInput(
                f"offset_hours would move the virtual clock more than {MAX_OFFSET_HOURS} hours "
                "ahead of system time"
            )
        db.execute(
            "INSERT INTO clocks (client_no, offset_hours) VALUES (?, ?) "
            "ON CONFLICT (client_no) DO UPDATE "
            "SET offset_hours = offset_hours + excluded.offset_hours",
            (client_no, hours),
        )
        db.forget(clock_key(client_no))
        db.memo.clear()  # the offset read above is stale now
        # plan changes queued for a date the clock has now reached take effect
        apply_due(db, ctx)
        return _clock_fields(ctx, db)
