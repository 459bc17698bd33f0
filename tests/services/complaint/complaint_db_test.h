#pragma once
// The database fixture of the complaint storage tests (scripts/test.sh starts the MariaDB).

#include <functional>
#include <memory>
#include <string>

#include "common/db/connection_pool.h"
#include "gtest/gtest.h"
#include "services/complaint/mysql_repository.h"
#include "tests/support/test_database.h"
#include "tests/support/test_idempotency.h"

namespace rmhub::complaint::testutil {

// A fresh database with the complaint schema for a test suite, `pools` pools on it (one per
// simulated replica), and a repository per pool for each test.
class ComplaintDbTest : public ::testing::Test {
 protected:
  static void SetUpDatabase(const std::string& prefix, int pools = 1, int pool_size = 8) {
    db_ = testing::TestDatabase::Create(prefix).release();
    db::DbConfig config = db_->config();
    config.pool_size = pool_size;
    for (int i = 0; i < pools; ++i) {
      auto made = db::ConnectionPool::Create(config);
      ASSERT_TRUE(made.ok()) << made.status();
      pools_[i] = made->release();
    }
    absl::Status migrated = MySqlComplaintRepository::Migrate(*pools_[0]);
    ASSERT_TRUE(migrated.ok()) << migrated;
  }
  static void TearDownTestSuite() {
    for (db::ConnectionPool*& pool : pools_) {
      delete pool;
      pool = nullptr;
    }
    delete db_;
    db_ = nullptr;
  }

  void SetUp() override {
    ASSERT_NE(pools_[0], nullptr);
    for (int i = 0; i < 2 && pools_[i] != nullptr; ++i) {
      idempotency_[i] = testing::TestIdempotency("complaint");
      repos_[i] = std::make_unique<MySqlComplaintRepository>(*pools_[i], *idempotency_[i]);
    }
  }

  // One transaction without a request_id on the first replica.
  absl::Status Tx(const std::function<absl::Status(ComplaintStore&)>& body) {
    return repos_[0]->Write({"Test", "", "members/1"}, v1::GetComplaintRequest(), nullptr, body,
                            nullptr);
  }

  static inline testing::TestDatabase* db_ = nullptr;
  static inline db::ConnectionPool* pools_[2] = {nullptr, nullptr};
  std::unique_ptr<idempotency::Idempotency> idempotency_[2];
  std::unique_ptr<MySqlComplaintRepository> repos_[2];
};

}  // namespace rmhub::complaint::testutil
