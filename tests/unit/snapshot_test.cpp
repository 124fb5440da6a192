// The snapshot document: what decode accepts, how it normalizes, and why it refuses, each reason
// naming the route and backend it is about.
#include "snapshot/snapshot.h"

#include <gtest/gtest.h>

#include <functional>
#include <nlohmann/json.hpp>
#include <string>

namespace snigate::snapshot {
namespace {

using nlohmann::json;

json valid_document() {
  return json::parse(R"({
    "version": 1,
    "generation": 42,
    "routes": [
      {"hostname": "www.example.com", "backends": [{"address": "10.0.0.1", "port": 443, "weight": 3},
                                                   {"address": "10.0.0.2", "port": 8443}]},
      {"hostname": "*.example.org", "wildcard": "suffix", "proxy_protocol": "v2",
       "backends": [{"address": "2001:db8::1", "port": 443}]}
    ],
    "default_backend": {"backends": [{"address": "127.0.0.1", "port": 9443}], "proxy_protocol": "v1"}
  })");
}

// The reason decode gives for refusing `document`, or a failure when it accepts it.
std::string rejection(const std::string& document) {
  try {
    decode(document);
  } catch (const InvalidSnapshot& invalid) {
    return invalid.what();
  }
  ADD_FAILURE() << "accepted: " << document;
  return {};
}

std::string rejection(const json& document) { return rejection(document.dump()); }

// The reason for refusing the valid document after `edit`.
std::string rejection_after(const std::function<void(json&)>& edit) {
  json document = valid_document();
  edit(document);
  return rejection(document);
}

json& route1(json& document) { return document["routes"][1]; }
json& route1_backend0(json& document) { return document["routes"][1]["backends"][0]; }

TEST(Snapshot, DecodesEveryField) {
  Snapshot snapshot = decode(valid_document().dump());
  EXPECT_EQ(snapshot.generation, 42u);
  ASSERT_EQ(snapshot.routes.size(), 2u);
  EXPECT_EQ(snapshot.routes[0].hostname, "www.example.com");
  EXPECT_EQ(snapshot.routes[0].backends, (std::vector<Backend>{{"10.0.0.1", 443, 3}, {"10.0.0.2", 8443, 1}}));
  EXPECT_EQ(snapshot.routes[0].proxy_protocol, ProxyProtocol::none);
  EXPECT_EQ(snapshot.routes[1].hostname, "*.example.org");
  EXPECT_TRUE(snapshot.routes[1].is_wildcard());
  EXPECT_EQ(snapshot.routes[1].wildcard, Wildcard::suffix);
  EXPECT_EQ(snapshot.routes[1].proxy_protocol, ProxyProtocol::v2);
  ASSERT_TRUE(snapshot.default_backend);
  EXPECT_EQ(snapshot.default_backend->backends, (std::vector<Backend>{{"127.0.0.1", 9443, 1}}));
  EXPECT_EQ(snapshot.default_backend->proxy_protocol, ProxyProtocol::v1);
}

TEST(Snapshot, WildcardModeDefaultsToSingleLabel) {
  auto document = valid_document();
  route1(document).erase("wildcard");
  EXPECT_EQ(decode(document.dump()).routes[1].wildcard, Wildcard::single_label);
}

TEST(Snapshot, EncodeThenDecodeGivesTheSameSnapshot) {
  Snapshot original = decode(valid_document().dump());
  EXPECT_EQ(decode(encode(original)), original);
  Snapshot without_default = original;
  without_default.default_backend.reset();
  without_default.routes[1].wildcard = Wildcard::single_label;
  EXPECT_EQ(decode(encode(without_default)), without_default);
}

TEST(Snapshot, EncodingIsCanonical) {
  Snapshot snapshot = decode(valid_document().dump());
  EXPECT_EQ(encode(decode(encode(snapshot))), encode(snapshot));
}

// The encoder writes text itself: it must be exactly the JSON a generic serializer writes, for
// any string a caller hands it (the dataplane refuses what it cannot use, not the encoder).
TEST(Snapshot, EncodingIsTheJsonOfEveryField) {
  Snapshot snapshot;
  snapshot.generation = 18446744073709551615u;
  snapshot.routes.push_back({"*.example.org", Wildcard::suffix, {{"fd00::7", 443, 1000000}, {"10.0.0.8", 1, 2}}, ProxyProtocol::v2, {}, {}, 0, 0, 0, {}});
  snapshot.routes.push_back({"odd\"name\\\n\x01é", Wildcard::single_label, {}, ProxyProtocol::none, {}, {}, 0, 0, 0, {}});
  snapshot.default_backend = DefaultBackend{{{"10.0.0.9", 443, 1}}, ProxyProtocol::v1};
  const json expected = {
      {"version", 1},
      {"generation", 18446744073709551615u},
      {"routes", json::array({{{"hostname", "*.example.org"}, {"wildcard", "suffix"}, {"proxy_protocol", "v2"},
                               {"backends", json::array({{{"address", "fd00::7"}, {"port", 443}, {"weight", 1000000}},
                                                         {{"address", "10.0.0.8"}, {"port", 1}, {"weight", 2}}})}},
                              {{"hostname", "odd\"name\\\n\x01é"}, {"proxy_protocol", "none"}, {"backends", json::array()}}})},
      {"default_backend", {{"backends", json::array({{{"address", "10.0.0.9"}, {"port", 443}, {"weight", 1}}})}, {"proxy_protocol", "v1"}}}};
  EXPECT_EQ(encode(snapshot), expected.dump());
}

TEST(Snapshot, HostnamesAreLowerCasedAndLoseOneTrailingDot) {
  auto document = valid_document();
  document["routes"][0]["hostname"] = "WWW.Example.COM.";
  route1(document)["hostname"] = "*.Example.ORG";
  Snapshot snapshot = decode(document.dump());
  EXPECT_EQ(snapshot.routes[0].hostname, "www.example.com");
  EXPECT_EQ(snapshot.routes[1].hostname, "*.example.org");
}

TEST(Snapshot, AcceptsAnEmptyRouteListAndTheLargestGeneration) {
  Snapshot snapshot = decode(R"({"version": 1, "generation": 18446744073709551615, "routes": []})");
  EXPECT_EQ(snapshot.generation, UINT64_MAX);
  EXPECT_TRUE(snapshot.routes.empty());
  EXPECT_FALSE(snapshot.default_backend);
}

TEST(Snapshot, AcceptsBoundaryPortsAndWeights) {
  auto document = valid_document();
  route1_backend0(document)["port"] = 65535;
  route1_backend0(document)["weight"] = kMaxWeight;
  document["routes"][0]["backends"][0]["port"] = 1;
  Snapshot snapshot = decode(document.dump());
  EXPECT_EQ(snapshot.routes[1].backends[0].port, 65535);
  EXPECT_EQ(snapshot.routes[1].backends[0].weight, kMaxWeight);
  EXPECT_EQ(snapshot.routes[0].backends[0].port, 1);
}

TEST(Snapshot, RejectsTextThatIsNotJson) {
  EXPECT_EQ(rejection(std::string(R"({"version": 1,)")), "not valid JSON");
  EXPECT_EQ(rejection(std::string("")), "not valid JSON");
  EXPECT_EQ(rejection(std::string("[]")), "must be an object");
}

TEST(Snapshot, RejectsUnknownFieldsAtEveryLevel) {
  EXPECT_EQ(rejection_after([](json& d) { d["generaton"] = 1; }), R"(unknown field "generaton")");
  EXPECT_EQ(rejection_after([](json& d) { route1(d)["hostnmae"] = "x"; }), R"(route 1: unknown field "hostnmae")");
  EXPECT_EQ(rejection_after([](json& d) { route1_backend0(d)["wieght"] = 1; }),
            R"(route 1: backend 0: unknown field "wieght")");
  EXPECT_EQ(rejection_after([](json& d) { d["default_backend"]["routes"] = json::array(); }),
            R"(default_backend: unknown field "routes")");
}

TEST(Snapshot, RejectsAMissingOrUnsupportedVersion) {
  EXPECT_EQ(rejection_after([](json& d) { d.erase("version"); }), R"(missing "version")");
  EXPECT_EQ(rejection_after([](json& d) { d["version"] = 2; }),
            "unsupported version 2 (this dataplane speaks 1)");
  EXPECT_EQ(rejection_after([](json& d) { d["version"] = "1"; }), R"("version" must be a non-negative integer)");
}

TEST(Snapshot, RejectsAGenerationThatIsNotANonNegativeInteger) {
  for (json generation : {json("42"), json(-1), json(1.5), json(nullptr)}) {
    EXPECT_EQ(rejection_after([&](json& d) { d["generation"] = generation; }),
              R"("generation" must be a non-negative integer)")
        << generation;
  }
  EXPECT_EQ(rejection_after([](json& d) { d.erase("generation"); }), R"(missing "generation")");
}

TEST(Snapshot, RejectsRoutesThatAreNotAnArray) {
  EXPECT_EQ(rejection_after([](json& d) { d["routes"] = json::object(); }), R"("routes" must be an array)");
  EXPECT_EQ(rejection_after([](json& d) { d.erase("routes"); }), R"("routes" must be an array)");
  EXPECT_EQ(rejection_after([](json& d) { d["routes"][1] = "www.example.net"; }), "route 1: must be an object");
}

TEST(Snapshot, RejectsInvalidHostnames) {
  for (std::string hostname : {"", "exa mple.com", "-www.example.com", "www-.example.com", "www..example.com",
                               "www_x.example.com", "caf\u00e9.example.com", ".", "*.", "*", "www.*.example.com"}) {
    EXPECT_EQ(rejection_after([&](json& d) { route1(d)["hostname"] = hostname; route1(d).erase("wildcard"); }),
              "route 1: hostname \"" + hostname + "\" is not a valid DNS name");
  }
  EXPECT_EQ(rejection_after([](json& d) { route1(d)["hostname"] = 7; }), R"(route 1: "hostname" must be a string)");
  EXPECT_EQ(rejection_after([](json& d) { route1(d).erase("hostname"); }), R"(route 1: "hostname" must be a string)");
}

TEST(Snapshot, RejectsADoubleWildcard) {
  EXPECT_EQ(rejection_after([](json& d) { route1(d)["hostname"] = "*.*.example.org"; }),
            R"(route 1: hostname "*.*.example.org" is not a valid DNS name)");
}

TEST(Snapshot, RejectsHostnamesOverTheDnsLimits) {
  std::string label63(63, 'a');
  std::string name253 = label63 + "." + label63 + "." + label63 + "." + std::string(61, 'b');
  ASSERT_EQ(name253.size(), 253u);
  auto document = valid_document();
  document["routes"][0]["hostname"] = name253;
  EXPECT_EQ(decode(document.dump()).routes[0].hostname, name253);

  std::string name254 = name253 + "c";
  EXPECT_EQ(rejection_after([&](json& d) { route1(d)["hostname"] = name254; route1(d).erase("wildcard"); }),
            "route 1: hostname \"" + name254 + "\" is not a valid DNS name");
  std::string label64 = std::string(64, 'a') + ".example.org";
  EXPECT_EQ(rejection_after([&](json& d) { route1(d)["hostname"] = label64; route1(d).erase("wildcard"); }),
            "route 1: hostname \"" + label64 + "\" is not a valid DNS name");
}

TEST(Snapshot, RejectsAWildcardModeOnAnExactHostname) {
  EXPECT_EQ(rejection_after([](json& d) { d["routes"][0]["wildcard"] = "suffix"; }),
            R"(route 0: "wildcard" is only allowed on "*." hostnames)");
}

TEST(Snapshot, RejectsAnUnknownWildcardMode) {
  for (json mode : {json("prefix"), json("Suffix"), json(1), json(nullptr)}) {
    EXPECT_EQ(rejection_after([&](json& d) { route1(d)["wildcard"] = mode; }),
              R"(route 1: "wildcard" must be "single-label" or "suffix")")
        << mode;
  }
}

TEST(Snapshot, RejectsADuplicateHostnameEvenWhenSpelledDifferently) {
  EXPECT_EQ(rejection_after([](json& d) {
              d["routes"].push_back(d["routes"][0]);
              d["routes"][2]["hostname"] = "WWW.example.com.";
            }),
            R"(route 2: duplicate hostname "www.example.com")");
}

// A route whose Service has no ready endpoints keeps its name: its clients are refused rather
// than sent to a wildcard's or the default backend's owner.
TEST(Snapshot, AcceptsARouteWithoutBackends) {
  json document = json::parse(R"({"version": 1, "generation": 3,
      "routes": [{"hostname": "down.example.com", "backends": []}]})");
  const Snapshot snapshot = decode(document.dump());
  ASSERT_EQ(snapshot.routes.size(), 1u);
  EXPECT_TRUE(snapshot.routes[0].backends.empty());
  EXPECT_EQ(decode(encode(snapshot)), snapshot);
}

