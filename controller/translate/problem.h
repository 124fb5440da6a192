// What a translation reports about an object it could not use as asked: an invalid hostname, a
// port that does not exist, a lost hostname conflict. Each becomes a Warning Event on the object.
#pragma once

#include <compare>
#include <string>

namespace snigate::controller::translate {

// Enough of an object to order claims by age and to address an Event to it.
struct ObjectRef {
  std::string kind{};
  std::string api_version{};
  std::string namespace_name{};
  std::string name{};
  std::string uid{};
  std::string creation_timestamp{};  // RFC 3339, as the API server wrote it

  std::string qualified_name() const { return namespace_name.empty() ? name : namespace_name + "/" + name; }
  auto operator<=>(const ObjectRef&) const = default;
};

struct Problem {
  ObjectRef object;
  std::string reason;   // CamelCase, as Kubernetes Event reasons are: "HostnameConflict"
  std::string message;  // a sentence a user can act on
  auto operator<=>(const Problem&) const = default;
};

}  // namespace snigate::controller::translate
