"""Reading upload bodies without letting Django's own request limits turn into a bare 400."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFilesSent
from django.forms import Form
from django.http import HttpRequest

from netviz.web.services import UploadRefused


@contextmanager
def request_limits() -> Iterator[None]:
    """Turns Django's refusals to read a body into UploadRefused with a clear message."""
    try:
        yield
    except RequestDataTooBig:
        raise UploadRefused(
            f"The upload is larger than the limit of {settings.NETVIZ_MAX_UPLOAD_MB} MB.",
            status=413,
        ) from None
    except TooManyFilesSent:
        raise UploadRefused(
            f"Too many files: at most {settings.DATA_UPLOAD_MAX_NUMBER_FILES} per upload."
        ) from None


def bind(request: HttpRequest, form_class: type[Form]) -> Form:
    """The form bound to the request body; UploadRefused when the body cannot be read."""
    with request_limits():
        return form_class(request.POST, request.FILES)
