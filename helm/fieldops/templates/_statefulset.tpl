{{/*
A FieldOps360 StatefulSet. Called with a dict:
  root         the chart's root context
  name         StatefulSet name; serviceName its governing Service
  replicas     pod count
  component    "" (all-in-one: today's pods, component "server"), "control" or "shard" (scaleOut)
  role         FIELDOPS_ROLE of every fieldops container ("" = the binary's default, all)
  persistence  persistence.* of the data volume;  resources  resources of serve
  serveEnv     extra env of serve;  sidecars  extra native sidecars, started first
  volumes      extra pod volumes;  serveMounts  extra mounts of serve   (YAML lists, as text)
*/}}
{{- define "fieldops.statefulset" -}}
{{- $r := .root }}
{{- $v := $r.Values }}
{{- $c := . }}
{{- $allInOne := not .component }}
{{- $grace := include "fieldops.seconds" $v.config.grace | int }}
{{- $otherColor := ternary "green" "blue" (eq $v.color "blue") }}
{{- $replica := "off" }}
{{- $sidecar := and $v.replication.enabled $v.replication.url }}
{{- if $sidecar }}
{{- $replica = $v.replication.url | replace "{shard}" "$(POD_INDEX)" | replace "{color}" (default "main" $v.color) }}
{{- end }}
{{- $restore := and $allInOne $v.restore.enabled }}
{{- $dedicated := and $allInOne $v.dedicated.enabled }}
{{- $roleEnv := include "fieldops.roleEnv" . }}
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: {{ .name }}
  namespace: {{ $r.Release.Namespace }}
  labels:
    {{- include "fieldops.labels" $r | nindent 4 }}
    {{- with .component }}
    app.kubernetes.io/component: {{ . }}
    {{- end }}
