// Services annotated with snigate.io/hostnames, as a table: objects in, routes and problems out.
#include <gtest/gtest.h>

#include "translation_fixtures.h"

namespace snigate::controller::translate {
namespace {

using namespace fixtures;

struct Row {
  std::string name;
  Objects state;
  std::vector<std::string> routes;
  std::vector<std::string> problems;
};

void PrintTo(const Row& row, std::ostream* out) { *out << row.name; }

std::vector<Row> rows() {
  const json ready_pair = json::array({endpoint("10.0.0.2"), endpoint("10.0.0.1")});
  return {
      {"NoAnnotationNoRoute",
       {.services = {service("web", json::object())}, .endpoint_slices = {endpoint_slice("web", https_slice_port(), ready_pair)}},
       {},
       {}},
      {"HostnamesListRoutesToReadyEndpointsSorted",
       {.services = {service("web", {{"snigate.io/hostnames", " a.example.com , *.B.example.com. "}})},
        .endpoint_slices = {endpoint_slice("web", https_slice_port(), ready_pair)}},
       {"*.b.example.com -> 10.0.0.1:8443 10.0.0.2:8443", "a.example.com -> 10.0.0.1:8443 10.0.0.2:8443"},
       {}},
      {"NotReadyEndpointsAreLeftOut",
       {.services = {service("web", {{"snigate.io/hostnames", "a.example.com"}})},
        .endpoint_slices = {endpoint_slice("web", https_slice_port(),
                                           json::array({endpoint("10.0.0.1", true), endpoint("10.0.0.2", false)}))}},
       {"a.example.com -> 10.0.0.1:8443"},
       {}},
      {"EndpointsFromEverySliceOfTheServiceOnly",
       {.services = {service("web", {{"snigate.io/hostnames", "a.example.com"}})},
        .endpoint_slices = {endpoint_slice("web", https_slice_port(), json::array({endpoint("10.0.0.1")}), "a"),
                            endpoint_slice("web", https_slice_port(), json::array({endpoint("fd00::1")}), "b", "IPv6"),
                            endpoint_slice("other", https_slice_port(), json::array({endpoint("10.9.9.9")}))}},
       {"a.example.com -> 10.0.0.1:8443 fd00::1:8443"},
       {}},
      {"AddressesNoBackendCouldHaveAreLeftOut",
       {.services = {service("web", {{"snigate.io/hostnames", "a.example.com"}})},
        .endpoint_slices = {endpoint_slice("web", https_slice_port(),
                                           json::array({endpoint("10.0.0.1"), endpoint("255.255.255.255"),
                                                        endpoint("239.1.2.3"), endpoint("0.0.0.0")}))}},
       {"a.example.com -> 10.0.0.1:8443"},
       {}},
      {"NoReadyEndpointsKeepsTheNameAndRefusesItsClients",
       {.services = {service("web", {{"snigate.io/hostnames", "a.example.com"}}),
                     service("api", {{"snigate.io/hostnames", "api.example.com"}})},
        .endpoint_slices = {endpoint_slice("web", https_slice_port(), json::array({endpoint("10.0.0.1", false)})),
                            endpoint_slice("api", https_slice_port(), json::array({endpoint("10.0.0.5")}))}},
       {"a.example.com -> refused", "api.example.com -> 10.0.0.5:8443"},
       {"Service shop/web NoReadyEndpoints"}},
      {"WithoutAnySliceTheNameIsStillHeld",
       {.services = {service("web", {{"snigate.io/hostnames", "a.example.com"}})}},
       {"a.example.com -> refused"},
       {"Service shop/web NoReadyEndpoints"}},
      {"ServingTerminatingEndpointsServeWhileNoneIsReady",
       {.services = {service("web", {{"snigate.io/hostnames", "a.example.com"}})},
        .endpoint_slices = {endpoint_slice("web", https_slice_port(),
                                           json::array({endpoint("10.0.0.1", false), terminating_endpoint("10.0.0.2", true),
                                                        terminating_endpoint("10.0.0.3", false)}))}},
       {"a.example.com -> 10.0.0.2:8443"},
       {}},
      {"ReadyEndpointsWinOverTerminatingOnes",
       {.services = {service("web", {{"snigate.io/hostnames", "a.example.com"}})},
        .endpoint_slices = {endpoint_slice("web", https_slice_port(),
                                           json::array({endpoint("10.0.0.1"), terminating_endpoint("10.0.0.2", true)}))}},
       {"a.example.com -> 10.0.0.1:8443"},
       {}},
      {"OwnershipDoesNotDependOnReadiness",
       {.services = {service("old", {{"snigate.io/hostnames", "a.example.com"}}, json::array({{{"name", "https"}, {"port", 443}}}),
                             "2025-01-01T00:00:00Z"),
                     in_namespace(service("young", {{"snigate.io/hostnames", "a.example.com"}},
                                          json::array({{{"name", "https"}, {"port", 443}}}), "2025-06-01T00:00:00Z"),
                                  "other")},
        .endpoint_slices = {endpoint_slice("old", https_slice_port(), json::array({endpoint("10.0.0.1", false)})),
                            in_namespace(endpoint_slice("young", https_slice_port(), json::array({endpoint("10.6.6.6")})), "other")}},
       {"a.example.com -> refused"},
       {"Service other/young HostnameConflict", "Service shop/old NoReadyEndpoints"}},
      {"ExternalNameServiceIsReportedAndItsClientsRefused",
       {.services = {with(with(service("web", {{"snigate.io/hostnames", "a.example.com"}}), "/spec/type", "ExternalName"),
                          "/spec/externalName", "db.example.net")}},
       {"a.example.com -> refused"},
       {"Service shop/web ExternalNameService"}},
      {"HeadlessServiceHasNoClusterIpToRouteTo",
       {.services = {with(service("web", {{"snigate.io/hostnames", "a.example.com"}, {"snigate.io/upstream", "service"}}),
                          "/spec/clusterIP", "None")}},
       {"a.example.com -> refused"},
       {"Service shop/web NoClusterIP"}},
      {"PortIsPickedByNumberAndTcpOnly",
       {.services = {service("web", {{"snigate.io/hostnames", "a.example.com"}, {"snigate.io/port", "443"}},
                             json::array({{{"name", "quic"}, {"port", 443}, {"protocol", "UDP"}},
                                          {{"name", "tls"}, {"port", 443}, {"protocol", "TCP"}}}))},
        .endpoint_slices = {endpoint_slice("web",
                                           json::array({{{"name", "quic"}, {"port", 7443}, {"protocol", "UDP"}},
                                                        {{"name", "tls"}, {"port", 8443}, {"protocol", "TCP"}}}),
                                           json::array({endpoint("10.0.0.1")}))}},
       {"a.example.com -> 10.0.0.1:8443"},
       {}},
      {"DefaultPortIsTheOneNamedHttps",
       {.services = {service("web", {{"snigate.io/hostnames", "a.example.com"}},
                             json::array({{{"name", "http"}, {"port", 80}}, {{"name", "https"}, {"port", 8443}}}))},
        .endpoint_slices = {endpoint_slice("web",
                                           json::array({{{"name", "http"}, {"port", 8080}}, {{"name", "https"}, {"port", 9443}}}),
                                           json::array({endpoint("10.0.0.1")}))}},
       {"a.example.com -> 10.0.0.1:9443"},
       {}},
      {"DefaultPortIs443WhenNoneIsNamedHttps",
       {.services = {service("web", {{"snigate.io/hostnames", "a.example.com"}},
                             json::array({{{"name", "http"}, {"port", 80}}, {{"name", "tls"}, {"port", 443}}}))},
        .endpoint_slices = {endpoint_slice("web", json::array({{{"name", "tls"}, {"port", 6443}}}), json::array({endpoint("10.0.0.1")}))}},
       {"a.example.com -> 10.0.0.1:6443"},
       {}},
      {"DefaultPortIsTheOnlyPort",
       {.services = {service("web", {{"snigate.io/hostnames", "a.example.com"}}, json::array({{{"port", 8443}}}))},
        .endpoint_slices = {endpoint_slice("web", json::array({{{"port", 7443}}}), json::array({endpoint("10.0.0.1")}))}},
       {"a.example.com -> 10.0.0.1:7443"},
       {}},
      {"PortAnnotationByNameResolvesTheNamedTargetPortThroughTheSlice",
       {.services = {service("web", {{"snigate.io/hostnames", "a.example.com"}, {"snigate.io/port", "tls"}},
                             json::array({{{"name", "https"}, {"port", 443}}, {{"name", "tls"}, {"port", 8443}, {"targetPort", "tls-port"}}}))},
        .endpoint_slices = {endpoint_slice("web", json::array({{{"name", "https"}, {"port", 443}}, {{"name", "tls"}, {"port", 31443}}}),
                                           json::array({endpoint("10.0.0.1")}))}},
       {"a.example.com -> 10.0.0.1:31443"},
       {}},
      {"PortAnnotationByNumber",
       {.services = {service("web", {{"snigate.io/hostnames", "a.example.com"}, {"snigate.io/port", "8443"}},
                             json::array({{{"name", "https"}, {"port", 443}}, {{"name", "alt"}, {"port", 8443}}}))},
        .endpoint_slices = {endpoint_slice("web", json::array({{{"name", "alt"}, {"port", 9999}}}), json::array({endpoint("10.0.0.1")}))}},
       {"a.example.com -> 10.0.0.1:9999"},
       {}},
      {"UnknownPortIsReported",
       {.services = {service("web", {{"snigate.io/hostnames", "a.example.com"}, {"snigate.io/port", "nope"}})},
        .endpoint_slices = {endpoint_slice("web", https_slice_port(), ready_pair)}},
       {"a.example.com -> refused"},
       {"Service shop/web UnknownPort"}},
      {"AmbiguousDefaultPortIsReported",
       {.services = {service("web", {{"snigate.io/hostnames", "a.example.com"}},
                             json::array({{{"name", "a"}, {"port", 1}}, {{"name", "b"}, {"port", 2}}}))}},
       {"a.example.com -> refused"},
       {"Service shop/web UnknownPort"}},
      {"UpstreamServiceRoutesToTheClusterIp",
       {.services = {service("web", {{"snigate.io/hostnames", "a.example.com"}, {"snigate.io/upstream", "service"}})}},
       {"a.example.com -> 10.96.0.10:443"},
       {}},
      {"ProxyProtocolAnnotation",
       {.services = {service("web", {{"snigate.io/hostnames", "a.example.com"}, {"snigate.io/proxy-protocol", "v2"}})},
        .endpoint_slices = {endpoint_slice("web", https_slice_port(), json::array({endpoint("10.0.0.1")}))}},
       {"a.example.com -> 10.0.0.1:8443 proxy v2"},
       {}},
      {"SourceRangesAnnotationLimitsTheClients",
       {.services = {service("web", {{"snigate.io/hostnames", "a.example.com"},
                                     {"snigate.io/allow-source-ranges", " 192.0.2.0/24 , 2001:DB8::/32,198.51.100.7"}})},
        .endpoint_slices = {endpoint_slice("web", https_slice_port(), json::array({endpoint("10.0.0.1")}))}},
       {"a.example.com -> 10.0.0.1:8443 from 192.0.2.0/24 2001:db8::/32 198.51.100.7/32"},
       {}},
      {"MaxConnectionsAnnotationLimitsTheRoute",
       {.services = {service("web", {{"snigate.io/hostnames", "a.example.com"}, {"snigate.io/max-connections", "500"}}),
                     service("api", {{"snigate.io/hostnames", "api.example.com"}, {"snigate.io/max-connections", "0"}})},
        .endpoint_slices = {endpoint_slice("web", https_slice_port(), json::array({endpoint("10.0.0.1")})),
                            endpoint_slice("api", https_slice_port(), json::array({endpoint("10.0.0.5")}))}},
       {"a.example.com -> 10.0.0.1:8443 max 500", "api.example.com -> refused"},
       {"Service shop/api InvalidAnnotation"}},
      {"TimeoutAnnotationsOverrideTheDataplanesForTheRoute",
       {.services = {service("web", {{"snigate.io/hostnames", "a.example.com"}, {"snigate.io/connect-timeout", "750ms"},
                                     {"snigate.io/idle-timeout", "10m"}}),
                     service("api", {{"snigate.io/hostnames", "api.example.com"}, {"snigate.io/idle-timeout", "10"}})},
        .endpoint_slices = {endpoint_slice("web", https_slice_port(), json::array({endpoint("10.0.0.1")})),
                            endpoint_slice("api", https_slice_port(), json::array({endpoint("10.0.0.5")}))}},
       {"a.example.com -> 10.0.0.1:8443 connect 750ms idle 600000ms", "api.example.com -> refused"},
       {"Service shop/api InvalidAnnotation"}},
      {"SourceConnectionRateAnnotationsLimitEachClient",
       {.services = {service("web", {{"snigate.io/hostnames", "a.example.com"}, {"snigate.io/source-connection-rate", "10/s"}}),
                     service("api", {{"snigate.io/hostnames", "api.example.com"}, {"snigate.io/source-connection-rate", "100/m"},
                                     {"snigate.io/source-connection-burst", "5"}}),
                     service("bad", {{"snigate.io/hostnames", "bad.example.com"}, {"snigate.io/source-connection-rate", "10/d"}}),
                     service("lone", {{"snigate.io/hostnames", "lone.example.com"}, {"snigate.io/source-connection-burst", "5"}}),
                     service("zero", {{"snigate.io/hostnames", "zero.example.com"}, {"snigate.io/source-connection-rate", "1/h"},
                                      {"snigate.io/source-connection-burst", "0"}})},
        .endpoint_slices = {endpoint_slice("web", https_slice_port(), json::array({endpoint("10.0.0.1")})),
                            endpoint_slice("api", https_slice_port(), json::array({endpoint("10.0.0.5")})),
                            endpoint_slice("bad", https_slice_port(), json::array({endpoint("10.0.0.6")})),
                            endpoint_slice("lone", https_slice_port(), json::array({endpoint("10.0.0.7")})),
                            endpoint_slice("zero", https_slice_port(), json::array({endpoint("10.0.0.8")}))}},
       {"a.example.com -> 10.0.0.1:8443 rate 10/1000ms burst 10", "api.example.com -> 10.0.0.5:8443 rate 100/60000ms burst 5",
        "bad.example.com -> refused", "lone.example.com -> refused", "zero.example.com -> refused"},
       {"Service shop/bad InvalidAnnotation", "Service shop/lone InvalidAnnotation", "Service shop/zero InvalidAnnotation"}},
      {"InvalidSourceRangesRefuseTheNameRatherThanServeItToEveryone",
       {.services = {service("web", {{"snigate.io/hostnames", "a.example.com"},
                                     {"snigate.io/allow-source-ranges", "192.0.2.0/24, 10.1.0.0/8"}})},
        .endpoint_slices = {endpoint_slice("web", https_slice_port(), json::array({endpoint("10.0.0.1")}))}},
       {"a.example.com -> refused"},
       {"Service shop/web InvalidAnnotation"}},
      {"InvalidAnnotationValuesAreReported",
       {.services = {service("one", {{"snigate.io/hostnames", "one.example.com"}, {"snigate.io/proxy-protocol", "v3"}}),
                     service("two", {{"snigate.io/hostnames", "two.example.com"}, {"snigate.io/upstream", "dns"}})}},
       {"one.example.com -> refused", "two.example.com -> refused"},
       {"Service shop/one InvalidAnnotation", "Service shop/two InvalidAnnotation"}},
      {"InvalidHostnameIsReportedAndTheValidOnesStillRoute",
       {.services = {service("web", {{"snigate.io/hostnames", "-bad-.example, ok.example.com, *.*.example.com"}})},
        .endpoint_slices = {endpoint_slice("web", https_slice_port(), json::array({endpoint("10.0.0.1")}))}},
       {"ok.example.com -> 10.0.0.1:8443"},
       {"Service shop/web InvalidHostname", "Service shop/web InvalidHostname"}},
      {"OlderServiceWinsAHostnameConflict",
       {.services = {service("newer", {{"snigate.io/hostnames", "a.example.com, b.example.com"}}, json::array({{{"name", "https"}, {"port", 443}}}),
                             "2025-06-01T00:00:00Z"),
                     service("older", {{"snigate.io/hostnames", "a.example.com"}}, json::array({{{"name", "https"}, {"port", 443}}}),
                             "2025-01-01T00:00:00Z")},
        .endpoint_slices = {endpoint_slice("newer", https_slice_port(), json::array({endpoint("10.0.0.2")})),
                            endpoint_slice("older", https_slice_port(), json::array({endpoint("10.0.0.1")}))}},
       {"a.example.com -> 10.0.0.1:8443", "b.example.com -> 10.0.0.2:8443"},
       {"Service shop/newer HostnameConflict"}},
      {"SameAgeConflictGoesToTheFirstName",
       {.services = {service("zeta", {{"snigate.io/hostnames", "a.example.com"}}),
                     service("alpha", {{"snigate.io/hostnames", "a.example.com"}})},
        .endpoint_slices = {endpoint_slice("zeta", https_slice_port(), json::array({endpoint("10.0.0.2")})),
                            endpoint_slice("alpha", https_slice_port(), json::array({endpoint("10.0.0.1")}))}},
       {"a.example.com -> 10.0.0.1:8443"},
       {"Service shop/zeta HostnameConflict"}},
  };
}

class ServiceAnnotations : public ::testing::TestWithParam<Row> {};

TEST_P(ServiceAnnotations, ObjectsInRoutesOut) {
  const Row& row = GetParam();
  const Translation translation = translate_objects(row.state);
  EXPECT_EQ(rendered_routes(translation.snapshot), row.routes);
  EXPECT_EQ(rendered_problems(translation.problems), row.problems);
  // Whatever goes out must be a snapshot the dataplane accepts.
  EXPECT_NO_THROW(snapshot::decode(snapshot::encode(translation.snapshot)));
}

INSTANTIATE_TEST_SUITE_P(Table, ServiceAnnotations, ::testing::ValuesIn(rows()),
                         [](const auto& info) { return info.param.name; });

TEST(ServiceAnnotationsTranslation, IsDeterministicWhateverTheInputOrder) {
  std::vector<Row> table = rows();
  for (Row& row : table) {
    const Translation forward = translate_objects(row.state);
    std::reverse(row.state.services.begin(), row.state.services.end());
    std::reverse(row.state.endpoint_slices.begin(), row.state.endpoint_slices.end());
    const Translation reversed = translate_objects(row.state);
    EXPECT_EQ(forward.snapshot, reversed.snapshot) << row.name;
    EXPECT_EQ(forward.problems, reversed.problems) << row.name;
  }
}

}  // namespace
}  // namespace snigate::controller::translate
