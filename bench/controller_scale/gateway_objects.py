"""The Gateway API objects of the scale benchmark: a GatewayClass of snigate's (named after the
benchmark's namespace), a Gateway "edge" in that namespace with one TLS Passthrough listener on
port 443 (the controller's --gateway-listener-ports default), and TLSRoutes route-k, each routing
its own hostname to an existing Service of the benchmark. Also what their status says."""

from dataclasses import dataclass

from .scale_objects import DOMAIN, SERVICE_PORT, service_name

GROUP_VERSION = "gateway.networking.k8s.io/v1"
GATEWAY_CONTROLLER_NAME = "snigate.io/gateway-controller"
GATEWAY_NAME = "edge"
LISTENER_PORT = 443


def route_name(number: int) -> str:
    return f"route-{number:05d}"


def route_hostname(number: int) -> str:
    return f"{route_name(number)}.{DOMAIN}"


def condition_true(conditions: list, condition_type: str) -> bool:
    return any(entry.get("type") == condition_type and entry.get("status") == "True" for entry in conditions or [])


def accepted_by(route: dict, controller_name: str) -> bool:
    """Whether the route's status.parents entry of controller_name says Accepted=True."""
    return any(parent.get("controllerName") == controller_name and condition_true(parent.get("conditions"), "Accepted")
               for parent in route.get("status", {}).get("parents") or [])


@dataclass(frozen=True)
class GatewayObjects:
    namespace: str

    @property
    def gateway_class(self) -> str:
        return f"snigate-{self.namespace}"

    def gateway_class_path(self) -> str:
        return f"/apis/{GROUP_VERSION}/gatewayclasses/{self.gateway_class}"

    def gateway_path(self) -> str:
        return f"/apis/{GROUP_VERSION}/namespaces/{self.namespace}/gateways/{GATEWAY_NAME}"

    def route_path(self, number: int = None) -> str:
        base = f"/apis/{GROUP_VERSION}/namespaces/{self.namespace}/tlsroutes"
        return base if number is None else f"{base}/{route_name(number)}"

    def gateway_class_item(self) -> tuple:
        return f"/apis/{GROUP_VERSION}/gatewayclasses", {
            "apiVersion": GROUP_VERSION, "kind": "GatewayClass",
            "metadata": {"name": self.gateway_class}, "spec": {"controllerName": GATEWAY_CONTROLLER_NAME}}

    def gateway_item(self) -> tuple:
        return self.gateway_path().rsplit("/", 1)[0], {
            "apiVersion": GROUP_VERSION, "kind": "Gateway",
            "metadata": {"name": GATEWAY_NAME},
            "spec": {"gatewayClassName": self.gateway_class, "listeners": [
                {"name": "tls", "port": LISTENER_PORT, "protocol": "TLS", "tls": {"mode": "Passthrough"}}]}}

    def route_item(self, number: int, service_index: int) -> tuple:
        """TLSRoute route-number: its hostname to Service service_index, through the Gateway's listener."""
        return self.route_path(), {
            "apiVersion": GROUP_VERSION, "kind": "TLSRoute",
            "metadata": {"name": route_name(number)},
            "spec": {"parentRefs": [{"name": GATEWAY_NAME, "sectionName": "tls"}],
                     "hostnames": [route_hostname(number)],
                     "rules": [{"backendRefs": [{"name": service_name(service_index), "port": SERVICE_PORT}]}]}}