spec:
  serviceName: {{ .serviceName }}
  replicas: {{ .replicas }}
  # Shards are independent: start and stop them together.
  podManagementPolicy: Parallel
  updateStrategy:
    type: RollingUpdate
  persistentVolumeClaimRetentionPolicy:
    whenDeleted: {{ ternary "Retain" "Delete" .persistence.retain }}
    whenScaled: {{ ternary "Retain" "Delete" .persistence.retain }}
  selector:
    matchLabels:
      {{- include "fieldops.stsSelector" . | nindent 6 }}
  template:
    metadata:
      labels:
        {{- if $allInOne }}
        {{- include "fieldops.podLabels" $r | nindent 8 }}
        {{- else }}
        {{- include "fieldops.stsSelector" . | nindent 8 }}
        app.kubernetes.io/part-of: fieldops
        {{- end }}
        {{- with $v.podLabels }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
      annotations:
        checksum/config: {{ include (print $r.Template.BasePath "/configmap.yaml") $r | sha256sum }}
        checksum/secret: {{ include (print $r.Template.BasePath "/secret.yaml") $r | sha256sum }}
        kubectl.kubernetes.io/default-container: serve
        {{- with $v.podAnnotations }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
    spec:
      serviceAccountName: {{ include "fieldops.serviceAccountName" $r }}
      automountServiceAccountToken: {{ $v.serviceAccount.automountToken }}
      enableServiceLinks: false
      # serve drains within config.grace, then the replicate sidecar (stopped after it) does its
      # final sync; preStop waits 5 s for endpoints to be removed from the Ingress.
      terminationGracePeriodSeconds: {{ add $grace 25 }}
      {{- with $v.priorityClassName }}
      priorityClassName: {{ . }}
      {{- end }}
      {{- with $v.imagePullSecrets }}
      imagePullSecrets:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      securityContext:
        {{- toYaml $v.podSecurityContext | nindent 8 }}
      {{- if or $restore $dedicated $sidecar .sidecars }}
      initContainers:
        {{- with .sidecars }}
        {{- . | nindent 8 }}
        {{- end }}
        {{- if $restore }}
        - name: restore
          image: {{ include "fieldops.image" $r }}
          imagePullPolicy: {{ $v.image.pullPolicy }}
          command: [/bin/sh, /scripts/seed-from-replica.sh]
          envFrom:
            {{- include "fieldops.envFrom" $r | nindent 12 }}
          env:
            {{- include "fieldops.env" $r | nindent 12 }}
            - name: FIELDOPS_RESTORE_FROM
              value: {{ default ($v.replication.url | replace "{color}" $otherColor) $v.restore.url | replace "{shard}" "$(POD_INDEX)" | quote }}
          securityContext:
            {{- toYaml $v.securityContext | nindent 12 }}
          resources:
            {{- toYaml .resources | nindent 12 }}
          volumeMounts:
            {{- include "fieldops.volumeMounts" $r | nindent 12 }}
        {{- end }}
        {{- if $dedicated }}
        - name: provision
          image: {{ include "fieldops.image" $r }}
          imagePullPolicy: {{ $v.image.pullPolicy }}
          command: [/bin/sh, /scripts/provision-dedicated.sh]
          envFrom:
            {{- include "fieldops.envFrom" $r | nindent 12 }}
          env:
            {{- include "fieldops.env" $r | nindent 12 }}
            - name: DEDICATED_TENANT
              value: {{ $v.dedicated.tenant | quote }}
            - name: DEDICATED_NAME
              value: {{ default $v.dedicated.tenant $v.dedicated.name | quote }}
            - name: DEDICATED_SECTOR
              value: {{ $v.dedicated.sector | quote }}
            - name: DEDICATED_PLAN
              value: {{ $v.dedicated.plan | quote }}
            - name: DEDICATED_ADMIN_EMAIL
              value: {{ $v.dedicated.adminEmail | quote }}
          securityContext:
            {{- toYaml $v.securityContext | nindent 12 }}
          resources:
            {{- toYaml .resources | nindent 12 }}
          volumeMounts:
            {{- include "fieldops.volumeMounts" $r | nindent 12 }}
        {{- end }}
        {{- if $sidecar }}
        # Native sidecar: started before serve (its startup probe gates serve), stopped after it,
        # restarted by the kubelet if it dies. Same binary, separate process: Litestream's SQLite
        # engine never shares a process with the server's (DESIGN.md §2).
        - name: replicate
          image: {{ include "fieldops.image" $r }}
          imagePullPolicy: {{ $v.image.pullPolicy }}
          restartPolicy: Always
          args:
            - replicate
            {{- range $v.replication.extraArgs }}
            - {{ . | quote }}
            {{- end }}
          envFrom:
            {{- include "fieldops.envFrom" $r | nindent 12 }}
          env:
            {{- include "fieldops.env" $r | nindent 12 }}
            {{- with $roleEnv }}
            {{- . | nindent 12 }}
            {{- end }}
            - name: FIELDOPS_REPLICA
              value: {{ $replica | quote }}
            - name: FIELDOPS_RETENTION
              value: {{ $v.replication.retention | quote }}
            - name: FIELDOPS_SNAPSHOT_EVERY
              value: {{ $v.replication.snapshotEvery | quote }}
            - name: FIELDOPS_DRILL_EVERY
              value: {{ $v.replication.drillEvery | quote }}
          # Liveness: the process answers on its control socket. Readiness: every replica receives
          # data (ready, no error, no refusal, last drill passed, lag within maxLag): a replica that
          # is not receiving makes the pod not ready, as serve's /readyz does.
          startupProbe:
            exec:
              command: [fieldops, backup, status, --alive]
            {{- toYaml $v.replication.probes.startup | nindent 12 }}
          livenessProbe:
            exec:
              command: [fieldops, backup, status, --alive]
            {{- toYaml $v.replication.probes.liveness | nindent 12 }}
          readinessProbe:
            exec:
              command: [fieldops, backup, status, --receiving, --max-lag, {{ $v.replication.maxLag | quote }}]
            {{- toYaml $v.replication.probes.readiness | nindent 12 }}
          securityContext:
            {{- toYaml $v.securityContext | nindent 12 }}
          resources:
            {{- toYaml $v.replication.resources | nindent 12 }}
          volumeMounts:
            {{- include "fieldops.volumeMounts" $r | nindent 12 }}
        {{- end }}
      {{- end }}
      containers:
        - name: serve
          image: {{ include "fieldops.image" $r }}
          imagePullPolicy: {{ $v.image.pullPolicy }}
          args:
            - serve
            {{- range $v.serve.extraArgs }}
            - {{ . | quote }}
            {{- end }}
          envFrom:
            {{- include "fieldops.envFrom" $r | nindent 12 }}
          env:
            {{- include "fieldops.env" $r | nindent 12 }}
            {{- with $roleEnv }}
            {{- . | nindent 12 }}
            {{- end }}
            - name: FIELDOPS_REPLICA
              value: {{ $replica | quote }}
            # the replicate sidecar runs Litestream: serve attaches to its socket
            - name: FIELDOPS_REPLICATE
              value: "external"
            {{- if and $v.ingress.enabled $v.ingress.tls.enabled (eq $v.config.tls "off") }}
            # TLS ends at the ingress: https links, Secure cookies
            - name: FIELDOPS_PUBLIC_SCHEME
              value: "https"
            {{- end }}
            {{- if and $v.ingress.enabled $v.ingress.clientIPHeader }}
            # the ingress sets it; the NetworkPolicy keeps clients from reaching serve directly
            - name: FIELDOPS_CLIENT_IP_HEADER
              value: {{ $v.ingress.clientIPHeader | quote }}
            {{- end }}
            {{- with .serveEnv }}
            {{- . | nindent 12 }}
            {{- end }}
            {{- with $v.serve.extraEnv }}
            {{- toYaml . | nindent 12 }}
            {{- end }}
          ports:
            - name: http
              containerPort: 8090
              protocol: TCP
          # /healthz and /readyz answer on any Host header.
          startupProbe:
            httpGet: {path: /healthz, port: http}
            {{- toYaml $v.probes.startup | nindent 12 }}
          livenessProbe:
            httpGet: {path: /healthz, port: http}
            {{- toYaml $v.probes.liveness | nindent 12 }}
          readinessProbe:
            httpGet: {path: /readyz, port: http}
            {{- toYaml $v.probes.readiness | nindent 12 }}
          lifecycle:
            preStop:
              exec:
                command: [sleep, "5"]
          securityContext:
            {{- toYaml $v.securityContext | nindent 12 }}
          resources:
            {{- toYaml .resources | nindent 12 }}
          volumeMounts:
            {{- include "fieldops.volumeMounts" $r | nindent 12 }}
            {{- with .serveMounts }}
            {{- . | nindent 12 }}
            {{- end }}
      volumes:
        - name: tmp
          emptyDir:
            sizeLimit: {{ $v.tmpSizeLimit }}
        - name: scripts
          configMap:
            name: {{ include "fieldops.fullname" $r }}
            defaultMode: 0555
            items:
              - {key: seed-from-replica.sh, path: seed-from-replica.sh}
              - {key: provision-dedicated.sh, path: provision-dedicated.sh}
        {{- with .volumes }}
        {{- . | nindent 8 }}
        {{- end }}
      {{- if $v.topologySpread.enabled }}
      topologySpreadConstraints:
        - maxSkew: {{ $v.topologySpread.maxSkew }}
          topologyKey: {{ $v.topologySpread.topologyKey }}
          whenUnsatisfiable: {{ $v.topologySpread.whenUnsatisfiable }}
          labelSelector:
            matchLabels:
              {{- include "fieldops.stsSelector" . | nindent 14 }}
        - maxSkew: 1
          topologyKey: kubernetes.io/hostname
          whenUnsatisfiable: ScheduleAnyway
          labelSelector:
            matchLabels:
              {{- include "fieldops.stsSelector" . | nindent 14 }}
      {{- end }}
      {{- with $v.nodeSelector }}
      nodeSelector:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $v.affinity }}
      affinity:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $v.tolerations }}
      tolerations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
  volumeClaimTemplates:
    - apiVersion: v1
      kind: PersistentVolumeClaim
      metadata:
        name: data
        labels:
          {{- include "fieldops.stsSelector" . | nindent 10 }}
        {{- with .persistence.annotations }}
        annotations:
          {{- toYaml . | nindent 10 }}
        {{- end }}
      spec:
        accessModes:
          {{- toYaml .persistence.accessModes | nindent 10 }}
        {{- with .persistence.storageClass }}
        storageClassName: {{ . | quote }}
        {{- end }}
        resources:
          requests:
            storage: {{ .persistence.size }}
{{- end -}}

