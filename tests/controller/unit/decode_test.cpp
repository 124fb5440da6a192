// From the API server's JSON to the model: defaults the API documents, and errors that name the
// field, never an exception from deep inside translation.
#include "model/decode.h"

#include <gtest/gtest.h>

#include "model/cluster_state.h"

namespace snigate::controller::model {
namespace {

using nlohmann::json;

TEST(Decode, EndpointConditionsTakeTheApisDefaults) {
  const EndpointSlice slice = decode_endpoint_slice(json::parse(R"({
      "metadata": {"name": "web-1", "namespace": "shop", "labels": {"kubernetes.io/service-name": "web"}},
      "addressType": "IPv4",
      "ports": [{"name": "https", "port": 8443}],
      "endpoints": [{"addresses": ["10.0.0.1"]},
                    {"addresses": ["10.0.0.2"], "conditions": {"ready": false}},
                    {"addresses": ["10.0.0.3"], "conditions": {"ready": false, "serving": true, "terminating": true}}]})"));
  EXPECT_EQ(slice.service_name, "web");
  ASSERT_EQ(slice.endpoints.size(), 3u);
  EXPECT_EQ(slice.endpoints[0].conditions, (EndpointConditions{.ready = true, .serving = true, .terminating = false}));
  EXPECT_EQ(slice.endpoints[1].conditions, (EndpointConditions{.ready = false, .serving = false, .terminating = false}));
  EXPECT_EQ(slice.endpoints[2].conditions, (EndpointConditions{.ready = false, .serving = true, .terminating = true}));
  EXPECT_EQ(slice.ports[0].protocol, "TCP");
}

TEST(Decode, AFieldOfTheWrongTypeIsAnErrorNamingIt) {
  const json service = json::parse(R"({"metadata": {"name": "web"}, "spec": {"ports": [{"port": 443}, {"port": "https"}]}})");
  try {
    decode_service(service);
    FAIL() << "decoded";
  } catch (const DecodeError& error) {
    EXPECT_STREQ(error.what(), "spec.ports[1].port: expected an integer");
  }
  EXPECT_THROW(decode_ingress(json::parse(R"({"metadata": {"annotations": {"a": 1}}})")), DecodeError);
  EXPECT_THROW(decode_ingress(json::parse(R"({"spec": {"rules": {"host": "a"}}})")), DecodeError);
  EXPECT_THROW(decode_ingress_class(json::array()), DecodeError);
}

TEST(Decode, MetadataOfAnUndecodableObjectIsReadLeniently) {
  const ObjectMeta meta = decode_metadata_leniently(json::parse(R"({"metadata": {"name": "web", "namespace": "shop", "uid": 7}})"));
  EXPECT_EQ(meta.qualified_name(), "shop/web");
  EXPECT_EQ(meta.uid, "");
  EXPECT_EQ(decode_metadata_leniently(json("text")).name, "");
}

TEST(Decode, IngressBackendsKeepTheirOrderAndResourceBackendsAreMarked) {
  const Ingress ingress = decode_ingress(json::parse(R"({
      "metadata": {"name": "shop", "namespace": "shop"},
      "spec": {"ingressClassName": "snigate",
               "defaultBackend": {"service": {"name": "web", "port": {"name": "https"}}},
               "rules": [{"host": "a.example.com", "http": {"paths": [
                   {"path": "/", "backend": {"resource": {"kind": "Bucket", "name": "b"}}},
                   {"path": "/api", "backend": {"service": {"name": "api", "port": {"number": 8443}}}}]}}]}})"));
  EXPECT_EQ(ingress.class_name, "snigate");
  EXPECT_EQ(ingress.default_backend, (IngressBackend{"web", {"https", std::nullopt}}));
  ASSERT_EQ(ingress.rules.size(), 1u);
  EXPECT_EQ(ingress.rules[0].path_backends,
            (std::vector<IngressBackend>{{std::nullopt, {}}, {"api", {std::nullopt, 8443}}}));
}

TEST(ClusterState, AnEqualObjectIsNoChangeAndASliceFollowsItsServiceLabel) {
  ClusterState state;
  const json slice = json::parse(R"({"metadata": {"name": "s", "namespace": "shop",
      "labels": {"kubernetes.io/service-name": "web"}}, "addressType": "IPv4"})");
  EXPECT_TRUE(state.upsert(decode_endpoint_slice(slice)));
  EXPECT_FALSE(state.upsert(decode_endpoint_slice(slice)));
  json moved = slice;
  moved["metadata"]["labels"]["kubernetes.io/service-name"] = "api";
  EXPECT_TRUE(state.upsert(decode_endpoint_slice(moved)));
  EXPECT_EQ(state.endpoint_slices_of("shop", "web"), nullptr);
  ASSERT_NE(state.endpoint_slices_of("shop", "api"), nullptr);
  EXPECT_TRUE(state.remove("EndpointSlice", "shop", "s"));
  EXPECT_EQ(state.endpoint_slices_of("shop", "api"), nullptr);
  EXPECT_EQ(state.endpoint_slice_count(), 0u);
}

}  // namespace
}  // namespace snigate::controller::model
