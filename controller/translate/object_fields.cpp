#include "translate/object_fields.h"

#include <arpa/inet.h>

#include <tuple>

namespace snigate::controller::translate {
namespace {

std::optional<std::string> string_in(const nlohmann::json& object, std::string_view map, std::string_view key) {
  const auto metadata = object.find("metadata");
  if (metadata == object.end()) return std::nullopt;
  const auto entries = metadata->find(map);
  if (entries == metadata->end() || !entries->is_object()) return std::nullopt;
  const auto value = entries->find(key);
  if (value == entries->end() || !value->is_string()) return std::nullopt;
  return value->get<std::string>();
}

std::string metadata_string(const nlohmann::json& object, const char* key) {
  const auto metadata = object.find("metadata");
  return metadata == object.end() ? "" : metadata->value(key, "");
}

}  // namespace

std::string name_of(const nlohmann::json& object) { return metadata_string(object, "name"); }
std::string namespace_of(const nlohmann::json& object) { return metadata_string(object, "namespace"); }

std::optional<std::string> annotation(const nlohmann::json& object, std::string_view key) {
  return string_in(object, "annotations", key);
}

std::optional<std::string> label(const nlohmann::json& object, std::string_view key) {
  return string_in(object, "labels", key);
}

ObjectRef reference_to(const nlohmann::json& object, std::string kind, std::string api_version) {
  return {std::move(kind), std::move(api_version), namespace_of(object), name_of(object),
          metadata_string(object, "uid"), metadata_string(object, "creationTimestamp")};
}

bool older_than(const ObjectRef& left, const ObjectRef& right) {
  return std::tie(left.creation_timestamp, left.namespace_name, left.name, left.kind) <
         std::tie(right.creation_timestamp, right.namespace_name, right.name, right.kind);
}

std::vector<std::string> split_list(std::string_view text) {
  std::vector<std::string> items;
  while (!text.empty()) {
    const auto comma = text.find(',');
    std::string_view item = text.substr(0, comma);
    while (!item.empty() && std::isspace(static_cast<unsigned char>(item.front()))) item.remove_prefix(1);
    while (!item.empty() && std::isspace(static_cast<unsigned char>(item.back()))) item.remove_suffix(1);
    if (!item.empty()) items.emplace_back(item);
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return items;
}

bool is_ip_literal(const std::string& address) {
  unsigned char buffer[16];
  return inet_pton(AF_INET, address.c_str(), buffer) == 1 || inet_pton(AF_INET6, address.c_str(), buffer) == 1;
}

}  // namespace snigate::controller::translate
