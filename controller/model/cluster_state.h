// Everything the controller translates, at one moment: the objects of every watched kind, indexed the
// way translation looks them up (Services by namespace/name, EndpointSlices by their Service), and
// the objects that could not be decoded. Ordered maps, so that a translation is deterministic.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "model/objects.h"

namespace snigate::controller::model {

// An object the API server sent that the controller could not read; reported, not routed.
struct UndecodableObject {
  std::string kind;
  ObjectMeta meta;
  std::string error;
};

class ClusterState {
 public:
  using SlicesByName = std::map<std::string, EndpointSlice, std::less<>>;

  std::map<std::string, Service, std::less<>> services;             // "namespace/name"
  std::map<std::string, Ingress, std::less<>> ingresses;            // "namespace/name"
  std::map<std::string, IngressClass, std::less<>> ingress_classes;  // name
  std::map<std::string, Namespace, std::less<>> namespaces;          // name
  std::map<std::string, GatewayClass, std::less<>> gateway_classes;  // name
  std::map<std::string, Gateway, std::less<>> gateways;              // "namespace/name"
  std::map<std::string, TLSRoute, std::less<>> tls_routes;           // "namespace/name"
  std::map<std::string, ReferenceGrant, std::less<>> reference_grants;  // "namespace/name"
  std::map<std::string, UndecodableObject, std::less<>> undecodable;  // "Kind namespace/name"

  const Service* find_service(std::string_view namespace_name, std::string_view name) const;
  // The EndpointSlices labelled with this Service's name, by slice name; nullptr when none.
  const SlicesByName* endpoint_slices_of(std::string_view namespace_name, std::string_view service) const;
  std::size_t endpoint_slice_count() const { return slice_owners_.size(); }
  // What changed after a revision, so that what was derived from the objects can be kept until
  // they change (translate::Translator). Each input is named once, however often it changed.
  struct Changes {
    bool everything = false;  // too old a revision: what was derived must be derived again
    std::vector<std::string_view> services{};   // "namespace/name": the Service or one of its EndpointSlices
    std::vector<std::string_view> ingresses{};  // "namespace/name"
    bool ingress_classes = false;             // any of them
    bool gateway_api = false;                 // any Namespace, GatewayClass, Gateway, TLSRoute or ReferenceGrant
  };
  // Moves with every change; never repeats, not even for an object deleted and created again.
  std::uint64_t revision() const { return last_revision_; }
  Changes changed_since(std::uint64_t revision) const;

  // Each returns whether anything the translation reads changed (a watch event often changes
  // nothing the model holds; a TLSRoute's status alone is kept, but is no change).
  bool upsert(Service service);
  bool upsert(EndpointSlice slice);
  bool upsert(Ingress ingress);
  bool upsert(IngressClass ingress_class);
  bool upsert(Namespace namespace_object);
  bool upsert(GatewayClass gateway_class);
  bool upsert(Gateway gateway);
  bool upsert(TLSRoute route);
  bool upsert(ReferenceGrant grant);
  // Removes the object of `kind` ("Service", ...) with this namespace and name, if held.
  bool remove(std::string_view kind, const std::string& namespace_name, const std::string& name);
  // A relist: the kind's objects become exactly these.
  void replace(std::vector<Service> services);
  void replace(std::vector<EndpointSlice> slices);
  void replace(std::vector<Ingress> ingresses);
  void replace(std::vector<IngressClass> ingress_classes);
  void replace(std::vector<Namespace> namespaces);
  void replace(std::vector<GatewayClass> gateway_classes);
  void replace(std::vector<Gateway> gateways);
  void replace(std::vector<TLSRoute> routes);
  void replace(std::vector<ReferenceGrant> grants);

  void mark_undecodable(UndecodableObject object);
  bool clear_undecodable(std::string_view kind, const std::string& namespace_name, const std::string& name);
  void clear_undecodable(std::string_view kind);

  static std::string key(const std::string& namespace_name, const std::string& name) { return namespace_name + "/" + name; }

 private:
  enum Input { service_input, ingress_input, ingress_class_input, gateway_api_input, input_kinds };
  template <typename Object>
  bool upsert_gateway_api(std::map<std::string, Object, std::less<>>& target, Object object);
  template <typename Object>
  void replace_gateway_api(std::map<std::string, Object, std::less<>>& target, std::vector<Object> objects);
  bool remove_endpoint_slice(const std::string& slice_key);
  void touch(Input input, const std::string& key);
  void forget_gone_inputs();

  // "namespace/service" -> that Service's slices; a slice whose label changes moves between entries.
  std::map<std::string, SlicesByName, std::less<>> slices_by_service_;
  std::map<std::string, std::string, std::less<>> slice_owners_;  // "namespace/slice" -> "namespace/service"
  // Each input's last change, kept for objects that are gone too (the keys are the changes' names)
  // until they outnumber the live ones; then they are forgotten, and so is what changed before.
  std::array<std::map<std::string, std::uint64_t, std::less<>>, input_kinds> revisions_;
  std::map<std::uint64_t, std::pair<Input, std::string_view>> changes_;  // the last change of each input, by revision
  std::uint64_t last_revision_ = 0;
  std::uint64_t forgotten_through_ = 0;
};

}  // namespace snigate::controller::model
