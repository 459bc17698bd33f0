"""Rich errors: a failed call's google.rpc.Status details decoded into one exception."""

from __future__ import annotations

import dataclasses
from typing import Dict, List, Optional

import grpc
from google.rpc import error_details_pb2, status_pb2

_DETAILS_KEY = "grpc-status-details-bin"


@dataclasses.dataclass(frozen=True)
class FieldViolation:
    """One bad request field: its path ("customer.national_id") and what is wrong with it."""

    field: str
    description: str


class RmhubError(grpc.RpcError):
    """A failed RM Hub call.

    code: the grpc.StatusCode; message: the status message; reason/domain/metadata: the
    google.rpc.ErrorInfo the services attach (reason "INVALID_FIELDS", "ETAG_MISMATCH", ...;
    empty when absent); field_violations: google.rpc.BadRequest's, in order; retry_delay: seconds
    from google.rpc.RetryInfo, None when the service gave none. It is still a grpc.RpcError
    (code() and details() answer as grpc's do), so existing handlers keep working.
    """

    def __init__(
        self,
        code: grpc.StatusCode,
        message: str,
        reason: str = "",
        domain: str = "",
        metadata: Optional[Dict[str, str]] = None,
        field_violations: Optional[List[FieldViolation]] = None,
        retry_delay: Optional[float] = None,
    ):
        super().__init__(f"{code.name}: {message}" + (f" [{reason}]" if reason else ""))
        self.code_ = code
        self.message = message
        self.reason = reason
        self.domain = domain
        self.metadata = dict(metadata or {})
        self.field_violations = list(field_violations or [])
        self.retry_delay = retry_delay

    # grpc.Call's accessors, so `except grpc.RpcError as e: e.code()` works unchanged.
    def code(self) -> grpc.StatusCode:
        return self.code_

    def details(self) -> str:
        return self.message

    def violation(self, field: str) -> Optional[FieldViolation]:
        """The first violation of exactly this field, or None."""
        return next((v for v in self.field_violations if v.field == field), None)


def _code_from_number(number: int) -> grpc.StatusCode:
    for code in grpc.StatusCode:
        if code.value[0] == number:
            return code
    return grpc.StatusCode.UNKNOWN


def decode_error(error: grpc.RpcError) -> RmhubError:
    """The RmhubError of a failed call (a grpc.RpcError that is also a grpc.Call).

    Details that do not parse are ignored: the code and message still come through.
    """
    if isinstance(error, RmhubError):
        return error
    code = error.code() if hasattr(error, "code") else grpc.StatusCode.UNKNOWN
    message = error.details() if hasattr(error, "details") else str(error)
    trailers = error.trailing_metadata() if hasattr(error, "trailing_metadata") else None
    raw = next((v for k, v in (trailers or ()) if k == _DETAILS_KEY), None)
    out = RmhubError(code or grpc.StatusCode.UNKNOWN, message or "")
    if raw is None:
        return out
    status = status_pb2.Status()
    try:
        status.ParseFromString(raw)
    except Exception:  # a malformed trailer: keep code and message
        return out
    if status.code:
        out.code_ = _code_from_number(status.code)
    for any_detail in status.details:
        info = error_details_pb2.ErrorInfo()
        bad = error_details_pb2.BadRequest()
        retry = error_details_pb2.RetryInfo()
        if any_detail.Is(info.DESCRIPTOR) and any_detail.Unpack(info):
            out.reason, out.domain = info.reason, info.domain
            out.metadata = dict(info.metadata)
        elif any_detail.Is(bad.DESCRIPTOR) and any_detail.Unpack(bad):
            out.field_violations.extend(
                FieldViolation(v.field, v.description) for v in bad.field_violations
            )
        elif any_detail.Is(retry.DESCRIPTOR) and any_detail.Unpack(retry):
            out.retry_delay = retry.retry_delay.seconds + retry.retry_delay.nanos / 1e9
    out.args = (f"{out.code_.name}: {out.message}" + (f" [{out.reason}]" if out.reason else ""),)
    return out
