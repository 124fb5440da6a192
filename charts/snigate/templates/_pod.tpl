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
  securityContext:
    runAsNonRoot: true
    runAsUser: 65532
    runAsGroup: 65532
    fsGroup: 65532
    seccompProfile:
      type: RuntimeDefault
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
        - {{ printf "0.0.0.0:%v" .Values.controller.adminPort | quote }}
        - --log-level
        - {{ .Values.controller.logLevel }}
        - --controller-name
        - {{ .Values.ingressClass.controllerName }}
        - --ingress-class
        - {{ .Values.ingressClass.name }}
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
        {{- range .Values.controller.extraArgs }}
        - {{ . | quote }}
        {{- end }}
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
      ports:
        - name: controller-adm
          containerPort: {{ .Values.controller.adminPort }}
          protocol: TCP
      livenessProbe:
        httpGet:
          path: /healthz
          port: controller-adm
        periodSeconds: 10
        failureThreshold: 3
      readinessProbe:
        httpGet:
          path: /readyz
          port: controller-adm
        periodSeconds: 5
        failureThreshold: 2
      resources:
        {{- toYaml .Values.controller.resources | nindent 8 }}
      securityContext:
        {{- include "snigate.containerSecurityContext" . | nindent 8 }}
      volumeMounts:
        - name: control-socket
          mountPath: /run/snigate
    - name: dataplane
      image: {{ include "snigate.image" . }}
      imagePullPolicy: {{ .Values.image.pullPolicy }}
      command: ["/usr/local/bin/snigate-dataplane"]
      args:
        {{- range .Values.dataplane.listenAddresses }}
        - --listen
        - {{ printf "%s:%v" . $.Values.dataplane.port | quote }}
        {{- end }}
        - --control-socket
        - {{ include "snigate.controlSocket" . }}
        - --admin-listen
        - {{ printf "0.0.0.0:%v" .Values.dataplane.adminPort | quote }}
        - --drain-timeout
        - {{ .Values.dataplane.drainTimeoutSeconds }}s
        {{- if .Values.dataplane.workers }}
        - --workers
        - {{ .Values.dataplane.workers | quote }}
        {{- end }}
        - --log-level
        - {{ .Values.dataplane.logLevel }}
        {{- range .Values.dataplane.extraArgs }}
        - {{ . | quote }}
        {{- end }}
      ports:
        - name: https
          containerPort: {{ .Values.dataplane.port }}
          protocol: TCP
        - name: dataplane-adm
          containerPort: {{ .Values.dataplane.adminPort }}
          protocol: TCP
      livenessProbe:
        httpGet:
          path: /healthz
          port: dataplane-adm
        periodSeconds: 10
        failureThreshold: 3
      readinessProbe:
        httpGet:
          path: /readyz
          port: dataplane-adm
        periodSeconds: 2
        failureThreshold: 2
      lifecycle:
        # Keeps accepting while the endpoint is taken out of Services and load balancers; then
        # SIGTERM closes the listener and drains. A sleep action, as the image has no shell.
        preStop:
          sleep:
            seconds: {{ .Values.dataplane.preStopSleepSeconds }}
      resources:
        {{- toYaml .Values.dataplane.resources | nindent 8 }}
      securityContext:
        {{- include "snigate.containerSecurityContext" . | nindent 8 }}
      volumeMounts:
        - name: control-socket
          mountPath: /run/snigate
  volumes:
    - name: control-socket
      emptyDir:
        medium: Memory
        sizeLimit: 1Mi
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

{{- define "snigate.containerSecurityContext" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
capabilities:
  drop: ["ALL"]
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
