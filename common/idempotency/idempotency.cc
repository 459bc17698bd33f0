#include "common/idempotency/idempotency.h"

#include <memory>

#include "absl/strings/ascii.h"
#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "absl/types/optional.h"
#include "common/db/sha256.h"
#include "common/db/sql_error.h"
#include "common/db/transaction.h"
#include <google/protobuf/any.pb.h>
#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>

namespace rmhub::idempotency {
namespace {

struct Key {
  std::string request_id;
  std::string method;
  std::string fingerprint;
};

struct Record {
  std::string method;
  std::string fingerprint;
  std::string response;
};

absl::optional<Record> Find(db::Connection& c, const std::string& request_id) {
  sql::PreparedStatement& ps = c.Prepare(
      "SELECT method, request_sha256, response FROM idempotency_records WHERE request_id = ?");
  ps.setString(1, request_id);
  std::unique_ptr<sql::ResultSet> rs(ps.executeQuery());
  if (!rs->next()) return absl::nullopt;
  return Record{rs->getString(1), rs->getString(2), rs->getString(3)};
}

absl::Status Replay(const Record& record, const Key& key, std::string* response) {
  if (record.method != key.method || record.fingerprint != key.fingerprint) {
    absl::Status reused = InvalidField(
        kRequestIdField,
        "was already used for a different request; use a new request_id for a new request");
    reused.SetPayload(kReasonPayload, absl::Cord(kRequestIdReused));  // more precise than the default
    return reused;
  }
  *response = record.response;
  return absl::OkStatus();
}

// Inserts the record before the body runs. A concurrent duplicate's INSERT then waits on this
// row's lock and fails with a duplicate key once this transaction commits.
bool Claim(db::Connection& c, const Key& key) {
  sql::PreparedStatement& ps = c.Prepare(
      "INSERT INTO idempotency_records (request_id, method, request_sha256, response) "
      "VALUES (?, ?, ?, '')");
  ps.setString(1, key.request_id);
  ps.setString(2, key.method);
  ps.setString(3, key.fingerprint);
  try {
    ps.executeUpdate();
    return true;
  } catch (const sql::SQLException& e) {
    if (db::IsDuplicateKey(e)) return false;
    throw;
  }
}

void StoreResponse(db::Connection& c, const std::string& request_id, const std::string& response) {
  sql::PreparedStatement& ps =
      c.Prepare("UPDATE idempotency_records SET response = ? WHERE request_id = ?");
  ps.setString(1, response);
  ps.setString(2, request_id);
  ps.executeUpdate();
}

absl::Status RunOnce(db::Connection& c, const Key& key,
                     const std::function<absl::StatusOr<std::string>(db::Connection&)>& body,
                     std::string* response) {
  if (absl::optional<Record> existing = Find(c, key.request_id)) {
    return Replay(*existing, key, response);
  }
  if (!Claim(c, key)) {
    // A duplicate committed first. Its record is invisible to this transaction's snapshot, so
    // the helper re-runs this in a new transaction, which finds it and replays it.
    return Aborted(db::kRetryableReason, "a concurrent request with this request_id won");
  }
  RMHUB_ASSIGN_OR_RETURN(*response, body(c));
  StoreResponse(c, key.request_id, *response);
  return absl::OkStatus();
}

}  // namespace

absl::Status ValidateRequestId(const std::string& request_id) {
  if (request_id.size() > kMaxRequestIdLength) {
    return InvalidField(kRequestIdField, "must be at most 64 characters");
  }
  for (char ch : request_id) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(ch)) && ch != '-' && ch != '_') {
      return InvalidField(kRequestIdField, "may contain only letters, digits, '-' and '_'");
    }
  }
  return absl::OkStatus();
}

std::string RequestFingerprint(const google::protobuf::Message& request) {
  std::string bytes;
  {
    google::protobuf::io::StringOutputStream raw(&bytes);
    google::protobuf::io::CodedOutputStream out(&raw);
    out.SetSerializationDeterministic(true);
    request.SerializeToCodedStream(&out);
  }
  return db::Sha256Hex(bytes);
}

absl::Status RunRecorded(db::ConnectionPool& pool, absl::string_view method,
                         const std::string& request_id, const google::protobuf::Message& request,
                         const std::function<absl::StatusOr<std::string>(db::Connection&)>& body,
                         std::string* response) {
  RMHUB_RETURN_IF_ERROR(ValidateRequestId(request_id));
  if (request_id.empty()) {
    return db::RunInTransaction(pool, [&](db::Connection& c) -> absl::Status {
      RMHUB_ASSIGN_OR_RETURN(*response, body(c));
      return absl::OkStatus();
    });
  }
  const Key key{request_id, std::string(method), RequestFingerprint(request)};
  return db::RunInTransaction(
      pool, [&](db::Connection& c) { return RunOnce(c, key, body, response); });
}

absl::Status RunIdempotentInto(db::ConnectionPool& pool, absl::string_view method,
                               const std::string& request_id,
                               const google::protobuf::Message& request,
                               google::protobuf::Message* response,
                               const std::function<absl::Status(db::Connection&)>& body) {
  absl::StatusOr<google::protobuf::Any> packed = RunIdempotent<google::protobuf::Any>(
      pool, method, request_id, request,
      [&](db::Connection& conn) -> absl::StatusOr<google::protobuf::Any> {
        RMHUB_RETURN_IF_ERROR(body(conn));
        google::protobuf::Any any;
        if (response != nullptr) any.PackFrom(*response);
        return any;
      });
  if (!packed.ok()) return packed.status();
  if (response != nullptr && !packed->UnpackTo(response)) {
    return Internal("STORED_RESPONSE_MISMATCH",
                    "the stored response of this request_id is of another type");
  }
  return absl::OkStatus();
}

absl::StatusOr<int64_t> PurgeIdempotencyRecords(db::ConnectionPool& pool, absl::Time cutoff,
                                                int limit) {
  return db::QueryWithConnection<int64_t>(pool, [&](db::Connection& c) -> absl::StatusOr<int64_t> {
    sql::PreparedStatement& ps =
        c.Prepare("DELETE FROM idempotency_records WHERE create_time < ? LIMIT ?");
    ps.setString(1, absl::FormatTime("%Y-%m-%d %H:%M:%E6S", cutoff, absl::UTCTimeZone()));
    ps.setInt(2, limit);
    return static_cast<int64_t>(ps.executeUpdate());
  });
}

}  // namespace rmhub::idempotency
