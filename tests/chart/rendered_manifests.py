"""What every rendering of the chart must hold, and what each value set in values/ must change.

  python3 tests/chart/rendered_manifests.py      # renders each value set with helm, checks it

Prints one line per value set and exits non-zero when any check fails.
"""

import json
import re
import subprocess
import sys
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parents[1]
HELM = REPO_ROOT / ".tools/bin/helm"
RELEASE, NAMESPACE = "snigate", "snigate-system"


def render(values_file=None, *settings, api_versions=()):
    command = [str(HELM), "template", RELEASE, str(REPO_ROOT / "charts/snigate"), "--namespace", NAMESPACE]
    for api_version in api_versions:
        command += ["--api-versions", api_version]
    if values_file:
        command += ["--values", str(values_file)]
    for setting in settings:
        command += ["--set", setting]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return [document for document in yaml.safe_load_all(output) if document]


def flag_values(args, name):
    """Every value given to --name in a container's args ('--name VALUE' or '--name=VALUE'); True
    for a bare --name."""
    found = []
    for index, arg in enumerate(args):
        if arg == f"--{name}":
            following = args[index + 1] if index + 1 < len(args) else "--"
            found.append(True if following.startswith("--") else following)
        elif arg.startswith(f"--{name}="):
            found.append(arg.split("=", 1)[1])
    return found


def flag(args, name):
    """The value of --name, True for a bare --name, None if absent."""
    values = flag_values(args, name)
    return values[-1] if values else None


def seconds(duration):
    number, unit = re.fullmatch(r"(\d+)(ms|s|m|h)", duration).groups()
    return int(number) * {"ms": 0.001, "s": 1, "m": 60, "h": 3600}[unit]


class Rendering:
    def __init__(self, documents):
        self.documents = documents
        self.problems = []

    def expect(self, condition, what):
        if not condition:
            self.problems.append(what)

    def all(self, kind):
        return [d for d in self.documents if d["kind"] == kind]

    def one(self, kind, namespace=None):
        matches = [d for d in self.all(kind) if namespace is None or d["metadata"].get("namespace") == namespace]
        assert len(matches) == 1, f"want one {kind}{' in ' + namespace if namespace else ''}, got {len(matches)}"
        return matches[0]

    @property
    def fullname(self):
        return self.workload["metadata"]["name"]

    @property
    def workload(self):
        return next(d for d in self.documents if d["kind"] in ("Deployment", "DaemonSet"))

    @property
    def pod(self):
        return self.workload["spec"]["template"]

    def container(self, name):
        return next(c for c in self.pod["spec"]["containers"] if c["name"] == name)

    def rules(self, kind, namespace=None):
        """(apiGroup, resource) -> verbs granted by the Roles or ClusterRoles rendered."""
        granted = {}
        for role in self.all(kind):
            if namespace and role["metadata"]["namespace"] != namespace:
                continue
            for rule in role["rules"]:
                for group in rule["apiGroups"]:
                    for resource in rule["resources"]:
                        granted.setdefault((group, resource), set()).update(rule["verbs"])
        return granted


