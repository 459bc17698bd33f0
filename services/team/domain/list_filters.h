#pragma once
// The filterable fields of each team List method (AIP-160 subset, common/api/filter.h): name,
// type and operators, as published in services/team/README.md. No columns here: the MySQL
// repository maps these fields to SQL, the in-memory test store evaluates them directly.

#include "common/api/filter.h"

namespace rmhub::team {

const api::FilterSchema& BranchFilterSchema();
const api::FilterSchema& MemberFilterSchema();
const api::FilterSchema& MentorshipFilterSchema();
const api::FilterSchema& TeamFilterSchema();
// Evaluated by the service over derived states (a member has a handful of certifications).
const api::FilterSchema& CertificationFilterSchema();

}  // namespace rmhub::team
