{{/* Chart name. */}}
{{- define "fieldops.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Full name: the release name, or "<release>-<chart>" when it does not contain the chart name. */}}
{{- define "fieldops.fullname" -}}
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

{{- define "fieldops.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Whether the workload is rendered. */}}
{{- define "fieldops.hasApp" -}}
{{- if has .Values.mode (list "all" "app") -}}true{{- end -}}
{{- end -}}

{{/* Whether the all-in-one StatefulSet is rendered (every pod control plane and shard in one). */}}
{{- define "fieldops.hasAllInOne" -}}
{{- if and (include "fieldops.hasApp" .) (not .Values.scaleOut.enabled) -}}true{{- end -}}
{{- end -}}

{{/* Whether the scale-out workload is rendered: a control plane with its HAProxy, and the shards. */}}
{{- define "fieldops.hasScaleOut" -}}
{{- if and (include "fieldops.hasApp" .) .Values.scaleOut.enabled -}}true{{- end -}}
{{- end -}}

{{/* Whether the client Service and the Ingress are rendered. */}}
{{- define "fieldops.hasRouter" -}}
{{- if has .Values.mode (list "all" "router") -}}true{{- end -}}
{{- end -}}

{{- define "fieldops.labels" -}}
helm.sh/chart: {{ include "fieldops.chart" . }}
{{ include "fieldops.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: fieldops
{{- if .Values.color }}
fieldops.io/color: {{ .Values.color }}
{{- end }}
{{- end -}}

{{- define "fieldops.selectorLabels" -}}
app.kubernetes.io/name: {{ include "fieldops.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{/* Pod labels: selector labels plus the colour (what the stable Service selects on). */}}
{{- define "fieldops.podLabels" -}}
{{ include "fieldops.selectorLabels" . }}
app.kubernetes.io/component: server
app.kubernetes.io/part-of: fieldops
{{- if .Values.color }}
fieldops.io/color: {{ .Values.color }}
{{- end }}
{{- end -}}

{{- define "fieldops.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "fieldops.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "fieldops.secretName" -}}
{{- if .Values.secret.existingSecret -}}
{{- .Values.secret.existingSecret -}}
{{- else -}}
{{- include "fieldops.fullname" . -}}
{{- end -}}
{{- end -}}

{{- define "fieldops.image" -}}
{{- if .Values.image.digest -}}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest -}}
{{- else -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}
{{- end -}}

{{/* Seconds in a Go duration such as "20s", "1m" or "1m30s" (h, m, s only). */}}
{{- define "fieldops.seconds" -}}
{{- $d := toString . -}}
{{- $total := 0 -}}
{{- range $part := regexFindAll "[0-9]+[hms]" $d -1 -}}
{{- $n := int (trimSuffix "h" (trimSuffix "m" (trimSuffix "s" $part))) -}}
{{- if hasSuffix "h" $part -}}{{- $total = add $total (mul $n 3600) -}}
{{- else if hasSuffix "m" $part -}}{{- $total = add $total (mul $n 60) -}}
{{- else -}}{{- $total = add $total $n -}}{{- end -}}
{{- end -}}
{{- $total -}}
{{- end -}}

{{/* Validation of values that would otherwise produce a broken release. */}}
{{- define "fieldops.validate" -}}
{{- if not (has .Values.mode (list "all" "app" "router")) -}}
{{- fail (printf "mode must be all, app or router, not %q" .Values.mode) -}}
{{- end -}}
{{- if and (eq .Values.mode "app") (not (has .Values.color (list "blue" "green"))) -}}
{{- fail "mode app (blue/green) needs color: blue or green" -}}
{{- end -}}
{{- if and (eq .Values.mode "router") (not (has .Values.router.activeColor (list "blue" "green"))) -}}
{{- fail "router.activeColor must be blue or green" -}}
{{- end -}}
{{- if not (regexMatch "^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$" .Values.domain) -}}
{{- fail (printf "domain %q is not a DNS name" .Values.domain) -}}
{{- end -}}
{{- if not (has (toString .Values.config.tls) (list "off" "auto" "internal")) -}}
{{- fail "config.tls must be off, auto or internal" -}}
{{- end -}}
{{- if and .Values.dedicated.enabled (not (regexMatch "^[a-z0-9][a-z0-9-]{1,30}$" .Values.dedicated.tenant)) -}}
{{- fail "dedicated.tenant must be the tenant slug (lower case letters, digits, dashes)" -}}
{{- end -}}
{{- if and .Values.dedicated.enabled (gt (int .Values.shards) 1) -}}
{{- fail "dedicated mode runs one shard" -}}
{{- end -}}
{{- if and .Values.dedicated.enabled (not .Values.dedicated.adminEmail) -}}
{{- fail "dedicated.adminEmail is required in dedicated mode" -}}
{{- end -}}
{{- if and .Values.priorityClass.create (not .Values.priorityClassName) -}}
{{- fail "priorityClass.create needs priorityClassName (the name of the PriorityClass to create)" -}}
{{- end -}}
{{- if lt (int .Values.shards) 1 -}}
{{- fail "shards must be at least 1" -}}
{{- end -}}
{{- if and .Values.secret.create .Values.secret.existingSecret -}}
{{- fail "set either secret.create or secret.existingSecret, not both" -}}
{{- end -}}
{{- if .Values.scaleOut.enabled -}}
{{- include "fieldops.validateScaleOut" . -}}
{{- end -}}
{{- if and .Values.replication.enabled .Values.replication.url -}}
{{- range $k := list "retention" "snapshotEvery" "drillEvery" "maxLag" -}}
{{- $v := toString (index $.Values.replication $k) -}}
{{- if not (regexMatch "^([0-9]+h)?([0-9]+m)?([0-9]+s)?$" $v) -}}
{{- fail (printf "replication.%s must be a Go duration in h, m and s (720h, 90s), not %q" $k $v) -}}
{{- end -}}
{{- if eq (include "fieldops.seconds" $v | int) 0 -}}
{{- fail (printf "replication.%s must be longer than 0" $k) -}}
{{- end -}}
{{- end -}}
{{- if le (include "fieldops.seconds" .Values.replication.retention | int) (include "fieldops.seconds" .Values.replication.snapshotEvery | int) -}}
{{- fail "replication.retention must be longer than replication.snapshotEvery (old snapshots are deleted only once a newer one exists)" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* envFrom shared by every container of the pod. */}}
{{- define "fieldops.envFrom" -}}
- configMapRef:
    name: {{ include "fieldops.fullname" . }}
- secretRef:
    name: {{ include "fieldops.secretName" . }}
{{- end -}}

{{/* Per-pod environment: the shard ordinal (for replica prefixes) and the pod name. */}}
{{- define "fieldops.env" -}}
- name: POD_INDEX
  valueFrom:
    fieldRef:
      fieldPath: metadata.labels['apps.kubernetes.io/pod-index']
- name: POD_NAME
  valueFrom:
    fieldRef:
      fieldPath: metadata.name
{{- end -}}

{{- define "fieldops.volumeMounts" -}}
- name: data
  mountPath: /data
- name: tmp
  mountPath: /tmp
- name: scripts
  mountPath: /scripts
  readOnly: true
{{- end -}}

{{/* Selector of the pods that serve client traffic: the active colour in router mode. */}}
{{- define "fieldops.trafficSelector" -}}
app.kubernetes.io/name: {{ include "fieldops.name" . }}
app.kubernetes.io/component: server
{{- if eq .Values.mode "router" }}
fieldops.io/color: {{ .Values.router.activeColor }}
{{- else }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}
{{- end -}}

{{/* Port of config.otlpEndpoint (explicit, else 80/443 from the scheme); empty without OTLP. */}}
{{- define "fieldops.otlpPort" -}}
{{- with .Values.config.otlpEndpoint -}}
{{- $u := urlParse . -}}
{{- $hp := splitList ":" $u.host -}}
{{- if gt (len $hp) 1 -}}{{ last $hp }}{{- else if eq $u.scheme "https" -}}443{{- else -}}80{{- end -}}
{{- end -}}
{{- end -}}

{{/* scaleOut: what the control plane, its HAProxy and the shards need. */}}
{{- define "fieldops.validateScaleOut" -}}
{{- $so := .Values.scaleOut -}}
{{- if ne .Values.mode "all" -}}
{{- fail "scaleOut runs in mode all (one release: control plane, HAProxy and shards); blue/green is for the all-in-one StatefulSet" -}}
{{- end -}}
{{- if .Values.dedicated.enabled -}}
{{- fail "scaleOut and dedicated exclude each other (a dedicated customer gets its own release, or a shard of its own: fieldops tenant create --shard)" -}}
{{- end -}}
{{- if .Values.restore.enabled -}}
{{- fail "restore.enabled seeds the all-in-one StatefulSet; with scaleOut a tenant is restored on its shard from the shared replica (docs/runbooks/move-tenant.md)" -}}
{{- end -}}
{{- if contains "{shard}" .Values.replication.url -}}
{{- fail "with scaleOut every shard replicates to the SAME replica root (tenants/<slug> is unique in the installation, a moved tenant restores from it): remove {shard} from replication.url" -}}
{{- end -}}
{{- if contains "{color}" .Values.replication.url -}}
{{- fail "with scaleOut replication.url has no {color} (no blue/green)" -}}
{{- end -}}
{{- if and .Values.secret.create (not (hasKey .Values.secret.data $so.clusterTokenKey)) -}}
{{- fail (printf "scaleOut needs the cluster token shared by the control plane and the shards: secret.data.%s, or secret.existingSecret holding that key" $so.clusterTokenKey) -}}
{{- end -}}
{{- if not $so.proxy.image.repository -}}
{{- fail "scaleOut.proxy.image.repository is required (HAProxy)" -}}
{{- end -}}
{{- if lt (int $so.proxy.spareBackends) 0 -}}
{{- fail "scaleOut.proxy.spareBackends must be 0 or more" -}}
{{- end -}}
{{- if not (regexMatch "^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$" $so.clusterDomain) -}}
{{- fail (printf "scaleOut.clusterDomain %q is not a DNS name" $so.clusterDomain) -}}
{{- end -}}
{{- end -}}

{{/* HAProxy image of the scale-out edge, by digest when set (production), else by tag. */}}
{{- define "fieldops.proxyImage" -}}
{{- $i := .Values.scaleOut.proxy.image -}}
{{- if $i.digest -}}
{{- printf "%s@%s" $i.repository $i.digest -}}
{{- else -}}
{{- printf "%s:%s" $i.repository $i.tag -}}
{{- end -}}
{{- end -}}
