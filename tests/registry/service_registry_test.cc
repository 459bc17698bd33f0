// rmhub/service_registry.h is generated from services/registry.txt at configure time.
#include "rmhub/service_registry.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace rmhub::registry {
namespace {

TEST(ServiceRegistry, NamesEveryServiceWithItsPorts) {
  const ServiceEntry* team = FindService("team");
  ASSERT_NE(team, nullptr);
  EXPECT_EQ(team->grpc_port, 50051);
  EXPECT_EQ(team->metrics_port, 9101);
  EXPECT_EQ(std::string(team->grpc_service), "rmhub.team.v1.TeamService");
  EXPECT_EQ(team->state, ServiceState::kServer);
  const ServiceEntry* analytics = FindService("analytics");
  ASSERT_NE(analytics, nullptr);
  EXPECT_EQ(std::string(analytics->grpc_service), "rmhub.analytics.v1.AnalyticsService");
  EXPECT_EQ(FindService("nosuch"), nullptr);
}

TEST(ServiceRegistry, PortsAreUnique) {
  std::set<int> ports;
  int rows = 0;
  for (const ServiceEntry& e : kServices) {
    ports.insert(e.grpc_port);
    ports.insert(e.metrics_port);
    ++rows;
  }
  EXPECT_EQ(ports.size(), 2u * rows);
}

}  // namespace
}  // namespace rmhub::registry
