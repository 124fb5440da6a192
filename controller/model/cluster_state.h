// Everything the controller translates, at one moment: the objects of the four kinds, indexed the
// way translation looks them up (Services by namespace/name, EndpointSlices by their Service), and
// the objects that could not be decoded. Ordered maps, so that a translation is deterministic.
#pragma once

#include <cstdint>
#include <map>
#include <string>
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
  std::map<std::string, UndecodableObject, std::less<>> undecodable;  // "Kind namespace/name"

  const Service* find_service(std::string_view namespace_name, std::string_view name) const;
  // The EndpointSlices labelled with this Service's name, by slice name; nullptr when none.
  const SlicesByName* endpoint_slices_of(std::string_view namespace_name, std::string_view service) const;
  std::size_t endpoint_slice_count() const { return slice_owners_.size(); }
  // Revisions, so that what was derived from objects can be kept until they change
  // (translate::Translator). A Service's changes whenever the Service "namespace/name" or one of
  // its EndpointSlices changes; an Ingress's when that Ingress changes; the IngressClasses' when
  // any of them changes. Revisions never repeat, not even for an object deleted and created again.
  std::uint64_t service_inputs_revision(std::string_view service_key) const;
  std::uint64_t ingress_revision(std::string_view ingress_key) const;
  std::uint64_t ingress_classes_revision() const { return ingress_classes_revision_; }

  // Each returns whether anything changed (a watch event often changes nothing the model holds).
  bool upsert(Service service);
  bool upsert(EndpointSlice slice);
  bool upsert(Ingress ingress);
  bool upsert(IngressClass ingress_class);
  // Removes the object of `kind` ("Service", ...) with this namespace and name, if held.
  bool remove(std::string_view kind, const std::string& namespace_name, const std::string& name);
  // A relist: the kind's objects become exactly these.
  void replace(std::vector<Service> services);
  void replace(std::vector<EndpointSlice> slices);
  void replace(std::vector<Ingress> ingresses);
  void replace(std::vector<IngressClass> ingress_classes);

  void mark_undecodable(UndecodableObject object);
  bool clear_undecodable(std::string_view kind, const std::string& namespace_name, const std::string& name);
  void clear_undecodable(std::string_view kind);

  static std::string key(const std::string& namespace_name, const std::string& name) { return namespace_name + "/" + name; }

 private:
  bool remove_endpoint_slice(const std::string& slice_key);
  void touch_service_inputs(const std::string& service_key) { input_revisions_[service_key] = ++last_revision_; }
  void touch_ingress(const std::string& ingress_key) { ingress_revisions_[ingress_key] = ++last_revision_; }
  void touch_ingress_classes() { ingress_classes_revision_ = ++last_revision_; }

  // "namespace/service" -> that Service's slices; a slice whose label changes moves between entries.
  std::map<std::string, SlicesByName, std::less<>> slices_by_service_;
  std::map<std::string, std::string, std::less<>> slice_owners_;  // "namespace/slice" -> "namespace/service"
  // Kept for Services that are gone too, so that one that comes back never matches an old revision.
  std::map<std::string, std::uint64_t, std::less<>> input_revisions_;    // "namespace/service"
  std::map<std::string, std::uint64_t, std::less<>> ingress_revisions_;  // "namespace/ingress"
  std::uint64_t ingress_classes_revision_ = 0;
  std::uint64_t last_revision_ = 0;
};

}  // namespace snigate::controller::model
