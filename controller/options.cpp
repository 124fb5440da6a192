#include "options.h"

#include <unistd.h>

#include <charconv>
#include <cstdlib>
#include <map>

#include "comma_list.h"
#include "io/endpoint_text.h"

namespace snigate::controller {
namespace {

std::chrono::milliseconds parse_duration(const std::string& flag, const std::string& text) {
  long long value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  const std::string unit(end, text.data() + text.size());
  if (error != std::errc() || value < 0) throw UsageError(flag + ": \"" + text + "\" is not a duration like 250ms, 5s, 5m");
  if (unit == "ms") return std::chrono::milliseconds(value);
  if (unit == "s") return std::chrono::seconds(value);
  if (unit == "m") return std::chrono::minutes(value);
  if (unit == "h") return std::chrono::hours(value);
  throw UsageError(flag + ": \"" + text + "\" needs a unit: ms, s, m or h");
}

// "NAMESPACE/NAME" or "NAMESPACE/NAME:PORT" (a port name or number).
translate::DefaultBackendService parse_default_backend(const std::string& text) {
  const auto slash = text.find('/');
  const auto colon = text.find(':', slash == std::string::npos ? 0 : slash);
  if (slash == std::string::npos || slash == 0 || slash + 1 == text.size() || colon == slash + 1 || colon + 1 == text.size()) {
    throw UsageError("--default-backend-service takes NAMESPACE/NAME or NAMESPACE/NAME:PORT, not \"" + text + "\"");
  }
  translate::DefaultBackendService service{text.substr(0, slash), text.substr(slash + 1, colon - slash - 1), std::nullopt};
  if (colon != std::string::npos) service.port = text.substr(colon + 1);
  return service;
}

std::vector<int> parse_ports(const std::string& flag, const std::string& text) {
  std::vector<int> ports;
  for (const auto& item : split_comma_list(text)) {
    int port = 0;
    const auto [end, error] = std::from_chars(item.data(), item.data() + item.size(), port);
    if (error != std::errc() || end != item.data() + item.size() || port < 1 || port > 65535) {
      throw UsageError(flag + ": \"" + item + "\" is not a port number 1-65535");
    }
    ports.push_back(port);
  }
  if (ports.empty()) throw UsageError(flag + " needs at least one port");
  return ports;
}

// "FIRST-LAST" into the settings' range.
void parse_port_range(const std::string& flag, const std::string& text, translate::GatewayServiceSettings& settings) {
  const auto dash = text.find('-');
  const auto number = [&](std::string_view item) {
    int port = 0;
    const auto [end, error] = std::from_chars(item.data(), item.data() + item.size(), port);
    if (error != std::errc() || end != item.data() + item.size() || port < 1 || port > 65535) {
      throw UsageError(flag + ": \"" + text + "\" is not a range FIRST-LAST of ports 1-65535");
    }
    return port;
  };
  if (dash == std::string::npos) number("");
  settings.first_port = number(std::string_view(text).substr(0, dash));
  settings.last_port = number(std::string_view(text).substr(dash + 1));
  if (settings.last_port < settings.first_port) throw UsageError(flag + ": \"" + text + "\" ends before it starts");
}

// "KEY=VALUE,KEY=VALUE".
std::map<std::string, std::string> parse_labels(const std::string& flag, const std::string& text) {
  std::map<std::string, std::string> labels;
  for (const auto& item : split_comma_list(text)) {
    const auto equals = item.find('=');
    if (equals == std::string::npos || equals == 0) throw UsageError(flag + ": \"" + item + "\" is not KEY=VALUE");
    labels[item.substr(0, equals)] = item.substr(equals + 1);
  }
  if (labels.empty()) throw UsageError(flag + " needs at least one KEY=VALUE");
  return labels;
}

std::string default_identity() {
  std::string base;
  if (const char* pod = std::getenv("POD_NAME"); pod && *pod) {
    base = pod;
  } else {
    char host[256] = {};
    ::gethostname(host, sizeof host - 1);
    base = host;
  }
  return base + "_" + std::to_string(::getpid());
}

}  // namespace

std::string usage() {
  return R"(Usage: snigate-controller [flags]

Watches Services, EndpointSlices, Ingresses and IngressClasses, and the Gateway API's
GatewayClasses, Gateways, TLSRoutes and ReferenceGrants (with Namespaces, for their labels), and
keeps the routes of a snigate-dataplane equal to them, pushing route snapshots over its control
socket.

Flags:
  --kubeconfig PATH               kubeconfig to use (default: $KUBECONFIG, else the in-cluster
                                  service account)
  --watch-namespace NS            watch namespaced kinds in NS only (default: all namespaces)
  --control-socket PATH           the dataplane's control socket (required unless --dump-snapshot)
  --dump-snapshot                 list everything once, print the snapshot JSON on stdout, exit
  --controller-name NAME          IngressClass spec.controller that is ours
                                  (default snigate.io/ingress-controller)
  --ingress-class NAME            value of the deprecated kubernetes.io/ingress.class annotation
                                  that is ours (default snigate)
  --gateway-api MODE              auto: watch the Gateway API kinds (gateway.networking.k8s.io/v1);
                                  while their CRDs are not installed (or not granted), list
                                  them again every --absent-kind-retry;
                                  off: do not watch them, nor Namespaces (default auto)
  --gateway-controller-name NAME  GatewayClass spec.controllerName that is ours
                                  (default snigate.io/gateway-controller)
  --gateway-listener-ports P[,P]  the ports clients reach the dataplane on: Gateway listeners on
                                  other ports are not served, PortUnavailable (default 443)
  --gateway-dataplane-ports FIRST-LAST
                                  give each Gateway an address of its own: a Service per Gateway
                                  with a listener to serve, in --gateway-service-namespace,
                                  sending each listener port to a dataplane port of this range
                                  (snigate-dataplane --scoped-listen on each) that serves that
                                  Gateway's routes alone; listeners may then take any port, and
                                  --gateway-listener-ports no longer applies (default: off, every
                                  Gateway is served on the release's Service)
  --gateway-service-namespace NS  where those Services are made (default $POD_NAMESPACE)
  --gateway-service-selector K=V[,K=V]
                                  the dataplane pods' labels: those Services' selector (required
                                  with --gateway-dataplane-ports)
  --gateway-service-type TYPE     LoadBalancer, NodePort or ClusterIP (default LoadBalancer); the
                                  Gateway's status.addresses are the load balancer's, or for
                                  the others the cluster IP
  --default-backend-service NS/NAME[:PORT]
                                  the catch-all: clients whose name no route matches (or who send
                                  none) go to this Service's endpoints (default: none, they are
                                  refused); tenants' Ingresses cannot set it
  --hostname-delegation NS=PATTERN[,PATTERN...]
                                  only namespace NS may claim names the PATTERNs cover
                                  (a.example.com, *.a.example.com: any name below, or *: every
                                  name); repeatable; the most specific pattern covering a name
                                  decides; names no pattern covers are open to every namespace
  --publish-service NS/NAME       write that Service's load-balancer addresses into the status of
                                  our Ingresses
  --publish-status-address A[,B]  write these addresses (IPs or host names) instead
  --leader-elect                  elect a leader with a Lease; only the leader writes Ingress
                                  status, every replica routes (default off: this replica writes)
  --leader-election-namespace NS  namespace of the Lease (default $POD_NAMESPACE, else default)
  --leader-election-id NAME       name of the Lease (default snigate-controller)
  --identity NAME                 this replica's name in the Lease (default $POD_NAME or the host
                                  name, then _PID)
  --admin-listen ADDR:PORT        /healthz, /readyz, /metrics (default 127.0.0.1:9091); ADDR is
                                  IPv4 or IPv6, with or without brackets ($(POD_IP):9091)
  --wait-for-dataplane DUR        on SIGTERM, keep routing until the dataplane closes the control
                                  socket (it exited after its drain) or DUR passed, whichever
                                  comes first; a pod's dataplane still accepts clients while its
                                  preStop hook runs (default 0: stop at once)
  --min-watch-timeout DUR         each watch asks the server to end it after 1-2 times this, at
                                  random (default 5m)
  --absent-kind-retry DUR         how often to list a Gateway API kind (or Namespaces) again while
                                  it is not installed or not granted (default 30s)
  --push-quiet-period DUR         a change after a quiet spell is pushed at once; the changes of
                                  a burst (this soon after a push) once they have been quiet this
                                  long (default 20ms)
  --push-max-delay DUR            but never later than this after the burst's first change
                                  (default 100ms)
  --log-level LEVEL               debug, info, warn or error (default info); logs go to stderr
  --help                          this text
  --version                       print the version

Durations take a unit: ms, s, m or h (250ms, 5s, 5m).
Signals: SIGTERM/SIGINT stop watching (after --wait-for-dataplane), release the Lease and exit 0;
a second signal stops at once.
)";
}