def check_every_rendering(r):
    pod_labels = r.pod["metadata"]["labels"]
    for document in r.documents:
        metadata = document["metadata"]
        r.expect(metadata["labels"].get("app.kubernetes.io/instance") == RELEASE, f"{document['kind']} has no release label")
    selects_pods = lambda selector: all(pod_labels.get(k) == v for k, v in selector.items())
    r.expect(selects_pods(r.workload["spec"]["selector"]["matchLabels"]), "workload selector misses its pods")

    spec = r.pod["spec"]
    r.expect([c["name"] for c in spec["containers"]] == ["controller", "dataplane"], "pod runs controller and dataplane")
    check_token_reaches_the_controller_only(r)
    check_admin_endpoints(r)
    controller, dataplane = r.container("controller"), r.container("dataplane")
    socket = flag(dataplane["args"], "control-socket")
    r.expect(socket and socket == flag(controller["args"], "control-socket"), "both programs use one control socket")
    volume = next(v for v in spec["volumes"] if "emptyDir" in v)
    for container in (controller, dataplane):
        mounts = {m["name"]: m["mountPath"] for m in container["volumeMounts"]}
        r.expect(socket.startswith(mounts.get(volume["name"], "//") + "/"), f"{container['name']} mounts the socket's emptyDir")
        context = container["securityContext"]
        r.expect(context["readOnlyRootFilesystem"] is True, f"{container['name']}: read-only root")
        r.expect(context["allowPrivilegeEscalation"] is False, f"{container['name']}: no privilege escalation")
        r.expect(context["capabilities"] == {"drop": ["ALL"]}, f"{container['name']}: drops ALL capabilities")
        admin_port = int(flag(container["args"], "admin-listen").rsplit(":", 1)[1])
        ports = {p["name"]: p["containerPort"] for p in container["ports"]}
        for probe, path in (("livenessProbe", "/healthz"), ("readinessProbe", "/readyz")):
            get = container[probe]["httpGet"]
            r.expect(get["path"] == path and ports[get["port"]] == admin_port,
                     f"{container['name']} {probe} asks {path} on its admin port")
        r.expect(container["command"][0] == f"/usr/local/bin/snigate-{container['name']}", f"{container['name']} command")
    pod_context = spec["securityContext"]
    r.expect(pod_context["runAsNonRoot"] is True, "pod runs as non-root")
    r.expect(pod_context["seccompProfile"] == {"type": "RuntimeDefault"}, "seccomp RuntimeDefault")

    https_port = next(p for p in dataplane["ports"] if p["name"] == "https")["containerPort"]
    r.expect(https_port >= 1024, "the dataplane needs no capability for its port")
    listens = flag_values(dataplane["args"], "listen") + flag_values(dataplane["args"], "proxy-protocol-listen")
    r.expect(listens and all(a.endswith(f":{https_port}") for a in listens), "dataplane listens on its https port")
    pre_stop = pre_stop_seconds(dataplane)
    r.expect(pre_stop is None or pre_stop > 0, "no preStop sleep of 0 seconds (apiservers before 1.33 refuse it)")
    drain = seconds(flag(dataplane["args"], "drain-timeout"))
    grace = spec["terminationGracePeriodSeconds"]
    r.expect(grace > (pre_stop or 0) + drain, "grace period outlasts preStop and drain")
    # The controller gets SIGTERM at once; it must route on while the dataplane accepts and drains,
    # and stop before the kubelet kills it.
    wait = seconds(flag(controller["args"], "wait-for-dataplane") or "0s")
    r.expect((pre_stop or 0) + drain <= wait < grace, f"controller waits for the dataplane: {wait}s of {grace}s")

    service = next(s for s in r.all("Service") if s["metadata"]["name"] == r.fullname)
    r.expect(selects_pods(service["spec"]["selector"]), "Service selects the pods")
    r.expect(service["spec"]["ports"][0]["targetPort"] == "https", "Service targets the https port")
    publish = flag(controller["args"], "publish-service")
    r.expect(publish in (None, f"{NAMESPACE}/{r.fullname}"), "--publish-service names the chart's own Service")
    r.expect(publish or flag(controller["args"], "publish-status-address"), "Ingress status has a source")

    ingress_class = r.one("IngressClass")
    r.expect(ingress_class["spec"]["controller"] == flag(controller["args"], "controller-name"),
             "IngressClass controller equals --controller-name")
    r.expect(ingress_class["metadata"]["name"] == flag(controller["args"], "ingress-class"), "--ingress-class")

    account = r.one("ServiceAccount")
    r.expect(spec["serviceAccountName"] == account["metadata"]["name"], "pod uses the chart's ServiceAccount")
    for binding in r.all("RoleBinding") + r.all("ClusterRoleBinding"):
        subject = binding["subjects"][0]
        r.expect((subject["name"], subject["namespace"]) == (account["metadata"]["name"], NAMESPACE),
                 f"{binding['kind']} binds the chart's ServiceAccount")
    for cluster_scoped in r.all("ClusterRole") + r.all("ClusterRoleBinding"):
        r.expect(cluster_scoped["metadata"]["name"] == f"{NAMESPACE}-{r.fullname}",
                 f"{cluster_scoped['kind']} named after namespace and release: two releases of one name must not share it")
    for binding in r.all("ClusterRoleBinding"):
        r.expect(binding["roleRef"]["name"] == binding["metadata"]["name"], "ClusterRoleBinding binds its own ClusterRole")
    leases = r.rules("Role", NAMESPACE).get(("coordination.k8s.io", "leases"), set())
    r.expect({"get", "create", "update"} <= leases, "Leases granted in the release namespace")
    r.expect(("coordination.k8s.io", "leases") not in r.rules("ClusterRole"), "Leases not granted cluster-wide")

    if r.all("PodDisruptionBudget"):
        budget = r.one("PodDisruptionBudget")["spec"]
        r.expect(selects_pods(budget["selector"]["matchLabels"]), "PDB selects the pods")
        r.expect(len({"minAvailable", "maxUnavailable"} & set(budget)) == 1, "PDB sets one of minAvailable, maxUnavailable")
        if r.workload["kind"] == "DaemonSet":
            # The eviction API honours only an integer minAvailable for pods without a scale subresource.
            r.expect(isinstance(budget.get("minAvailable"), int), "a DaemonSet's PDB is an integer minAvailable")

    if r.workload["kind"] == "Deployment":
        rolling = r.workload["spec"]["strategy"]["rollingUpdate"]
        claims_node_port = spec.get("hostNetwork") or any("hostPort" in p for p in dataplane["ports"])
        if claims_node_port:
            r.expect(rolling == {"maxSurge": 0, "maxUnavailable": 1}, f"pods holding a node port roll without surge: {rolling}")
        else:
            r.expect(rolling == {"maxSurge": 1, "maxUnavailable": 0}, f"rollouts keep capacity: {rolling}")

    for service in r.all("Service"):
        families = service["spec"].get("ipFamilies", [])
        r.expect(len(families) == len(set(families)), "ipFamilies without repeats")
    check_address_per_gateway(r)


