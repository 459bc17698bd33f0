#pragma once
// AIP-155 request ids, caller-scoped (docs/decisions.md, "Idempotency"). A mutation that carries
// a request_id runs in ONE transaction with the record of its response, so a retried request
// returns the first response instead of acting twice.
//
//   - the key is (service, method, caller subject, request_id): a replay by another caller is a
//     fresh request, run as that caller; it never sees the first caller's response;
//   - request_id "" : no deduplication, the body just runs in a transaction;
//   - otherwise 1..64 characters of [A-Za-z0-9-_] (a UUID fits), else INVALID_ARGUMENT naming
//     field "request_id";
//   - first run: body, then the record (key, HMAC of the request, the body's response SEALED with
//     AES-256-GCM, associated data binding it to the key) commits with the change; then `finish`
//     runs (kFirst) and shapes the response for the caller;
//   - replay of the same request by the same caller: the stored response is unsealed and `finish`
//     runs (kReplay) in a transaction instead of the body: it re-authorizes the caller against the
//     current object and shapes the response (masking, audit) as a first call would. No `finish`
//     on a replay is PERMISSION_DENIED "REPLAY_NOT_AUTHORIZED" (fail closed);
//   - the same request_id with another request (same caller and method): INVALID_ARGUMENT
//     "REQUEST_ID_REUSED" on field "request_id";
//   - a failed body stores nothing: a retry runs it again;
//   - concurrent duplicates: the record is claimed before the body runs, so the second waits on
//     the first's row lock and then replays the first's stored response;
//   - records older than the retention are expired: a replay after it runs fresh, and Purger
//     deletes them in bounded batches.

#include <google/protobuf/message.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/clock/clock.h"
#include "common/db/connection_pool.h"
#include "common/pii/field_cipher.h"
#include "common/status/errors.h"

namespace prometheus {
class Registry;
}  // namespace prometheus

namespace rmhub::idempotency {

inline constexpr char kRequestIdField[] = "request_id";
inline constexpr char kRequestIdReused[] = "REQUEST_ID_REUSED";
inline constexpr char kReplayNotAuthorized[] = "REPLAY_NOT_AUTHORIZED";
inline constexpr size_t kMaxRequestIdLength = 64;
// Retention bounds: AIP-155 suggests at least a day.
inline constexpr absl::Duration kDefaultRetention = absl::Hours(7 * 24);
inline constexpr absl::Duration kMinRetention = absl::Hours(24);
// Shortest accepted secret (bytes of the --idempotency_key_file content).
inline constexpr size_t kMinSecretBytes = 16;

// OK for "" and well-formed ids; INVALID_ARGUMENT naming "request_id" otherwise.
absl::Status ValidateRequestId(const std::string& request_id);

// Who asks for what: the caller-scoped part of the key (the service is the Idempotency's).
struct Key {
  std::string method;      // "CreateCustomer"
  std::string request_id;  // "" = no deduplication
  std::string subject;     // the caller's subject ("members/7", "services/customer")
};

enum class Delivery { kFirst, kReplay };

// The settings every service takes from its flags (common/service).
struct Settings {
  std::string secret;  // the content of --idempotency_key_file
  absl::Duration retention = kDefaultRetention;
};

// INVALID_ARGUMENT naming --idempotency_key_file or --idempotency_retention, or OK.
absl::Status ValidateSettings(const Settings& settings);

// PERMISSION_DENIED REPLAY_NOT_AUTHORIZED: a replay whose authorization cannot be decided.
absl::Status ReplayNotAuthorized(absl::string_view why);

class Idempotency {
 public:
  using Body = std::function<absl::Status(db::Connection&)>;
  using Finish = std::function<absl::Status(db::Connection&, Delivery)>;

  // `service` ("customer") is part of every key. `cipher` seals stored responses (the PII key
  // ring of a service that has one; not owned, must outlive this); nullptr: a key derived from
  // the secret. INVALID_ARGUMENT for bad settings.
  static absl::StatusOr<std::unique_ptr<Idempotency>> Create(std::string service,
                                                             const Settings& settings,
                                                             const pii::FieldCipher* cipher,
                                                             const Clock& clock);

  // In one transaction on `pool` (retried as db::RunInTransaction does): the body then `finish`
  // (kFirst), or on a replay `finish` (kReplay) on the unsealed stored response. `body` fills
  // *response (may be nullptr: nothing to answer) with the UNSHAPED response; `finish` (may be
  // empty) shapes it in place.
  absl::Status Run(db::ConnectionPool& pool, const Key& key,
                   const google::protobuf::Message& request, google::protobuf::Message* response,
                   const Body& body, const Finish& finish) const;

  // HMAC-SHA256 (hex) of the request's deterministic serialization under the secret.
  std::string Fingerprint(const google::protobuf::Message& request) const;
  // HMAC-SHA256 (hex) of (service, method, subject, request_id): the record's primary key.
  std::string RecordKey(const Key& key) const;
  absl::Duration retention() const { return retention_; }

 private:
  Idempotency(std::string service, std::string secret, absl::Duration retention,
              const pii::FieldCipher* cipher, std::unique_ptr<pii::FieldCipher> own_cipher,
              const Clock& clock);
  std::string Hmac(absl::string_view data) const;

  std::string service_;
  std::string secret_;
  absl::Duration retention_;
  std::unique_ptr<pii::FieldCipher> own_cipher_;
  const pii::FieldCipher* cipher_;
  const Clock& clock_;
};

// Deletes records created before `cutoff`, `batch` rows per statement until a statement deletes
// fewer; returns how many went. Replays of those request ids then run again.
absl::StatusOr<int64_t> PurgeExpired(db::ConnectionPool& pool, absl::Time cutoff, int batch = 1000);

struct PurgeOptions {
  absl::Duration interval = absl::Minutes(5);
  int batch = 1000;
};

// A background thread running PurgeExpired(now - retention) every interval. Metrics (with a
// registry): rmhub_idempotency_records_purged_total, rmhub_idempotency_purge_errors_total.
class Purger {
 public:
  Purger(db::ConnectionPool& pool, absl::Duration retention, const Clock& clock,
         PurgeOptions options = {}, prometheus::Registry* registry = nullptr);
  ~Purger();  // stops the thread
  Purger(const Purger&) = delete;
  Purger& operator=(const Purger&) = delete;

  void Start();
  void Stop();
  // One purge pass (also what the thread runs); counts into the metrics.
  absl::StatusOr<int64_t> RunOnce();

 private:
  struct Metrics;
  void Loop();

  db::ConnectionPool& pool_;
  const absl::Duration retention_;
  const Clock& clock_;
  const PurgeOptions options_;
  std::unique_ptr<Metrics> metrics_;
  absl::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace rmhub::idempotency