TEST(Snapshot, RejectsBackendsThatAreNotAnArray) {
  EXPECT_EQ(rejection_after([](json& d) { route1(d)["backends"] = route1_backend0(d); }),
            R"(route 1: "backends" must be an array)");
  EXPECT_EQ(rejection_after([](json& d) { route1(d).erase("backends"); }), R"(route 1: "backends" must be an array)");
  EXPECT_EQ(rejection_after([](json& d) { route1(d)["backends"][0] = "10.0.0.1:443"; }),
            "route 1: backend 0: must be an object");
}

TEST(Snapshot, RejectsBackendAddressesThatAreNotIpLiterals) {
  for (std::string address : {"backend.example.com", "localhost", "10.0.0.256", "10.0.0", "10.0.0.1:443",
                              "[2001:db8::1]", "fe80::1%eth0", ""}) {
    EXPECT_EQ(rejection_after([&](json& d) { route1_backend0(d)["address"] = address; }),
              "route 1: backend 0: address \"" + address + "\" is not an IPv4 or IPv6 literal");
  }
  EXPECT_EQ(rejection_after([](json& d) { route1_backend0(d)["address"] = 167772161; }),
            R"(route 1: backend 0: "address" must be a string)");
}

// A client routed to such an address could never be served, and a route of many (50,000 backends
// at 255.255.255.255 once crashed the dataplane) costs a connect attempt each.
TEST(Snapshot, RejectsUnspecifiedBroadcastAndMulticastBackendAddresses) {
  const std::vector<std::pair<std::string, std::string>> refused = {
      {"0.0.0.0", "is unspecified, not a backend's address"},
      {"::", "is unspecified, not a backend's address"},
      {"::ffff:0.0.0.0", "is unspecified, not a backend's address"},
      {"255.255.255.255", "is the broadcast address, not a backend's"},
      {"::ffff:255.255.255.255", "is the broadcast address, not a backend's"},
      {"224.0.0.1", "is a multicast address, not a backend's"},
      {"239.255.255.250", "is a multicast address, not a backend's"},
      {"ff02::1", "is a multicast address, not a backend's"},
      {"ff05::1:3", "is a multicast address, not a backend's"},
      {"::ffff:224.0.0.251", "is a multicast address, not a backend's"},
  };
  for (const auto& [address, why] : refused) {
    EXPECT_EQ(rejection_after([&](json& d) { route1_backend0(d)["address"] = address; }),
              "route 1: backend 0: address \"" + address + "\" " + why);
  }
  EXPECT_EQ(rejection_after([](json& d) { d["default_backend"]["backends"][0]["address"] = "255.255.255.255"; }),
            R"(default_backend: backend 0: address "255.255.255.255" is the broadcast address, not a backend's)");
}

