// Makes the cluster hold the Services that give our Gateways their addresses
// (translate/gateway_services.h), only while this replica leads: each wanted Service by server-side
// apply (one request creates or updates it, and fields others own, such as the nodePort a load
// balancer controller set, stay theirs), each unwanted one deleted. A Service is applied again only
// when what is wanted of it changed since, or leadership came back.
#pragma once

#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "kube/api_client.h"
#include "translate/gateway_services.h"

namespace snigate::controller::kube {

// The Service server-side apply is sent for `wanted`.
nlohmann::json gateway_service_manifest(const translate::GatewayService& wanted, const translate::GatewayServiceSettings& settings);

class GatewayServiceProvisioner {
 public:
  GatewayServiceProvisioner(ApiClient& api, translate::GatewayServiceSettings settings, std::function<bool()> is_leader)
      : api_(api), settings_(std::move(settings)), is_leader_(std::move(is_leader)) {}

  // A failure is logged and tried again with the next plan (at most a second later).
  void apply(const translate::GatewayServicePlan& plan);

 private:
  ApiClient& api_;
  translate::GatewayServiceSettings settings_;
  std::function<bool()> is_leader_;
  std::map<std::string, translate::GatewayService> applied_;  // by Service name: what it was last applied with
  std::set<std::string> deleted_;                             // names deleted, until the watch stops showing them
};

}  // namespace snigate::controller::kube
