{{/* The Services' IP families (service.ipFamilyPolicy, service.ipFamilies); empty: the cluster's. */}}
{{- define "snigate.serviceIpFamilies" -}}
{{- with .Values.service.ipFamilyPolicy }}
ipFamilyPolicy: {{ . }}
{{- end }}
{{- with .Values.service.ipFamilies }}
ipFamilies:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}