TEST(Snapshot, AcceptsUnicastBackendAddressesAtTheEdgesOfTheRefusedRanges) {
  for (std::string address : {"1.0.0.0", "223.255.255.255", "240.0.0.1", "255.255.255.254", "::1", "fe80::1",
                              "feff::1", "::ffff:10.0.0.1", "127.0.0.1"}) {
    SCOPED_TRACE(address);
    auto document = valid_document();
    document["routes"][1]["backends"][0]["address"] = address;
    EXPECT_EQ(decode(document.dump()).routes[1].backends[0].address, address);
  }
}

TEST(Snapshot, RejectsPortsOutsideOneTo65535) {
  EXPECT_EQ(rejection_after([](json& d) { route1_backend0(d)["port"] = 0; }),
            R"(route 1: backend 0: "port" 0 out of range 1-65535)");
  EXPECT_EQ(rejection_after([](json& d) { route1_backend0(d)["port"] = 65536; }),
            R"(route 1: backend 0: "port" 65536 out of range 1-65535)");
  EXPECT_EQ(rejection_after([](json& d) { route1_backend0(d)["port"] = -443; }),
            R"(route 1: backend 0: "port" must be a non-negative integer)");
  EXPECT_EQ(rejection_after([](json& d) { route1_backend0(d)["port"] = "443"; }),
            R"(route 1: backend 0: "port" must be a non-negative integer)");
  EXPECT_EQ(rejection_after([](json& d) { route1_backend0(d).erase("port"); }), R"(route 1: backend 0: missing "port")");
}