SERVICE_WRITES = {"create", "patch", "update", "delete"}


def gateway_dataplane_ports(r):
    """The scoped listen ports the controller is given (--gateway-dataplane-ports FIRST-LAST), or None."""
    ports = flag(r.container("controller")["args"], "gateway-dataplane-ports")
    if ports is None:
        return None
    first, last = (int(port) for port in ports.split("-"))
    return range(first, last + 1)


def check_address_per_gateway(r):
    """With a Service per Gateway, the controller creates them in the release's namespace selecting
    the pods, may write Services there and nowhere else, and every port of the range is a scoped
    listener of the dataplane on each of its listen addresses; without, nothing of it."""
    controller, dataplane = r.container("controller"), r.container("dataplane")
    ports = gateway_dataplane_ports(r)
    scoped = flag_values(dataplane["args"], "scoped-listen")
    cluster_writes = r.rules("ClusterRole").get(("", "services"), set()) & SERVICE_WRITES
    r.expect(not cluster_writes, f"Services are never written cluster-wide: {cluster_writes}")
    for role in r.all("Role"):
        if role["metadata"]["namespace"] != NAMESPACE:
            writes = r.rules("Role", role["metadata"]["namespace"]).get(("", "services"), set()) & SERVICE_WRITES
            r.expect(not writes, f"Services written only in the release's namespace: {writes}")
    release_writes = r.rules("Role", NAMESPACE).get(("", "services"), set()) & SERVICE_WRITES
    if ports is None:
        r.expect(not scoped, f"no scoped listeners without Gateway Services: {scoped}")
        r.expect(not release_writes, f"no Service writes without Gateway Services: {release_writes}")
        for name in ("gateway-service-namespace", "gateway-service-selector", "gateway-service-type"):
            r.expect(flag(controller["args"], name) is None, f"--{name} only with --gateway-dataplane-ports")
        return
    r.expect(flag(controller["args"], "gateway-service-namespace") == NAMESPACE, "Gateway Services in the release's namespace")
    selector = dict(pair.split("=", 1) for pair in flag(controller["args"], "gateway-service-selector").split(","))
    r.expect(selector == r.workload["spec"]["selector"]["matchLabels"], f"Gateway Services select the pods: {selector}")
    r.expect(flag(controller["args"], "gateway-service-type") in ("LoadBalancer", "NodePort", "ClusterIP"), "--gateway-service-type")
    reads = r.rules("Role", NAMESPACE).get(("", "services"), set()) | r.rules("ClusterRole").get(("", "services"), set())
    r.expect(release_writes == SERVICE_WRITES and {"get", "list", "watch"} <= reads,
             f"the Gateway Services may be read and written in the release's namespace: {release_writes}, {reads}")
    https_port = next(p for p in dataplane["ports"] if p["name"] == "https")["containerPort"]
    r.expect(https_port not in ports, "the scoped ports leave the plain listener's port alone")
    addresses = [a.rsplit(":", 1)[0] for a in flag_values(dataplane["args"], "listen") + flag_values(dataplane["args"], "proxy-protocol-listen")]
    r.expect(sorted(scoped) == sorted(f"{address}:{port}" for address in addresses for port in ports),
             f"a scoped listener per port of {ports.start}-{ports.stop - 1} on each listen address: {scoped}")
    for policy in r.all("NetworkPolicy"):
        opened = [p for rule in policy["spec"]["ingress"] for p in rule["ports"] if p.get("endPort")]
        r.expect([(p["port"], p["endPort"]) for p in opened] == [(ports.start, ports.stop - 1)],
                 f"the NetworkPolicy opens the scoped ports: {opened}")


def pre_stop_seconds(dataplane):
    """The dataplane's preStop sleep, None without a preStop hook."""
    pre_stop = dataplane.get("lifecycle", {}).get("preStop")
    return None if pre_stop is None else pre_stop["sleep"]["seconds"]


SERVICE_ACCOUNT_DIR = "/var/run/secrets/kubernetes.io/serviceaccount"


def check_token_reaches_the_controller_only(r):
    """The dataplane parses untrusted bytes: the API token is mounted into the controller alone."""
    spec = r.pod["spec"]
    r.expect(spec.get("automountServiceAccountToken") is False, "no token automounted into every container")
    volumes = {v["name"]: v for v in spec["volumes"]}
    token_volumes = {name for name, v in volumes.items()
                     if any("serviceAccountToken" in source for source in v.get("projected", {}).get("sources", []))}
    r.expect(len(token_volumes) == 1, f"one projected token volume: {token_volumes}")
    for container in spec["containers"]:
        mounts = {m["name"]: m for m in container.get("volumeMounts", [])}
        has_token = bool(token_volumes & set(mounts))
        if container["name"] == "controller":
            mount = mounts.get(next(iter(token_volumes), ""), {})
            r.expect(has_token and mount.get("mountPath") == SERVICE_ACCOUNT_DIR and mount.get("readOnly") is True,
                     "the controller reads its token where in-cluster clients look")
        else:
            r.expect(not has_token, f"{container['name']} gets no API token")
    sources = volumes[next(iter(token_volumes))]["projected"]["sources"] if token_volumes else []
    paths = {item["path"] for source in sources for kind in ("configMap", "downwardAPI") for item in source.get(kind, {}).get("items", [])}
    paths |= {source["serviceAccountToken"]["path"] for source in sources if "serviceAccountToken" in source}
    r.expect(paths == {"token", "ca.crt", "namespace"}, f"token, ca.crt and namespace, as the kubelet mounts them: {paths}")


