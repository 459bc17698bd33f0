#include "tools/rmhub-bench/bench_servers.h"

#include <cppconn/exception.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/db/sql_error.h"
#include "common/grpc/status_mapping.h"
#include "common/status/errors.h"

namespace rmhub::bench {
namespace {

constexpr char kCreate[] =
    "CREATE TABLE IF NOT EXISTS bench_members (id BIGINT PRIMARY KEY, "
    "employee_number VARCHAR(32) NOT NULL, display_name VARCHAR(64) NOT NULL, "
    "branch_id BIGINT NOT NULL)";
constexpr char kInsert[] =
    "INSERT IGNORE INTO bench_members (id, employee_number, display_name, branch_id) "
    "VALUES (?, ?, ?, ?)";
constexpr char kSelect[] =
    "SELECT id, employee_number, display_name, branch_id FROM bench_members WHERE id = ?";

absl::StatusOr<int64_t> IdFromName(const std::string& name) {
  absl::string_view rest = name;
  int64_t id = 0;
  if (!absl::ConsumePrefix(&rest, "members/") || !absl::SimpleAtoi(rest, &id) || id <= 0) {
    return InvalidField("name", "must be members/<positive id>");
  }
  return id;
}

}  // namespace

absl::Status PrepareTable(db::ConnectionPool& pool, int64_t rows) {
  RMHUB_ASSIGN_OR_RETURN(db::Lease lease, pool.Acquire());
  try {
    lease->Execute(kCreate);
    lease->Execute("START TRANSACTION");
    sql::PreparedStatement& insert = lease->Prepare(kInsert);
    for (int64_t id = 1; id <= rows; ++id) {
      insert.setInt64(1, id);
      insert.setString(2, absl::StrCat("E", 100000 + id));
      insert.setString(3, absl::StrCat("Bench member ", id));
      insert.setInt64(4, 1 + id % 10);
      insert.executeUpdate();
    }
    lease->Execute("COMMIT");
    return absl::OkStatus();
  } catch (const sql::SQLException& e) {
    lease.MarkBroken();
    return db::StatusFromSqlException(e);
  }
}

absl::StatusOr<team::v1::Member> ReadMember(db::ConnectionPool& pool, const std::string& name) {
  RMHUB_ASSIGN_OR_RETURN(int64_t id, IdFromName(name));
  RMHUB_ASSIGN_OR_RETURN(db::Lease lease, pool.Acquire());
  try {
    sql::PreparedStatement& select = lease->Prepare(kSelect);
    select.setInt64(1, id);
    std::unique_ptr<sql::ResultSet> rs(select.executeQuery());
    if (!rs->next()) return NotFound("MEMBER_NOT_FOUND", absl::StrCat("no ", name));
    team::v1::Member m;
    m.set_name(absl::StrCat("members/", rs->getInt64(1)));
    m.set_employee_number(std::string(rs->getString(2)));
    m.set_display_name(std::string(rs->getString(3)));
    m.set_branch(absl::StrCat("branches/", rs->getInt64(4)));
    return m;
  } catch (const sql::SQLException& e) {
    if (db::IsConnectionLost(e)) lease.MarkBroken();
    return db::StatusFromSqlException(e);
  }
}

grpc::Status SyncMemberService::GetMember(grpc::ServerContext* ctx,
                                          const team::v1::GetMemberRequest* req,
                                          team::v1::Member* resp) {
  absl::StatusOr<team::v1::Member> member = ReadMember(pool_, req->name());
  if (member.ok()) *resp = *std::move(member);
  return grpcx::ToGrpcStatus(member.status());
}

grpc::ServerUnaryReactor* CallbackMemberService::GetMember(grpc::CallbackServerContext* ctx,
                                                           const team::v1::GetMemberRequest* req,
                                                           team::v1::Member* resp) {
  grpc::ServerUnaryReactor* reactor = ctx->DefaultReactor();
  bool queued = workers_.Submit([this, req, resp, reactor] {
    absl::StatusOr<team::v1::Member> member = ReadMember(pool_, req->name());
    if (member.ok()) *resp = *std::move(member);
    reactor->Finish(grpcx::ToGrpcStatus(member.status()));
  });
  if (!queued) {
    reactor->Finish(grpcx::ToGrpcStatus(ResourceExhausted("WORKERS_BUSY", "worker queue full")));
  }
  return reactor;
}

}  // namespace rmhub::bench
