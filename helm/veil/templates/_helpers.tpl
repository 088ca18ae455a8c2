{{- define "veil.name" -}}
{{- .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "veil.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{/* Every pod of the release carries these, OHIF's and the migration Job's too: never a selector alone. */}}
{{- define "veil.instanceLabels" -}}
app.kubernetes.io/name: {{ include "veil.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{/* Veil's own pods only: OHIF's (component viewer) and the migration Job's (component migration)
must not reach its Service, budget, autoscaler or Deployment. */}}
{{- define "veil.selectorLabels" -}}
{{ include "veil.instanceLabels" . }}
app.kubernetes.io/component: server
{{- end -}}

{{- define "veil.chartLabels" -}}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{- define "veil.labels" -}}
{{ include "veil.selectorLabels" . }}
{{ include "veil.chartLabels" . }}
{{- end -}}

{{/* The release's other parts, which add their own app.kubernetes.io/component. */}}
{{- define "veil.partLabels" -}}
{{ include "veil.instanceLabels" . }}
{{ include "veil.chartLabels" . }}
{{- end -}}

{{- define "veil.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "veil.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* The chart's own Secret holds only what no existingSecret provides. */}}
{{- define "veil.ownSecret" -}}
{{- if or (and (not .Values.database.existingSecret) .Values.database.password) (and (not .Values.oidc.existingSecret) .Values.oidc.clientSecret) (and (not .Values.deid.existingSecret) .Values.deid.secret) (and (not .Values.audit.existingSecret) .Values.audit.secret) -}}
true
{{- end -}}
{{- end -}}

{{- define "veil.image" -}}
{{ .Values.image.repository }}:{{ .Values.image.tag }}
{{- end -}}

{{/* Secrets as files (docs/configuration.md, "Secrets from files"), never as values in the pod spec. */}}
{{- define "veil.secretVolume" -}}
- name: secrets
  projected:
    defaultMode: 0400
    sources:
      - secret:
          name: {{ default (include "veil.fullname" .) .Values.database.existingSecret }}
          items: [{key: password, path: db-password}]
      {{- if or .Values.oidc.existingSecret .Values.oidc.clientSecret }}
      - secret:
          name: {{ default (include "veil.fullname" .) .Values.oidc.existingSecret }}
          items: [{key: client-secret, path: oidc-client-secret}]
      {{- end }}
      - secret:
          name: {{ default (include "veil.fullname" .) .Values.deid.existingSecret }}
          items: [{key: deid-secret, path: deid-secret}]
      - secret:
          name: {{ default (include "veil.fullname" .) .Values.audit.existingSecret }}
          items: [{key: audit-secret, path: audit-secret}]
      {{- if and (eq .Values.storage.backend "s3") .Values.storage.s3.existingSecret }}
      - secret:
          name: {{ .Values.storage.s3.existingSecret }}
          items:
            - {key: access-key-id, path: s3-access-key-id}
            - {key: secret-access-key, path: s3-secret-access-key}
      {{- end }}
{{- end -}}

{{- define "veil.env" -}}
- {name: VEIL_DB_URL, value: {{ .Values.database.url | quote }}}
- {name: VEIL_DB_USER, value: {{ .Values.database.user | quote }}}
- {name: VEIL_DB_PASSWORD_FILE, value: /var/run/secrets/veil/db-password}
- {name: QUARKUS_DATASOURCE_JDBC_MAX_SIZE, value: {{ .Values.database.poolMaxSize | int | quote }}}
- {name: QUARKUS_OIDC_AUTH_SERVER_URL, value: {{ .Values.oidc.authServerUrl | quote }}}
- {name: QUARKUS_OIDC_CLIENT_ID, value: {{ .Values.oidc.clientId | quote }}}
{{- if or .Values.oidc.existingSecret .Values.oidc.clientSecret }}
- {name: VEIL_KEYCLOAK_CLIENT_SECRET_FILE, value: /var/run/secrets/veil/oidc-client-secret}
{{- end }}
- {name: VEIL_DEID_SECRET_FILE, value: /var/run/secrets/veil/deid-secret}
- {name: VEIL_AUDIT_SECRET_FILE, value: /var/run/secrets/veil/audit-secret}
- {name: VEIL_DATA_DIR, value: /var/lib/veil}
- {name: VEIL_SHUTDOWN_TIMEOUT, value: {{ printf "%ds" (int .Values.shutdownTimeoutSeconds) | quote }}}
- {name: VEIL_STORAGE_BACKEND, value: {{ .Values.storage.backend | quote }}}
{{- if eq .Values.storage.backend "s3" }}
- {name: VEIL_STORAGE_S3_BUCKET, value: {{ .Values.storage.s3.bucket | quote }}}
- {name: VEIL_STORAGE_S3_REGION, value: {{ .Values.storage.s3.region | quote }}}
- {name: VEIL_STORAGE_S3_PATH_STYLE, value: {{ .Values.storage.s3.pathStyle | quote }}}
- {name: VEIL_STORAGE_S3_CACHE_MAX_BYTES, value: {{ .Values.storage.s3.cacheMaxBytes | int64 | quote }}}
{{- with .Values.storage.s3.endpoint }}
- {name: VEIL_STORAGE_S3_ENDPOINT, value: {{ . | quote }}}
{{- end }}
{{- with .Values.storage.s3.prefix }}
- {name: VEIL_STORAGE_S3_PREFIX, value: {{ . | quote }}}
{{- end }}
{{- if .Values.storage.s3.existingSecret }}
- {name: VEIL_STORAGE_S3_ACCESS_KEY_ID_FILE, value: /var/run/secrets/veil/s3-access-key-id}
- {name: VEIL_STORAGE_S3_SECRET_ACCESS_KEY_FILE, value: /var/run/secrets/veil/s3-secret-access-key}
{{- end }}
{{- end }}
{{- if .Values.viewer.enabled }}
- {name: VEIL_VIEWER_OIDC_CLIENT_ID, value: {{ .Values.viewer.oidcClientId | quote }}}
{{- with .Values.viewer.oidcAuthority }}
- {name: VEIL_VIEWER_OIDC_AUTHORITY, value: {{ . | quote }}}
{{- end }}
{{- else }}
- {name: VEIL_VIEWER_DIR, value: ""}
{{- end }}
{{- if and .Values.ingress.enabled .Values.ingress.trustedProxies }}
{{- /* Behind the ingress: believe its forwarding headers, and only its (docs/deployment.md). */}}
- {name: QUARKUS_HTTP_PROXY_PROXY_ADDRESS_FORWARDING, value: "true"}
- {name: QUARKUS_HTTP_PROXY_ALLOW_X_FORWARDED, value: "true"}
- {name: QUARKUS_HTTP_PROXY_ENABLE_FORWARDED_HOST, value: "true"}
- {name: QUARKUS_HTTP_PROXY_TRUSTED_PROXIES, value: {{ join "," .Values.ingress.trustedProxies | quote }}}
{{- end }}
{{- if .Values.ohif.enabled }}
- {name: QUARKUS_HTTP_CORS_ENABLED, value: "true"}
- {name: QUARKUS_HTTP_CORS_ORIGINS, value: {{ printf "https://%s" .Values.ohif.host | quote }}}
{{- end }}
{{- range $name, $value := .Values.env }}
- {name: {{ $name }}, value: {{ $value | quote }}}
{{- end }}
{{- end -}}

{{- define "veil.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: 10001
runAsGroup: 10001
fsGroup: 10001
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{- define "veil.containerSecurityContext" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
runAsNonRoot: true
capabilities:
  drop: [ALL]
seccompProfile:
  type: RuntimeDefault
{{- end -}}
