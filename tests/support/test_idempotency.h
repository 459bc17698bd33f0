#pragma once
// An idempotency::Idempotency for tests: a fixed secret, the default retention, sealed with
// `cipher` (a service's PII key ring) or a key derived from the secret.

#include <memory>
#include <string>

#include "common/clock/clock.h"
#include "common/idempotency/idempotency.h"
#include "common/pii/field_cipher.h"

namespace rmhub::testing {

inline constexpr char kTestIdempotencySecret[] = "test-idempotency-secret-0123456789";

inline std::unique_ptr<idempotency::Idempotency> TestIdempotency(
    const std::string& service, const pii::FieldCipher* cipher = nullptr,
    const Clock& clock = RealClock::Instance()) {
  idempotency::Settings settings;
  settings.secret = kTestIdempotencySecret;
  return *idempotency::Idempotency::Create(service, settings, cipher, clock);
}

}  // namespace rmhub::testing
