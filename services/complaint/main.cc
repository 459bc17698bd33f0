// The complaint service: wiring only (flags → config → calendar → repository → service →
// server, the SLA sweeper stopped on SIGTERM).
#include "absl/flags/flag.h"
#include "common/api/resource_name.h"
#include "common/auth/auth_config.h"
#include "common/auth/call_credentials.h"
#include "common/config/config.h"
#include "common/grpc/channel.h"
#include "common/grpc/peer_call.h"
#include "common/service/service_main.h"
#include "common/status/errors.h"
#include "services/complaint/calendar_source.h"
#include "services/complaint/complaint_grpc_service.h"
#include "services/complaint/complaint_service.h"
#include "services/complaint/mysql_repository.h"
#include "services/complaint/sla_sweeper.h"

ABSL_FLAG(std::string, customer_address, "", "the customer service (host:port)");
ABSL_FLAG(std::string, team_address, "", "the team service (host:port)");
ABSL_FLAG(std::string, task_address, "", "the task service (host:port)");
ABSL_FLAG(absl::Duration, peer_call_timeout, absl::Seconds(2),
          "longest wait for the customer, team or task service on one call");
ABSL_FLAG(std::string, calendar_file, "/etc/rmhub/complaint/cn_rest_days.txt",
          "rest days of the bank's zone (format in services/complaint/README.md; the image holds "
          "services/complaint/calendar/ there); must cover the current and the next year");
ABSL_FLAG(std::string, jurisdiction, "CN_NFRA",
          "the clock new complaints are filed under: CN_NFRA or US_CFPB (UK_FCA needs a UK "
          "calendar, not configured yet)");
ABSL_FLAG(std::string, compliance_team, "",
          "\"teams/{id}\" of the compliance team VIOLATION complaints are routed to");
ABSL_FLAG(absl::Duration, sla_sweep_interval, absl::Seconds(60),
          "how often this replica recomputes open complaints' clocks and emits SLA events "
          "(0 = never)");

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
      OrExit(rmhub::auth::ServiceCallAuth::Create(runtime.auth_config, "complaint", runtime.clock));
  rmhub::grpcx::PeerCallOptions options;
  options.max_timeout = absl::GetFlag(FLAGS_peer_call_timeout);
  return rmhub::grpcx::PeerCaller(rmhub::grpcx::MakePeerChannel(address, runtime.peer_credentials),
                                  std::move(call_auth), options);
}

absl::Status CheckJurisdiction(const std::string& name, rmhub::complaint::v1::Jurisdiction* out) {
  if ((name == "CN_NFRA" || name == "US_CFPB") &&
      rmhub::complaint::v1::Jurisdiction_Parse(name, out)) {
    return absl::OkStatus();
  }
  return rmhub::InvalidField("jurisdiction", "CN_NFRA or US_CFPB");
}

absl::Status CheckTeamName(const std::string& name) {
  if (name.empty()) return absl::OkStatus();
  return rmhub::api::ParseName(name, "teams", "compliance_team").status();
}

absl::StatusOr<std::vector<RegisteredService>> Build(Runtime& runtime) {
  rmhub::complaint::ComplaintConfig config;
  config.compliance_team = absl::GetFlag(FLAGS_compliance_team);
  const absl::Duration sweep_interval = absl::GetFlag(FLAGS_sla_sweep_interval);
  rmhub::config::ExitIfInvalid({
      rmhub::config::CheckHostPort("customer_address", absl::GetFlag(FLAGS_customer_address)),
      rmhub::config::CheckHostPort("team_address", absl::GetFlag(FLAGS_team_address)),
      rmhub::config::CheckHostPort("task_address", absl::GetFlag(FLAGS_task_address)),
      rmhub::config::CheckPositive("peer_call_timeout", absl::GetFlag(FLAGS_peer_call_timeout)),
      CheckJurisdiction(absl::GetFlag(FLAGS_jurisdiction), &config.jurisdiction),
      CheckTeamName(config.compliance_team),
      sweep_interval == absl::ZeroDuration()
          ? absl::OkStatus()
          : rmhub::config::CheckPositive("sla_sweep_interval", sweep_interval),
  });
  // The calendar must cover the current and the next year: otherwise the server does not start.
  auto* calendars =
      OrExit(rmhub::complaint::CalendarSource::Open(absl::GetFlag(FLAGS_calendar_file),
                                                    runtime.clock.Now(), runtime.zone))
          .release();
  // Owned for the life of the process (the calendar in use is kept alive with it).
  auto* calendar = new std::shared_ptr<const rmhub::complaint::Calendar>(calendars->Current());
  auto* clocks = new rmhub::complaint::ClockBook(
      rmhub::complaint::ClockSetting{runtime.zone, calendar->get()});
  auto* records = OrExit(rmhub::idempotency::Idempotency::Create("complaint", runtime.idempotency,
                                                                 nullptr, runtime.clock))
                      .release();
  auto* repository = new rmhub::complaint::MySqlComplaintRepository(runtime.pool, *records);
  auto* directory =
      new rmhub::complaint::GrpcDirectory(Peer(runtime, absl::GetFlag(FLAGS_customer_address)),
                                          Peer(runtime, absl::GetFlag(FLAGS_team_address)),
                                          Peer(runtime, absl::GetFlag(FLAGS_task_address)));
  auto* logic = new rmhub::complaint::ComplaintService(*repository, *directory, *clocks,
                                                       runtime.clock, config);
  if (sweep_interval > absl::ZeroDuration() && runtime.on_stop != nullptr) {
    auto* sweeper = new rmhub::complaint::SlaSweeper(*logic, sweep_interval, runtime.registry);
    sweeper->Start();
    runtime.on_stop->push_back([sweeper] { sweeper->Stop(); });
  }
  auto service = std::make_shared<rmhub::complaint::ComplaintGrpcService>(
      *logic, runtime.authenticator, runtime.call_queue);
  return std::vector<RegisteredService>{{service, "rmhub.complaint.v1.ComplaintService"}};
}

}  // namespace

int main(int argc, char** argv) {
  rmhub::service::ServiceSpec spec;
  spec.name = "complaint";
  spec.migrations = ComplaintMigrations();
  spec.build = Build;
  return rmhub::service::RunService(argc, argv, spec);
}
