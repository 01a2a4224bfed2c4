"""Today's date, as batchform's checks read it: one place for tests to set another day."""

from __future__ import annotations

from datetime import date


def today() -> date:
    """The current day (UTC is not needed: AWS dates are whole days)."""
    return date.today()