TEST(Snapshot, RejectsWeightsOutsideOneToTheMaximum) {
  EXPECT_EQ(rejection_after([](json& d) { route1_backend0(d)["weight"] = 0; }),
            R"(route 1: backend 0: "weight" 0 out of range 1-1000000)");
  EXPECT_EQ(rejection_after([](json& d) { route1_backend0(d)["weight"] = kMaxWeight + 1; }),
            R"(route 1: backend 0: "weight" 1000001 out of range 1-1000000)");
  EXPECT_EQ(rejection_after([](json& d) { d["routes"][1]["backends"].push_back({{"address", "::1"}, {"port", 1},
                                                                               {"weight", 2.5}}); }),
            R"(route 1: backend 1: "weight" must be a non-negative integer)");
}

TEST(Snapshot, RejectsAnUnknownProxyProtocol) {
  for (json version : {json("v3"), json("V1"), json(2), json(nullptr)}) {
    EXPECT_EQ(rejection_after([&](json& d) { route1(d)["proxy_protocol"] = version; }),
              R"(route 1: "proxy_protocol" must be "none", "v1" or "v2")")
        << version;
  }
}

TEST(Snapshot, SourceRangesAreReadInCanonicalFormAndWrittenBack) {
  auto document = valid_document();
  route1(document)["allow_source_ranges"] = {"10.0.0.0/8", "192.0.2.7", "2001:DB8::/32"};
  const Snapshot snapshot = decode(document.dump());
  std::vector<std::string> texts;
  for (const auto& range : snapshot.routes[1].allow_source_ranges) texts.push_back(range.to_string());
  EXPECT_EQ(texts, (std::vector<std::string>{"10.0.0.0/8", "192.0.2.7/32", "2001:db8::/32"}));
  EXPECT_TRUE(snapshot.routes[0].allow_source_ranges.empty());
  EXPECT_EQ(decode(encode(snapshot)), snapshot);
  EXPECT_EQ(json::parse(encode(snapshot))["routes"][1]["allow_source_ranges"],
            json({"10.0.0.0/8", "192.0.2.7/32", "2001:db8::/32"}));
  EXPECT_FALSE(json::parse(encode(snapshot))["routes"][0].contains("allow_source_ranges"));
}

