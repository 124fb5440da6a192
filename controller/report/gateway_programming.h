// Which Gateways the dataplane holds. A Gateway is Programmed once the dataplane acknowledged a
// snapshot at least as new as the translation in which its status (generation, listeners, the
// routes attached to them) last changed. Measuring against the newest translation instead would
// turn every Gateway Pending, and write its status twice, on each snapshot that only changed some
// other Service's routes.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "translate/gateway_api_status.h"

namespace snigate::controller::report {

class GatewayProgramming {
 public:
  // Notes the Gateways of the translation the pusher numbered `offer`; forgets Gateways no longer in it.
  void observe(const std::vector<translate::GatewayStatus>& gateways, std::uint64_t offer);

  // Whether the dataplane, holding offer `acknowledged`, holds what `gateway` routes.
  bool programmed(const translate::ObjectRef& gateway, std::uint64_t acknowledged) const;

 private:
  struct Seen {
    translate::GatewayStatus status;
    std::uint64_t changed_at = 0;  // the offer of the translation that first showed `status`
  };
  std::map<std::string, Seen, std::less<>> seen_;  // by uid
};

}  // namespace snigate::controller::report
