// What the leader publishes in status.loadBalancer.ingress, and which Ingresses need a write.
#include "translate/status.h"

#include <gtest/gtest.h>

#include "translate/object_fields.h"
#include "translation_fixtures.h"

namespace snigate::controller::translate {
namespace {

using namespace fixtures;

TEST(PublishedLoadBalancer, FixedAddressesSplitIntoIpsAndHostnames) {
  const auto published = published_load_balancer({}, {.service = std::nullopt, .addresses = {"192.0.2.7", "2001:db8::1", "lb.example.com"}});
  EXPECT_EQ(published, json::parse(R"([{"ip":"192.0.2.7"},{"ip":"2001:db8::1"},{"hostname":"lb.example.com"}])"));
}

TEST(PublishedLoadBalancer, PublishServiceGivesItsLoadBalancerAddresses) {
  json edge = *service("edge", json::object());
  edge["status"] = {{"loadBalancer", {{"ingress", json::array({{{"ip", "198.51.100.4"}}})}}}};
  const ClusterState state{.services = {object(edge)}};
  EXPECT_EQ(published_load_balancer(state, {.service = "shop/edge", .addresses = {}}), json::parse(R"([{"ip":"198.51.100.4"}])"));
  EXPECT_EQ(published_load_balancer(state, {.service = "shop/missing", .addresses = {}}), std::nullopt)
      << "an unknown Service must not clear every status";
  EXPECT_EQ(published_load_balancer(state, {}), std::nullopt) << "publishing is off";
}

TEST(IngressStatusUpdates, OnlyOursAndOnlyWhenTheyDiffer) {
  const json wanted = json::parse(R"([{"ip":"192.0.2.7"}])");
  json current = *ingress("current", {});
  current["status"] = {{"loadBalancer", {{"ingress", wanted}}}};
  const ClusterState state{.ingresses = {object(current), ingress("stale", {}), ingress("foreign", {})}};
  const std::vector<ObjectRef> ours = {reference_to(current, "Ingress", "networking.k8s.io/v1"),
                                       reference_to(*state.ingresses[1], "Ingress", "networking.k8s.io/v1")};
  const auto updates = ingress_status_updates(state, ours, wanted);
  ASSERT_EQ(updates.size(), 1u);
  EXPECT_EQ(updates[0]["metadata"]["name"], "stale");
  EXPECT_EQ(updates[0]["status"]["loadBalancer"]["ingress"], wanted);
}

}  // namespace
}  // namespace snigate::controller::translate
