{{/* Names and labels shared by every object of the release. */}}

{{- define "snigate.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "snigate.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* Cluster-scoped objects (ClusterRole, ClusterRoleBinding) carry the namespace too: two releases
of one name in two namespaces must not share them. */}}
{{- define "snigate.clusterScopedName" -}}
{{- printf "%s-%s" .Release.Namespace (include "snigate.fullname" .) -}}
{{- end -}}

{{- define "snigate.selectorLabels" -}}
app.kubernetes.io/name: {{ include "snigate.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "snigate.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{ include "snigate.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{- define "snigate.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "snigate.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* repository:tag, or repository@digest when a digest pins the image. */}}
{{- define "snigate.image" -}}
{{- if .Values.image.digest -}}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest -}}
{{- else -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}
{{- end -}}

{{/* The namespace whose namespaced objects the controller routes; empty means all. */}}
{{- define "snigate.watchNamespace" -}}
{{- .Values.controller.watchNamespace -}}
{{- end -}}

{{- define "snigate.controlSocket" -}}/run/snigate/control.sock{{- end -}}

{{/* An admin endpoint's ADDRESS:PORT: "podIP" is the pod's IP, which the kubelet substitutes from
the POD_IP variable (IPv4 or unbracketed IPv6; both programs take the last colon as the port's). */}}
{{- define "snigate.adminListen" -}}
{{- $address := .address -}}
{{- if eq $address "podIP" -}}{{- $address = "$(POD_IP)" -}}{{- end -}}
{{- printf "%s:%v" $address .port -}}
{{- end -}}

{{/* extraArgs, checked: every item is a --flag or the value of the bare --flag before it (the
schema already refuses a first item without --). */}}
{{- define "snigate.extraArgs" -}}
{{- $previous := "" -}}
{{- range .args }}
{{- $arg := toString . }}
{{- if and (not (hasPrefix "--" $arg)) (or (not (hasPrefix "--" $previous)) (contains "=" $previous)) }}
{{- fail (printf "%s.extraArgs: %q is neither a --flag nor the value of the flag before it" $.container $arg) }}
{{- end }}
- {{ $arg | quote }}
{{- $previous = $arg -}}
{{- end }}
{{- end -}}

{{/* Whether a Deployment's pods claim a port of their node: then two cannot share one, and a
rollout must take an old pod down before its replacement can start there. */}}
{{- define "snigate.claimsNodePort" -}}
{{- if or .Values.hostNetwork (not (kindIs "invalid" .Values.dataplane.hostPort)) }}true{{ end -}}
{{- end -}}

{{/* The probe timings of one container over the chart's own path and port. */}}
{{- define "snigate.probe" -}}
httpGet:
  path: {{ .path }}
  port: {{ .port }}
{{- range $field, $value := .timings }}
{{- if not (kindIs "invalid" $value) }}
{{ $field }}: {{ $value }}
{{- end }}
{{- end }}
{{- end -}}

{{/* "true" when each Gateway gets a Service and address of its own (gatewayAPI.addressPerGateway).
The controller makes those Services where it sees Services (its watched namespace), and a Service
selects pods of its own namespace only: so only with the pods in the watched namespace. */}}
{{- define "snigate.addressPerGateway" -}}
{{- if and .Values.gatewayAPI.enabled .Values.gatewayAPI.addressPerGateway.enabled }}
{{- $watch := include "snigate.watchNamespace" . }}
{{- if and $watch (ne $watch .Release.Namespace) }}
{{- fail (printf "gatewayAPI.addressPerGateway: the Gateways' Services must be in the namespace the controller watches (controller.watchNamespace %q) and select the pods, which are in %q; install into %q, or set gatewayAPI.addressPerGateway.enabled=false" $watch .Release.Namespace $watch) }}
{{- end -}}
true
{{- end }}
{{- end -}}

{{/* The dataplane's scoped listen ports, gatewayAPI.addressPerGateway.dataplanePorts (FIRST-LAST),
checked, separated by spaces. */}}
{{- define "snigate.gatewayDataplanePorts" -}}
{{- $range := .Values.gatewayAPI.addressPerGateway.dataplanePorts -}}
{{- $bounds := splitList "-" $range -}}
{{- $first := atoi (first $bounds) -}}
{{- $last := atoi (last $bounds) -}}
{{- if or (lt $first 1024) (gt $last 65535) (gt $first $last) -}}
{{- fail (printf "gatewayAPI.addressPerGateway.dataplanePorts %q: want FIRST-LAST with 1024 <= FIRST <= LAST <= 65535" $range) -}}
{{- end -}}
{{- $port := int .Values.dataplane.port -}}
{{- if and (le $first $port) (le $port $last) -}}
{{- fail (printf "gatewayAPI.addressPerGateway.dataplanePorts %q includes dataplane.port %d: a scoped listener cannot share the plain listener's port" $range $port) -}}
{{- end -}}
{{- join " " (untilStep $first (add1 $last | int) 1) -}}
{{- end -}}

{{/* The pods' selector labels as KEY=VALUE,KEY=VALUE (--gateway-service-selector). */}}
{{- define "snigate.selectorFlag" -}}
{{- $pairs := list -}}
{{- range $key, $value := include "snigate.selectorLabels" . | fromYaml -}}
{{- $pairs = append $pairs (printf "%s=%s" $key $value) -}}
{{- end -}}
{{- join "," $pairs -}}
{{- end -}}
