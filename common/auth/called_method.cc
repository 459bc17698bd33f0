#include "common/auth/called_method.h"

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"

namespace rmhub::auth {
namespace {

using grpc::experimental::InterceptorBatchMethods;

// Entries carry their recorder: should a recorder outlive its context and a new call's context
// reuse the address, the old recorder must not remove the new call's entry.
class Calls {
 public:
  void Add(const grpc::ServerContextBase* ctx, const char* method, const void* owner) {
    absl::MutexLock lock(&mu_);
    methods_[ctx] = {method, owner};
  }
  void Remove(const grpc::ServerContextBase* ctx, const void* owner) {
    absl::MutexLock lock(&mu_);
    auto it = methods_.find(ctx);
    if (it != methods_.end() && it->second.owner == owner) methods_.erase(it);
  }
  std::string Find(const grpc::ServerContextBase* ctx) const {
    absl::MutexLock lock(&mu_);
    auto it = methods_.find(ctx);
    return it == methods_.end() ? std::string() : std::string(it->second.method);
  }

 private:
  struct Entry {
    const char* method;
    const void* owner;
  };
  mutable absl::Mutex mu_;
  absl::flat_hash_map<const grpc::ServerContextBase*, Entry> methods_ ABSL_GUARDED_BY(mu_);
};

Calls& AllCalls() {
  static Calls* calls = new Calls();  // never destroyed: calls may end during exit
  return *calls;
}

// Owned by its call's ServerRpcInfo, which the call's context releases when it ends.
class Recorder final : public grpc::experimental::Interceptor {
 public:
  Recorder(const grpc::ServerContextBase* ctx, const char* method) : ctx_(ctx) {
    AllCalls().Add(ctx_, method, this);
  }
  ~Recorder() override { AllCalls().Remove(ctx_, this); }
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
