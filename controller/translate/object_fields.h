// Reading the fields of Kubernetes objects (JSON as the API server sends them) without throwing
// on absent ones: a missing field is what the API means by its default.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "translate/problem.h"

namespace snigate::controller::translate {

std::string name_of(const nlohmann::json& object);
std::string namespace_of(const nlohmann::json& object);
std::optional<std::string> annotation(const nlohmann::json& object, std::string_view key);
std::optional<std::string> label(const nlohmann::json& object, std::string_view key);

// `kind` and `api_version` are passed because list responses omit them from their items.
ObjectRef reference_to(const nlohmann::json& object, std::string kind, std::string api_version);

// Orders claimants: older creationTimestamp first, then namespace, then name.
bool older_than(const ObjectRef& left, const ObjectRef& right);

// "a, b ,c" -> {"a", "b", "c"}; empty items are dropped.
std::vector<std::string> split_list(std::string_view text);

bool is_ip_literal(const std::string& address);

}  // namespace snigate::controller::translate
