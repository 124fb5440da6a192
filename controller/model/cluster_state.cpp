#include "model/cluster_state.h"

#include <utility>

namespace snigate::controller::model {
namespace {

std::string undecodable_key(std::string_view kind, const std::string& namespace_name, const std::string& name) {
  return std::string(kind) + " " + ClusterState::key(namespace_name, name);
}

template <typename Object>
void replace_map(std::map<std::string, Object, std::less<>>& target, std::vector<Object> objects, bool namespaced) {
  target.clear();
  for (auto& object : objects) {
    std::string key = namespaced ? ClusterState::key(object.meta.namespace_name, object.meta.name) : object.meta.name;
    target.insert_or_assign(std::move(key), std::move(object));
  }
}

// Inserts or replaces; false when an equal object was there already.
template <typename Object>
bool upsert_into(std::map<std::string, Object, std::less<>>& target, const std::string& key, Object object) {
  const auto found = target.find(key);
  if (found != target.end() && found->second == object) return false;
  target.insert_or_assign(key, std::move(object));
  return true;
}

}  // namespace

const Service* ClusterState::find_service(std::string_view namespace_name, std::string_view name) const {
  std::string wanted;
  wanted.reserve(namespace_name.size() + name.size() + 1);
  wanted.append(namespace_name).append("/").append(name);
  const auto found = services.find(wanted);
  return found == services.end() ? nullptr : &found->second;
}

const ClusterState::SlicesByName* ClusterState::endpoint_slices_of(std::string_view namespace_name,
                                                                   std::string_view service) const {
  std::string wanted;
  wanted.reserve(namespace_name.size() + service.size() + 1);
  wanted.append(namespace_name).append("/").append(service);
  const auto found = slices_by_service_.find(wanted);
  return found == slices_by_service_.end() ? nullptr : &found->second;
}

ClusterState::Changes ClusterState::changed_since(std::uint64_t revision) const {
  Changes changes;
  if (revision < forgotten_through_) return {.everything = true};
  for (auto change = changes_.upper_bound(revision); change != changes_.end(); ++change) {
    const auto [input, key] = change->second;
    if (input == service_input) changes.services.push_back(key);
    if (input == ingress_input) changes.ingresses.push_back(key);
    if (input == ingress_class_input) changes.ingress_classes = true;
    if (input == gateway_api_input) changes.gateway_api = true;
  }
  return changes;
}

void ClusterState::touch(Input input, const std::string& key) {
  const auto [entry, inserted] = revisions_[input].try_emplace(key, 0);
  if (!inserted) changes_.erase(entry->second);
  entry->second = ++last_revision_;
  changes_.emplace(entry->second, std::pair{input, std::string_view(entry->first)});
  if (changes_.size() > 2 * (services.size() + slice_owners_.size() + ingresses.size()) + 1024) forget_gone_inputs();
}

void ClusterState::forget_gone_inputs() {
  const auto gone = [&](Input input, const std::string& key) {
    if (input == service_input) return !services.contains(key) && !slices_by_service_.contains(key);
    if (input == ingress_input) return !ingresses.contains(key);
    return false;
  };
  for (Input input : {service_input, ingress_input}) {
    std::erase_if(revisions_[input], [&](const auto& entry) {
      if (!gone(input, entry.first)) return false;
      changes_.erase(entry.second);
      return true;
    });
  }
  forgotten_through_ = last_revision_;
}

bool ClusterState::upsert(Service service) {
  std::string name = key(service.meta.namespace_name, service.meta.name);
  const bool changed = upsert_into(services, name, std::move(service));
  if (changed) touch(service_input, name);
  return changed;
}

bool ClusterState::upsert(EndpointSlice slice) {
  const std::string slice_key = key(slice.meta.namespace_name, slice.meta.name);
  const std::string owner = key(slice.meta.namespace_name, slice.service_name);
  if (const auto previous = slice_owners_.find(slice_key); previous != slice_owners_.end() && previous->second != owner) {
    remove_endpoint_slice(slice_key);
  }
  slice_owners_.insert_or_assign(slice_key, owner);
  std::string name = slice.meta.name;
  const bool changed = upsert_into(slices_by_service_[owner], std::move(name), std::move(slice));
  if (changed) touch(service_input, owner);
  return changed;
}

bool ClusterState::upsert(Ingress ingress) {
  std::string name = key(ingress.meta.namespace_name, ingress.meta.name);
  const bool changed = upsert_into(ingresses, name, std::move(ingress));
  if (changed) touch(ingress_input, name);
  return changed;
}

bool ClusterState::upsert(IngressClass ingress_class) {
  std::string name = ingress_class.meta.name;
  const bool changed = upsert_into(ingress_classes, std::move(name), std::move(ingress_class));
  if (changed) touch(ingress_class_input, "");
  return changed;
}

// The Gateway API's objects (and Namespaces, whose labels admit routes) are one input: a change to
// any of them re-derives every TLSRoute's claims (translate::Translator).
template <typename Object>
bool ClusterState::upsert_gateway_api(std::map<std::string, Object, std::less<>>& target, Object object) {
  std::string name = object.meta.namespace_name.empty() ? object.meta.name : key(object.meta.namespace_name, object.meta.name);
  const bool changed = upsert_into(target, name, std::move(object));
  if (changed) touch(gateway_api_input, "");
  return changed;
}

template <typename Object>
void ClusterState::replace_gateway_api(std::map<std::string, Object, std::less<>>& target, std::vector<Object> objects) {
  touch(gateway_api_input, "");
  const bool namespaced = !objects.empty() && !objects.front().meta.namespace_name.empty();
  replace_map(target, std::move(objects), namespaced);
}

bool ClusterState::upsert(Namespace namespace_object) { return upsert_gateway_api(namespaces, std::move(namespace_object)); }
bool ClusterState::upsert(GatewayClass gateway_class) { return upsert_gateway_api(gateway_classes, std::move(gateway_class)); }
bool ClusterState::upsert(Gateway gateway) { return upsert_gateway_api(gateways, std::move(gateway)); }
// A TLSRoute's status.parents is written by us and by other controllers. Were a change of it alone
// a change of the routes, each of our own status writes would make every TLSRoute translated
// again: N times over for the first status pass over N routes. So it is kept, for the status
// writer, without a revision.
bool ClusterState::upsert(TLSRoute route) {
  if (const auto found = tls_routes.find(key(route.meta.namespace_name, route.meta.name)); found != tls_routes.end()) {
    std::vector<std::string> shown = std::exchange(route.status_controllers, found->second.status_controllers);
    if (found->second == route) {
      found->second.status_controllers = std::move(shown);
      return false;
    }
    route.status_controllers = std::move(shown);
  }
  return upsert_gateway_api(tls_routes, std::move(route));
}
bool ClusterState::upsert(ReferenceGrant grant) { return upsert_gateway_api(reference_grants, std::move(grant)); }

void ClusterState::replace(std::vector<Namespace> objects) { replace_gateway_api(namespaces, std::move(objects)); }
void ClusterState::replace(std::vector<GatewayClass> objects) { replace_gateway_api(gateway_classes, std::move(objects)); }
void ClusterState::replace(std::vector<Gateway> objects) { replace_gateway_api(gateways, std::move(objects)); }
void ClusterState::replace(std::vector<TLSRoute> objects) { replace_gateway_api(tls_routes, std::move(objects)); }
void ClusterState::replace(std::vector<ReferenceGrant> objects) { replace_gateway_api(reference_grants, std::move(objects)); }

bool ClusterState::remove_endpoint_slice(const std::string& slice_key) {
  const auto owner = slice_owners_.find(slice_key);
  if (owner == slice_owners_.end()) return false;
  touch(service_input, owner->second);
  if (const auto slices = slices_by_service_.find(owner->second); slices != slices_by_service_.end()) {
    slices->second.erase(slice_key.substr(slice_key.find('/') + 1));
    if (slices->second.empty()) slices_by_service_.erase(slices);
  }
  slice_owners_.erase(owner);
  return true;
}

bool ClusterState::remove(std::string_view kind, const std::string& namespace_name, const std::string& name) {
  bool removed = false;
  if (kind == "Service" && services.erase(key(namespace_name, name)) > 0) {
    touch(service_input, key(namespace_name, name));
    removed = true;
  }
  if (kind == "EndpointSlice") removed = remove_endpoint_slice(key(namespace_name, name));
  if (kind == "Ingress" && ingresses.erase(key(namespace_name, name)) > 0) {
    touch(ingress_input, key(namespace_name, name));
    removed = true;
  }
  if (kind == "IngressClass" && ingress_classes.erase(name) > 0) {
    touch(ingress_class_input, "");
    removed = true;
  }
  const bool gateway_api_removed = (kind == "Namespace" && namespaces.erase(name) > 0) ||
                                   (kind == "GatewayClass" && gateway_classes.erase(name) > 0) ||
                                   (kind == "Gateway" && gateways.erase(key(namespace_name, name)) > 0) ||
                                   (kind == "TLSRoute" && tls_routes.erase(key(namespace_name, name)) > 0) ||
                                   (kind == "ReferenceGrant" && reference_grants.erase(key(namespace_name, name)) > 0);
  if (gateway_api_removed) {
    touch(gateway_api_input, "");
    removed = true;
  }
  return clear_undecodable(kind, namespace_name, name) || removed;
}

void ClusterState::replace(std::vector<Service> objects) {
  for (const auto& [name, service] : services) touch(service_input, name);
  replace_map(services, std::move(objects), true);
  for (const auto& [name, service] : services) touch(service_input, name);
}
void ClusterState::replace(std::vector<Ingress> objects) {
  for (const auto& [name, ingress] : ingresses) touch(ingress_input, name);
  replace_map(ingresses, std::move(objects), true);
  for (const auto& [name, ingress] : ingresses) touch(ingress_input, name);
}

void ClusterState::replace(std::vector<IngressClass> objects) {
  touch(ingress_class_input, "");
  replace_map(ingress_classes, std::move(objects), false);
}

void ClusterState::replace(std::vector<EndpointSlice> slices) {
  for (const auto& [owner, owned] : slices_by_service_) touch(service_input, owner);
  slices_by_service_.clear();
  slice_owners_.clear();
  for (auto& slice : slices) upsert(std::move(slice));
}

void ClusterState::mark_undecodable(UndecodableObject object) {
  std::string name = undecodable_key(object.kind, object.meta.namespace_name, object.meta.name);
  undecodable.insert_or_assign(std::move(name), std::move(object));
}

bool ClusterState::clear_undecodable(std::string_view kind, const std::string& namespace_name, const std::string& name) {
  return undecodable.erase(undecodable_key(kind, namespace_name, name)) > 0;
}

void ClusterState::clear_undecodable(std::string_view kind) {
  std::erase_if(undecodable, [&](const auto& entry) { return entry.second.kind == kind; });
}

}  // namespace snigate::controller::model
