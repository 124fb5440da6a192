#include "translate/object_fields.h"

#include <arpa/inet.h>

#include <tuple>

namespace snigate::controller::translate {

ObjectRef reference_to(const model::ObjectMeta& meta, std::string kind, std::string api_version) {
  return {std::move(kind), std::move(api_version), meta.namespace_name, meta.name, meta.uid, meta.creation_timestamp};
}

bool older_than(const ObjectRef& left, const ObjectRef& right) {
  return std::tie(left.creation_timestamp, left.namespace_name, left.name, left.kind) <
         std::tie(right.creation_timestamp, right.namespace_name, right.name, right.kind);
}

bool is_ip_literal(const std::string& address) {
  unsigned char buffer[16];
  return inet_pton(AF_INET, address.c_str(), buffer) == 1 || inet_pton(AF_INET6, address.c_str(), buffer) == 1;
}

}  // namespace snigate::controller::translate
