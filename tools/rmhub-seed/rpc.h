#pragma once
// What the seeders share about calling a service: a unary call with a bearer token and a
// deadline, name-based request ids, and errors that say which step failed.

#include <grpcpp/client_context.h>

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/encoding/uuid.h"
#include "common/grpc/status_mapping.h"

namespace rmhub::seed {

// The request_id of the change that makes `key`: the same intent gets the same id on every run.
inline std::string RequestIdFor(const std::string& key) {
  return encoding::NameBasedUuid(absl::StrCat("rmhub-seed/", key));
}

// Keeps the code and details of `status`, saying which step failed.
inline absl::Status While(const std::string& step, const absl::Status& status) {
  if (status.ok()) return status;
  absl::Status out(status.code(), absl::StrCat(step, ": ", status.message()));
  status.ForEachPayload(
      [&](absl::string_view url, const absl::Cord& payload) { out.SetPayload(url, payload); });
  return out;
}

// The id of a resource name ("members/7" → 7; 0 when it has none).
inline int64_t IdOf(const std::string& name) {
  int64_t id = 0;
  absl::SimpleAtoi(name.substr(name.rfind('/') + 1), &id);
  return id;
}

// One unary call of `stub` as the bearer of `token`, within `timeout`.
template <class Stub, class Req, class Resp>
absl::StatusOr<Resp> CallAs(Stub& stub,
                            grpc::Status (Stub::*method)(grpc::ClientContext*, const Req&, Resp*),
                            const Req& request, const std::string& token, absl::Duration timeout) {
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + timeout));
  context.AddMetadata("authorization", absl::StrCat("Bearer ", token));
  Resp response;
  grpc::Status status = (stub.*method)(&context, request, &response);
  if (!status.ok()) return grpcx::FromGrpcStatus(status);
  return response;
}

// Calls a List `method` page after page (the request's page_token advanced) until the last page,
// handing each response to `each`; an error says it happened while `step`.
template <class Stub, class Req, class Resp, class Each>
absl::Status ForEachPage(Stub& stub,
                         grpc::Status (Stub::*method)(grpc::ClientContext*, const Req&, Resp*),
                         Req request, const std::string& token, absl::Duration timeout,
                         const std::string& step, Each each) {
  do {
    absl::StatusOr<Resp> page = CallAs(stub, method, request, token, timeout);
    if (!page.ok()) return While(step, page.status());
    each(*page);
    request.set_page_token(page->next_page_token());
  } while (!request.page_token().empty());
  return absl::OkStatus();
}

}  // namespace rmhub::seed
