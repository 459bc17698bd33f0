#pragma once
// Small helpers of the repository tests (team, customer, ...): status assertions over Status and
// StatusOr alike, StatusOr → out-parameter for transaction bodies, and the time and date values
// DATETIME(6) / DATE columns round-trip.
//   namespace { using namespace rmhub::test_util; }

#include <cstdint>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "google/protobuf/timestamp.pb.h"
#include "gtest/gtest.h"
#include "rmhub/common/v1/common.pb.h"

namespace rmhub::test_util {

inline absl::Status StatusOf(const absl::Status& s) { return s; }
template <class T>
absl::Status StatusOf(const absl::StatusOr<T>& s) {
  return s.status();
}

// Stores a StatusOr's value in *out, for the capture-by-reference style of transaction bodies.
template <class T>
absl::Status Into(absl::StatusOr<T> value, T* out) {
  if (!value.ok()) return value.status();
  *out = *std::move(value);
  return absl::OkStatus();
}

// A time with nanoseconds: DATETIME(6) keeps microseconds, so reads give the truncated value.
inline const absl::Time kT0 = absl::FromUnixNanos(1700000000123456789);

// `t` truncated to microseconds, as a DATETIME(6) column gives it back.
inline google::protobuf::Timestamp Micros(absl::Time t) {
  google::protobuf::Timestamp ts;
  const int64_t micros = absl::ToUnixMicros(t);
  ts.set_seconds(micros / 1000000);
  ts.set_nanos(static_cast<int32_t>(micros % 1000000) * 1000);
  return ts;
}

inline common::v1::Date Day(int y, int m, int d) {
  common::v1::Date date;
  date.set_year(y);
  date.set_month(m);
  date.set_day(d);
  return date;
}

}  // namespace rmhub::test_util

// Assert / expect that a Status or StatusOr is OK, printing the status otherwise.
#define ASSERT_OK(expr)                                   \
  do {                                                    \
    absl::Status s_ = ::rmhub::test_util::StatusOf(expr); \
    ASSERT_TRUE(s_.ok()) << s_;                           \
  } while (false)
#define EXPECT_OK(expr)                                   \
  do {                                                    \
    absl::Status s_ = ::rmhub::test_util::StatusOf(expr); \
    EXPECT_TRUE(s_.ok()) << s_;                           \
  } while (false)
