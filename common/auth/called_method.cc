#include "common/auth/called_method.h"

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"

namespace rmhub::auth {
namespace {

using grpc::experimental::InterceptorBatchMethods;

class Calls {
 public:
  void Add(const grpc::ServerContextBase* ctx, const char* method) {
    absl::MutexLock lock(&mu_);
    methods_[ctx] = method;
  }
  void Remove(const grpc::ServerContextBase* ctx) {
    absl::MutexLock lock(&mu_);
    methods_.erase(ctx);
  }
  std::string Find(const grpc::ServerContextBase* ctx) const {
    absl::MutexLock lock(&mu_);
    auto it = methods_.find(ctx);
    return it == methods_.end() ? std::string() : std::string(it->second);
  }

 private:
  mutable absl::Mutex mu_;
  absl::flat_hash_map<const grpc::ServerContextBase*, const char*> methods_ ABSL_GUARDED_BY(mu_);
};

Calls& AllCalls() {
  static Calls* calls = new Calls();  // never destroyed: calls may end during exit
  return *calls;
}

// Lives exactly as long as its call's ServerRpcInfo, which the context owns.
class Recorder final : public grpc::experimental::Interceptor {
 public:
  Recorder(const grpc::ServerContextBase* ctx, const char* method) : ctx_(ctx) {
    AllCalls().Add(ctx_, method);
  }
  ~Recorder() override { AllCalls().Remove(ctx_); }
  void Intercept(InterceptorBatchMethods* methods) override { methods->Proceed(); }

 private:
  const grpc::ServerContextBase* ctx_;
};

}  // namespace

grpc::experimental::Interceptor* CalledMethodRecorder::CreateServerInterceptor(
    grpc::experimental::ServerRpcInfo* info) {
  // gRPC's method strings live as long as the server's registered methods.
  if (info->method() == nullptr || info->server_context() == nullptr) return nullptr;
  return new Recorder(info->server_context(), info->method());
}

std::string CalledMethod(const grpc::ServerContextBase& context) {
  return AllCalls().Find(&context);
}

}  // namespace rmhub::auth
