"""URL converters: tokens are URL-safe base64, so anything else is a 404 before any lookup."""


class TokenConverter:
    regex = "[A-Za-z0-9_-]{16,64}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value
