#include "model/decode.h"

namespace snigate::controller::model {
namespace {

using nlohmann::json;

// Reads one JSON object, naming each field by its path when it has the wrong type.
class FieldReader {
 public:
  FieldReader(const json& object, std::string path) : object_(object), path_(std::move(path)) {
    if (!object_.is_object()) throw DecodeError((path_.empty() ? std::string("object") : path_) + ": expected an object");
  }

  const json* find(std::string_view key) const {
    const auto found = object_.find(key);
    return found == object_.end() || found->is_null() ? nullptr : &*found;
  }

  std::string string(std::string_view key, std::string fallback = {}) const {
    const json* value = find(key);
    if (value == nullptr) return fallback;
    if (!value->is_string()) fail(key, "expected a string");
    return value->get<std::string>();
  }

  std::optional<std::string> optional_string(std::string_view key) const {
    return find(key) ? std::optional<std::string>(string(key)) : std::nullopt;
  }

  std::optional<std::int64_t> optional_integer(std::string_view key) const {
    const json* value = find(key);
    if (value == nullptr) return std::nullopt;
    if (!value->is_number_integer()) fail(key, "expected an integer");
    return value->get<std::int64_t>();
  }

  std::optional<int> optional_port(std::string_view key) const {
    const auto value = optional_integer(key);
    if (value && (*value < 0 || *value > 65535)) fail(key, "out of range 0-65535");
    return value ? std::optional<int>(static_cast<int>(*value)) : std::nullopt;
  }

  std::optional<bool> optional_boolean(std::string_view key) const {
    const json* value = find(key);
    if (value == nullptr) return std::nullopt;
    if (!value->is_boolean()) fail(key, "expected true or false");
    return value->get<bool>();
  }

  FieldReader child(std::string_view key) const {
    static const json empty = json::object();
    const json* value = find(key);
    return FieldReader(value ? *value : empty, field(key));
  }

  // Calls `each(FieldReader)` for every element of an array of objects.
  template <typename Each>
  void for_each(std::string_view key, Each each) const {
    const json* value = find(key);
    if (value == nullptr) return;
    if (!value->is_array()) fail(key, "expected an array");
    for (std::size_t i = 0; i < value->size(); ++i) each(FieldReader((*value)[i], field(key) + "[" + std::to_string(i) + "]"));
  }

  std::vector<std::string> strings(std::string_view key) const {
    std::vector<std::string> result;
    const json* value = find(key);
    if (value == nullptr) return result;
    if (!value->is_array()) fail(key, "expected an array");
    for (const auto& item : *value) {
      if (!item.is_string()) fail(key, "expected an array of strings");
      result.push_back(item.get<std::string>());
    }
    return result;
  }

  std::map<std::string, std::string, std::less<>> string_map(std::string_view key) const {
    std::map<std::string, std::string, std::less<>> result;
    const json* value = find(key);
    if (value == nullptr) return result;
    if (!value->is_object()) fail(key, "expected an object");
    for (const auto& [name, text] : value->items()) {
      if (!text.is_string()) fail(key, "value of \"" + name + "\" is not a string");
      result.emplace(name, text.get<std::string>());
    }
    return result;
  }

 private:
  std::string field(std::string_view key) const { return path_.empty() ? std::string(key) : path_ + "." + std::string(key); }
  [[noreturn]] void fail(std::string_view key, const std::string& what) const { throw DecodeError(field(key) + ": " + what); }