def check_admin_endpoints(r):
    """Admin ports listen on the pod's IP by default (IPv4 or IPv6, and with hostNetwork not on every
    node address), from the downward API."""
    for container in r.pod["spec"]["containers"]:
        address = flag(container["args"], "admin-listen").rsplit(":", 1)[0]
        r.expect(address != "0.0.0.0", f"{container['name']} admin endpoint is not IPv4-only on every address")
        if address == "$(POD_IP)":
            pod_ip = [e for e in container.get("env", []) if e["name"] == "POD_IP"]
            r.expect(pod_ip and pod_ip[0]["valueFrom"]["fieldRef"]["fieldPath"] == "status.podIP",
                     f"{container['name']} has POD_IP from the downward API")


def exported_dataplane_metrics():
    """Every series name the dataplane renders: its families, a histogram's as _bucket, _sum and _count."""
    source = (REPO_ROOT / "dataplane/metrics/prometheus_text.cpp").read_text()
    histograms = set(re.findall(r'"(snigate_[a-z_]+)", "histogram"', source))
    names = set(re.findall(r'"(snigate_[a-z_]+)"', source)) - histograms
    return names | {family + suffix for family in histograms for suffix in ("_bucket", "_sum", "_count")}


def queries_of(node):
    """Every PromQL string of a Grafana dashboard: the panels' expr and the variables' queries."""
    if isinstance(node, list):
        return [query for item in node for query in queries_of(item)]
    if not isinstance(node, dict):
        return []
    found = [value for key, value in node.items() if key in ("expr", "definition") and isinstance(value, str)]
    if isinstance(node.get("query"), dict):
        found.append(node["query"]["query"])
    return found + [query for value in node.values() for query in queries_of(value)]


def check_grafana_dashboard(r, config_map):
    """The dashboard ConfigMap holds one dashboard, valid JSON, whose every query reads series the
    dataplane exports."""
    files = config_map["data"]
    r.expect(list(files) == ["snigate-dataplane.json"], f"one dashboard file: {list(files)}")
    dashboard = json.loads(files["snigate-dataplane.json"])
    r.expect(dashboard["uid"] == "snigate-dataplane" and dashboard["panels"], "a dashboard with panels")
    queries = queries_of(dashboard)
    exported = exported_dataplane_metrics()
    used = {name for query in queries for name in re.findall(r"\bsnigate_[a-z_]+\b", query)}
    r.expect(used - exported == set(), f"the dashboard reads series the dataplane does not export: {used - exported}")
    for family in ("snigate_client_hello_wait_seconds", "snigate_backend_connect_seconds",
                   "snigate_connection_duration_seconds", "snigate_connections_total", "snigate_active_connections"):
        r.expect(any(family in query for query in queries), f"the dashboard shows {family}")
    r.expect(any(query.startswith("histogram_quantile(0.99,") for query in queries), "p99 panels")
    for panel in dashboard["panels"]:
        for target in panel.get("targets", []):
            r.expect(target.get("expr") and target["datasource"] == {"type": "prometheus", "uid": "${datasource}"},
                     f"panel {panel['title']!r}: every target an expr on the chosen data source")


