#pragma once
// The transactional outbox. A mutation appends its domain event on the connection of its own
// transaction, so the event commits or rolls back with the change; OutboxRelay (relay.h) ships
// committed rows to analytics later, in order, at least once (consumers deduplicate on
// event_id).
//
// Table outbox_events (created by the runtime migrations, see common/db/migrations.cc):
//   id (order), event_id, event_type, aggregate, payload (the serialized DomainEvent),
//   create_time, sent_time (NULL until analytics accepted it).

#include <google/protobuf/message.h>

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/db/connection_pool.h"
#include "rmhub/common/v1/event.pb.h"

namespace rmhub::outbox {

// The envelope for `payload` (packed as an Any) with a fresh event_id. `actor` is who made the
// change ("members/7", "services/customer"); the payload must carry no unmasked PII.
rmhub::common::v1::DomainEvent MakeEvent(absl::string_view source, absl::string_view type,
                                         absl::string_view aggregate, absl::string_view actor,
                                         const google::protobuf::Message& payload,
                                         absl::Time occur_time, int64_t aggregate_version = 0);

// Inserts the event on `conn`; call it inside the mutation's transaction. Never throws: SQL
// errors come back as statuses (common/db/sql_error.h), INTERNAL "EVENT_INVALID" for an event
// without event_id, source or type.
absl::Status AppendEvent(db::Connection& conn, const rmhub::common::v1::DomainEvent& event);

}  // namespace rmhub::outbox
