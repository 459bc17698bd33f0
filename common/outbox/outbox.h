#pragma once
// The transactional outbox. A mutation appends its domain event on the connection of its own
// transaction, so the event commits or rolls back with the change; OutboxRelay (relay.h) ships
// committed rows to analytics later, in order, at least once (consumers deduplicate on
// event_id).
//
// Table outbox_events (created by the runtime migrations, see common/db/migrations.cc):
//   id (order), event_id, event_type, aggregate, payload (the serialized DomainEvent),
//   create_time, sent_time (NULL until analytics accepted it).
// Table outbox_aggregate_versions: aggregate (primary key), version (the last one given out).

#include <google/protobuf/message.h>

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/db/connection_pool.h"
#include "rmhub/common/v1/event.pb.h"

namespace rmhub::outbox {

// The envelope for `payload` (packed as an Any) with a fresh event_id. `actor` is who made the
// change ("members/7", "services/customer"); the payload must carry no unmasked PII. The
// aggregate_version is left 0: AppendEvent allocates it.
rmhub::common::v1::DomainEvent MakeEvent(absl::string_view source, absl::string_view type,
                                         absl::string_view aggregate, absl::string_view actor,
                                         const google::protobuf::Message& payload,
                                         absl::Time occur_time);

// Inserts the event on `conn`; call it inside the mutation's transaction. The event's
// aggregate_version is allocated here from the aggregate's counter (table
// outbox_aggregate_versions, one row per aggregate, incremented under its row lock in the same
// transaction): every event of an aggregate gets the next version, 1, 2, 3, ... in commit order
// (a concurrent mutation of the same aggregate waits on the counter row until this transaction
// ends; a rolled-back transaction gives its number back). Returns the version assigned. Never
// throws: SQL errors come back as statuses (common/db/sql_error.h), INTERNAL "EVENT_INVALID" for
// an event without event_id, source, type or aggregate.
absl::StatusOr<int64_t> AppendEvent(db::Connection& conn, rmhub::common::v1::DomainEvent event);

}  // namespace rmhub::outbox