def check_defaults(r):
    r.expect(r.workload["kind"] == "Deployment" and r.workload["spec"]["replicas"] == 2, "Deployment of 2")
    r.expect(r.pod["spec"]["securityContext"]["runAsUser"] == 65532, "pod runs as uid 65532")
    for container in r.pod["spec"]["containers"]:
        r.expect(flag(container["args"], "admin-listen").startswith("$(POD_IP):"), f"{container['name']} admin on the pod IP")
    r.expect(pre_stop_seconds(r.container("dataplane")) == 10, "preStop sleeps 10 s")
    dataplane_args = r.container("dataplane")["args"]
    r.expect(flag(dataplane_args, "admin-drain-from") is None, "POST /drain from loopback only")
    r.expect((flag(dataplane_args, "outlier-failures"), flag(dataplane_args, "outlier-ejection"),
              flag(dataplane_args, "outlier-max-ejection")) == ("5", "10s", "300s"), "the dataplane's outlier defaults")
    r.expect(flag(dataplane_args, "access-log") == "on" and flag(dataplane_args, "access-log-sample") is None,
             "every connection logged")
    r.expect(r.one("PodDisruptionBudget")["spec"] == {"maxUnavailable": 1, "selector": r.workload["spec"]["selector"]},
             "PDB maxUnavailable 1")
    r.expect(not r.all("HorizontalPodAutoscaler") and not r.all("NetworkPolicy") and not r.all("PodMonitor")
             and not r.all("PrometheusRule"), "no HPA, NetworkPolicy, PodMonitor or PrometheusRule by default")
    r.expect(not r.all("ConfigMap"), "no Grafana dashboard by default")
    sidecar_default = Rendering(render(None, "grafanaDashboard.enabled=true")).one("ConfigMap")
    r.expect(sidecar_default["metadata"]["labels"].get("grafana_dashboard") == "1"
             and sidecar_default["metadata"]["namespace"] == NAMESPACE,
             "the dashboard carries the Grafana sidecar's default label, in the release's namespace")
    service = r.one("Service")
    r.expect(service["spec"]["type"] == "LoadBalancer" and service["spec"]["ports"][0]["port"] == 443, "LoadBalancer on 443")
    cluster = r.rules("ClusterRole")
    for resource in ("services", "endpointslices", "ingresses", "ingressclasses", "namespaces", "gatewayclasses", "gateways",
                     "tlsroutes", "referencegrants"):
        r.expect(any(res == resource for _, res in cluster), f"ClusterRole grants {resource}")
    r.expect("annotations" not in r.one("IngressClass")["metadata"], "IngressClass is not the default")
    spec = r.pod["spec"]
    r.expect(spec["topologySpreadConstraints"][0]["topologyKey"] == "kubernetes.io/hostname", "spread over nodes")
    r.expect("preferredDuringSchedulingIgnoredDuringExecution" in spec["affinity"]["podAntiAffinity"], "soft anti-affinity")
    r.expect(not r.all("ServiceMonitor"), "no ServiceMonitor by default")
    controller_args = r.container("controller")["args"]
    r.expect(flag(controller_args, "leader-elect") is True, "leader election on")
    check_gateway_api_defaults(r, controller_args)
    r.expect(flag(controller_args, "leader-election-id") == RELEASE, "one Lease per release")


def check_gateway_api_defaults(r, controller_args):
    r.expect(flag(controller_args, "gateway-api") is None
             and flag(controller_args, "gateway-controller-name") == "snigate.io/gateway-controller"
             and flag(controller_args, "gateway-listener-ports") is None, "Gateway API on, listeners on any port")
    r.expect(not r.all("CustomResourceDefinition"), "no Gateway API CRDs by default")
    r.expect(not r.all("GatewayClass"), "no GatewayClass while the cluster does not serve the kind")
    served = Rendering(render(None, api_versions=["gateway.networking.k8s.io/v1/GatewayClass"]))
    gateway_class = served.one("GatewayClass")
    r.expect(gateway_class["metadata"]["name"] == "snigate"
             and gateway_class["spec"]["controllerName"] == "snigate.io/gateway-controller",
             "a GatewayClass for our controllerName once the kind is served")
    crds = Rendering(render(None, "gatewayAPI.installCRDs=true", "service.port=8443")).all("CustomResourceDefinition")
    r.expect(sorted(crd["metadata"]["name"] for crd in crds)
             == [f"{plural}.gateway.networking.k8s.io" for plural in ("gatewayclasses", "gateways", "referencegrants", "tlsroutes")],
             "installCRDs: the four standard-channel CRDs")
    r.expect(all(crd["metadata"]["annotations"].get("helm.sh/resource-policy") == "keep"
                 and crd["metadata"]["annotations"].get("gateway.networking.k8s.io/bundle-version") == "v1.6.3" for crd in crds),
             "the CRDs are v1.6.3 and kept on uninstall")
    off = Rendering(render(None, "gatewayAPI.enabled=false"))
    r.expect(flag(off.container("controller")["args"], "gateway-api") == "off", "gatewayAPI.enabled=false: --gateway-api off")
    r.expect(gateway_dataplane_ports(r) == range(10443, 10459) and flag(controller_args, "gateway-service-type") == "LoadBalancer"
             and len(flag_values(r.container("dataplane")["args"], "scoped-listen")) == 16,
             "a LoadBalancer Service per Gateway, 16 scoped listeners from 10443")
    for settings in (["gatewayAPI.enabled=false"], ["gatewayAPI.addressPerGateway.enabled=false"]):
        shared = Rendering(render(None, *settings))
        check_address_per_gateway(shared)
        r.expect(gateway_dataplane_ports(shared) is None and not shared.problems,
                 f"{settings[0]}: Gateways share the release's Service: {shared.problems}")
    shared_args = Rendering(render(None, "gatewayAPI.addressPerGateway.enabled=false")).container("controller")["args"]
    r.expect(flag(shared_args, "gateway-listener-ports") == "443", "one Service for every Gateway: listeners on its port")