TEST(Snapshot, RejectsSourceRangesThatAreNotCanonicalRanges) {
  EXPECT_EQ(rejection_after([](json& d) { route1(d)["allow_source_ranges"] = "10.0.0.0/8"; }),
            R"(route 1: "allow_source_ranges" must be an array)");
  EXPECT_EQ(rejection_after([](json& d) { route1(d)["allow_source_ranges"] = {8}; }),
            R"(route 1: "allow_source_ranges" must hold strings)");
  EXPECT_EQ(rejection_after([](json& d) { route1(d)["allow_source_ranges"] = {"10.1.0.0/8"}; }),
            R"(route 1: source range "10.1.0.0/8" has address bits set past its /8 prefix)");
  EXPECT_EQ(rejection_after([](json& d) { route1(d)["allow_source_ranges"] = {"10.0.0.0/33"}; }),
            R"(route 1: source range "10.0.0.0/33" has a prefix length that is not 0-32)");
  EXPECT_EQ(rejection_after([](json& d) { route1(d)["allow_source_ranges"] = {"office.example.com/24"}; }),
            R"(route 1: source range "office.example.com/24" is not an IPv4 or IPv6 address or range)");
  EXPECT_EQ(rejection_after([](json& d) {
              route1(d)["allow_source_ranges"] = json::array();
              for (std::size_t i = 0; i <= kMaxSourceRanges; ++i) route1(d)["allow_source_ranges"].push_back("10.0.0.1");
            }),
            R"(route 1: "allow_source_ranges" has 1001 ranges, more than 1000)");
}

