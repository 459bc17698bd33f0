#pragma once
// The two server shapes the threading benchmark compares, serving the same DB-backed read
// (TeamService.GetMember → a primary-key SELECT through the connection pool):
//  - SyncMemberService: the sync API; the handler thread blocks on the pool and the database, so
//    the server's thread cap bounds database concurrency.
//  - CallbackMemberService: the callback API; the reactor hands the read to a WorkerPool sized to
//    the connection pool and finishes the call from the worker.

#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/db/connection_pool.h"
#include "rmhub/team/v1/team.grpc.pb.h"
#include "tools/rmhub-bench/worker_pool.h"

namespace rmhub::bench {

// Creates bench_members with `rows` rows (ids 1..rows) unless it already holds them.
absl::Status PrepareTable(db::ConnectionPool& pool, int64_t rows);

// The point read both servers make.
absl::StatusOr<team::v1::Member> ReadMember(db::ConnectionPool& pool, const std::string& name);

class SyncMemberService final : public team::v1::TeamService::Service {
 public:
  explicit SyncMemberService(db::ConnectionPool& pool) : pool_(pool) {}
  grpc::Status GetMember(grpc::ServerContext* ctx, const team::v1::GetMemberRequest* req,
                         team::v1::Member* resp) override;

 private:
  db::ConnectionPool& pool_;
};

class CallbackMemberService final : public team::v1::TeamService::CallbackService {
 public:
  CallbackMemberService(db::ConnectionPool& pool, int workers, size_t max_queue)
      : pool_(pool), workers_(workers, max_queue) {}
  grpc::ServerUnaryReactor* GetMember(grpc::CallbackServerContext* ctx,
                                      const team::v1::GetMemberRequest* req,
                                      team::v1::Member* resp) override;

 private:
  db::ConnectionPool& pool_;
  WorkerPool workers_;
};

}  // namespace rmhub::bench