def check_daemonset_host_network(r):
    r.expect(r.workload["kind"] == "DaemonSet" and "replicas" not in r.workload["spec"], "DaemonSet")
    spec = r.pod["spec"]
    r.expect(spec.get("hostNetwork") is True and spec.get("dnsPolicy") == "ClusterFirstWithHostNet", "host network")
    r.expect("topologySpreadConstraints" not in spec and "affinity" not in spec, "a DaemonSet needs no spreading")
    r.expect(flag(r.container("dataplane")["args"], "workers") == "2", "--workers")
    r.expect(not r.all("PodDisruptionBudget"), "no PDB for a DaemonSet without podDisruptionBudget.minAvailable")
    with_budget = Rendering(render(HERE / "values/daemonset-host-network.yaml", "podDisruptionBudget.minAvailable=1"))
    budget = with_budget.one("PodDisruptionBudget")["spec"]
    r.expect(budget.get("minAvailable") == 1 and "maxUnavailable" not in budget, f"a DaemonSet's PDB: minAvailable 1 only: {budget}")
    r.expect(flag(r.container("dataplane")["args"], "admin-listen") == "$(POD_IP):9090",
             "with hostNetwork /metrics listens on the node's primary address only")


def check_deployment_host_network(r):
    spec = r.pod["spec"]
    r.expect(r.workload["kind"] == "Deployment" and spec.get("hostNetwork") is True, "Deployment on the host network")
    r.expect("lifecycle" not in r.container("dataplane"), "preStopSleepSeconds 0: no preStop hook")
    r.expect(spec["terminationGracePeriodSeconds"] == 20 + 15, "grace period: drain and margin")
    r.expect(flag(r.container("controller")["args"], "wait-for-dataplane") == "27s", "controller waits drain + margin/2")


def check_namespace_scoped(r):
    watched = "chart-apps"
    r.expect(flag(r.container("controller")["args"], "watch-namespace") == watched, "--watch-namespace")
    cluster = r.rules("ClusterRole")
    cluster_scoped = {("networking.k8s.io", "ingressclasses"), ("", "namespaces"),
                      ("gateway.networking.k8s.io", "gatewayclasses"), ("gateway.networking.k8s.io", "gatewayclasses/status")}
    r.expect(set(cluster) == cluster_scoped, f"ClusterRole only for the cluster-scoped kinds: {set(cluster)}")
    in_watched = {resource for _, resource in r.rules("Role", watched)}
    r.expect({"services", "endpointslices", "ingresses", "ingresses/status", "events", "gateways", "tlsroutes",
              "referencegrants"} <= in_watched,
             f"Role in {watched} grants the namespaced kinds: {in_watched}")
    r.expect(("", "services") in r.rules("Role", NAMESPACE), "own Service readable for --publish-service")
    r.expect(gateway_dataplane_ports(r) is None, "Gateways share the release's Service: theirs would be away from the pods")
    own = Rendering(render(None, f"controller.watchNamespace={NAMESPACE}"))
    check_address_per_gateway(own)
    r.expect(gateway_dataplane_ports(own) and not own.problems
             and own.rules("Role", NAMESPACE)[("", "services")] >= SERVICE_WRITES | {"get", "list", "watch"},
             f"watching the release's own namespace: a Service per Gateway there: {own.problems}")
    r.expect(len(r.all("RoleBinding")) == 2, "a RoleBinding per Role")


def check_nodeport(r):
    spec = r.one("Service")["spec"]
    r.expect(spec["type"] == "NodePort" and spec["ports"][0]["nodePort"] == 30443, "NodePort 30443")
    r.expect(spec["externalTrafficPolicy"] == "Local", "externalTrafficPolicy Local")


