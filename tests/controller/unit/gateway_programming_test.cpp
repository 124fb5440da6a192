#include "report/gateway_programming.h"

#include <gtest/gtest.h>

namespace snigate::controller::report {
namespace {

translate::GatewayStatus gateway(const std::string& uid, int attached_routes) {
  translate::GatewayStatus status{{.kind = "Gateway", .namespace_name = "edge", .name = uid, .uid = uid}, 1, {}};
  status.listeners.push_back({"tls", {{"gateway.networking.k8s.io", "TLSRoute"}}, attached_routes, {true, "Accepted", ""}, {true, "ResolvedRefs", ""}});
  return status;
}

TEST(GatewayProgramming, AGatewayStaysProgrammedThroughSnapshotsThatLeaveItAlone) {
  GatewayProgramming programming;
  programming.observe({gateway("a", 1)}, 5);
  EXPECT_FALSE(programming.programmed(gateway("a", 1).gateway, 4));
  EXPECT_TRUE(programming.programmed(gateway("a", 1).gateway, 5));

  // Offer 6 changed some Service's routes only: Gateway a does not wait for it.
  programming.observe({gateway("a", 1)}, 6);
  EXPECT_TRUE(programming.programmed(gateway("a", 1).gateway, 5));

  // Offer 7 attaches a route to it: Pending until the dataplane holds offer 7.
  programming.observe({gateway("a", 2)}, 7);
  EXPECT_FALSE(programming.programmed(gateway("a", 2).gateway, 6));
  EXPECT_TRUE(programming.programmed(gateway("a", 2).gateway, 7));
}

TEST(GatewayProgramming, AGatewayNoLongerTranslatedIsForgotten) {
  GatewayProgramming programming;
  programming.observe({gateway("a", 1), gateway("b", 0)}, 3);
  programming.observe({gateway("b", 0)}, 4);
  EXPECT_FALSE(programming.programmed(gateway("a", 1).gateway, 10));
  EXPECT_TRUE(programming.programmed(gateway("b", 0).gateway, 3));
  // Back again: as new, from the offer that shows it.
  programming.observe({gateway("a", 1), gateway("b", 0)}, 8);
  EXPECT_FALSE(programming.programmed(gateway("a", 1).gateway, 7));
  EXPECT_TRUE(programming.programmed(gateway("a", 1).gateway, 8));
}

}  // namespace
}  // namespace snigate::controller::report
