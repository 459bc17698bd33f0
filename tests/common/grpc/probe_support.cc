#include "tests/common/grpc/probe_support.h"

#include <google/protobuf/unknown_field_set.h>
#include <grpcpp/client_context.h>
#include <grpcpp/completion_queue.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/support/byte_buffer.h>

#include <chrono>

#include "absl/strings/str_cat.h"

namespace rmhub::testing {
namespace {

using google::protobuf::UnknownField;
using google::protobuf::UnknownFieldSet;

grpc::ByteBuffer ToBuffer(const std::string& bytes) {
  grpc::Slice slice(bytes);
  return grpc::ByteBuffer(&slice, 1);
}

std::string FromBuffer(const grpc::ByteBuffer& buffer) {
  std::vector<grpc::Slice> slices;
  (void)buffer.Dump(&slices);
  std::string out;
  for (const auto& s : slices) out.append(reinterpret_cast<const char*>(s.begin()), s.size());
  return out;
}

absl::Status ToAbsl(const grpc::Status& s) {
  return absl::Status(static_cast<absl::StatusCode>(s.error_code()), s.error_message());
}

// A generic streaming call driven step by step on its own completion queue.
class GenericStream {
 public:
  GenericStream(const std::shared_ptr<grpc::Channel>& channel, const std::string& method,
                absl::Duration timeout)
      : stub_(channel) {
    ctx_.set_deadline(std::chrono::system_clock::now() + absl::ToChronoMilliseconds(timeout));
    call_ = stub_.PrepareCall(&ctx_, method, &cq_);
    call_->StartCall(Tag());
    Await();
  }
  ~GenericStream() {
    cq_.Shutdown();
    void* tag;
    bool ok;
    while (cq_.Next(&tag, &ok)) {
    }
  }
  bool Write(const std::string& bytes) {
    call_->Write(ToBuffer(bytes), Tag());
    return Await();
  }
  bool WritesDone() {
    call_->WritesDone(Tag());
    return Await();
  }
  bool Read(std::string* bytes) {
    grpc::ByteBuffer buffer;
    call_->Read(&buffer, Tag());
    if (!Await()) return false;
    *bytes = FromBuffer(buffer);
    return true;
  }
  grpc::Status Finish() {
    grpc::Status status;
    call_->Finish(&status, Tag());
    Await();
    return status;
  }
  void Cancel() { ctx_.TryCancel(); }

 private:
  void* Tag() { return reinterpret_cast<void*>(++next_tag_); }
  bool Await() {
    void* tag;
    bool ok = false;
    if (!cq_.Next(&tag, &ok)) return false;
    return ok;
  }

  grpc::GenericStub stub_;
  grpc::ClientContext ctx_;
  grpc::CompletionQueue cq_;
  std::unique_ptr<grpc::GenericClientAsyncReaderWriter> call_;
  intptr_t next_tag_ = 0;
};

std::string HealthRequest(const std::string& service) {
  UnknownFieldSet request;
  if (!service.empty()) request.AddLengthDelimited(1, service);
  std::string bytes;
  request.SerializeToString(&bytes);
  return bytes;
}

// HealthCheckResponse.status (field 1, an enum; absent means 0 = UNKNOWN).
int HealthStatusOf(const std::string& bytes) {
  UnknownFieldSet response;
  if (!response.ParseFromString(bytes)) return -1;
  for (int i = 0; i < response.field_count(); ++i) {
    if (response.field(i).number() == 1) return static_cast<int>(response.field(i).varint());
  }
  return 0;
}

}  // namespace

absl::StatusOr<int> HealthCheck(const std::shared_ptr<grpc::Channel>& channel,
                                const std::string& service, absl::Duration timeout) {
  GenericStream call(channel, "/grpc.health.v1.Health/Check", timeout);
  std::string response;
  bool got = call.Write(HealthRequest(service)) && call.WritesDone() && call.Read(&response);
  grpc::Status status = call.Finish();
  if (!status.ok()) return ToAbsl(status);
  if (!got) return absl::DataLossError("no health response");
  return HealthStatusOf(response);
}

absl::StatusOr<std::vector<int>> HealthWatchUntil(const std::shared_ptr<grpc::Channel>& channel,
                                                  const std::string& service, int until,
                                                  absl::Duration timeout,
                                                  const std::function<void(int)>& on_status) {
  GenericStream call(channel, "/grpc.health.v1.Health/Watch", timeout);
  std::vector<int> seen;
  if (!call.Write(HealthRequest(service)) || !call.WritesDone()) return ToAbsl(call.Finish());
  std::string response;
  while (call.Read(&response)) {
    seen.push_back(HealthStatusOf(response));
    if (on_status) on_status(seen.back());
    if (seen.back() == until) break;
  }
  call.Cancel();
  while (call.Read(&response)) {
  }
  call.Finish();
  return seen;
}

absl::StatusOr<std::vector<std::string>> ReflectionListServices(
    const std::shared_ptr<grpc::Channel>& channel, absl::Duration timeout) {
  GenericStream call(channel, "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo",
                     timeout);
  UnknownFieldSet request;
  request.AddLengthDelimited(7, "");  // list_services = ""
  std::string bytes, response;
  request.SerializeToString(&bytes);
  bool got = call.Write(bytes) && call.WritesDone() && call.Read(&response);
  grpc::Status status = call.Finish();
  if (!status.ok()) return ToAbsl(status);
  if (!got) return absl::DataLossError("no reflection response");
  // ServerReflectionResponse.list_services_response = 6 { repeated ServiceResponse service = 1
  // { string name = 1 } }.
  UnknownFieldSet parsed;
  if (!parsed.ParseFromString(response)) return absl::DataLossError("bad reflection response");
  std::vector<std::string> names;
  for (int i = 0; i < parsed.field_count(); ++i) {
    if (parsed.field(i).number() != 6) continue;
    UnknownFieldSet list;
    list.ParseFromString(parsed.field(i).length_delimited());
    for (int j = 0; j < list.field_count(); ++j) {
      UnknownFieldSet svc;
      svc.ParseFromString(list.field(j).length_delimited());
      for (int k = 0; k < svc.field_count(); ++k) {
        if (svc.field(k).number() == 1) names.push_back(svc.field(k).length_delimited());
      }
    }
  }
  return names;
}

}  // namespace rmhub::testing