TEST(Snapshot, AlpnRoutesAreReadInOrderAndWrittenBack) {
  auto document = valid_document();
  route1(document)["alpn_routes"] = {
      {{"protocols", {"acme-tls/1"}}, {"backends", {{{"address", "10.0.0.9"}, {"port", 8443}}}}},
      {{"protocols", {"h2", "http/1.1"}}, {"backends", json::array()}, {"proxy_protocol", "v1"}}};
  const Snapshot snapshot = decode(document.dump());
  ASSERT_EQ(snapshot.routes[1].alpn_routes.size(), 2u);
  EXPECT_EQ(snapshot.routes[1].alpn_routes[0],
            (AlpnRoute{{"acme-tls/1"}, {{"10.0.0.9", 8443, 1}}, ProxyProtocol::none}));
  EXPECT_EQ(snapshot.routes[1].alpn_routes[1], (AlpnRoute{{"h2", "http/1.1"}, {}, ProxyProtocol::v1}));
  EXPECT_EQ(decode(encode(snapshot)), snapshot);
  EXPECT_FALSE(json::parse(encode(snapshot))["routes"][0].contains("alpn_routes"));
}

TEST(Snapshot, RejectsAlpnRoutesThatCouldNotMatchOrWouldBeAmbiguous) {
  const auto with = [](json alpn_routes) {
    return rejection_after([&](json& d) { route1(d)["alpn_routes"] = alpn_routes; });
  };
  EXPECT_EQ(with("acme-tls/1"), R"(route 1: "alpn_routes" must be an array)");
  EXPECT_EQ(with({{{"protocols", json::array()}, {"backends", json::array()}}}),
            R"(route 1: alpn route 0: "protocols" must be an array of 1-16 protocol names)");
  EXPECT_EQ(with({{{"protocols", {""}}, {"backends", json::array()}}}),
            R"(route 1: alpn route 0: a protocol name must be 1-255 printable ASCII characters)");
  EXPECT_EQ(with({{{"protocols", {"h 2"}}, {"backends", json::array()}}}),
            R"(route 1: alpn route 0: a protocol name must be 1-255 printable ASCII characters)");
  EXPECT_EQ(with({{{"protocols", {"h2"}}, {"backends", json::array()}},
                  {{"protocols", {"acme-tls/1", "h2"}}, {"backends", json::array()}}}),
            R"(route 1: alpn route 1: protocol "h2" is listed twice in the route)");
  EXPECT_EQ(with({{{"protocols", {"h2"}}}}), R"(route 1: alpn route 0: "backends" must be an array)");
  EXPECT_EQ(with({{{"protocols", {"h2"}}, {"backends", json::array()}, {"weight", 1}}}),
            R"(route 1: alpn route 0: unknown field "weight")");
}

TEST(Snapshot, MaxConnectionsIsReadAndWrittenOnlyWhenSet) {
  auto document = valid_document();
  route1(document)["max_connections"] = 250;
  const Snapshot snapshot = decode(document.dump());
  EXPECT_EQ(snapshot.routes[1].max_connections, 250u);
  EXPECT_EQ(snapshot.routes[0].max_connections, 0u);
  EXPECT_EQ(decode(encode(snapshot)), snapshot);
  EXPECT_FALSE(json::parse(encode(snapshot))["routes"][0].contains("max_connections"));
  EXPECT_EQ(rejection_after([](json& d) { route1(d)["max_connections"] = 0; }),
            R"(route 1: "max_connections" 0 out of range 1-10000000)");
}

