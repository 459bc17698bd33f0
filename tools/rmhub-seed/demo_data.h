#pragma once
// The demo branch rmhub-seed puts on a local stack: one branch, about twenty staff of every role
// (relationship managers personal and corporate on all six ladder levels, each with a valid RM
// qualification so the customer service may assign to them), two home teams and one project
// team with leaders and goals for the current quarter, a few other certifications and two
// mentorships. Plain data: the seeder decides how to put it there.

#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "rmhub/team/v1/team.pb.h"

namespace rmhub::seed {

namespace v1 = rmhub::team::v1;

struct DemoCertification {
  v1::CertificationType type;
  v1::RmKind rm_kind;  // for RM_QUALIFICATION
  std::string issuer;
  std::string number;  // unique: how the seeder recognises it on a second run
};

struct DemoMember {
  std::string employee_number;
  std::string display_name;
  v1::Role role;
  v1::RmKind rm_kind = v1::RM_KIND_UNSPECIFIED;
  v1::BackOfficeFunction back_office_function = v1::BACK_OFFICE_FUNCTION_UNSPECIFIED;
  std::vector<v1::Skill> skills;
  v1::CareerLevel level = v1::CAREER_LEVEL_UNSPECIFIED;  // relationship managers only
  int grade = 0;
  std::vector<DemoCertification> certifications;
};

struct DemoGoal {
  v1::GoalMetric metric;
  int64_t target;
  std::string note;
};

struct DemoTeam {
  std::string display_name;  // unique within the branch: how the seeder recognises it
  v1::TeamKind kind;
  std::string leader;                // employee number
  std::vector<std::string> members;  // employee numbers, the leader excluded
  std::string description;
  std::vector<DemoGoal> goals;
};

struct DemoMentorship {
  std::string mentor;  // employee numbers
  std::string mentee;
};

struct DemoData {
  v1::Branch branch;
  std::string branch_manager;  // employee number; the seeder acts as this member after creating it
  std::vector<DemoMember> members;
  std::vector<DemoTeam> teams;
  std::vector<DemoMentorship> mentorships;
  // Certificates run from issued_on to expires_on (inclusive).
  absl::CivilDay issued_on;
  absl::CivilDay expires_on;
  // Team goals cover [period_start, period_end): the quarter of `today`.
  absl::CivilDay period_start;
  absl::CivilDay period_end;
};

// The demo data with dates relative to `today` (in the bank's zone), so certificates are valid
// and goals are current whenever the stack is brought up.
DemoData MakeDemoData(absl::CivilDay today);

}  // namespace rmhub::seed
