// Bad input for every TeamService RPC: INVALID_ARGUMENT naming the field, nothing written.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/services/team/team_test_env.h"

namespace rmhub::team {
namespace {

struct BadCase {
  std::string rpc;
  std::string expected_field;
  std::function<grpc::Status(v1::TeamService::Stub&, grpc::ClientContext*)> call;
};

template <class Req, class Resp>
std::function<grpc::Status(v1::TeamService::Stub&, grpc::ClientContext*)> Call(
    grpc::Status (v1::TeamService::Stub::*method)(grpc::ClientContext*, const Req&, Resp*),
    Req request) {
  return [method, request](v1::TeamService::Stub& stub, grpc::ClientContext* ctx) {
    Resp response;
    return (stub.*method)(ctx, request, &response);
  };
}

class BadInputTest : public TeamTestEnv {
 protected:
  std::vector<BadCase> Cases(const v1::Member& member, const v1::Team& team) {
    using S = v1::TeamService::Stub;
    std::vector<BadCase> cases;
    auto add = [&](std::string rpc, std::string field, auto call) {
      cases.push_back({std::move(rpc), std::move(field), std::move(call)});
    };
    add("CreateBranch", "branch.code", Call(&S::CreateBranch, v1::CreateBranchRequest()));
    {
      v1::CreateBranchRequest r = BranchRequest();
      r.mutable_branch()->set_personal_customer_cap(-1);
      add("CreateBranch", "branch.personal_customer_cap", Call(&S::CreateBranch, r));
    }
    {
      v1::GetBranchRequest r;
      add("GetBranch", "name", Call(&S::GetBranch, r));
    }
    {
      v1::ListBranchesRequest r;
      r.set_page_size(-1);
      add("ListBranches", "page_size", Call(&S::ListBranches, r));
    }
    {
      v1::UpdateBranchRequest r;
      r.mutable_branch()->set_name("branches/x");
      add("UpdateBranch", "branch.name", Call(&S::UpdateBranch, r));
      r.mutable_branch()->set_name(member.branch());
      r.mutable_update_mask()->add_paths("code");
      add("UpdateBranch", "update_mask", Call(&S::UpdateBranch, r));
    }
    {
      v1::CreateMemberRequest r = MemberRequest(BranchOf(member), v1::TELLER);
      r.mutable_member()->set_employee_number("");
      add("CreateMember", "member.employee_number", Call(&S::CreateMember, r));
      r = MemberRequest(BranchOf(member), v1::RELATIONSHIP_MANAGER);
      add("CreateMember", "member.rm_kind", Call(&S::CreateMember, r));
      r = MemberRequest(BranchOf(member), v1::TELLER);
      r.mutable_member()->set_branch("branch/1");
      add("CreateMember", "member.branch", Call(&S::CreateMember, r));
      r = MemberRequest(BranchOf(member), v1::RELATIONSHIP_MANAGER, v1::PERSONAL, v1::SENIOR, 3);
      add("CreateMember", "member.career_grade", Call(&S::CreateMember, r));
      r = MemberRequest(BranchOf(member), v1::TELLER);
      r.set_request_id(std::string(65, 'x'));
      add("CreateMember", "request_id", Call(&S::CreateMember, r));
    }
    {
      v1::GetMemberRequest r;
      r.set_name("members/abc");
      add("GetMember", "name", Call(&S::GetMember, r));
    }
    {
      v1::BatchGetMembersRequest r;
      r.add_names(member.name());
      r.add_names("people/2");
      add("BatchGetMembers", "names[1]", Call(&S::BatchGetMembers, r));
    }
    {
      v1::ListMembersRequest r;
      r.set_filter("colour = RED");
      add("ListMembers", "filter", Call(&S::ListMembers, r));
      r.set_filter("role = TELLER OR role = LOBBY_MANAGER");
      add("ListMembers", "filter", Call(&S::ListMembers, r));
    }
    {
      v1::UpdateMemberRequest r;
      *r.mutable_member() = member;
      r.mutable_update_mask()->add_paths("employee_number");
      add("UpdateMember", "update_mask", Call(&S::UpdateMember, r));
      r.mutable_update_mask()->Clear();
      r.mutable_update_mask()->add_paths("display_name");
      r.mutable_member()->set_display_name("");
      add("UpdateMember", "member.display_name", Call(&S::UpdateMember, r));
      r.mutable_member()->set_display_name("ok");
      r.mutable_member()->set_etag("garbage");
      add("UpdateMember", "member.etag", Call(&S::UpdateMember, r));
    }
    {
      v1::ChangeCareerLevelRequest r;
      r.set_name(member.name());
      r.set_reason("annual review");
      add("ChangeCareerLevel", "kind", Call(&S::ChangeCareerLevel, r));
      r.set_kind(v1::PROMOTION);
      r.set_reason("");
      add("ChangeCareerLevel", "reason", Call(&S::ChangeCareerLevel, r));
      r.set_reason("annual review");
      r.mutable_effective_date()->set_year(2026);
      r.mutable_effective_date()->set_month(2);
      r.mutable_effective_date()->set_day(30);
      add("ChangeCareerLevel", "effective_date", Call(&S::ChangeCareerLevel, r));
    }
    {
      v1::ListLadderChangesRequest r;
      add("ListLadderChanges", "parent", Call(&S::ListLadderChanges, r));
    }
    {
      v1::AddCertificationRequest r;
      r.set_parent(member.name());
      r.mutable_certification()->set_issuer("CBIRC");
      r.mutable_certification()->set_number("N1");
      add("AddCertification", "certification.type", Call(&S::AddCertification, r));
      r.mutable_certification()->set_type(v1::CFP);
      r.mutable_certification()->mutable_issue_date()->set_year(2025);
      r.mutable_certification()->mutable_issue_date()->set_month(1);
      r.mutable_certification()->mutable_issue_date()->set_day(1);
      add("AddCertification", "certification.expiry_date", Call(&S::AddCertification, r));
    }
    {
      v1::ListCertificationsRequest r;
      r.set_parent(member.name());
      r.set_filter("state = MAYBE");
      add("ListCertifications", "filter", Call(&S::ListCertifications, r));
    }
    {
      v1::RevokeCertificationRequest r;
      r.set_name(member.name() + "/certs/2");
      r.set_reason("fraud");
      add("RevokeCertification", "name", Call(&S::RevokeCertification, r));
    }
    {
      v1::StartMentorshipRequest r;
      r.set_mentee(member.name());
      add("StartMentorship", "mentor", Call(&S::StartMentorship, r));
      r.set_mentor(member.name());
      add("StartMentorship", "mentee", Call(&S::StartMentorship, r));
    }
    {
      v1::EndMentorshipRequest r;
      r.set_name("mentorships/1");
      add("EndMentorship", "outcome", Call(&S::EndMentorship, r));
    }
    {
      v1::ListMentorshipsRequest r;
      r.set_filter("mentor = \"teams/1\"");
      add("ListMentorships", "filter", Call(&S::ListMentorships, r));
    }
    {
      v1::CreateTeamRequest r;
      r.mutable_team()->set_display_name("T");
      r.mutable_team()->set_branch(member.branch());
      add("CreateTeam", "team.kind", Call(&S::CreateTeam, r));
    }
    {
      v1::GetTeamRequest r;
      add("GetTeam", "name", Call(&S::GetTeam, r));
    }
    {
      v1::ListTeamsRequest r;
      r.set_page_token("junk");
      add("ListTeams", "page_token", Call(&S::ListTeams, r));
    }
    {
      v1::UpdateTeamRequest r;
      add("UpdateTeam", "team.name", Call(&S::UpdateTeam, r));
    }
    {
      v1::AddTeamMemberRequest r;
      r.set_team(team.name());
      add("AddTeamMember", "member", Call(&S::AddTeamMember, r));
    }
    {
      v1::RemoveTeamMemberRequest r;
      r.set_team("teams/0");
      r.set_member(member.name());
      add("RemoveTeamMember", "team", Call(&S::RemoveTeamMember, r));
    }
    {
      v1::ListTeamMembersRequest r;
      add("ListTeamMembers", "team", Call(&S::ListTeamMembers, r));
    }
    {
      v1::SetTeamGoalRequest r;
      r.set_team(team.name());
      r.mutable_goal()->set_metric(v1::NEW_CUSTOMERS);
      auto* p = r.mutable_goal()->mutable_period();
      p->mutable_start_date()->set_year(2026);
      p->mutable_start_date()->set_month(7);
      p->mutable_start_date()->set_day(1);
      *p->mutable_end_date() = p->start_date();
      add("SetTeamGoal", "goal.period.end_date", Call(&S::SetTeamGoal, r));
    }
    {
      v1::ListTeamGoalsRequest r;
      r.set_team(team.name());
      r.set_page_size(-5);
      add("ListTeamGoals", "page_size", Call(&S::ListTeamGoals, r));
    }
    {
      v1::CheckAssignmentEligibilityRequest r;
      r.set_member(member.name());
      add("CheckAssignmentEligibility", "rm_kind", Call(&S::CheckAssignmentEligibility, r));
    }
    {
      v1::ListIneligibleHoldersRequest r;
      r.set_branch(member.branch());
      r.set_expiring_within_days(-1);
      add("ListIneligibleHolders", "expiring_within_days", Call(&S::ListIneligibleHolders, r));
      r.set_expiring_within_days(0);
      r.set_branch("branch/1");
      add("ListIneligibleHolders", "branch", Call(&S::ListIneligibleHolders, r));
    }
    return cases;
  }