  const json& object_;
  std::string path_;
};

ObjectMeta read_metadata(const FieldReader& object) {
  const FieldReader metadata = object.child("metadata");
  return {.namespace_name = metadata.string("namespace"),
          .name = metadata.string("name"),
          .uid = metadata.string("uid"),
          .creation_timestamp = metadata.string("creationTimestamp"),
          .generation = metadata.optional_integer("generation").value_or(0),
          .annotations = metadata.string_map("annotations"),
          .labels = metadata.string_map("labels")};
}

std::vector<LoadBalancerIngress> read_load_balancer(const FieldReader& object) {
  std::vector<LoadBalancerIngress> entries;
  object.child("status").child("loadBalancer").for_each("ingress", [&](const FieldReader& entry) {
    entries.push_back({entry.string("ip"), entry.string("hostname")});
  });
  return entries;
}

IngressBackend read_ingress_backend(const FieldReader& backend) {
  if (!backend.find("service")) return {};
  const FieldReader service = backend.child("service");
  const FieldReader port = service.child("port");
  return {service.string("name"), {port.optional_string("name"), port.optional_port("number")}};
}

}  // namespace

ObjectMeta decode_metadata_leniently(const nlohmann::json& object) {
  ObjectMeta meta;
  const auto metadata = object.is_object() ? object.find("metadata") : object.end();
  if (!object.is_object() || metadata == object.end() || !metadata->is_object()) return meta;
  auto text = [&](const char* key) {
    const auto value = metadata->find(key);
    return value != metadata->end() && value->is_string() ? value->get<std::string>() : std::string();
  };
  meta.namespace_name = text("namespace");
  meta.name = text("name");
  meta.uid = text("uid");
  meta.creation_timestamp = text("creationTimestamp");
  return meta;
}

Service decode_service(const nlohmann::json& object) {
  const FieldReader reader(object, "");
  const FieldReader spec = reader.child("spec");
  Service service{.meta = read_metadata(reader),
                  .type = spec.string("type", "ClusterIP"),
                  .cluster_ip = spec.string("clusterIP"),
                  .external_name = spec.string("externalName"),
                  .ports = {},
                  .load_balancer = read_load_balancer(reader)};
  spec.for_each("ports", [&](const FieldReader& port) {
    service.ports.push_back({port.string("name"), port.string("protocol", "TCP"), port.optional_port("port").value_or(0)});
  });
  return service;
}

EndpointSlice decode_endpoint_slice(const nlohmann::json& object) {
  const FieldReader reader(object, "");
  EndpointSlice slice{.meta = read_metadata(reader), .service_name = {}, .address_type = reader.string("addressType"),
                      .ports = {}, .endpoints = {}};
  if (const auto owner = slice.meta.labels.find("kubernetes.io/service-name"); owner != slice.meta.labels.end()) {
    slice.service_name = owner->second;
  }
  reader.for_each("ports", [&](const FieldReader& port) {
    slice.ports.push_back({port.string("name"), port.string("protocol", "TCP"), port.optional_port("port")});
  });
  reader.for_each("endpoints", [&](const FieldReader& endpoint) {
    const FieldReader conditions = endpoint.child("conditions");
    const bool ready = conditions.optional_boolean("ready").value_or(true);
    slice.endpoints.push_back({endpoint.strings("addresses"),
                               {.ready = ready,
                                .serving = conditions.optional_boolean("serving").value_or(ready),
                                .terminating = conditions.optional_boolean("terminating").value_or(false)}});
  });
  return slice;
}

Ingress decode_ingress(const nlohmann::json& object) {
  const FieldReader reader(object, "");
  const FieldReader spec = reader.child("spec");
  Ingress ingress{.meta = read_metadata(reader),
                  .class_name = spec.optional_string("ingressClassName"),
                  .default_backend = std::nullopt,
                  .rules = {},
                  .load_balancer = read_load_balancer(reader)};
  if (spec.find("defaultBackend")) ingress.default_backend = read_ingress_backend(spec.child("defaultBackend"));
  spec.for_each("rules", [&](const FieldReader& rule) {
    IngressRule decoded{rule.string("host"), {}};
    rule.child("http").for_each("paths", [&](const FieldReader& path) {
      decoded.path_backends.push_back(read_ingress_backend(path.child("backend")));
    });
    ingress.rules.push_back(std::move(decoded));
  });
  return ingress;
}

IngressClass decode_ingress_class(const nlohmann::json& object) {
  const FieldReader reader(object, "");
  return {read_metadata(reader), reader.child("spec").string("controller")};
}

}  // namespace snigate::controller::model