{{/* Selector of a StatefulSet's pods: the release's selector labels, plus the component in scaleOut. */}}
{{- define "fieldops.stsSelector" -}}
{{ include "fieldops.selectorLabels" .root }}
{{- with .component }}
app.kubernetes.io/component: {{ . }}
{{- end }}
{{- end -}}

{{/* Role environment of every fieldops container of a scaleOut pod (empty for the all-in-one pods). */}}
{{- define "fieldops.roleEnv" -}}
{{- $r := .root }}
{{- $fullname := include "fieldops.fullname" $r }}
{{- $svc := printf "%s.svc.%s" $r.Release.Namespace $r.Values.scaleOut.clusterDomain }}
{{- if .role -}}
- name: FIELDOPS_ROLE
  value: {{ .role }}
- name: FIELDOPS_CLUSTER_TOKEN
  valueFrom:
    secretKeyRef:
      name: {{ include "fieldops.secretName" $r }}
      key: {{ $r.Values.scaleOut.clusterTokenKey }}
{{- if eq .role "shard" }}
# the shard's id is its pod name; the control plane and HAProxy reach it by its stable DNS name
- name: FIELDOPS_SHARD_ID
  value: "$(POD_NAME)"
- name: FIELDOPS_CONTROL_PLANE
  value: {{ printf "http://%s-control.%s:8090" $fullname $svc | quote }}
- name: FIELDOPS_ADVERTISE
  value: {{ printf "http://$(POD_NAME).%s-shards.%s:8090" $fullname $svc | quote }}
# the replicate sidecar keeps the shard's own control-plane copy apart from the control plane's
- name: FIELDOPS_PLATFORM_REPLICA_PATH
  value: "shards/$(POD_NAME)/platform"
{{- end }}
{{- end }}
{{- end -}}
