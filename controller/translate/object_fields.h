// Small facts about objects that every processor needs: a reference for Events and claims, the
// order of claimants, whether an address is an IP literal.
#pragma once

#include <string>

#include "model/objects.h"
#include "translate/problem.h"

namespace snigate::controller::translate {

// `kind` and `api_version` are passed because list responses omit them from their items.
ObjectRef reference_to(const model::ObjectMeta& meta, std::string kind, std::string api_version);

// Orders claimants: older creationTimestamp first, then namespace, then name.
bool older_than(const ObjectRef& left, const ObjectRef& right);

bool is_ip_literal(const std::string& address);

}  // namespace snigate::controller::translate
