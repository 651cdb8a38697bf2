"""Rate-limit counters that every worker shares: one row per limit and key, counting hits in a fixed window.

Flask-Limiter's `memory://` storage counts per process, so with several gunicorn workers each worker would allow
the full limit. These rows live in the portal's own database instead (nothing else to run). A row whose window has
ended counts as absent: the next hit starts a new window. `services.throttle` is the only code that reads or
writes them, with one atomic statement per hit; `retention purge` deletes ended windows.

Only the SHA-256 of a key is stored: keys hold email and network addresses, which are not needed here.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import db


class ThrottleCounter(db.Model):
    key: Mapped[str] = mapped_column(String(64), primary_key=True)  # sha256 hex of the limit's key
    hits: Mapped[int]  # hits in the current window
    expires_at: Mapped[datetime] = mapped_column(index=True)  # UTC: when the current window ends
