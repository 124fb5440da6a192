// The upstream Gateway API conformance suite (sigs.k8s.io/gateway-api/conformance), run against
// snigate in the kind cluster of tests/e2e/kind/run, limited to the tests of what snigate claims:
// the TLSRoute tests of the Standard channel whose features are Gateway, TLSRoute and
// ReferenceGrant (TLS Passthrough). The Terminate and Mixed tests need features snigate does not
// claim, so the suite skips them by its own feature check; tests of other route kinds are left
// out here. The report is written in the upstream format (-report-output).
//
// TLSRouteHostnameIntersection puts four Gateways on the same port, each with routes the others'
// must not serve ("*.com" on one, "non.matching.com" refused on another): it needs each Gateway to
// have an address of its own, which the chart's gatewayAPI.addressPerGateway gives (a Service per
// Gateway, made by the controller; the kind suite acts as their load balancer).
//
// The base manifests are upstream's without the coredns Deployment: it serves the UDPRoute tests
// only, and its Corefile needs a plugin (whoami) the kind node's CoreDNS image is built without.
//
//	go test -run TestGatewayAPIConformance -args -gateway-class=snigate -report-output=report.yaml
package conformance

import (
	"flag"
	"io/fs"
	"os"
	"strings"
	"testing"
	"testing/fstest"

	"sigs.k8s.io/gateway-api/conformance"
	confv1 "sigs.k8s.io/gateway-api/conformance/apis/v1"
	"sigs.k8s.io/gateway-api/conformance/tests"
	"sigs.k8s.io/gateway-api/conformance/utils/suite"
	"sigs.k8s.io/gateway-api/pkg/features"
	"sigs.k8s.io/yaml"
)

var snigateVersion = flag.String("snigate-version", "dev", "the snigate version under test, for the report")

// claimed is what snigate's GatewayClass lists in status.supportedFeatures.
var claimed = []features.FeatureName{features.SupportGateway, features.SupportTLSRoute, features.SupportReferenceGrant}

func TestGatewayAPIConformance(t *testing.T) {
	options := conformance.DefaultOptions(t)
	options.SupportedFeatures = claimed
	options.ConformanceProfiles = []suite.ConformanceProfileName{suite.GatewayTLSConformanceProfileName}
	options.Implementation = confv1.Implementation{
		Organization: "snigate",
		Project:      "snigate",
		URL:          "https://github.com/snigate/snigate",
		Version:      *snigateVersion,
		Contact:      []string{"@snigate/maintainers"},
	}

	var tlsRouteTests []suite.ConformanceTest
	for _, test := range tests.ConformanceTests {
		if strings.HasPrefix(test.ShortName, "TLSRoute") {
			tlsRouteTests = append(tlsRouteTests, test)
		}
	}
	if len(tlsRouteTests) == 0 {
		t.Fatal("the conformance module has no TLSRoute tests")
	}

	options.ManifestFS = append(options.ManifestFS, baseManifestsWithoutUDPBackend(t))
	options.BaseManifests = ownBaseManifests

	cSuite, err := suite.NewConformanceTestSuite(options)
	if err != nil {
		t.Fatalf("conformance suite: %v", err)
	}
	if options.ReportOutputPath != "" {
		t.Cleanup(func() { writeReport(t, cSuite, options.ReportOutputPath) })
	}
	cSuite.Setup(t, tlsRouteTests)
	if err := cSuite.Run(t, tlsRouteTests); err != nil {
		t.Fatalf("conformance run: %v", err)
	}
}

// A path upstream's manifest file system does not have: the applier reads a path from every file
// system that has it.
const ownBaseManifests = "snigate/base-manifests.yaml"

func baseManifestsWithoutUDPBackend(t *testing.T) fs.FS {
	upstream, err := fs.ReadFile(&conformance.Manifests, "base/manifests.yaml")
	if err != nil {
		t.Fatalf("upstream base manifests: %v", err)
	}
	var kept []string
	dropped := 0
	for _, document := range strings.Split(string(upstream), "\n---\n") {
		var object struct {
			Kind     string `json:"kind"`
			Metadata struct {
				Name string `json:"name"`
			} `json:"metadata"`
		}
		if err := yaml.Unmarshal([]byte(document), &object); err != nil {
			t.Fatalf("upstream base manifests: %v", err)
		}
		if object.Kind == "Deployment" && object.Metadata.Name == "coredns" {
			dropped++
			continue
		}
		kept = append(kept, document)
	}
	if dropped != 1 {
		t.Fatalf("upstream base manifests: %d coredns Deployments, want 1", dropped)
	}
	return fstest.MapFS{ownBaseManifests: {Data: []byte(strings.Join(kept, "\n---\n"))}}
}

func writeReport(t *testing.T, cSuite *suite.ConformanceTestSuite, path string) {
	report, err := cSuite.Report()
	if err != nil {
		t.Errorf("conformance report: %v", err)
		return
	}
	raw, err := yaml.Marshal(report)
	if err != nil {
		t.Errorf("conformance report: %v", err)
		return
	}
	if err := os.WriteFile(path, raw, 0o644); err != nil {
		t.Errorf("conformance report: %v", err)
	}
	t.Logf("conformance report:\n%s", raw)
}