def check_every_option(r):
    service = next(s for s in r.all("Service") if s["metadata"]["name"] == RELEASE)
    r.expect(service["spec"]["type"] == "ClusterIP" and "externalTrafficPolicy" not in service["spec"],
             "ClusterIP without externalTrafficPolicy")
    r.expect(service["metadata"]["annotations"] == {"example.com/owner": "edge"}, "Service annotations")
    r.expect(r.one("IngressClass")["metadata"]["annotations"] == {"ingressclass.kubernetes.io/is-default-class": "true"},
             "default IngressClass")
    controller, dataplane = r.container("controller"), r.container("dataplane")
    r.expect(flag(controller["args"], "publish-status-address") == "192.0.2.10", "--publish-status-address")
    r.expect(flag(controller["args"], "publish-service") is None, "no --publish-service with a fixed address")
    r.expect(flag(controller["args"], "leader-elect") is None, "leader election off")
    r.expect(flag(controller["args"], "default-backend-service") == "edge/fallback:https", "--default-backend-service")
    r.expect(flag_values(controller["args"], "hostname-delegation") == ["bank=*.bank.example.com,bank.example.com", "platform=*"],
             "--hostname-delegation, one per namespace")
    r.expect(controller["args"][-2:] == ["--push-max-delay", "50ms"] and dataplane["args"][-2:] == ["--idle-timeout", "10m"],
             "extra args come last")
    r.expect(flag(controller["args"], "log-level") == "debug", "log level")
    r.expect(flag_values(dataplane["args"], "proxy-protocol-listen") == ["0.0.0.0:8443", "[::]:8443"] and
             not flag_values(dataplane["args"], "listen"), "IPv4 and IPv6 listeners, both behind PROXY protocol")
    r.expect(flag(dataplane["args"], "proxy-protocol-from") == "10.0.0.0/16,fd00:10::/64", "the balancer's addresses")
    r.expect(flag(controller["args"], "gateway-dataplane-ports") == "20000-20003"
             and flag(controller["args"], "gateway-service-type") == "NodePort", "Gateway Services' ports and type")
    r.expect(flag_values(dataplane["args"], "scoped-listen")[:5] == ["0.0.0.0:20000", "0.0.0.0:20001", "0.0.0.0:20002",
                                                                    "0.0.0.0:20003", "[::]:20000"],
             "scoped listeners on both addresses, without PROXY protocol")
    r.expect(flag(dataplane["args"], "admin-drain-from") == "10.0.0.0/16,fd00:10::/64", "who may POST /drain")
    r.expect((flag(dataplane["args"], "outlier-failures"), flag(dataplane["args"], "outlier-ejection"),
              flag(dataplane["args"], "outlier-max-ejection")) == ("0", "30s", "600s"), "outlier detection")
    r.expect(flag(dataplane["args"], "access-log") == "off" and flag(dataplane["args"], "access-log-sample") == "0.25",
             "access log off, sampled")
    spec = r.pod["spec"]
    r.expect(spec["terminationGracePeriodSeconds"] == 120 + 20 + 15, "grace period follows drain and preStop")
    r.expect(controller["image"] == "registry.example/snigate:1.2.3" and controller["imagePullPolicy"] == "Always", "image")
    r.expect(spec["imagePullSecrets"] == [{"name": "registry"}], "pull secrets")
    r.expect("requiredDuringSchedulingIgnoredDuringExecution" in spec["affinity"]["podAntiAffinity"], "hard anti-affinity")
    r.expect(spec["topologySpreadConstraints"][0]["whenUnsatisfiable"] == "DoNotSchedule", "strict spread")
    r.expect(spec["nodeSelector"] == {"kubernetes.io/os": "linux"} and spec["tolerations"][0]["key"] == "edge", "placement")
    r.expect(spec["priorityClassName"] == "system-cluster-critical", "priority class")
    r.expect(r.pod["metadata"]["annotations"] == {"example.com/scrape": "true"}, "pod annotations")
    r.expect(r.one("PodDisruptionBudget")["spec"]["maxUnavailable"] == 2, "PDB maxUnavailable")
    monitor = r.one("ServiceMonitor")
    metrics = next(s for s in r.all("Service") if s["metadata"]["name"] == f"{RELEASE}-metrics")
    r.expect(all(metrics["metadata"]["labels"].get(k) == v for k, v in monitor["spec"]["selector"]["matchLabels"].items()),
             "ServiceMonitor selects the metrics Service")
    r.expect(not all(service["metadata"]["labels"].get(k) == v for k, v in monitor["spec"]["selector"]["matchLabels"].items()),
             "ServiceMonitor does not select the client Service")
    r.expect({e["port"] for e in monitor["spec"]["endpoints"]} == {p["name"] for p in metrics["spec"]["ports"]},
             "ServiceMonitor scrapes both admin ports")
    r.expect(monitor["metadata"]["labels"].get("release") == "prometheus", "ServiceMonitor labels")
    dashboard = r.one("ConfigMap")
    r.expect(dashboard["metadata"]["namespace"] == "monitoring", "the dashboard goes where Grafana's sidecar looks")
    r.expect(dashboard["metadata"]["labels"].get("example.com/dashboard") == "snigate"
             and "grafana_dashboard" not in dashboard["metadata"]["labels"], "the sidecar's label, as configured")
    r.expect(dashboard["metadata"]["annotations"] == {"grafana_folder": "Ingress"}, "dashboard annotations")
    check_grafana_dashboard(r, dashboard)


