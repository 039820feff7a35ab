"""Where the app sends its Aria calls: production unless the environment says otherwise."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

PRODUCTION_URL = "https://secure.ariasystems.net/api/ws/api_ws_class_dispatcher.php"


@dataclass(frozen=True)
class AriaSettings:
    """The app's Aria settings."""

    url: str
    client_no: int
    auth_key: str = field(repr=False)

    @classmethod
    def from_env(cls) -> AriaSettings:
        """Read BILLING_ARIA_URL, BILLING_ARIA_CLIENT_NO and BILLING_ARIA_AUTH_KEY."""
        return cls(
            os.environ.get("BILLING_ARIA_URL", PRODUCTION_URL),
            int(os.environ["BILLING_ARIA_CLIENT_NO"]),
            os.environ["BILLING_ARIA_AUTH_KEY"],
        )
