// The task service: wiring only (flags → config → repository → service → server).
#include "absl/flags/flag.h"
#include "common/auth/auth_config.h"
#include "common/auth/call_credentials.h"
#include "common/config/config.h"
#include "common/grpc/channel.h"
#include "common/grpc/peer_call.h"
#include "common/service/service_main.h"
#include "services/task/mysql_repository.h"
#include "services/task/overdue_sweeper.h"
#include "services/task/task_grpc_service.h"
#include "services/task/task_service.h"

ABSL_FLAG(std::string, team_address, "", "the team service (host:port)");
ABSL_FLAG(std::string, customer_address, "", "the customer service (host:port)");
ABSL_FLAG(absl::Duration, peer_call_timeout, absl::Seconds(2),
          "longest wait for the team or customer service on one call");
ABSL_FLAG(absl::Duration, overdue_sweep_interval, absl::Seconds(30),
          "how often this replica looks for tasks that became overdue");
ABSL_FLAG(int, overdue_sweep_batch, 100, "tasks one overdue sweep transaction claims at most");

namespace {

using rmhub::service::RegisteredService;
using rmhub::service::Runtime;

template <class T>
T OrExit(absl::StatusOr<T> value) {
  if (!value.ok()) rmhub::config::ExitIfInvalid({value.status()});
  return *std::move(value);
}

rmhub::grpcx::PeerCaller Peer(Runtime& runtime, const std::string& address) {
  auto call_auth =
      OrExit(rmhub::auth::ServiceCallAuth::Create(runtime.auth_config, "task", runtime.clock));
  rmhub::grpcx::PeerCallOptions options;
  options.max_timeout = absl::GetFlag(FLAGS_peer_call_timeout);
  return rmhub::grpcx::PeerCaller(rmhub::grpcx::MakePeerChannel(address, runtime.peer_credentials),
                                  std::move(call_auth), options);
}

absl::StatusOr<std::vector<RegisteredService>> Build(Runtime& runtime) {
  rmhub::task::TaskConfig config;
  config.overdue_batch = absl::GetFlag(FLAGS_overdue_sweep_batch);
  rmhub::config::ExitIfInvalid({
      rmhub::config::CheckHostPort("team_address", absl::GetFlag(FLAGS_team_address)),
      rmhub::config::CheckHostPort("customer_address", absl::GetFlag(FLAGS_customer_address)),
      rmhub::config::CheckPositive("peer_call_timeout", absl::GetFlag(FLAGS_peer_call_timeout)),
      rmhub::config::CheckPositive("overdue_sweep_interval",
                                   absl::GetFlag(FLAGS_overdue_sweep_interval)),
      rmhub::config::CheckRange("overdue_sweep_batch", config.overdue_batch, 1, 1000),
  });
  // Owned for the life of the process.
  auto* records = OrExit(rmhub::idempotency::Idempotency::Create("task", runtime.idempotency,
                                                                 nullptr, runtime.clock))
                      .release();
  auto* repository = new rmhub::task::MySqlTaskRepository(runtime.pool, *records);
  auto* directory =
      new rmhub::task::GrpcDirectory(Peer(runtime, absl::GetFlag(FLAGS_team_address)),
                                     Peer(runtime, absl::GetFlag(FLAGS_customer_address)));
  auto* logic = new rmhub::task::TaskService(*repository, *directory, runtime.clock, config);
  auto* sweeper = new rmhub::task::OverdueSweeper(
      *logic, absl::GetFlag(FLAGS_overdue_sweep_interval), runtime.registry);
  sweeper->Start();
  // Stopped after the drain, before the pool closes (SIGTERM).
  if (runtime.on_stop != nullptr) runtime.on_stop->push_back([sweeper] { sweeper->Stop(); });
  auto service = std::make_shared<rmhub::task::TaskGrpcService>(*logic, runtime.authenticator,
                                                                runtime.call_queue);
  return std::vector<RegisteredService>{{service, "rmhub.task.v1.TaskService"}};
}

}  // namespace

int main(int argc, char** argv) {
  rmhub::service::ServiceSpec spec;
  spec.name = "task";
  spec.migrations = TaskMigrations();
  spec.build = Build;
  return rmhub::service::RunService(argc, argv, spec);
}
