"""A logging filter that masks review tokens in request paths before anything is written."""

from __future__ import annotations

import logging
import re

# /r/<view>, /e/<edit>, /api/reviews/<edit>: keep the route, hide the token.
_TOKEN_IN_PATH = re.compile(r"(/(?:r|e|api/reviews)/)[A-Za-z0-9_-]{8,}")


def redact(text: str) -> str:
    return _TOKEN_IN_PATH.sub(r"\1[token]", text)


class RedactTokens(logging.Filter):
    """Rewrites the formatted message; never drops a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        return True
