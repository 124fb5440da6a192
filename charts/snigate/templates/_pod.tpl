{{/* The pod both workload kinds run: the controller and the dataplane, joined by a Unix socket. */}}
{{- define "snigate.podTemplate" -}}
metadata:
  labels:
    {{- include "snigate.labels" . | nindent 4 }}
    {{- with .Values.podLabels }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
  {{- with .Values.podAnnotations }}
  annotations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
spec:
  serviceAccountName: {{ include "snigate.serviceAccountName" . }}
  # The dataplane parses untrusted bytes: only the controller container gets the API token, from
  # the projected volume below, the way the kubelet would mount it.
  automountServiceAccountToken: false
  {{- with .Values.imagePullSecrets }}
  imagePullSecrets:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- if .Values.hostNetwork }}
  hostNetwork: true
  dnsPolicy: ClusterFirstWithHostNet
  {{- end }}
  {{- with .Values.priorityClassName }}
  priorityClassName: {{ . }}
  {{- end }}
  # The kubelet waits for the preStop pause and the whole drain before it kills anything.
  terminationGracePeriodSeconds: {{ add .Values.dataplane.preStopSleepSeconds .Values.dataplane.drainTimeoutSeconds .Values.terminationGraceMarginSeconds }}
  {{- with .Values.podSecurityContext }}
  securityContext:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  containers:
    - name: controller
      image: {{ include "snigate.image" . }}
      imagePullPolicy: {{ .Values.image.pullPolicy }}
      command: ["/usr/local/bin/snigate-controller"]
      # Each flag and its value are separate arguments, the form both programs parse.
      args:
        - --control-socket
        - {{ include "snigate.controlSocket" . }}
        - --admin-listen
        - {{ include "snigate.adminListen" (dict "address" .Values.controller.adminAddress "port" .Values.controller.adminPort) | quote }}
        # SIGTERM comes at once; the dataplane routes on through its preStop pause and drain, so the
        # controller keeps its routes current until the dataplane has exited.
        - --wait-for-dataplane
        - {{ add .Values.dataplane.preStopSleepSeconds .Values.dataplane.drainTimeoutSeconds (div .Values.terminationGraceMarginSeconds 2) }}s
        - --log-level
        - {{ .Values.controller.logLevel }}
        - --controller-name
        - {{ .Values.ingressClass.controllerName }}
        - --ingress-class
        - {{ .Values.ingressClass.name }}
        {{- if .Values.gatewayAPI.enabled }}
        - --gateway-controller-name
        - {{ .Values.gatewayAPI.controllerName }}
        {{- if include "snigate.addressPerGateway" . }}
        # Each Gateway a Service of its own, in this namespace, selecting these pods, its ports
        # (any listener port) targeting the dataplane's scoped listeners below.
        {{- $ports := splitList " " (include "snigate.gatewayDataplanePorts" .) }}
        - --gateway-dataplane-ports
        - {{ printf "%s-%s" (first $ports) (last $ports) | quote }}
        - --gateway-service-namespace
        - {{ .Release.Namespace }}
        - --gateway-service-selector
        - {{ include "snigate.selectorFlag" . | quote }}
        - --gateway-service-type
        - {{ .Values.gatewayAPI.addressPerGateway.serviceType }}
        {{- else }}
        # Every Gateway on the release's Service: its port is the one listeners may use.
        - --gateway-listener-ports
        - {{ .Values.service.port | quote }}
        {{- end }}
        {{- else }}
        - --gateway-api
        - "off"
        {{- end }}
        {{- with include "snigate.watchNamespace" . }}
        - --watch-namespace
        - {{ . }}
        {{- end }}
        {{- if .Values.controller.leaderElect }}
        - --leader-elect
        - --leader-election-id
        - {{ include "snigate.fullname" . }}
        {{- end }}
        {{- if .Values.controller.publishStatusAddress }}
        - --publish-status-address
        - {{ .Values.controller.publishStatusAddress | quote }}
        {{- else if .Values.controller.publishService }}
        - --publish-service
        - {{ .Release.Namespace }}/{{ include "snigate.fullname" . }}
        {{- end }}
        {{- with .Values.controller.defaultBackendService }}
        - --default-backend-service
        - {{ . | quote }}
        {{- end }}
        {{- range $namespace, $patterns := .Values.controller.hostnameDelegation }}
        - --hostname-delegation
        - {{ printf "%s=%s" $namespace (join "," $patterns) | quote }}
        {{- end }}
        {{- include "snigate.extraArgs" (dict "args" .Values.controller.extraArgs "container" "controller") | nindent 8 }}
      env:
        # The leader-election Lease lives in the pod's namespace, named after the release.
        - name: POD_NAMESPACE
          valueFrom:
            fieldRef:
              fieldPath: metadata.namespace
        - name: POD_NAME
          valueFrom:
            fieldRef:
              fieldPath: metadata.name
        - name: POD_IP
          valueFrom:
            fieldRef:
              fieldPath: status.podIP
        {{- with .Values.controller.extraEnv }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
      ports:
        - name: controller-adm
          containerPort: {{ .Values.controller.adminPort }}
          protocol: TCP
      startupProbe:
        {{- include "snigate.probe" (dict "path" "/healthz" "port" "controller-adm" "timings" .Values.controller.startupProbe) | nindent 8 }}
      livenessProbe:
        {{- include "snigate.probe" (dict "path" "/healthz" "port" "controller-adm" "timings" .Values.controller.livenessProbe) | nindent 8 }}
      readinessProbe:
        {{- include "snigate.probe" (dict "path" "/readyz" "port" "controller-adm" "timings" .Values.controller.readinessProbe) | nindent 8 }}
      resources:
        {{- toYaml .Values.controller.resources | nindent 8 }}
      {{- with .Values.containerSecurityContext }}
      securityContext:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      volumeMounts:
        - name: control-socket
          mountPath: /run/snigate
        - name: kube-api-access
          mountPath: /var/run/secrets/kubernetes.io/serviceaccount
          readOnly: true
        {{- with .Values.controller.extraVolumeMounts }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
    - name: dataplane
      image: {{ include "snigate.image" . }}
      imagePullPolicy: {{ .Values.image.pullPolicy }}
      command: ["/usr/local/bin/snigate-dataplane"]
      args:
        {{- $proxyProtocol := .Values.dataplane.proxyProtocol | default dict }}
        {{- range .Values.dataplane.listenAddresses }}
        - {{ ternary "--proxy-protocol-listen" "--listen" ($proxyProtocol.enabled | default false) }}
        - {{ printf "%s:%v" . $.Values.dataplane.port | quote }}
        {{- end }}
        {{- if include "snigate.addressPerGateway" . }}
        {{- $ports := splitList " " (include "snigate.gatewayDataplanePorts" .) }}
        {{- range $address := .Values.dataplane.listenAddresses }}
        {{- range $ports }}
        - --scoped-listen
        - {{ printf "%s:%s" $address . | quote }}
        {{- end }}
        {{- end }}
        {{- end }}
        {{- if $proxyProtocol.enabled }}
        - --proxy-protocol-from
        - {{ join "," $proxyProtocol.trustedCIDRs | quote }}
        {{- end }}
        - --control-socket
        - {{ include "snigate.controlSocket" . }}
        - --admin-listen
        - {{ include "snigate.adminListen" (dict "address" .Values.dataplane.adminAddress "port" .Values.dataplane.adminPort) | quote }}
        {{- with .Values.dataplane.drainFrom }}
        - --admin-drain-from
        - {{ join "," . | quote }}
        {{- end }}
        - --drain-timeout
        - {{ .Values.dataplane.drainTimeoutSeconds }}s
        {{- with .Values.dataplane.outlierDetection }}
        {{- if lt (int .maxEjectionSeconds) (int .ejectionSeconds) }}
        {{- fail "dataplane.outlierDetection.maxEjectionSeconds must be at least ejectionSeconds" }}
        {{- end }}
        - --outlier-failures
        - {{ .consecutiveFailures | quote }}
        - --outlier-ejection
        - {{ printf "%ds" (int .ejectionSeconds) }}
        - --outlier-max-ejection
        - {{ printf "%ds" (int .maxEjectionSeconds) }}
        {{- end }}
        - --access-log
        - {{ ternary "on" "off" .Values.dataplane.accessLog.enabled | quote }}
        {{- if lt (float64 .Values.dataplane.accessLog.sample) 1.0 }}
        - --access-log-sample
        - {{ .Values.dataplane.accessLog.sample | quote }}
        {{- end }}
        {{- if .Values.dataplane.workers }}
        - --workers
        - {{ .Values.dataplane.workers | quote }}
        {{- end }}
        - --log-level
        - {{ .Values.dataplane.logLevel }}
        {{- include "snigate.extraArgs" (dict "args" .Values.dataplane.extraArgs "container" "dataplane") | nindent 8 }}
      env:
        - name: POD_IP
          valueFrom:
            fieldRef:
              fieldPath: status.podIP
        {{- with .Values.dataplane.extraEnv }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
      ports:
        - name: https
          containerPort: {{ .Values.dataplane.port }}
          protocol: TCP
          {{- if not (kindIs "invalid" .Values.dataplane.hostPort) }}
          {{- if and .Values.hostNetwork (ne (int .Values.dataplane.hostPort) (int .Values.dataplane.port)) }}
          {{- fail "dataplane.hostPort: with hostNetwork the node's port is dataplane.port; leave hostPort null or equal to it" }}
          {{- end }}
          hostPort: {{ .Values.dataplane.hostPort }}
          {{- end }}
        - name: dataplane-adm
          containerPort: {{ .Values.dataplane.adminPort }}
          protocol: TCP
      startupProbe:
        {{- include "snigate.probe" (dict "path" "/healthz" "port" "dataplane-adm" "timings" .Values.dataplane.startupProbe) | nindent 8 }}
      livenessProbe:
        {{- include "snigate.probe" (dict "path" "/healthz" "port" "dataplane-adm" "timings" .Values.dataplane.livenessProbe) | nindent 8 }}
      readinessProbe:
        {{- include "snigate.probe" (dict "path" "/readyz" "port" "dataplane-adm" "timings" .Values.dataplane.readinessProbe) | nindent 8 }}
      {{- if .Values.dataplane.preStopSleepSeconds }}
      lifecycle:
        # Keeps accepting while the endpoint is taken out of Services and load balancers; then
        # SIGTERM closes the listener and drains. A sleep action, as the image has no shell.
        preStop:
          sleep:
            seconds: {{ .Values.dataplane.preStopSleepSeconds }}
      {{- end }}
      resources:
        {{- toYaml .Values.dataplane.resources | nindent 8 }}
      {{- with .Values.containerSecurityContext }}
      securityContext:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      volumeMounts:
        - name: control-socket
          mountPath: /run/snigate
        {{- with .Values.dataplane.extraVolumeMounts }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
  volumes:
    - name: control-socket
      emptyDir:
        medium: Memory
        sizeLimit: 1Mi
    # What the kubelet would mount into every container, mounted into the controller's alone.
    - name: kube-api-access
      projected:
        defaultMode: 0444
        sources:
          - serviceAccountToken:
              path: token
              expirationSeconds: 3607
          - configMap:
              name: kube-root-ca.crt
              items:
                - key: ca.crt
                  path: ca.crt
          - downwardAPI:
              items:
                - path: namespace
                  fieldRef:
                    apiVersion: v1
                    fieldPath: metadata.namespace
    {{- with .Values.extraVolumes }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
  {{- with .Values.nodeSelector }}
  nodeSelector:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with .Values.tolerations }}
  tolerations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with include "snigate.placement" . | trim }}
  {{- . | nindent 2 }}
  {{- end }}
{{- end -}}

{{/* Where a Deployment's replicas go: the user's own affinity wins; otherwise spread over nodes
and keep replicas apart. A DaemonSet places one pod per node by itself. */}}
{{- define "snigate.placement" -}}
{{- $deployment := eq .Values.kind "Deployment" }}
{{- if .Values.affinity }}
affinity:
  {{- toYaml .Values.affinity | nindent 2 }}
{{- else if not $deployment }}
{{- else if eq .Values.podAntiAffinity.type "soft" }}
affinity:
  podAntiAffinity:
    preferredDuringSchedulingIgnoredDuringExecution:
      - weight: 100
        podAffinityTerm:
          topologyKey: {{ .Values.podAntiAffinity.topologyKey }}
          labelSelector:
            matchLabels:
              {{- include "snigate.selectorLabels" . | nindent 14 }}
{{- else if eq .Values.podAntiAffinity.type "hard" }}
affinity:
  podAntiAffinity:
    requiredDuringSchedulingIgnoredDuringExecution:
      - topologyKey: {{ .Values.podAntiAffinity.topologyKey }}
        labelSelector:
          matchLabels:
            {{- include "snigate.selectorLabels" . | nindent 12 }}
{{- end }}
{{- if and .Values.topologySpread.enabled $deployment }}
topologySpreadConstraints:
  - maxSkew: 1
    topologyKey: {{ .Values.topologySpread.topologyKey }}
    whenUnsatisfiable: {{ .Values.topologySpread.whenUnsatisfiable }}
    labelSelector:
      matchLabels:
        {{- include "snigate.selectorLabels" . | nindent 8 }}
{{- end }}
{{- end -}}
