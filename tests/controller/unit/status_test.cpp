// What the leader publishes in status.loadBalancer.ingress, and which Ingresses need a write.
#include "translate/status.h"

#include <gtest/gtest.h>

#include "translation_fixtures.h"

namespace snigate::controller::translate {
namespace {

using namespace fixtures;

const model::LoadBalancerIngress kEdgeIp{"198.51.100.4", ""};

TEST(PublishedLoadBalancer, FixedAddressesSplitIntoIpsAndHostnames) {
  const auto published = published_load_balancer({.service = std::nullopt, .addresses = {"192.0.2.7", "2001:db8::1", "lb.example.com"}},
                                                  std::nullopt);
  EXPECT_EQ(published, (LoadBalancerStatus{{"192.0.2.7", ""}, {"2001:db8::1", ""}, {"", "lb.example.com"}}));
}

TEST(PublishedLoadBalancer, PublishServiceGivesItsLoadBalancerAddresses) {
  const model::Service edge = model::decode_service(
      with(service("edge", json::object()), "/status", {{"loadBalancer", {{"ingress", json::array({{{"ip", "198.51.100.4"}}})}}}}));
  EXPECT_EQ(published_load_balancer({.service = "shop/edge", .addresses = {}}, edge), LoadBalancerStatus{kEdgeIp});
  EXPECT_EQ(published_load_balancer({.service = "shop/edge", .addresses = {}}, std::nullopt), std::nullopt)
      << "an unknown Service must not clear every status";
  EXPECT_EQ(published_load_balancer({}, edge), std::nullopt) << "publishing is off";
}

TEST(IngressStatusUpdates, OnlyThoseThatDiffer) {
  const OurIngress current{{.kind = "Ingress", .namespace_name = "shop", .name = "current"}, {kEdgeIp}};
  const OurIngress stale{{.kind = "Ingress", .namespace_name = "shop", .name = "stale"}, {}};
  const auto updates = ingress_status_updates({current, stale}, {kEdgeIp});
  ASSERT_EQ(updates.size(), 1u);
  EXPECT_EQ(updates[0].ingress.name, "stale");
  EXPECT_EQ(updates[0].current, LoadBalancerStatus{});
  EXPECT_EQ(updates[0].load_balancer, LoadBalancerStatus{kEdgeIp});
}

TEST(IngressStatusUpdates, OurIngressesCarryTheStatusTheyHaveNow) {
  const Translation translation = translate_objects(
      {.ingresses = {with(ingress("shop", {.class_name = "snigate"}), "/status",
                          {{"loadBalancer", {{"ingress", json::array({{{"ip", "198.51.100.4"}}})}}}}),
                     ingress("foreign", {.class_name = "nginx"})},
       .ingress_classes = {ingress_class("snigate", "snigate.io/ingress-controller")}});
  ASSERT_EQ(translation.our_ingresses.size(), 1u);
  EXPECT_EQ(translation.our_ingresses[0].object.name, "shop");
  EXPECT_EQ(translation.our_ingresses[0].load_balancer, LoadBalancerStatus{kEdgeIp});
}

}  // namespace
}  // namespace snigate::controller::translate
