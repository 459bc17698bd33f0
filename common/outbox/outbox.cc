#include "common/outbox/outbox.h"

#include <cstdio>
#include <cstdlib>
#include <memory>

#include "common/db/sql_error.h"
#include "common/encoding/uuid.h"
#include "common/status/errors.h"

namespace rmhub::outbox {
namespace {

google::protobuf::Timestamp ToTimestamp(absl::Time t) {
  google::protobuf::Timestamp ts;
  const int64_t seconds = absl::ToUnixSeconds(t);
  ts.set_seconds(seconds);
  ts.set_nanos(static_cast<int32_t>((t - absl::FromUnixSeconds(seconds)) / absl::Nanoseconds(1)));
  return ts;
}

}  // namespace

rmhub::common::v1::DomainEvent MakeEvent(absl::string_view source, absl::string_view type,
                                         absl::string_view aggregate, absl::string_view actor,
                                         const google::protobuf::Message& payload,
                                         absl::Time occur_time) {
  rmhub::common::v1::DomainEvent event;
  event.set_event_id(encoding::NewUuidV4());
  event.set_source(std::string(source));
  event.set_type(std::string(type));
  event.set_aggregate(std::string(aggregate));
  event.set_actor(std::string(actor));
  *event.mutable_occur_time() = ToTimestamp(occur_time);
  event.mutable_payload()->PackFrom(payload);
  return event;
}

absl::StatusOr<int64_t> AppendEvent(db::Connection& conn, rmhub::common::v1::DomainEvent event) {
  if (event.event_id().empty() || event.source().empty() || event.type().empty() ||
      event.aggregate().empty()) {
    return Internal("EVENT_INVALID", "a domain event needs event_id, source, type and aggregate");
  }
  try {
    sql::PreparedStatement& bump = conn.Prepare(
        "INSERT INTO outbox_aggregate_versions (aggregate, version) VALUES (?, 1) "
        "ON DUPLICATE KEY UPDATE version = version + 1");
    bump.setString(1, event.aggregate());
    bump.executeUpdate();
    sql::PreparedStatement& read =
        conn.Prepare("SELECT version FROM outbox_aggregate_versions WHERE aggregate = ?");
    read.setString(1, event.aggregate());
    std::unique_ptr<sql::ResultSet> rs(read.executeQuery());
    if (!rs->next()) return Internal("EVENT_VERSION", "the aggregate's version counter vanished");
    const int64_t version = rs->getInt64(1);
    event.set_aggregate_version(version);
    std::string bytes;
    if (!event.SerializeToString(&bytes)) {
      return Internal("EVENT_INVALID", "the domain event could not be serialized");
    }
    sql::PreparedStatement& ps = conn.Prepare(
        "INSERT INTO outbox_events (event_id, event_type, aggregate, payload) VALUES (?, ?, ?, ?)");
    ps.setString(1, event.event_id());
    ps.setString(2, event.type());
    ps.setString(3, event.aggregate());
    ps.setString(4, bytes);
    ps.executeUpdate();
    return version;
  } catch (const sql::SQLException& e) {
    return db::StatusFromSqlException(e);
  }
}

}  // namespace rmhub::outbox
