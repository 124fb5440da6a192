// From the API server's JSON to the model's types, once, where objects enter the controller. A
// field of the wrong type is a DecodeError naming the field; absent fields take the API's defaults.
#pragma once

#include <nlohmann/json.hpp>
#include <stdexcept>

#include "model/objects.h"

namespace snigate::controller::model {

class DecodeError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// What can be read of any object's metadata, for reporting one that does not decode; never throws.
ObjectMeta decode_metadata_leniently(const nlohmann::json& object);

Service decode_service(const nlohmann::json& object);
EndpointSlice decode_endpoint_slice(const nlohmann::json& object);
Ingress decode_ingress(const nlohmann::json& object);
IngressClass decode_ingress_class(const nlohmann::json& object);
Namespace decode_namespace(const nlohmann::json& object);
GatewayClass decode_gateway_class(const nlohmann::json& object);
Gateway decode_gateway(const nlohmann::json& object);
TLSRoute decode_tls_route(const nlohmann::json& object);
ReferenceGrant decode_reference_grant(const nlohmann::json& object);

}  // namespace snigate::controller::model