TEST(Snapshot, SourceConnectionRateIsReadAndWrittenOnlyWhenSet) {
  auto document = valid_document();
  route1(document)["source_connection_rate"] = {{"connections", 10}, {"period_ms", 1000}, {"burst", 20}};
  const Snapshot snapshot = decode(document.dump());
  EXPECT_EQ(snapshot.routes[1].source_connection_rate, (SourceConnectionRate{10, 1000, 20}));
  EXPECT_FALSE(snapshot.routes[0].source_connection_rate.limits());
  EXPECT_EQ(decode(encode(snapshot)), snapshot);
  EXPECT_EQ(json::parse(encode(snapshot))["routes"][1]["source_connection_rate"],
            json({{"burst", 20}, {"connections", 10}, {"period_ms", 1000}}));
  EXPECT_FALSE(json::parse(encode(snapshot))["routes"][0].contains("source_connection_rate"));
  EXPECT_EQ(rejection_after([](json& d) { route1(d)["source_connection_rate"] = {{"connections", 10}, {"period_ms", 1000}}; }),
            R"(route 1: source_connection_rate: missing "burst")");
  EXPECT_EQ(rejection_after([](json& d) {
              route1(d)["source_connection_rate"] = {{"connections", 0}, {"period_ms", 1000}, {"burst", 1}};
            }),
            R"(route 1: source_connection_rate: "connections" 0 out of range 1-1000000)");
  EXPECT_EQ(rejection_after([](json& d) {
              route1(d)["source_connection_rate"] = {{"connections", 1}, {"period_ms", 3600001}, {"burst", 1}};
            }),
            R"(route 1: source_connection_rate: "period_ms" 3600001 out of range 1-3600000)");
  EXPECT_EQ(rejection_after([](json& d) { route1(d)["source_connection_rate"] = "10/s"; }),
            R"(route 1: source_connection_rate: must be an object)");
}

TEST(Snapshot, RefusalIsReadAndWrittenOnlyWhenClose) {
  auto document = valid_document();
  route1(document)["refusal"] = "close";
  const Snapshot snapshot = decode(document.dump());
  EXPECT_EQ(snapshot.routes[1].refusal, Refusal::close);
  EXPECT_EQ(snapshot.routes[0].refusal, Refusal::alert);
  EXPECT_EQ(decode(encode(snapshot)), snapshot);
  EXPECT_EQ(json::parse(encode(snapshot))["routes"][1]["refusal"], "close");
  EXPECT_FALSE(json::parse(encode(snapshot))["routes"][0].contains("refusal"));
  route1(document)["refusal"] = "alert";
  EXPECT_EQ(decode(document.dump()).routes[1].refusal, Refusal::alert);
  EXPECT_EQ(rejection_after([](json& d) { route1(d)["refusal"] = "reset"; }), R"(route 1: "refusal" must be "alert" or "close")");
  EXPECT_EQ(rejection_after([](json& d) { route1(d)["refusal"] = 1; }), R"(route 1: "refusal" must be "alert" or "close")");
  EXPECT_EQ(rejection_after([](json& d) { route1(d)["proxy_protocol"] = "v3"; }),
            R"(route 1: "proxy_protocol" must be "none", "v1" or "v2")");
}

TEST(Snapshot, RefusedWeightIsReadAndWrittenOnlyWhenSet) {
  auto document = valid_document();
  route1(document)["refused_weight"] = 3;
  const Snapshot snapshot = decode(document.dump());
  EXPECT_EQ(snapshot.routes[1].refused_weight, 3u);
  EXPECT_EQ(snapshot.routes[0].refused_weight, 0u);
  EXPECT_EQ(decode(encode(snapshot)), snapshot);
  EXPECT_EQ(json::parse(encode(snapshot))["routes"][1]["refused_weight"], 3);
  EXPECT_FALSE(json::parse(encode(snapshot))["routes"][0].contains("refused_weight"));
  EXPECT_EQ(rejection_after([](json& d) { route1(d)["refused_weight"] = 0; }), R"(route 1: "refused_weight" 0 out of range 1-1000000)");
}

TEST(Snapshot, RouteTimeoutsAreReadAndWrittenOnlyWhenSet) {
  auto document = valid_document();
  route1(document)["connect_timeout_ms"] = 750;
  route1(document)["idle_timeout_ms"] = 600000;
  const Snapshot snapshot = decode(document.dump());
  EXPECT_EQ(snapshot.routes[1].connect_timeout_ms, 750u);
  EXPECT_EQ(snapshot.routes[1].idle_timeout_ms, 600000u);
  EXPECT_EQ(decode(encode(snapshot)), snapshot);
  EXPECT_FALSE(json::parse(encode(snapshot))["routes"][0].contains("idle_timeout_ms"));
  EXPECT_EQ(rejection_after([](json& d) { route1(d)["idle_timeout_ms"] = 604800001; }),
            R"(route 1: "idle_timeout_ms" 604800001 out of range 1-604800000)");
}