  static v1::Branch BranchOf(const v1::Member& m) {
    v1::Branch b;
    b.set_name(m.branch());
    return b;
  }
};

TEST_F(BadInputTest, EveryRpcNamesTheBadFieldAndWritesNothing) {
  v1::Branch branch = MakeBranch();
  v1::Member member = MakeMember(branch, v1::RELATIONSHIP_MANAGER, v1::PERSONAL, v1::SENIOR, 7);
  v1::Team team = MakeTeam(branch, v1::PROJECT, member.name());
  std::set<std::string> covered;
  for (const BadCase& c : Cases(member, team)) {
    SCOPED_TRACE(c.rpc + " / " + c.expected_field);
    covered.insert(c.rpc);
    ExpectNothingWritten([&] {
      auto ctx = Context(admin_token_);
      grpc::Status s = c.call(*stub_, ctx.get());
      ASSERT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << s.error_message();
      std::vector<std::string> fields;
      for (const auto& v : Fields(s)) fields.push_back(v.field);
      EXPECT_THAT(fields, ::testing::Contains(c.expected_field)) << s.error_message();
    });
  }
  // Every method of the published service has at least one bad-input case.
  const auto* service = v1::TeamService::service_full_name();
  const auto* desc = google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(service);
  ASSERT_NE(desc, nullptr);
  for (int i = 0; i < desc->method_count(); ++i) {
    EXPECT_TRUE(covered.count(desc->method(i)->name())) << desc->method(i)->name();
  }
}

}  // namespace
}  // namespace rmhub::team
