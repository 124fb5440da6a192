"""What every rendering of the chart must hold, and what each value set in values/ must change.

  python3 tests/chart/rendered_manifests.py      # renders each value set with helm, checks it

Prints one line per value set and exits non-zero when any check fails.
"""

import re
import subprocess
import sys
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parents[1]
HELM = REPO_ROOT / ".tools/bin/helm"
RELEASE, NAMESPACE = "snigate", "snigate-system"


def render(values_file=None):
    command = [str(HELM), "template", RELEASE, str(REPO_ROOT / "charts/snigate"), "--namespace", NAMESPACE]
    if values_file:
        command += ["--values", str(values_file)]
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
    r.expect(pod_context["runAsNonRoot"] is True and pod_context["runAsUser"] == 65532, "pod runs as uid 65532")
    r.expect(pod_context["seccompProfile"] == {"type": "RuntimeDefault"}, "seccomp RuntimeDefault")

    https_port = next(p for p in dataplane["ports"] if p["name"] == "https")["containerPort"]
    r.expect(https_port >= 1024, "the dataplane needs no capability for its port")
    listens = flag_values(dataplane["args"], "listen")
    r.expect(listens and all(a.endswith(f":{https_port}") for a in listens), "dataplane listens on its https port")
    pre_stop = dataplane["lifecycle"]["preStop"]["sleep"]["seconds"]
    drain = seconds(flag(dataplane["args"], "drain-timeout"))
    r.expect(spec["terminationGracePeriodSeconds"] > pre_stop + drain, "grace period outlasts preStop and drain")

    service = next(s for s in r.all("Service") if s["metadata"]["name"] == RELEASE)
    r.expect(selects_pods(service["spec"]["selector"]), "Service selects the pods")
    r.expect(service["spec"]["ports"][0]["targetPort"] == "https", "Service targets the https port")
    publish = flag(controller["args"], "publish-service")
    r.expect(publish in (None, f"{NAMESPACE}/{RELEASE}"), "--publish-service names the chart's own Service")
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
    leases = r.rules("Role", NAMESPACE).get(("coordination.k8s.io", "leases"), set())
    r.expect({"get", "create", "update"} <= leases, "Leases granted in the release namespace")
    r.expect(("coordination.k8s.io", "leases") not in r.rules("ClusterRole"), "Leases not granted cluster-wide")

    if r.all("PodDisruptionBudget"):
        r.expect(selects_pods(r.one("PodDisruptionBudget")["spec"]["selector"]["matchLabels"]), "PDB selects the pods")


def check_defaults(r):
    r.expect(r.workload["kind"] == "Deployment" and r.workload["spec"]["replicas"] == 2, "Deployment of 2")
    service = r.one("Service")
    r.expect(service["spec"]["type"] == "LoadBalancer" and service["spec"]["ports"][0]["port"] == 443, "LoadBalancer on 443")
    cluster = r.rules("ClusterRole")
    for resource in ("services", "endpointslices", "ingresses", "ingressclasses"):
        r.expect(any(res == resource for _, res in cluster), f"ClusterRole grants {resource}")
    r.expect("annotations" not in r.one("IngressClass")["metadata"], "IngressClass is not the default")
    spec = r.pod["spec"]
    r.expect(spec["topologySpreadConstraints"][0]["topologyKey"] == "kubernetes.io/hostname", "spread over nodes")
    r.expect("preferredDuringSchedulingIgnoredDuringExecution" in spec["affinity"]["podAntiAffinity"], "soft anti-affinity")
    r.expect(not r.all("ServiceMonitor"), "no ServiceMonitor by default")
    controller_args = r.container("controller")["args"]
    r.expect(flag(controller_args, "leader-elect") is True, "leader election on")
    r.expect(flag(controller_args, "leader-election-id") == RELEASE, "one Lease per release")


def check_daemonset_host_network(r):
    r.expect(r.workload["kind"] == "DaemonSet" and "replicas" not in r.workload["spec"], "DaemonSet")
    spec = r.pod["spec"]
    r.expect(spec.get("hostNetwork") is True and spec.get("dnsPolicy") == "ClusterFirstWithHostNet", "host network")
    r.expect("topologySpreadConstraints" not in spec and "affinity" not in spec, "a DaemonSet needs no spreading")
    r.expect(flag(r.container("dataplane")["args"], "workers") == "2", "--workers")


def check_namespace_scoped(r):
    watched = "chart-apps"
    r.expect(flag(r.container("controller")["args"], "watch-namespace") == watched, "--watch-namespace")
    cluster = r.rules("ClusterRole")
    r.expect(set(cluster) == {("networking.k8s.io", "ingressclasses")}, f"ClusterRole only for IngressClasses: {set(cluster)}")
    in_watched = {resource for _, resource in r.rules("Role", watched)}
    r.expect({"services", "endpointslices", "ingresses", "ingresses/status", "events"} <= in_watched,
             f"Role in {watched} grants the namespaced kinds: {in_watched}")
    r.expect(("", "services") in r.rules("Role", NAMESPACE), "own Service readable for --publish-service")
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
    r.expect(flag_values(dataplane["args"], "listen") == ["0.0.0.0:8443", "[::]:8443"], "IPv4 and IPv6 listeners")
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


VALUE_SETS = {
    "defaults": (None, check_defaults),
    "daemonset-host-network": (HERE / "values/daemonset-host-network.yaml", check_daemonset_host_network),
    "namespace-scoped": (HERE / "values/namespace-scoped.yaml", check_namespace_scoped),
    "nodeport": (HERE / "values/nodeport.yaml", check_nodeport),
    "every-option": (HERE / "values/every-option.yaml", check_every_option),
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