TEST(Snapshot, RejectsAnInvalidDefaultBackend) {
  EXPECT_EQ(rejection_after([](json& d) { d["default_backend"] = "10.0.0.1"; }), "default_backend: must be an object");
  EXPECT_EQ(rejection_after([](json& d) { d["default_backend"]["backends"] = json::array(); }),
            R"(default_backend: "backends" is empty)");
  EXPECT_EQ(rejection_after([](json& d) { d["default_backend"]["backends"][0]["address"] = "fallback.local"; }),
            R"(default_backend: backend 0: address "fallback.local" is not an IPv4 or IPv6 literal)");
  EXPECT_EQ(rejection_after([](json& d) { d["default_backend"]["proxy_protocol"] = "v9"; }),
            R"(default_backend: "proxy_protocol" must be "none", "v1" or "v2")");
}

// A Gateway's own routes: served only by the --scoped-listen listeners on their listen_port.
TEST(Snapshot, ListenPortIsOptionalAndDecodedWhenGiven) {
  auto document = valid_document();
  EXPECT_EQ(decode(document.dump()).routes[0].listen_port, 0) << "absent: unscoped";
  route1(document)["listen_port"] = 10001;
  const Snapshot snapshot = decode(document.dump());
  EXPECT_EQ(snapshot.routes[1].listen_port, 10001);
  EXPECT_EQ(decode(encode(snapshot)), snapshot);
  EXPECT_EQ(json::parse(encode(snapshot))["routes"][1]["listen_port"], 10001);
  EXPECT_FALSE(json::parse(encode(snapshot))["routes"][0].contains("listen_port")) << "unscoped routes omit it";
}

TEST(Snapshot, AcceptsListenPortsAtTheEdgesOfItsRange) {
  for (int port : {1, 65535}) {
    auto document = valid_document();
    route1(document)["listen_port"] = port;
    EXPECT_EQ(decode(document.dump()).routes[1].listen_port, port);
  }
}

TEST(Snapshot, RejectsAListenPortOutsideOneTo65535) {
  EXPECT_EQ(rejection_after([](json& d) { route1(d)["listen_port"] = 0; }),
            R"(route 1: "listen_port" 0 out of range 1-65535)");
  EXPECT_EQ(rejection_after([](json& d) { route1(d)["listen_port"] = 65536; }),
            R"(route 1: "listen_port" 65536 out of range 1-65535)");
  EXPECT_EQ(rejection_after([](json& d) { route1(d)["listen_port"] = -1; }),
            R"(route 1: "listen_port" must be a non-negative integer)");
  EXPECT_EQ(rejection_after([](json& d) { route1(d)["listen_port"] = "10001"; }),
            R"(route 1: "listen_port" must be a non-negative integer)");
}

// Two Gateways may route one name to different backends, each on its own address.
TEST(Snapshot, AHostnameMayAppearOnceUnscopedAndOncePerListenPort) {
  auto document = valid_document();
  auto www = document["routes"][0];
  for (int port : {10001, 10002}) {
    www["listen_port"] = port;
    document["routes"].push_back(www);
  }
  const Snapshot snapshot = decode(document.dump());
  ASSERT_EQ(snapshot.routes.size(), 4u);
  EXPECT_EQ(snapshot.routes[2].hostname, "www.example.com");
  EXPECT_EQ(snapshot.routes[3].listen_port, 10002);
}

TEST(Snapshot, RejectsADuplicateHostnameWithinOneListenPort) {
  EXPECT_EQ(rejection_after([](json& d) {
              auto www = d["routes"][0];
              www["listen_port"] = 10001;
              www["hostname"] = "WWW.example.com.";
              d["routes"].push_back(www);
              d["routes"].push_back(www);
            }),
            R"(route 3: duplicate hostname "www.example.com" on listen_port 10001)");
}

}  // namespace
}  // namespace snigate::snapshot
