"""The API's JSON parser: a body nested deeper than the parser can recurse is refused as
malformed (a 400), like any other malformed JSON, instead of failing with a 500. The body's
size is bounded before parsing by Django's DATA_UPLOAD_MAX_MEMORY_SIZE."""

from django.conf import settings
from rest_framework import parsers
from rest_framework.exceptions import ParseError


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        request = (parser_context or {}).get("request")
        raw_length = request.META.get("CONTENT_LENGTH") if request is not None else None
        length = int(raw_length) if str(raw_length or "").isdecimal() else 0
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if limit is not None and length > limit:
            raise ParseError(f"The body is {length} bytes; at most {limit} are accepted.")
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError("JSON parse error: nested too deeply.") from None
