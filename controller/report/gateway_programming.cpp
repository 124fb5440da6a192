#include "report/gateway_programming.h"

namespace snigate::controller::report {

void GatewayProgramming::observe(const std::vector<translate::GatewayStatus>& gateways, std::uint64_t offer) {
  std::map<std::string, Seen, std::less<>> now;
  for (const auto& gateway : gateways) {
    const auto before = seen_.find(gateway.gateway.uid);
    const bool unchanged = before != seen_.end() && before->second.status == gateway;
    now.emplace(gateway.gateway.uid, Seen{gateway, unchanged ? before->second.changed_at : offer});
  }
  seen_ = std::move(now);
}

bool GatewayProgramming::programmed(const translate::ObjectRef& gateway, std::uint64_t acknowledged) const {
  const auto found = seen_.find(gateway.uid);
  return found != seen_.end() && acknowledged >= found->second.changed_at;
}

}  // namespace snigate::controller::report
