"""Channels: keepalive, default deadlines, credentials, request ids and rich errors."""

from __future__ import annotations

import collections
import dataclasses
import uuid
from typing import Callable, Optional, Sequence, Tuple, Union

import grpc

from rmhub.client._errors import decode_error

REQUEST_ID_HEADER = "x-request-id"
DEFAULT_DEADLINE_SECONDS = 10.0


def new_request_id() -> str:
    """A fresh id: 32 lowercase hex digits, acceptable both as a mutation's request_id and as
    x-request-id. Keep it with the request and send the same one on every retry of it."""
    return uuid.uuid4().hex


@dataclasses.dataclass(frozen=True)
class TlsFiles:
    """PEM files for TLS: the bank's CA that signed the servers' certificates and, for mutual
    TLS, this client's certificate and key (both or neither)."""

    ca_file: str
    cert_file: Optional[str] = None
    key_file: Optional[str] = None

    def credentials(self) -> grpc.ChannelCredentials:
        if bool(self.cert_file) != bool(self.key_file):
            raise ValueError("TlsFiles: cert_file and key_file go together")

        def read(path: Optional[str]) -> Optional[bytes]:
            if not path:
                return None
            with open(path, "rb") as f:
                return f.read()

        return grpc.ssl_channel_credentials(
            root_certificates=read(self.ca_file),
            private_key=read(self.key_file),
            certificate_chain=read(self.cert_file),
        )


class _CallDetails(
    collections.namedtuple(
        "_CallDetails", ("method", "timeout", "metadata", "credentials", "wait_for_ready", "compression")
    ),
    grpc.ClientCallDetails,
):
    pass


TokenSource = Union[str, Callable[[], str], None]


class _Interceptor(
    grpc.UnaryUnaryClientInterceptor,
    grpc.UnaryStreamClientInterceptor,
):
    """Adds the default deadline, the bearer token and an x-request-id to every call, and turns
    a failed unary call's error into an RmhubError."""

    def __init__(self, token: TokenSource, deadline: Optional[float]):
        self._token = token
        self._deadline = deadline

    def _details(self, details: grpc.ClientCallDetails) -> _CallDetails:
        metadata = list(details.metadata or ())
        keys = {k for k, _ in metadata}
        if self._token is not None and "authorization" not in keys:
            token = self._token() if callable(self._token) else self._token
            metadata.append(("authorization", f"Bearer {token}"))
        if REQUEST_ID_HEADER not in keys:
            metadata.append((REQUEST_ID_HEADER, new_request_id()))
        timeout = details.timeout if details.timeout is not None else self._deadline
        return _CallDetails(
            details.method,
            timeout,
            metadata,
            details.credentials,
            getattr(details, "wait_for_ready", None),
            getattr(details, "compression", None),
        )

    def intercept_unary_unary(self, continuation, client_call_details, request):
        outcome = continuation(self._details(client_call_details), request)
        error = outcome.exception()
        if error is not None and isinstance(error, grpc.RpcError):
            raise decode_error(error) from None
        return outcome

    def intercept_unary_stream(self, continuation, client_call_details, request):
        return continuation(self._details(client_call_details), request)


def open_channel(
    address: str,
    *,
    token: TokenSource = None,
    tls: Optional[TlsFiles] = None,
    deadline: Optional[float] = DEFAULT_DEADLINE_SECONDS,
    keepalive_time: float = 60.0,
    keepalive_timeout: float = 20.0,
    options: Sequence[Tuple[str, object]] = (),
) -> grpc.Channel:
    """A channel to `address` ("host:port").

    token: a bearer JWT, or a function returning the current one (called per call, so it can
      refresh). Sent as metadata, which also works on the plaintext loopback channels of a
      development stack.
    tls: TLS against the bank's CA; with cert_file/key_file, mutual TLS (a service identity).
      Without it the channel is plaintext, for a local development stack only.
    deadline: seconds for a call that sets no timeout= of its own; None for no default.
    keepalive_time / keepalive_timeout: HTTP/2 pings on an idle connection, in seconds. The
      servers accept pings at most every 10 s (--min_client_ping_interval).
    """
    if keepalive_time < 10:
        raise ValueError("keepalive_time: at least 10 seconds (the servers refuse faster pings)")
    opts = [
        ("grpc.keepalive_time_ms", int(keepalive_time * 1000)),
        ("grpc.keepalive_timeout_ms", int(keepalive_timeout * 1000)),
        ("grpc.keepalive_permit_without_calls", 0),
        ("grpc.http2.max_pings_without_data", 0),
        *options,
    ]
    if tls is not None:
        channel = grpc.secure_channel(address, tls.credentials(), options=opts)
    else:
        channel = grpc.insecure_channel(address, options=opts)
    return grpc.intercept_channel(channel, _Interceptor(token, deadline))
