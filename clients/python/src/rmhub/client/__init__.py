"""RM Hub client helpers over the generated stubs (rmhub.<service>.v1.*_pb2[_grpc]).

A thin layer, no business logic:
  open_channel   a channel with keepalive, a default deadline per call, a bearer token or mutual
                 TLS, an x-request-id on every call and errors decoded into RmhubError
  new_request_id a fresh request_id for a mutation (the same id on a retry replays its answer)
  pages / items  iteration over the pages of a List call
  RmhubError     a failed call: code, message, ErrorInfo reason/domain/metadata, BadRequest field
                 violations, RetryInfo delay
"""

from rmhub.client._channel import (
    DEFAULT_DEADLINE_SECONDS,
    REQUEST_ID_HEADER,
    TlsFiles,
    open_channel,
    new_request_id,
)
from rmhub.client._errors import FieldViolation, RmhubError, decode_error
from rmhub.client._paging import items, pages

__all__ = [
    "DEFAULT_DEADLINE_SECONDS",
    "REQUEST_ID_HEADER",
    "FieldViolation",
    "RmhubError",
    "TlsFiles",
    "decode_error",
    "items",
    "new_request_id",
    "open_channel",
    "pages",
]
