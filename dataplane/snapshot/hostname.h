// DNS host name rules shared by the snapshot validator, the route table and the controller.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace snigate::hostname {

// Lower-cases and drops one trailing dot; returns nullopt unless the result is a valid DNS name
// (labels of 1-63 letters, digits or inner hyphens, 253 characters in all), optionally preceded
// by a single "*." when allow_wildcard is set.
std::optional<std::string> normalize(std::string_view name, bool allow_wildcard);

// Lower-cases and drops one trailing dot without validating: for names read off the wire,
// which are looked up, never stored.
std::string fold(std::string_view name);

}  // namespace snigate::hostname
