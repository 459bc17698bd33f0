#include "common/idempotency/idempotency.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <prometheus/counter.h>
#include <prometheus/registry.h>

#include <algorithm>
#include <map>
#include <memory>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/cord.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "absl/types/optional.h"
#include "common/db/sql_error.h"
#include "common/db/transaction.h"

namespace rmhub::idempotency {
namespace {

// Domain tags keep the three uses of the secret apart.
constexpr char kKeyTag[] = "rmhub.idempotency.key.v1";
constexpr char kRequestTag[] = "rmhub.idempotency.request.v1";
constexpr char kSealKeyTag[] = "rmhub.idempotency.seal.v1";
constexpr char kSealKeyId[] = "idempotency1";
constexpr char kAadPrefix[] = "rmhub.idempotency_records.response:";

std::string TimeText(absl::Time t) {
  return absl::FormatTime("%Y-%m-%d %H:%M:%E6S", t, absl::UTCTimeZone());
}

struct Record {
  std::string fingerprint;
  std::string response;  // sealed
  bool expired = false;
};

absl::optional<Record> Find(db::Connection& c, const std::string& record_key, absl::Time cutoff) {
  sql::PreparedStatement& ps = c.Prepare(
      "SELECT request_hmac, response, create_time < ? FROM idempotency_records "
      "WHERE record_key = ?");
  ps.setString(1, TimeText(cutoff));
  ps.setString(2, record_key);
  std::unique_ptr<sql::ResultSet> rs(ps.executeQuery());
  if (!rs->next()) return absl::nullopt;
  return Record{rs->getString(1), rs->getString(2), rs->getInt(3) != 0};
}

void Forget(db::Connection& c, const std::string& record_key) {
  sql::PreparedStatement& ps = c.Prepare("DELETE FROM idempotency_records WHERE record_key = ?");
  ps.setString(1, record_key);
  ps.executeUpdate();
}

// Inserts the record before the body runs. A concurrent duplicate's INSERT then waits on this
// row's lock and fails with a duplicate key once this transaction commits.
bool Claim(db::Connection& c, const std::string& record_key, const std::string& method,
           const std::string& fingerprint, absl::Time now) {
  sql::PreparedStatement& ps = c.Prepare(
      "INSERT INTO idempotency_records (record_key, method, request_hmac, response, create_time) "
      "VALUES (?, ?, ?, '', ?)");
  ps.setString(1, record_key);
  ps.setString(2, method);
  ps.setString(3, fingerprint);
  ps.setString(4, TimeText(now));
  try {
    ps.executeUpdate();
    return true;
  } catch (const sql::SQLException& e) {
    if (db::IsDuplicateKey(e)) return false;
    throw;
  }
}

void StoreResponse(db::Connection& c, const std::string& record_key, const std::string& sealed) {
  sql::PreparedStatement& ps =
      c.Prepare("UPDATE idempotency_records SET response = ? WHERE record_key = ?");
  ps.setString(1, sealed);
  ps.setString(2, record_key);
  ps.executeUpdate();
}

absl::Status Reused() {
  absl::Status reused = InvalidField(
      kRequestIdField,
      "was already used for a different request; use a new request_id for a new request");
  reused.SetPayload(kReasonPayload, absl::Cord(kRequestIdReused));  // more precise than the default
  return reused;
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

absl::Status ValidateSettings(const Settings& settings) {
  if (settings.secret.size() < kMinSecretBytes) {
    return InvalidField("idempotency_key_file",
                        absl::StrCat("--idempotency_key_file is required and must hold at least ",
                                     kMinSecretBytes, " bytes of secret"));
  }
  if (settings.retention < kMinRetention) {
    return InvalidField("idempotency_retention",
                        "--idempotency_retention must be at least 24h (AIP-155)");
  }
  return absl::OkStatus();
}

absl::Status ReplayNotAuthorized(absl::string_view why) {
  return PermissionDenied(
      kReplayNotAuthorized,
      absl::StrCat("the replay of this request_id cannot be authorized: ", why));
}

Idempotency::Idempotency(std::string service, std::string secret, absl::Duration retention,
                         const pii::FieldCipher* cipher,
                         std::unique_ptr<pii::FieldCipher> own_cipher, const Clock& clock)
    : service_(std::move(service)),
      secret_(std::move(secret)),
      retention_(retention),
      own_cipher_(std::move(own_cipher)),
      cipher_(cipher != nullptr ? cipher : own_cipher_.get()),
      clock_(clock) {}

absl::StatusOr<std::unique_ptr<Idempotency>> Idempotency::Create(std::string service,
                                                                 const Settings& settings,
                                                                 const pii::FieldCipher* cipher,
                                                                 const Clock& clock) {
  RMHUB_RETURN_IF_ERROR(ValidateSettings(settings));
  std::unique_ptr<pii::FieldCipher> own;
  if (cipher == nullptr) {
    // A service without PII keys seals with a key derived from the secret.
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    HMAC(EVP_sha256(), settings.secret.data(), static_cast<int>(settings.secret.size()),
         reinterpret_cast<const unsigned char*>(kSealKeyTag), sizeof(kSealKeyTag) - 1, out, &len);
    std::map<std::string, std::string> keys{
        {kSealKeyId, std::string(reinterpret_cast<char*>(out), len)}};
    RMHUB_ASSIGN_OR_RETURN(pii::FieldCipher derived,
                           pii::FieldCipher::Create(std::move(keys), kSealKeyId));
    own = std::make_unique<pii::FieldCipher>(std::move(derived));
  }
  return std::unique_ptr<Idempotency>(new Idempotency(
      std::move(service), settings.secret, settings.retention, cipher, std::move(own), clock));
}

std::string Idempotency::Hmac(absl::string_view data) const {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), secret_.data(), static_cast<int>(secret_.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), out, &len);
  return absl::BytesToHexString(absl::string_view(reinterpret_cast<char*>(out), len));
}

std::string Idempotency::Fingerprint(const google::protobuf::Message& request) const {
  std::string bytes;
  {
    google::protobuf::io::StringOutputStream raw(&bytes);
    google::protobuf::io::CodedOutputStream out(&raw);
    out.SetSerializationDeterministic(true);
    request.SerializeToCodedStream(&out);
  }
  return Hmac(absl::StrCat(kRequestTag, absl::string_view("\0", 1), bytes));
}

std::string Idempotency::RecordKey(const Key& key) const {
  // Lengths first, so the parts split only one way whatever they contain.
  return Hmac(absl::StrCat(kKeyTag, ":", service_.size(), ":", key.method.size(), ":",
                           key.subject.size(), ":", key.request_id.size(), ":", service_,
                           key.method, key.subject, key.request_id));
}

absl::Status Idempotency::Run(db::ConnectionPool& pool, const Key& key,
                              const google::protobuf::Message& request,
                              google::protobuf::Message* response, const Body& body,
                              const Finish& finish) const {
  RMHUB_RETURN_IF_ERROR(ValidateRequestId(key.request_id));
  if (key.request_id.empty()) {
    return db::RunInTransaction(pool, [&](db::Connection& c) -> absl::Status {
      RMHUB_RETURN_IF_ERROR(body(c));
      return finish ? finish(c, Delivery::kFirst) : absl::OkStatus();
    });
  }
  const std::string record_key = RecordKey(key);
  const std::string fingerprint = Fingerprint(request);
  const std::string aad = absl::StrCat(kAadPrefix, record_key);
  return db::RunInTransaction(pool, [&](db::Connection& c) -> absl::Status {
    const absl::Time now = clock_.Now();
    absl::optional<Record> existing = Find(c, record_key, now - retention_);
    if (existing.has_value() && existing->expired) {
      Forget(c, record_key);  // past retention: this request runs fresh
      existing.reset();
    }
    if (existing.has_value()) {
      if (existing->fingerprint != fingerprint) return Reused();
      if (!finish) return ReplayNotAuthorized("the method has no replay check");
      if (response != nullptr) {
        RMHUB_ASSIGN_OR_RETURN(std::string bytes, cipher_->Decrypt(existing->response, aad));
        response->Clear();
        if (!response->ParseFromString(bytes)) {
          return Internal("STORED_RESPONSE_UNREADABLE", "the stored response could not be parsed");
        }
      }
      return finish(c, Delivery::kReplay);
    }
    if (!Claim(c, record_key, key.method, fingerprint, now)) {
      // A duplicate committed first. Its record is invisible to this transaction's snapshot, so
      // the helper re-runs this in a new transaction, which finds it and replays it.
      return Aborted(db::kRetryableReason, "a concurrent request with this request_id won");
    }
    RMHUB_RETURN_IF_ERROR(body(c));
    std::string bytes;
    if (response != nullptr && !response->SerializeToString(&bytes)) {
      return Internal("RESPONSE_NOT_SERIALIZABLE", "the response could not be serialized");
    }
    RMHUB_ASSIGN_OR_RETURN(std::string sealed, cipher_->Encrypt(bytes, aad));
    StoreResponse(c, record_key, sealed);
    return finish ? finish(c, Delivery::kFirst) : absl::OkStatus();
  });
}

absl::StatusOr<int64_t> PurgeExpired(db::ConnectionPool& pool, absl::Time cutoff, int batch) {
  batch = std::max(1, batch);
  int64_t total = 0;
  for (;;) {
    RMHUB_ASSIGN_OR_RETURN(
        int64_t deleted,
        db::QueryWithConnection<int64_t>(pool, [&](db::Connection& c) -> absl::StatusOr<int64_t> {
          sql::PreparedStatement& ps = c.Prepare(
              "DELETE FROM idempotency_records WHERE create_time < ? ORDER BY create_time "
              "LIMIT ?");
          ps.setString(1, TimeText(cutoff));
          ps.setInt(2, batch);
          return static_cast<int64_t>(ps.executeUpdate());
        }));
    total += deleted;
    if (deleted < batch) return total;
  }
}

struct Purger::Metrics {
  prometheus::Counter* purged;
  prometheus::Counter* errors;
  explicit Metrics(prometheus::Registry& r)
      : purged(&prometheus::BuildCounter()
                    .Name("rmhub_idempotency_records_purged_total")
                    .Help("Idempotency records deleted after their retention")
                    .Register(r)
                    .Add({})),
        errors(&prometheus::BuildCounter()
                    .Name("rmhub_idempotency_purge_errors_total")
                    .Help("Idempotency purge passes that failed")
                    .Register(r)
                    .Add({})) {}
};

Purger::Purger(db::ConnectionPool& pool, absl::Duration retention, const Clock& clock,
               PurgeOptions options, prometheus::Registry* registry)
    : pool_(pool), retention_(retention), clock_(clock), options_(options) {
  if (registry != nullptr) metrics_ = std::make_unique<Metrics>(*registry);
}

Purger::~Purger() { Stop(); }

void Purger::Start() {
  absl::MutexLock lock(&mu_);
  if (thread_.joinable() || stopping_) return;
  thread_ = std::thread([this] { Loop(); });
}

void Purger::Stop() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  if (thread_.joinable()) thread_.join();
}

absl::StatusOr<int64_t> Purger::RunOnce() {
  absl::StatusOr<int64_t> purged = PurgeExpired(pool_, clock_.Now() - retention_, options_.batch);
  if (metrics_) {
    if (purged.ok()) {
      metrics_->purged->Increment(static_cast<double>(*purged));
    } else {
      metrics_->errors->Increment();
    }
  }
  return purged;
}

void Purger::Loop() {
  for (;;) {
    {
      absl::MutexLock lock(&mu_);
      mu_.AwaitWithTimeout(absl::Condition(&stopping_), options_.interval);
      if (stopping_) return;
    }
    RunOnce().IgnoreError();
  }
}

}  // namespace rmhub::idempotency
