"""The objects of the scale benchmark and the routes they should give: Service i is annotated with
svc-i's hostname and has one EndpointSlice with one or two ready endpoints; Ingress j (of snigate's
IngressClass) routes ing-j's hostname to Service j. The creation phase adds Services new-k, each
annotated with its own hostname, with an EndpointSlice shaped like Service k's. Addresses are in
10.0.0.0/8, which EndpointSlices accept; nothing ever connects to them."""

from dataclasses import dataclass

DOMAIN = "scale.example.com"
ANNOTATION = "snigate.io/hostnames"
CONTROLLER_NAME = "snigate.io/ingress-controller"
SERVICE_PORT = 443
TARGET_PORT = 8443


def service_name(index: int) -> str:
    return f"svc-{index:05d}"


def service_hostname(index: int, revision: int = 0) -> str:
    return f"svc-{index:05d}{f'-r{revision}' if revision else ''}.{DOMAIN}"


def created_service_name(number: int) -> str:
    return f"new-{number:05d}"


def created_service_hostname(number: int) -> str:
    return f"{created_service_name(number)}.{DOMAIN}"


def ingress_hostname(index: int) -> str:
    return f"ing-{index:05d}.{DOMAIN}"


def _address(block: int, number: int) -> str:
    return f"10.{block}.{(number >> 8) & 255}.{number & 255}"


def initial_addresses(index: int) -> list:
    """One endpoint for even Services, two for odd ones (10.1.x.y and 10.2.x.y)."""
    return [_address(1, index)] + ([_address(2, index)] if index % 2 else [])


def changed_addresses(index: int, change: int) -> list:
    """Change number `change` moves the slice's first endpoint to an address no other state used."""
    return [_address(3 + (change >> 16), change)] + initial_addresses(index)[1:]


@dataclass(frozen=True)
class ScaleObjects:
    namespace: str
    services: int
    ingresses: int

    @property
    def ingress_class(self) -> str:
        return f"snigate-{self.namespace}"

    def service_path(self, index: int = None) -> str:
        base = f"/api/v1/namespaces/{self.namespace}/services"
        return base if index is None else f"{base}/{service_name(index)}"

    def slice_path(self, index: int = None) -> str:
        base = f"/apis/discovery.k8s.io/v1/namespaces/{self.namespace}/endpointslices"
        return base if index is None else f"{base}/{service_name(index)}-1"

    def created_service_path(self, number: int) -> str:
        return f"{self.service_path()}/{created_service_name(number)}"

    def created_slice_path(self, number: int) -> str:
        return f"{self.slice_path()}/{created_service_name(number)}-1"

    def ingress_path(self, index: int = None) -> str:
        base = f"/apis/networking.k8s.io/v1/namespaces/{self.namespace}/ingresses"
        return base if index is None else f"{base}/ing-{index:05d}"

    def namespace_item(self) -> tuple:
        return "/api/v1/namespaces", {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": self.namespace}}

    def ingress_class_item(self) -> tuple:
        return "/apis/networking.k8s.io/v1/ingressclasses", {
            "apiVersion": "networking.k8s.io/v1", "kind": "IngressClass",
            "metadata": {"name": self.ingress_class}, "spec": {"controller": CONTROLLER_NAME}}

    def service_items(self) -> list:
        return [self._service_item(service_name(i), service_hostname(i)) for i in range(self.services)]

    def slice_items(self) -> list:
        return [self._slice_item(service_name(i), initial_addresses(i)) for i in range(self.services)]

    def created_service_item(self, number: int) -> tuple:
        return self._service_item(created_service_name(number), created_service_hostname(number))

    def created_slice_item(self, number: int) -> tuple:
        return self._slice_item(created_service_name(number), self.created_service_addresses(number))

    def created_service_addresses(self, number: int) -> list:
        return initial_addresses(number % self.services)

    def _service_item(self, name: str, hostname: str) -> tuple:
        return self.service_path(), {
            "apiVersion": "v1", "kind": "Service",
            "metadata": {"name": name, "annotations": {ANNOTATION: hostname}},
            "spec": {"ports": [{"name": "https", "port": SERVICE_PORT, "targetPort": TARGET_PORT}]},
        }

    def _slice_item(self, service: str, addresses: list) -> tuple:
        return self.slice_path(), {
            "apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
            "metadata": {"name": f"{service}-1", "labels": {"kubernetes.io/service-name": service}},
            "addressType": "IPv4",
            "ports": [{"name": "https", "port": TARGET_PORT, "protocol": "TCP"}],
            "endpoints": self.endpoints(addresses),
        }

    def ingress_items(self) -> list:
        return [(self.ingress_path(), {
            "apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
            "metadata": {"name": f"ing-{j:05d}"},
            "spec": {"ingressClassName": self.ingress_class, "rules": [{
                "host": ingress_hostname(j),
                "http": {"paths": [{"path": "/", "pathType": "Prefix", "backend": {
                    "service": {"name": service_name(j), "port": {"number": SERVICE_PORT}}}}]}}]},
        }) for j in range(self.ingresses)]

    @staticmethod
    def endpoints(addresses: list) -> list:
        return [{"addresses": [address], "conditions": {"ready": True}} for address in addresses]

    def expected_routes(self) -> dict:
        """hostname -> sorted 'address:port' backends, as the dataplane should hold them."""
        routes = {}
        for i in range(self.services):
            routes[service_hostname(i)] = sorted(f"{a}:{TARGET_PORT}" for a in initial_addresses(i))
        for j in range(self.ingresses):
            routes[ingress_hostname(j)] = routes[service_hostname(j)]
        return routes
