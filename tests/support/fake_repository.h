#pragma once
// The in-memory side of db::Repository<Store> for service tests without a database: the same
// contract as db::MySqlRepository (common/db/repository.h), so a fake store is all a service's
// fake repository adds.
//   - Read/ReadSingle run on a snapshot: a body cannot change anything;
//   - Write runs the body on a copy of the data and keeps it only when the body (and `finish`)
//     succeed — all or nothing, as a transaction;
//   - idempotency keyed by (method, subject, request_id): the first call stores the unshaped
//     response and then runs `finish` (kFirst); a replay by the same caller runs `finish`
//     (kReplay) on the stored response instead of the body, and without `finish` is refused
//     PERMISSION_DENIED REPLAY_NOT_AUTHORIZED; the same key with another request is
//     INVALID_ARGUMENT REQUEST_ID_REUSED on "request_id"; another caller's identical request is
//     a request of its own.
// One thread, no locks: concurrency is the MySQL repository's tests' business.

#include <map>
#include <memory>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/db/repository.h"
#include "common/idempotency/idempotency.h"
#include "common/status/errors.h"

namespace rmhub::testing {

// Data: a copyable value holding every table. A derived class says how a store over it is made.
template <class StoreInterface, class Data>
class FakeRepository : public db::Repository<StoreInterface> {
 public:
  using typename db::Repository<StoreInterface>::Body;
  using typename db::Repository<StoreInterface>::Finish;

  absl::Status Read(const Body& body) override {
    Data snapshot = data_;
    return body(*MakeStore(snapshot));
  }
  absl::Status ReadSingle(const Body& body) override { return Read(body); }

  absl::Status Write(const db::WriteKey& key, const google::protobuf::Message& request,
                     google::protobuf::Message* response, const Body& body,
                     const Finish& finish) override {
    RMHUB_RETURN_IF_ERROR(idempotency::ValidateRequestId(key.request_id));
    const std::string record = absl::StrCat(key.method, "\n", key.subject, "\n", key.request_id);
    Data copy = data_;
    std::unique_ptr<StoreInterface> made = MakeStore(copy);
    StoreInterface& store = *made;
    if (!key.request_id.empty()) {
      if (auto it = records_.find(record); it != records_.end()) {
        if (it->second.first != request.SerializeAsString()) {
          return WithReason(InvalidField(idempotency::kRequestIdField,
                                         "was already used for a different request"),
                            idempotency::kRequestIdReused);
        }
        if (!finish) {
          return PermissionDenied(idempotency::kReplayNotAuthorized,
                                  "this request cannot be replayed");
        }
        if (response != nullptr) response->ParseFromString(it->second.second);
        RMHUB_RETURN_IF_ERROR(finish(store, db::Delivery::kReplay));
        data_ = std::move(copy);
        return absl::OkStatus();
      }
    }
    RMHUB_RETURN_IF_ERROR(body(store));
    std::string unshaped = response != nullptr ? response->SerializeAsString() : std::string();
    if (finish) RMHUB_RETURN_IF_ERROR(finish(store, db::Delivery::kFirst));
    if (!key.request_id.empty()) {
      records_[record] = {request.SerializeAsString(), std::move(unshaped)};
    }
    data_ = std::move(copy);
    ++writes_committed_;
    return absl::OkStatus();
  }
  absl::Status CheckReady() override { return absl::OkStatus(); }

  const Data& data() const { return data_; }
  int writes_committed() const { return writes_committed_; }

 protected:
  virtual std::unique_ptr<StoreInterface> MakeStore(Data& data) = 0;

 private:
  static absl::Status WithReason(absl::Status status, absl::string_view reason) {
    status.SetPayload(kReasonPayload, absl::Cord(reason));
    return status;
  }

  Data data_;
  // record key → (request bytes, unshaped response bytes)
  std::map<std::string, std::pair<std::string, std::string>> records_;
  int writes_committed_ = 0;
};

}  // namespace rmhub::testing
