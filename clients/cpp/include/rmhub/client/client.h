#pragma once
// RM Hub client helpers for C++ integrators, installed with the contract: link rmhub::client.
// A thin layer over the generated stubs, no business logic:
//   OpenChannel    a channel with keepalive, plaintext (development) or TLS / mutual TLS
//   CallOptions    bearer token, deadline and x-request-id of one call (Prepare a ClientContext)
//   NewRequestId   a fresh request_id for a mutation (the same id on a retry replays its answer)
//   Call           one unary call with those options; its failure decoded into an RpcError
//   ForEachPage    a List call page by page
//   DecodeError    google.rpc.Status details: ErrorInfo reason and metadata, BadRequest field
//                  violations, RetryInfo delay
// The implementation reuses the services' own code (common/auth/tls, common/grpc/request_id,
// common/grpc/status_mapping), compiled into librmhub_client_helpers.a.

#include <grpcpp/channel.h>
#include <grpcpp/client_context.h>
#include <grpcpp/support/status.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace rmhub::client {

inline constexpr char kRequestIdHeader[] = "x-request-id";
inline constexpr std::chrono::milliseconds kDefaultDeadline{10000};

// PEM files: the bank's CA that signed the servers' certificates and, for mutual TLS (a service
// identity), this client's certificate and key (both or neither). No CA: plaintext.
struct TlsFiles {
  std::string ca_file;
  std::string cert_file;
  std::string key_file;
};

struct ChannelOptions {
  TlsFiles tls;
  // HTTP/2 pings on an idle connection; the servers accept one every 10 s at most.
  std::chrono::milliseconds keepalive_time{60000};
  std::chrono::milliseconds keepalive_timeout{20000};
};

// A channel to `address` ("host:port") in `*channel`. INVALID_ARGUMENT naming the field
// (tls_ca_file, tls_cert_file, tls_key_file, keepalive_time) when the options are unusable.
grpc::Status OpenChannel(const std::string& address, const ChannelOptions& options,
                         std::shared_ptr<grpc::Channel>* channel);

// 32 lowercase hex digits: valid as a mutation's request_id and as x-request-id.
std::string NewRequestId();

struct CallOptions {
  // A bearer JWT; empty sends none (health only).
  std::string token;
  // From when the context is prepared; zero or negative: no deadline.
  std::chrono::milliseconds deadline = kDefaultDeadline;
  // x-request-id for logs and traces; empty: a fresh one per call.
  std::string request_id;
};

// Sets the deadline, "authorization: Bearer <token>" and x-request-id on a fresh context.
void Prepare(grpc::ClientContext& context, const CallOptions& options);

struct FieldViolation {
  std::string field;
  std::string description;
};

struct RpcError {
  grpc::StatusCode code = grpc::StatusCode::OK;
  std::string message;
  // ErrorInfo.reason ("INVALID_FIELDS", "ETAG_MISMATCH", ...), "" when absent.
  std::string reason;
  std::vector<std::pair<std::string, std::string>> metadata;
  std::vector<FieldViolation> field_violations;
  // RetryInfo: wait at least this long before sending the call again.
  std::optional<std::chrono::milliseconds> retry_delay;

  bool ok() const { return code == grpc::StatusCode::OK; }
  // The first violation of exactly `field`, or nullptr.
  const FieldViolation* Violation(const std::string& field) const;
  // "INVALID_ARGUMENT: <message> [INVALID_FIELDS] customer.national_id: ...".
  std::string ToString() const;
};

// The decoded status of a call (OK decodes to ok()). Details that do not parse are ignored.
RpcError DecodeError(const grpc::Status& status);

// The name of a status code, "INVALID_ARGUMENT".
std::string CodeName(grpc::StatusCode code);

// One unary call: `fn(grpc::ClientContext*)` runs the stub method on a context prepared with
// `options`, e.g.
//   auto err = Call(opts, [&](grpc::ClientContext* c) { return stub->GetCustomer(c, req, &out); });
template <typename Fn>
RpcError Call(const CallOptions& options, Fn&& fn) {
  grpc::ClientContext context;
  Prepare(context, options);
  return DecodeError(fn(&context));
}

// A List call page by page: `call(grpc::ClientContext*, const Request&, Response*)` for the
// request and each next_page_token, `on_page(const Response&)` for each page (return false to
// stop). Each page is one call with its own deadline. The request's filter and page size stay as
// given (a page token is only valid with them).
template <typename Request, typename Response, typename CallFn, typename PageFn>
RpcError ForEachPage(const CallOptions& options, Request request, CallFn&& call, PageFn&& on_page) {
  for (;;) {
    Response response;
    RpcError error = Call(
        options, [&](grpc::ClientContext* context) { return call(context, request, &response); });
    if (!error.ok()) return error;
    if (!on_page(static_cast<const Response&>(response))) return error;
    if (response.next_page_token().empty()) return error;
    request.set_page_token(response.next_page_token());
  }
}

}  // namespace rmhub::client
