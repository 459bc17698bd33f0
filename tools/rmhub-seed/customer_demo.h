#pragma once
// The demo customer book rmhub-seed puts on a local stack: 2,000 customers of the demo branch —
// retail, private-banking and corporate, across every asset tier and value tier (with the
// customer service's default thresholds, services/customer/domain/segmentation.h), needs, risk
// tolerances and statuses, key accounts among the corporates — each meant for one demo
// relationship manager of the right kind, spread evenly and well under the caps; and a few
// interactions with follow-ups so that care reminders have something to show.
//
// The customers are pure arithmetic on their index (no clock, no randomness): every run produces
// the very same rows, so re-importing them is UNCHANGED whatever day it is. National IDs and
// credit codes are valid (check characters computed), phones are well-formed mobile numbers, and
// every name is marked "(demo)". Birthdays are spread so that every personal RM has some within
// any week of the year. Only the interactions depend on `today`.

#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "rmhub/customer/v1/customer.pb.h"
#include "tools/rmhub-seed/demo_data.h"

namespace rmhub::seed {

namespace cv1 = rmhub::customer::v1;

struct DemoCustomer {
  cv1::Customer customer;  // an import row: no owner, PII in the clear
  std::string manager;     // employee number of the relationship manager meant to hold it
};

struct DemoInteraction {
  int customer = 0;  // index into CustomerDemoData::customers
  cv1::InteractionChannel channel = cv1::INTERACTION_CHANNEL_UNSPECIFIED;
  absl::CivilSecond time;  // in the bank's zone, in the past
  bool has_follow_up = false;
  absl::CivilDay follow_up;  // the next follow-up date, when has_follow_up
  std::string summary;
};

struct CustomerDemoData {
  std::vector<DemoCustomer> customers;
  std::vector<DemoInteraction> interactions;
};

// Employee numbers of the demo relationship managers who receive customers.
struct DemoManagers {
  std::vector<std::string> personal;   // get RETAIL and PRIVATE_BANKING customers
  std::vector<std::string> corporate;  // get CORPORATE customers
};

inline constexpr int kDemoRetail = 880;
inline constexpr int kDemoPrivateBanking = 160;
inline constexpr int kDemoCorporate = 960;
// Key accounts among the corporates: one in this many, so 10 per corporate RM of 240 (cap 15).
inline constexpr int kDemoKeyAccountEvery = 24;

// The demo customer book for `managers` (each list non-empty), interactions dated before `today`.
CustomerDemoData MakeCustomerDemoData(const DemoManagers& managers, absl::CivilDay today);

// The relationship managers of the demo staff (tools/rmhub-seed/demo_data.cc), by kind.
DemoManagers ManagersOf(const DemoData& data);

}  // namespace rmhub::seed
