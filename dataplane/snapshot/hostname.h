// DNS host name rules shared by the snapshot validator, the route table, the ClientHello parser
// (for SNI) and the controller: one definition of a valid name, so that a name the routes could
// never hold is refused the same way wherever it comes from.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace snigate::hostname {

// Whether `name` is a valid DNS name as written: labels of 1-63 letters (either case), digits or
// inner hyphens, 253 characters in all, one trailing dot allowed; optionally preceded by a single
// "*." when allow_wildcard is set.
bool is_valid(std::string_view name, bool allow_wildcard);

// Lower-cases and drops one trailing dot; returns nullopt unless is_valid(name, allow_wildcard).
std::optional<std::string> normalize(std::string_view name, bool allow_wildcard);

// Lower-cases and drops one trailing dot without validating: for names read off the wire,
// which are looked up, never stored.
std::string fold(std::string_view name);

}  // namespace snigate::hostname
