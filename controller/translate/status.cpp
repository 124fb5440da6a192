#include "translate/status.h"

#include "translate/object_fields.h"

namespace snigate::controller::translate {

std::optional<LoadBalancerStatus> published_load_balancer(const PublishSettings& settings,
                                                          const std::optional<model::Service>& publish_service) {
  if (settings.service) {
    if (!publish_service) return std::nullopt;
    return publish_service->load_balancer;
  }
  if (settings.addresses.empty()) return std::nullopt;
  LoadBalancerStatus entries;
  for (const auto& address : settings.addresses) {
    entries.push_back(is_ip_literal(address) ? model::LoadBalancerIngress{address, ""} : model::LoadBalancerIngress{"", address});
  }
  return entries;
}

std::vector<IngressStatusUpdate> ingress_status_updates(const std::vector<OurIngress>& ours, const LoadBalancerStatus& load_balancer) {
  std::vector<IngressStatusUpdate> updates;
  for (const auto& ingress : ours) {
    if (ingress.load_balancer != load_balancer) updates.push_back({ingress.object, ingress.load_balancer, load_balancer});
  }
  return updates;
}

}  // namespace snigate::controller::translate
