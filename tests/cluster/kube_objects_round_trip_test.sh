#!/usr/bin/env bash
# The kinds the controller reads and writes are served and validated by the real API: an
# IngressClass, Ingress, Service, EndpointSlice and Lease go in and come back out unchanged.
# shellcheck source=tests/cluster/lib.sh
source "$(dirname "$0")/lib.sh"

cluster_up
test_namespace objects
ingress_class="snigate-${TEST_NAMESPACE}"
defer "kubectl delete ingressclass '${ingress_class}'"

kubectl apply -f - >/dev/null <<YAML
apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata:
  name: ${ingress_class}
spec:
  controller: snigate.io/ingress-controller
---
apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: ${TEST_NAMESPACE}
spec:
  ports:
  - name: https
    port: 443
    targetPort: 8443
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: web-a
  namespace: ${TEST_NAMESPACE}
  labels:
    kubernetes.io/service-name: web
addressType: IPv4
ports:
- name: https
  port: 8443
  protocol: TCP
endpoints:
- addresses: ["10.244.7.2"]
  conditions:
    ready: true
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
  namespace: ${TEST_NAMESPACE}
spec:
  ingressClassName: ${ingress_class}
  rules:
  - host: web.example.test
    http:
      paths:
      - path: /
        pathType: Prefix
        backend:
          service:
            name: web
            port:
              number: 443
---
apiVersion: coordination.k8s.io/v1
kind: Lease
metadata:
  name: snigate-controller
  namespace: ${TEST_NAMESPACE}
spec:
  holderIdentity: controller-0
  leaseDurationSeconds: 15
YAML

get() { kubectl get "$1" -n "${TEST_NAMESPACE}" -o "jsonpath=$2"; }
expect_eq "$(kubectl get ingressclass "${ingress_class}" -o jsonpath='{.spec.controller}')" \
  snigate.io/ingress-controller "IngressClass controller"
expect_eq "$(get service/web '{.spec.ports[0].port}/{.spec.ports[0].targetPort}')" 443/8443 "Service ports"
expect_contains "$(get service/web '{.spec.clusterIP}')" "10.96." "Service clusterIP from the service range"
expect_eq "$(get endpointslice/web-a '{.endpoints[0].addresses[0]}:{.ports[0].port} ready={.endpoints[0].conditions.ready}')" \
  "10.244.7.2:8443 ready=true" "EndpointSlice endpoint"
expect_eq "$(get endpointslice/web-a '{.metadata.labels.kubernetes\.io/service-name}')" web "EndpointSlice service label"
expect_eq "$(get ingress/web '{.spec.ingressClassName} {.spec.rules[0].host} {.spec.rules[0].http.paths[0].backend.service.name}:{.spec.rules[0].http.paths[0].backend.service.port.number}')" \
  "${ingress_class} web.example.test web:443" "Ingress rule"
expect_eq "$(get lease/snigate-controller '{.spec.holderIdentity}/{.spec.leaseDurationSeconds}')" controller-0/15 "Lease holder"

# Server-side validation runs for real: an Ingress without a backend is refused.
refused="$(kubectl apply -f - 2>&1 <<YAML || true
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: invalid
  namespace: ${TEST_NAMESPACE}
spec:
  rules:
  - host: invalid.example.test
    http:
      paths:
      - path: /
        pathType: Prefix
        backend: {}
YAML
)"
expect_contains "${refused}" "Invalid" "validation of an Ingress path without a backend"
