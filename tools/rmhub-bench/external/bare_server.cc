// bare_server: the gRPC floor of the external benchmark (tools/rmhub-bench/external/bench.sh). A
// plain gRPC C++ callback server — no interceptor, no auth, no call queue, no database, no log —
// whose CustomerService.GetCustomer answers at once, on the gRPC thread, with one fixed Customer
// (read from --response_json: a real GetCustomer response, so the reply is the same size).
// Every other method is UNIMPLEMENTED.
//   bare_server --response_json=<file> [--port_file=<file>]
// Listens on 127.0.0.1 at a port the kernel picks, writes it to --port_file (or stdout) and
// serves until SIGTERM/SIGINT. Prints "answered <n>" to stderr at exit.
#include <google/protobuf/util/json_util.h>
#include <grpcpp/grpcpp.h>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/synchronization/mutex.h"
#include "rmhub/customer/v1/customer.grpc.pb.h"

ABSL_FLAG(std::string, response_json, "", "the Customer to answer, as proto3 JSON");
ABSL_FLAG(std::string, port_file, "", "where to write the chosen port (default stdout)");
ABSL_FLAG(int, port, 0, "port on 127.0.0.1 (0: the kernel picks)");

namespace {

namespace v1 = rmhub::customer::v1;

std::atomic<long long> answered{0};

class BareCustomerService final : public v1::CustomerService::CallbackService {
 public:
  explicit BareCustomerService(v1::Customer reply) : reply_(std::move(reply)) {}
  grpc::ServerUnaryReactor* GetCustomer(grpc::CallbackServerContext* ctx,
                                        const v1::GetCustomerRequest* /*request*/,
                                        v1::Customer* response) override {
    *response = reply_;
    answered.fetch_add(1, std::memory_order_relaxed);
    grpc::ServerUnaryReactor* reactor = ctx->DefaultReactor();
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }

 private:
  const v1::Customer reply_;
};

int Fail(const std::string& what) {
  std::cerr << "bare_server: " << what << "\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  // As the services run (common/service/service_main.cc): no Mutex deadlock detection.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  v1::Customer reply;
  const std::string file = absl::GetFlag(FLAGS_response_json);
  if (file.empty()) return Fail("--response_json is required");
  std::ifstream in(file);
  if (!in) return Fail("cannot read " + file);
  std::stringstream text;
  text << in.rdbuf();
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = true;
  auto parsed = google::protobuf::util::JsonStringToMessage(text.str(), &reply, options);
  if (!parsed.ok()) return Fail("bad --response_json: " + parsed.ToString());

  // Blocked before any thread starts, so sigwait below receives them.
  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGTERM);
  sigaddset(&stop, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop, nullptr);

  BareCustomerService service(reply);
  int port = 0;
  grpc::ServerBuilder builder;
  builder.AddListeningPort("127.0.0.1:" + std::to_string(absl::GetFlag(FLAGS_port)),
                           grpc::InsecureServerCredentials(), &port);
  builder.RegisterService(&service);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (server == nullptr || port == 0) return Fail("cannot listen");
  const std::string port_file = absl::GetFlag(FLAGS_port_file);
  if (port_file.empty()) {
    std::cout << port << std::endl;
  } else {
    std::ofstream(port_file) << port << "\n";
  }
  int sig = 0;
  sigwait(&stop, &sig);
  server->Shutdown();
  std::cerr << "answered " << answered.load() << "\n";
  return 0;
}
