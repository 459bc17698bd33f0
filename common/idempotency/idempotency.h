#pragma once
// AIP-155 request ids. A mutation that carries a request_id runs in ONE transaction with the
// record of its response, so a retried request returns the first response instead of acting
// twice.
//
//   - request_id "" : no deduplication, the body just runs in a transaction;
//   - otherwise 1..64 characters of [A-Za-z0-9-_] (a UUID fits), else INVALID_ARGUMENT naming
//     field "request_id";
//   - first run: body, then the record (request_id, method, SHA-256 of the request's
//     deterministic serialization, serialized response) commit together;
//   - replay with the same method and request: the stored response, body not run;
//   - the same request_id with another request or method: INVALID_ARGUMENT "REQUEST_ID_REUSED"
//     on field "request_id" (the caller's bug, not a conflict with the resource's state);
//   - a failed body stores nothing: a retry runs it again;
//   - concurrent duplicates: the record is claimed before the body runs, so the second waits on
//     the first's row lock and then returns the first's stored response.
// Records are kept until PurgeIdempotencyRecords removes them.

#include <cstdint>
#include <functional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/db/connection_pool.h"
#include "common/status/errors.h"
#include <google/protobuf/message.h>

namespace rmhub::idempotency {

inline constexpr char kRequestIdField[] = "request_id";
inline constexpr char kRequestIdReused[] = "REQUEST_ID_REUSED";
inline constexpr size_t kMaxRequestIdLength = 64;

// OK for "" and well-formed ids; INVALID_ARGUMENT naming "request_id" otherwise.
absl::Status ValidateRequestId(const std::string& request_id);

// SHA-256 (hex) of the deterministic serialization of `request`.
std::string RequestFingerprint(const google::protobuf::Message& request);

// The non-template core of RunIdempotent. `body` returns the serialized response; on success
// *response holds the bytes to parse (the body's, or the stored ones on a replay).
absl::Status RunRecorded(db::ConnectionPool& pool, absl::string_view method,
                         const std::string& request_id, const google::protobuf::Message& request,
                         const std::function<absl::StatusOr<std::string>(db::Connection&)>& body,
                         std::string* response);

template <class Response>  // Response is a protobuf message
absl::StatusOr<Response> RunIdempotent(
    db::ConnectionPool& pool, absl::string_view method, const std::string& request_id,
    const google::protobuf::Message& request,
    const std::function<absl::StatusOr<Response>(db::Connection&)>& body) {
  std::string bytes;
  RMHUB_RETURN_IF_ERROR(RunRecorded(
      pool, method, request_id, request,
      [&](db::Connection& conn) -> absl::StatusOr<std::string> {
        absl::StatusOr<Response> r = body(conn);
        if (!r.ok()) return r.status();
        std::string out;
        if (!r->SerializeToString(&out)) {
          return Internal("RESPONSE_NOT_SERIALIZABLE", "the response could not be serialized");
        }
        return out;
      },
      &bytes));
  Response response;
  if (!response.ParseFromString(bytes)) {
    return Internal("STORED_RESPONSE_UNREADABLE", "the stored response could not be parsed");
  }
  return response;
}

// RunIdempotent for a caller that holds its response as a plain message: `body` runs in the
// transaction and fills *response (may be nullptr: nothing to answer); on a replay *response is
// filled from the record instead. The record holds the response as a google.protobuf.Any, so
// this one non-template path serves every response type, and a replay into a message of another
// type than the one stored is INTERNAL "STORED_RESPONSE_MISMATCH" rather than garbage.
absl::Status RunIdempotentInto(db::ConnectionPool& pool, absl::string_view method,
                               const std::string& request_id,
                               const google::protobuf::Message& request,
                               google::protobuf::Message* response,
                               const std::function<absl::Status(db::Connection&)>& body);

// Deletes records created before `cutoff`, at most `limit` of them; returns how many went.
// Replays of those request ids then run again, so keep them longer than any client retries.
absl::StatusOr<int64_t> PurgeIdempotencyRecords(db::ConnectionPool& pool, absl::Time cutoff,
                                                int limit = 1000);

}  // namespace rmhub::idempotency