def check_production(r):
    fullname = "edge-gateway"
    r.expect(r.fullname == fullname, "fullnameOverride names the objects")
    r.expect(r.pod["metadata"]["labels"]["app.kubernetes.io/name"] == "edge", "nameOverride names the app label")
    r.expect("replicas" not in r.workload["spec"], "the autoscaler owns replicas")
    controller, dataplane = r.container("controller"), r.container("dataplane")
    digest = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
    r.expect(controller["image"] == dataplane["image"] == f"registry.example/snigate@{digest}", "image pinned by digest")
    hpa = r.one("HorizontalPodAutoscaler")["spec"]
    r.expect(hpa["scaleTargetRef"] == {"apiVersion": "apps/v1", "kind": "Deployment", "name": fullname}, "HPA scales the Deployment")
    r.expect((hpa["minReplicas"], hpa["maxReplicas"]) == (3, 12), "HPA bounds")
    r.expect({m["resource"]["name"]: m["resource"]["target"]["averageUtilization"] for m in hpa["metrics"]} == {"cpu": 70, "memory": 80},
             "HPA targets")
    r.expect(hpa["behavior"] == {"scaleDown": {"stabilizationWindowSeconds": 600}}, "HPA behavior")
    r.expect(r.one("PodDisruptionBudget")["spec"].get("minAvailable") == 2, "PDB minAvailable")
    policy = r.one("NetworkPolicy")["spec"]
    r.expect(policy["podSelector"]["matchLabels"] == r.workload["spec"]["selector"]["matchLabels"], "NetworkPolicy selects the pods")
    rules = {tuple(p["port"] for p in rule["ports"]): rule.get("from") for rule in policy["ingress"]}
    r.expect(set(rules) == {("https", 10443), ("controller-adm", "dataplane-adm")},
             f"NetworkPolicy opens the named ports and the scoped ones: {set(rules)}")
    r.expect(rules.get(("controller-adm", "dataplane-adm"), [{}])[0].get("namespaceSelector") is not None,
             "admin ports only from the metrics sources")
    monitor = r.one("PodMonitor")
    r.expect(monitor["spec"]["selector"]["matchLabels"] == r.workload["spec"]["selector"]["matchLabels"], "PodMonitor selects the pods")
    ports = {p["name"] for c in (controller, dataplane) for p in c["ports"]}
    r.expect({e["port"] for e in monitor["spec"]["podMetricsEndpoints"]} == {"controller-adm", "dataplane-adm"} <= ports,
             "PodMonitor scrapes both admin ports")
    alerts = {rule["alert"] for group in r.one("PrometheusRule")["spec"]["groups"] for rule in group["rules"]}
    r.expect({"SnigateDataplaneWithoutSnapshot", "SnigateSnapshotsRejected", "SnigateBackendConnectFailures"} <= alerts,
             f"alerts: {alerts}")
    for service in r.all("Service"):
        r.expect(service["spec"].get("ipFamilyPolicy") == "PreferDualStack" and service["spec"].get("ipFamilies") == ["IPv4"],
                 f"{service['metadata']['name']}: dual-stack")
    https = next(p for p in dataplane["ports"] if p["name"] == "https")
    r.expect(https.get("hostPort") == 443, "hostPort")
    r.expect(flag(controller["args"], "admin-listen") == "[::]:9091", "controller admin on [::]")
    r.expect(flag_values(dataplane["args"], "listen") == ["[::]:8443"], "IPv6 listener")
    for container in (controller, dataplane):
        r.expect({"name": "TZ", "value": "UTC"} in container["env"], f"{container['name']} extraEnv")
        r.expect(any(m["name"] == "extra-config" for m in container["volumeMounts"]), f"{container['name']} extraVolumeMounts")
        r.expect(container["securityContext"].get("runAsNonRoot") is True and
                 container["securityContext"]["readOnlyRootFilesystem"] is True, "container security context merged")
    r.expect(any(v["name"] == "extra-config" for v in r.pod["spec"]["volumes"]), "extraVolumes")
    pod_context = r.pod["spec"]["securityContext"]
    r.expect(not {"runAsUser", "runAsGroup", "fsGroup"} & set(pod_context), f"no fixed uid or gid (OpenShift): {pod_context}")
    r.expect(controller["startupProbe"]["periodSeconds"] == 2 and controller["startupProbe"]["failureThreshold"] == 60
             and controller["startupProbe"]["timeoutSeconds"] == 1, "startup probe timings merged over the defaults")
    r.expect(controller["livenessProbe"]["timeoutSeconds"] == 3, "liveness timings")
    r.expect(dataplane["readinessProbe"]["successThreshold"] == 2, "readiness timings")


VALUE_SETS = {
    "defaults": (None, check_defaults),
    "daemonset-host-network": (HERE / "values/daemonset-host-network.yaml", check_daemonset_host_network),
    "deployment-host-network": (HERE / "values/deployment-host-network.yaml", check_deployment_host_network),
    "namespace-scoped": (HERE / "values/namespace-scoped.yaml", check_namespace_scoped),
    "nodeport": (HERE / "values/nodeport.yaml", check_nodeport),
    "every-option": (HERE / "values/every-option.yaml", check_every_option),
    "production": (HERE / "values/production.yaml", check_production),
}


def main():
    failed = 0
    for name, (values_file, check_this_set) in VALUE_SETS.items():
        rendering = Rendering(render(values_file))
        for check in (check_every_rendering, check_this_set):
            try:
                check(rendering)
            except (AssertionError, KeyError, StopIteration, TypeError) as error:
                rendering.problems.append(f"{check.__name__}: {type(error).__name__} {error}")
        if rendering.problems:
            failed += 1
            print(f"FAIL {name}: " + "; ".join(rendering.problems))
        else:
            print(f"ok   {name} ({len(rendering.documents)} objects)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
