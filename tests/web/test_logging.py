"""Tokens never reach the logs: every configured handler masks them in request paths."""

from __future__ import annotations

import logging

from netviz.web.logredact import RedactTokens, redact
from tests.web.base import BaseTestCase


def test_it_masks_view_edit_and_api_tokens():
    line = (
        '"GET /r/AbCdEfGhIjKlMnOpQrStUvWxYz012345/rev/1/ HTTP/1.1" 200 '
        "/e/AbCdEfGhIjKlMnOpQrStUvWxYz012345/rename /api/reviews/AbCdEfGhIjKlMnOp_-/revisions"
    )
    assert redact(line) == (
        '"GET /r/[token]/rev/1/ HTTP/1.1" 200 /e/[token]/rename /api/reviews/[token]/revisions'
    )
    assert redact("GET /static/css/netviz.css") == "GET /static/css/netviz.css"


def test_every_configured_handler_redacts():
    handlers = [logging.getLogger().handlers, logging.getLogger("django.server").handlers]
    # pytest adds capture handlers of its own; ours are the standard library's StreamHandlers.
    flat = [h for group in handlers for h in group if type(h).__module__ == "logging"]
    assert flat, "settings.LOGGING configured no handler"
    for handler in flat:
        assert any(isinstance(f, RedactTokens) for f in handler.filters), handler


class RequestLogTestCase(BaseTestCase):
    def test_a_404_for_an_unknown_token_is_logged_without_it(self):
        records: list[logging.LogRecord] = []

        class Keep(logging.Handler):
            def emit(self, record: logging.LogRecord) -> None:
                records.append(record)

        keep = Keep()
        keep.addFilter(RedactTokens())
        logger = logging.getLogger("django.request")
        logger.addHandler(keep)
        try:
            self.client.get(f"/e/{self.stranger_token}/")
        finally:
            logger.removeHandler(keep)
        messages = [r.getMessage() for r in records]
        assert messages == ["Not Found: /e/[token]/"]
