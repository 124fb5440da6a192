#include "model/decode.h"

#include <utility>

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

  std::optional<std::int64_t> optional_integer_within(std::string_view key, std::int64_t low, std::int64_t high) const {
    const auto value = optional_integer(key);
    if (value && (*value < low || *value > high)) fail(key, "out of range " + std::to_string(low) + "-" + std::to_string(high));
    return value;
  }

  std::optional<int> optional_port(std::string_view key) const {
    const auto value = optional_integer_within(key, 0, 65535);
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

LabelSelector read_label_selector(const FieldReader& selector) {
  LabelSelector decoded{selector.string_map("matchLabels"), {}};
  selector.for_each("matchExpressions", [&](const FieldReader& requirement) {
    decoded.match_expressions.push_back({requirement.string("key"), requirement.string("operator"), requirement.strings("values")});
  });
  return decoded;
}

GatewayListener read_listener(const FieldReader& listener) {
  GatewayListener decoded{.name = listener.string("name"),
                          .hostname = listener.optional_string("hostname"),
                          .port = listener.optional_port("port").value_or(0),
                          .protocol = listener.string("protocol"),
                          .tls_mode = listener.child("tls").string("mode", "Terminate"),
                          .namespaces_from = "Same",
                          .namespace_selector = std::nullopt,
                          .allowed_kinds = {}};
  const FieldReader allowed = listener.child("allowedRoutes");
  const FieldReader namespaces = allowed.child("namespaces");
  decoded.namespaces_from = namespaces.string("from", "Same");
  if (namespaces.find("selector")) decoded.namespace_selector = read_label_selector(namespaces.child("selector"));
  allowed.for_each("kinds", [&](const FieldReader& kind) {
    decoded.allowed_kinds.push_back({kind.string("group", std::string(kGatewayApiGroup)), kind.string("kind")});
  });
  return decoded;
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
    const json* target = port.find("targetPort");
    const bool numbered = target != nullptr && target->is_number_integer();
    service.ports.push_back({port.string("name"), port.string("protocol", "TCP"), port.optional_port("port").value_or(0),
                             numbered ? port.optional_port("targetPort") : std::nullopt});
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

Namespace decode_namespace(const nlohmann::json& object) {
  const FieldReader reader(object, "");
  return {read_metadata(reader)};
}

GatewayClass decode_gateway_class(const nlohmann::json& object) {
  const FieldReader reader(object, "");
  return {read_metadata(reader), reader.child("spec").string("controllerName")};
}

Gateway decode_gateway(const nlohmann::json& object) {
  const FieldReader reader(object, "");
  const FieldReader spec = reader.child("spec");
  Gateway gateway{read_metadata(reader), spec.string("gatewayClassName"), {}};
  spec.for_each("listeners", [&](const FieldReader& listener) { gateway.listeners.push_back(read_listener(listener)); });
  return gateway;
}

TLSRoute decode_tls_route(const nlohmann::json& object) {
  const FieldReader reader(object, "");
  const FieldReader spec = reader.child("spec");
  TLSRoute route{read_metadata(reader), {}, spec.strings("hostnames"), {}, {}};
  reader.child("status").for_each("parents", [&](const FieldReader& parent) {
    route.status_controllers.push_back(parent.string("controllerName"));
  });
  spec.for_each("parentRefs", [&](const FieldReader& parent) {
    route.parent_refs.push_back({.group = parent.string("group", std::string(kGatewayApiGroup)),
                                 .kind = parent.string("kind", "Gateway"),
                                 .namespace_name = parent.optional_string("namespace"),
                                 .name = parent.string("name"),
                                 .section_name = parent.optional_string("sectionName"),
                                 .port = parent.optional_port("port")});
  });
  bool first_rule = true;
  spec.for_each("rules", [&](const FieldReader& rule) {
    if (!std::exchange(first_rule, false)) return;  // the CRD allows one rule
    rule.for_each("backendRefs", [&](const FieldReader& backend) {
      route.backend_refs.push_back({.group = backend.string("group"),
                                    .kind = backend.string("kind", "Service"),
                                    .name = backend.string("name"),
                                    .namespace_name = backend.optional_string("namespace"),
                                    .port = backend.optional_port("port"),
                                    .weight = backend.optional_integer_within("weight", 0, 1'000'000).value_or(1)});
    });
  });
  return route;
}

ReferenceGrant decode_reference_grant(const nlohmann::json& object) {
  const FieldReader reader(object, "");
  const FieldReader spec = reader.child("spec");
  ReferenceGrant grant{read_metadata(reader), {}, {}};
  spec.for_each("from", [&](const FieldReader& from) {
    grant.from.push_back({from.string("group"), from.string("kind"), from.string("namespace")});
  });
  spec.for_each("to", [&](const FieldReader& to) {
    grant.to.push_back({to.string("group"), to.string("kind"), to.optional_string("name")});
  });
  return grant;
}

}  // namespace snigate::controller::model
