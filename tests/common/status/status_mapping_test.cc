#include "common/grpc/status_mapping.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/status/errors.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"

namespace rmhub {
namespace {

using ::testing::ElementsAre;
using ::testing::Field;

google::rpc::Status Details(const grpc::Status& s) {
  google::rpc::Status proto;
  EXPECT_TRUE(proto.ParseFromString(s.error_details()));
  return proto;
}

TEST(StatusMapping, OkStaysOk) { EXPECT_TRUE(grpcx::ToGrpcStatus(absl::OkStatus()).ok()); }

TEST(StatusMapping, InvalidArgumentCarriesErrorInfoAndBadRequest) {
  grpcx::SetErrorDomain("team.rmhub");
  FieldErrors errors;
  errors.Add("member.employee_number", "must not be empty");
  errors.Add("member.branch", "must be a branch resource name");
  grpc::Status s = grpcx::ToGrpcStatus(errors.Status());

  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), ::testing::HasSubstr("member.employee_number"));
  google::rpc::Status proto = Details(s);
  ASSERT_EQ(proto.details_size(), 2);
  google::rpc::ErrorInfo info;
  ASSERT_TRUE(proto.details(0).UnpackTo(&info));
  EXPECT_EQ(info.reason(), "INVALID_FIELDS");
  EXPECT_EQ(info.domain(), "team.rmhub");
  google::rpc::BadRequest bad;
  ASSERT_TRUE(proto.details(1).UnpackTo(&bad));
  ASSERT_EQ(bad.field_violations_size(), 2);
  EXPECT_EQ(bad.field_violations(1).field(), "member.branch");
}

TEST(StatusMapping, ReasonAndMetadataRoundTrip) {
  absl::Status original = WithErrorMetadata(
      FailedPrecondition("ASSIGNMENT_CAP_REACHED", "manager holds 400 of 400"), "cap", "400");
  absl::Status back = grpcx::FromGrpcStatus(grpcx::ToGrpcStatus(original));
  EXPECT_EQ(back.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(back.message(), "manager holds 400 of 400");
  EXPECT_EQ(ErrorReason(back), "ASSIGNMENT_CAP_REACHED");
  EXPECT_THAT(ErrorMetadata(back),
              ElementsAre(std::make_pair(std::string("cap"), std::string("400"))));
}

TEST(StatusMapping, FieldViolationsRoundTrip) {
  absl::Status back =
      grpcx::FromGrpcStatus(grpcx::ToGrpcStatus(InvalidField("page_size", "must not be negative")));
  EXPECT_THAT(FieldViolations(back), ElementsAre(Field(&FieldViolation::field, "page_size")));
}

TEST(StatusMapping, StatusWithoutReasonGetsCodeName) {
  grpc::Status s = grpcx::ToGrpcStatus(absl::NotFoundError("no such member"));
  google::rpc::ErrorInfo info;
  ASSERT_TRUE(Details(s).details(0).UnpackTo(&info));
  EXPECT_EQ(info.reason(), "NOT_FOUND");
}

}  // namespace
}  // namespace rmhub