Options parse_options(int argc, char** argv) {
  Options options;
  options.leader_election_namespace = std::getenv("POD_NAMESPACE") ? std::getenv("POD_NAMESPACE") : "default";
  options.identity = default_identity();
  translate::GatewayServiceSettings gateway_services;
  if (const char* pod_namespace = std::getenv("POD_NAMESPACE")) gateway_services.namespace_name = pod_namespace;
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) throw UsageError(flag + " needs a value");
      return argv[++i];
    };
    if (flag == "--kubeconfig") options.kubeconfig = value();
    else if (flag == "--watch-namespace") options.watch_namespace = value();
    else if (flag == "--control-socket") options.control_socket = value();
    else if (flag == "--dump-snapshot") options.dump_snapshot = true;
    else if (flag == "--controller-name") options.controller_name = value();
    else if (flag == "--ingress-class") options.ingress_class = value();
    else if (flag == "--gateway-api") {
      const std::string mode = value();
      if (mode != "auto" && mode != "off") throw UsageError("--gateway-api must be auto or off, not " + mode);
      options.gateway_api = mode == "auto";
    } else if (flag == "--gateway-controller-name") options.gateway_controller_name = value();
    else if (flag == "--gateway-listener-ports") options.gateway_listener_ports = parse_ports(flag, value());
    else if (flag == "--gateway-dataplane-ports") parse_port_range(flag, value(), gateway_services);
    else if (flag == "--gateway-service-namespace") gateway_services.namespace_name = value();
    else if (flag == "--gateway-service-selector") gateway_services.selector = parse_labels(flag, value());
    else if (flag == "--gateway-service-type") {
      gateway_services.type = value();
      if (gateway_services.type != "LoadBalancer" && gateway_services.type != "NodePort" && gateway_services.type != "ClusterIP") {
        throw UsageError("--gateway-service-type must be LoadBalancer, NodePort or ClusterIP, not " + gateway_services.type);
      }
    }
    else if (flag == "--default-backend-service") options.default_backend_service = parse_default_backend(value());
    else if (flag == "--hostname-delegation") {
      if (const auto problem = options.hostname_delegation.add_rule(value())) throw UsageError("--hostname-delegation: " + *problem);
    } else if (flag == "--publish-service") {
      options.publish_service = value();
      if (options.publish_service->find('/') == std::string::npos) throw UsageError("--publish-service takes NAMESPACE/NAME");
    } else if (flag == "--publish-status-address") options.publish_status_addresses = split_comma_list(value());
    else if (flag == "--leader-elect") options.leader_elect = true;
    else if (flag == "--leader-election-namespace") options.leader_election_namespace = value();
    else if (flag == "--leader-election-id") options.leader_election_id = value();
    else if (flag == "--identity") options.identity = value();
    else if (flag == "--admin-listen") {
      options.admin_listen = value();
      try {
        io::parse_endpoint_text(options.admin_listen);
      } catch (const std::invalid_argument& error) {
        throw UsageError("--admin-listen: " + std::string(error.what()));
      }
    }
    else if (flag == "--wait-for-dataplane") options.wait_for_dataplane = parse_duration(flag, value());
    else if (flag == "--absent-kind-retry") options.absent_kind_retry = parse_duration(flag, value());
    else if (flag == "--min-watch-timeout") {
      options.min_watch_timeout = std::chrono::duration_cast<std::chrono::seconds>(parse_duration(flag, value()));
      if (options.min_watch_timeout < std::chrono::seconds(1)) throw UsageError("--min-watch-timeout must be at least 1s");
    } else if (flag == "--push-quiet-period") options.push_quiet_period = parse_duration(flag, value());
    else if (flag == "--push-max-delay") options.push_max_delay = parse_duration(flag, value());
    else if (flag == "--log-level") {
      const std::string name = value();
      const auto level = log::parse_level(name);
      if (!level) throw UsageError("--log-level must be debug, info, warn or error, not " + name);
      options.log_level = *level;
    } else if (flag == "--help" || flag == "-h") options.help = true;
    else if (flag == "--version") options.version = true;
    else throw UsageError("unknown flag " + flag + " (see --help)");
  }
  if (gateway_services.first_port != 0) {
    if (gateway_services.selector.empty()) throw UsageError("--gateway-dataplane-ports needs --gateway-service-selector");
    if (gateway_services.namespace_name.empty()) {
      throw UsageError("--gateway-dataplane-ports needs --gateway-service-namespace (or $POD_NAMESPACE)");
    }
    // The translation finds the Services it made in the object store.
    if (options.watch_namespace && *options.watch_namespace != gateway_services.namespace_name) {
      throw UsageError("--gateway-service-namespace must be the --watch-namespace, where the controller sees Services");
    }
    options.gateway_services = std::move(gateway_services);
  }
  if (!options.help && !options.version && !options.dump_snapshot && !options.control_socket) {
    throw UsageError("--control-socket PATH is required (or --dump-snapshot)");
  }
  return options;
}

}  // namespace snigate::controller
