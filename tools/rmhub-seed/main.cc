// rmhub-seed: puts the demo branch on a running team service (tools/rmhub-seed/seeder.h) and its
// customer book on a running customer service (tools/rmhub-seed/customer_seeder.h) and its
// demo week of work on a running task service (tools/rmhub-seed/task_seeder.h).
//   rmhub-seed [--addr 127.0.0.1:50051] [--customer_addr 127.0.0.1:50052]
//              [--task_addr 127.0.0.1:50053]
//              [--secret_file .run/secrets/jwt-dev-secret]
#include <grpcpp/create_channel.h>

#include <iostream>
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/time/time.h"
#include "common/auth/jwt.h"
#include "common/clock/clock.h"
#include "rmhub/customer/v1/customer.grpc.pb.h"
#include "rmhub/task/v1/task.grpc.pb.h"
#include "rmhub/team/v1/team.grpc.pb.h"
#include "tools/rmhub-seed/customer_demo.h"
#include "tools/rmhub-seed/customer_seeder.h"
#include "tools/rmhub-seed/demo_data.h"
#include "tools/rmhub-seed/seeder.h"
#include "tools/rmhub-seed/summary.h"
#include "tools/rmhub-seed/task_demo.h"
#include "tools/rmhub-seed/task_seeder.h"
#include "tools/rmhubctl/error_report.h"
#include "tools/rmhubctl/token_command.h"

ABSL_FLAG(std::string, addr, "127.0.0.1:50051", "team service address");
ABSL_FLAG(std::string, customer_addr, "127.0.0.1:50052",
          "customer service address; empty: seed no customers");
ABSL_FLAG(std::string, task_addr, "127.0.0.1:50053",
          "task service address; empty: seed no demo work");
ABSL_FLAG(std::string, secret_file, ".run/secrets/jwt-dev-secret",
          "the stack's HS256 dev signing secret (as given to the services)");
ABSL_FLAG(absl::Duration, timeout, absl::Seconds(10), "deadline of each call");

namespace {

using rmhub::auth::DevTokenRequest;

// Tokens live an hour: long enough for a seed run, useless soon after.
constexpr absl::Duration kTokenTtl = absl::Hours(1);

absl::StatusOr<std::string> Mint(const DevTokenRequest& request, const std::string& secret) {
  return rmhub::auth::MintDevToken(request, secret, rmhub::RealClock::Instance(), kTokenTtl);
}

int Fail(const absl::Status& status) {
  std::cerr << "rmhub-seed: " << rmhub::ctl::FormatLocalError(status);
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "Seeds the RM Hub demo branch and its customers through the services' APIs.");
  absl::ParseCommandLine(argc, argv);
  auto secret = rmhub::ctl::ReadDevSecret(absl::GetFlag(FLAGS_secret_file), "--secret_file");
  if (!secret.ok()) return Fail(secret.status());
  DevTokenRequest admin;
  admin.service = "seed";
  admin.permissions = {rmhub::auth::kPermTeamAdmin};
  auto admin_token = Mint(admin, *secret);
  if (!admin_token.ok()) return Fail(admin_token.status());
  auto staff_token = [&](int64_t member_id, int64_t branch_id, const std::string& role) {
    DevTokenRequest staff;
    staff.member_id = member_id;
    staff.roles = {role};
    staff.branch_id = branch_id;
    return Mint(staff, *secret);
  };
  auto manager_token = [&](int64_t member_id, int64_t branch_id) {
    return staff_token(member_id, branch_id, "BRANCH_MANAGER");
  };
  std::string address = absl::GetFlag(FLAGS_addr);
  auto stub = rmhub::team::v1::TeamService::NewStub(
      grpc::CreateChannel(address, grpc::InsecureChannelCredentials()));
  rmhub::seed::Seeder seeder(*stub, absl::GetFlag(FLAGS_timeout), *admin_token, manager_token);
  auto zone = rmhub::LoadZone(rmhub::kDefaultZone);
  if (!zone.ok()) return Fail(zone.status());
  absl::CivilDay today = rmhub::Today(rmhub::RealClock::Instance(), *zone);
  rmhub::seed::DemoData data = rmhub::seed::MakeDemoData(today);
  auto result = seeder.Run(data);
  if (!result.ok()) return Fail(result.status());
  std::cout << rmhub::seed::Summary(*result, data, address);

  std::string customer_address = absl::GetFlag(FLAGS_customer_addr);
  std::unique_ptr<rmhub::customer::v1::CustomerService::Stub> customer_stub;
  if (!customer_address.empty()) {
    customer_stub = rmhub::customer::v1::CustomerService::NewStub(
        grpc::CreateChannel(customer_address, grpc::InsecureChannelCredentials()));
    rmhub::seed::CustomerSeeder customers(*customer_stub, absl::GetFlag(FLAGS_timeout), staff_token,
                                          *zone);
    auto book =
        customers.Run(rmhub::seed::MakeCustomerDemoData(rmhub::seed::ManagersOf(data), today),
                      *result, data.branch_manager);
    if (!book.ok()) return Fail(book.status());
    std::cout << rmhub::seed::CustomerSummary(*book, *result, customer_address);
  }

  std::string task_address = absl::GetFlag(FLAGS_task_addr);
  if (task_address.empty()) return 0;
  auto task_stub = rmhub::task::v1::TaskService::NewStub(
      grpc::CreateChannel(task_address, grpc::InsecureChannelCredentials()));
  auto member_token = [&](int64_t member_id, int64_t branch_id, const std::string& role,
                          const std::vector<int64_t>& team_ids) {
    DevTokenRequest staff;
    staff.member_id = member_id;
    staff.roles = {role};
    staff.branch_id = branch_id;
    staff.team_ids = team_ids;
    return Mint(staff, *secret);
  };
  rmhub::seed::TaskSeeder tasks(*task_stub, customer_stub.get(), absl::GetFlag(FLAGS_timeout),
                                member_token);
  auto work = tasks.Run(rmhub::seed::MakeTaskDemoData(), data, *result);
  if (!work.ok()) return Fail(work.status());
  std::cout << rmhub::seed::TaskSummary(*work, data, *result, task_address);
  return 0;
}
