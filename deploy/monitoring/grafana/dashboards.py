#!/usr/bin/env python3
"""Generates the Grafana dashboards (dashboards as code): python3 dashboards.py dashboards/

scripts/check-deploy regenerates them into a scratch directory and fails when the committed JSON differs."""
import json
DS = {"type": "prometheus", "uid": "${datasource}"}
def tgt(expr, legend="", ref="A", instant=False):
    t = {"datasource": DS, "expr": expr, "legendFormat": legend or "__auto", "refId": ref, "range": not instant, "instant": instant}
    return t
class D:
    def __init__(s): s.panels=[]; s.id=1; s.y=0; s.x=0; s.rowh=0
    def add(s, p, w, h):
        if s.x + w > 24: s.x=0; s.y+=s.rowh; s.rowh=0
        p["id"]=s.id; s.id+=1
        p["gridPos"]={"h":h,"w":w,"x":s.x,"y":s.y}
        s.x+=w; s.rowh=max(s.rowh,h)
        s.panels.append(p)
    def row(s, title):
        if s.x: s.x=0; s.y+=s.rowh; s.rowh=0
        s.panels.append({"id":s.id,"type":"row","title":title,"collapsed":False,"gridPos":{"h":1,"w":24,"x":0,"y":s.y},"panels":[]})
        s.id+=1; s.y+=1
def stat(title, expr, unit="none", desc="", thresholds=None, legend=""):
    steps = thresholds or [{"color":"green","value":None}]
    return {"type":"stat","title":title,"description":desc,"datasource":DS,
            "targets":[tgt(expr, legend, instant=True)],
            "fieldConfig":{"defaults":{"unit":unit,"thresholds":{"mode":"absolute","steps":steps},"color":{"mode":"thresholds"}},"overrides":[]},
            "options":{"reduceOptions":{"calcs":["lastNotNull"],"fields":"","values":False},"colorMode":"value","graphMode":"area","justifyMode":"auto","orientation":"auto","textMode":"auto","wideLayout":True,"showPercentChange":False,"percentChangeColorMode":"standard"}}
def ts(title, targets, unit="none", desc="", stack=False):
    return {"type":"timeseries","title":title,"description":desc,"datasource":DS,
            "targets":[tgt(e,l,chr(65+i)) for i,(e,l) in enumerate(targets)],
            "fieldConfig":{"defaults":{"unit":unit,"custom":{"drawStyle":"line","lineWidth":1,"fillOpacity":10,"showPoints":"never","stacking":{"mode":"normal" if stack else "none","group":"A"}},"color":{"mode":"palette-classic"}},"overrides":[]},
            "options":{"legend":{"displayMode":"table","placement":"bottom","showLegend":True,"calcs":["lastNotNull","max"]},"tooltip":{"mode":"multi","sort":"desc"}}}
def table(title, expr, unit="none", desc=""):
    return {"type":"table","title":title,"description":desc,"datasource":DS,
            "targets":[dict(tgt(expr, "", instant=True), format="table")],
            "fieldConfig":{"defaults":{"unit":unit},"overrides":[]},
            "options":{"showHeader":True,"cellHeight":"sm","frameIndex":0},
            "transformations":[{"id":"organize","options":{"excludeByName":{"Time":True}}}]}
def var_ds():
    return {"name":"datasource","label":"Prometheus","type":"datasource","query":"prometheus","current":{"text":"","value":""},"hide":0,"refresh":1,"regex":"","options":[]}
def var_q(name, label, query, multi=True, include_all=True):
    return {"name":name,"label":label,"type":"query","datasource":DS,"query":{"query":query,"refId":"PrometheusVariableQueryEditor-VariableQuery"},
            "definition":query,"refresh":2,"sort":1,"multi":multi,"includeAll":include_all,"current":{"text":"","value":""},"hide":0,"options":[],"regex":""}
def dash(uid, title, desc, panels, variables, tags):
    return {"uid":uid,"title":title,"description":desc,"tags":["fieldops"]+tags,"timezone":"browser","editable":True,
            "graphTooltip":1,"schemaVersion":39,"version":1,"refresh":"30s","time":{"from":"now-6h","to":"now"},
            "timepicker":{},"fiscalYearStartMonth":0,"liveNow":False,"weekStart":"",
            "annotations":{"list":[{"builtIn":1,"datasource":{"type":"grafana","uid":"-- Grafana --"},"enable":True,"hide":True,"iconColor":"rgba(0, 211, 255, 1)","name":"Annotations & Alerts","type":"dashboard"}]},
            "links":[{"title":"FieldOps360","type":"dashboards","tags":["fieldops"],"asDropdown":True,"includeVars":True,"keepTime":True,"icon":"external link","targetBlank":False,"tooltip":"","url":""}],
            "templating":{"list":variables},"panels":panels}
J='job=~"$job"'
RED=[{"color":"green","value":None},{"color":"red","value":1}]
# ---------- overview
d=D()
d.row("Service")
d.add(stat("Instances up", f'sum(up{{{J}}})', desc="Scraped fieldops shards answering /metrics."),4,4)
d.add(stat("Requests / s", f'sum(rate(fieldops_http_requests_total{{{J}}}[$__rate_interval]))', "reqps"),4,4)
d.add(stat("5xx ratio", f'sum(rate(fieldops_http_requests_total{{{J},code=~"5..",route!~".*/stream"}}[$__rate_interval])) / sum(rate(fieldops_http_requests_total{{{J},route!~".*/stream"}}[$__rate_interval]))', "percentunit",
            thresholds=[{"color":"green","value":None},{"color":"orange","value":0.001},{"color":"red","value":0.0144}]),4,4)
d.add(stat("p95 latency", f'histogram_quantile(0.95, sum by (le) (rate(fieldops_http_request_duration_seconds_bucket{{{J},route!~".*/stream"}}[$__rate_interval])))', "s",
            thresholds=[{"color":"green","value":None},{"color":"red","value":0.5}]),4,4)
d.add(stat("Open tenants", f'sum(fieldops_open_tenants{{{J}}})'),4,4)
d.add(stat("Live streams (SSE)", f'sum(fieldops_sse_clients{{{J}}})'),4,4)
d.add(ts("Requests by status code", [(f'sum by (code) (rate(fieldops_http_requests_total{{{J}}}[$__rate_interval]))', "{{code}}")], "reqps", stack=True),12,8)
d.add(ts("Latency (streams excluded)", [
    (f'histogram_quantile(0.50, sum by (le) (rate(fieldops_http_request_duration_seconds_bucket{{{J},route!~".*/stream"}}[$__rate_interval])))', "p50"),
    (f'histogram_quantile(0.95, sum by (le) (rate(fieldops_http_request_duration_seconds_bucket{{{J},route!~".*/stream"}}[$__rate_interval])))', "p95"),
    (f'histogram_quantile(0.99, sum by (le) (rate(fieldops_http_request_duration_seconds_bucket{{{J},route!~".*/stream"}}[$__rate_interval])))', "p99")], "s"),12,8)
d.add(table("Slowest routes (p95, 5 min)", f'topk(10, fieldops:http_request_duration_seconds:p95_5m_by_route{{{J}}})', "s"),12,8)
d.add(ts("Requests by route", [(f'topk(10, sum by (route) (rate(fieldops_http_requests_total{{{J}}}[$__rate_interval])))', "{{route}}")], "reqps"),12,8)
d.row("Outside view (blackbox probes)")
PB='job="blackbox-fieldops"'
d.add(stat("Platform host", f'min(probe_success{{{PB},probe="platform"}})', desc="1 = https://admin.<domain>/readyz answers 200 from outside (DNS, TLS, ingress, a ready shard).",
           thresholds=[{"color":"red","value":None},{"color":"green","value":1}]),4,6)
d.add(stat("Shards down", f'count(probe_success{{{PB},probe="canary"}} == 0) or vector(0)', desc="Shards whose canary tenant fails its outside probe (FieldOpsShardDown).", thresholds=RED),4,6)
d.add(ts("Probes (1 = up)", [(f'probe_success{{{PB}}}', "{{probe}} {{shard}} {{instance}}")], desc="blackbox_exporter, job blackbox-fieldops: the platform host and one canary tenant per shard."),8,6)
d.add(ts("Probe duration", [(f'probe_duration_seconds{{{PB}}}', "{{probe}} {{shard}}")], "s"),8,6)
d.row("Tenants")
d.add(table("Busiest tenants (requests / s)", f'topk(10, fieldops:tenant_http_requests:rate5m{{{J}}})', "reqps",
            desc='fieldops_tenant_http_requests_total: the N busiest tenants of each shard by slug (--metrics-tenants, default 50), the rest under tenant="_other".'),12,8)
d.add(table("Tenants with the most 5xx (ratio)", f'topk(10, fieldops:tenant_http_errors:ratio_rate5m{{{J}}} > 0)', "percentunit",
            desc="5xx share of each named tenant's requests over 5 minutes."),12,8)
d.add(ts("Open tenants per shard", [(f'fieldops_open_tenants{{{J}}}', "{{instance}}")]),8,8)
d.add(ts("Tenant opens / closes", [(f'sum(rate(fieldops_tenant_opens_total{{{J}}}[$__rate_interval]))', "opens"),(f'sum(rate(fieldops_tenant_closes_total{{{J}}}[$__rate_interval]))', "closes")], "ops"),8,8)
d.add(table("Largest tenant databases", f'topk(15, fieldops_tenant_db_bytes{{{J}}})', "bytes"),8,8)
d.row("Replication and backups")
d.add(stat("Replication child", f'min(fieldops_replicate_child_up{{{J}}})', desc="1 = every shard's replication child is running.",
           thresholds=[{"color":"red","value":None},{"color":"green","value":1}]),4,4)
d.add(stat("Replicas receiving", f'min(fieldops_replication_receiving{{{J}}})', desc="1 = on every shard, every database's replica receives data (ready, no error, none refused).",
           thresholds=[{"color":"red","value":None},{"color":"green","value":1}]),4,4)
d.add(stat("Databases refused", f'sum(fieldops_replication_conflict{{{J}}}) or vector(0)', desc="Databases behind or unrelated to their replica: replication refused (docs/runbooks/replication-conflict.md).", thresholds=RED),4,4)
d.add(stat("Failed restore drills", f'count(fieldops_restore_drill_ok{{{J}}} == 0) or vector(0)', desc="Databases whose last restore drill failed: their replica is not restorable.", thresholds=RED),4,4)
d.add(stat("Tenants out of service", f'sum(fieldops_tenants_unavailable{{{J}}}) or vector(0)', desc="Tenants answering 503 because their database file disappeared or turned read-only.", thresholds=RED),4,4)
d.add(stat("Oldest snapshot", f'max(time() - fieldops_replication_last_snapshot_timestamp_seconds{{{J}}})', "s", desc="Every database gets a snapshot at least daily; alert at 36 h.",
           thresholds=[{"color":"green","value":None},{"color":"red","value":129600}]),4,4)
d.add(ts("Replication lag (worst databases)", [(f'topk(5, fieldops_replication_lag_seconds{{{J}}})', "{{instance}} {{db}}")], "s"),12,6)
d.add(ts("Replication errors", [(f'sum by (db) (increase(fieldops_replication_errors_total{{{J}}}[$__rate_interval]))', "{{db}}")]),12,6)
d.add(table("Restore drills: age of last success", f'time() - fieldops_restore_drill_last_success_timestamp_seconds{{{J}}}', "s"),8,8)
d.add(table("Snapshots: age of the last one", f'time() - fieldops_replication_last_snapshot_timestamp_seconds{{{J}}}', "s"),8,8)
d.add(ts("Background jobs p95", [(f'histogram_quantile(0.95, sum by (job, le) (rate(fieldops_job_duration_seconds_bucket{{{J}}}[$__rate_interval])))', "{{job}}")], "s"),8,8)
d.row("Host")
d.add(ts("Data volume free", [('fieldops:data_volume_avail:ratio', "{{instance}}{{persistentvolumeclaim}}")], "percentunit"),8,8)
d.add(table("Certificates: days left", f'(fieldops_certificate_expiry_timestamp_seconds{{{J}}} - time()) / 86400', "d"),8,8)
d.add(ts("Process memory / CPU", [(f'process_resident_memory_bytes{{{J}}}', "rss {{instance}}"),(f'go_memstats_heap_inuse_bytes{{{J}}}', "heap {{instance}}")], "bytes"),8,8)
overview=dash("fieldops-overview","FieldOps360 — platform overview","Traffic, latency, tenants, replication, disk and certificates of every shard.",d.panels,
    [var_ds(), var_q("job","Job",'label_values(fieldops_http_requests_total, job)')],["overview"])
# ---------- tenant drill-down
T='tenant=~"$tenant"'; DB='db=~"$tenant"'
d=D()
d.row("Tenant $tenant")
d.add(stat("Database size", f'sum(fieldops_tenant_db_bytes{{{J},{T}}})', "bytes"),6,4)
d.add(stat("Replication lag", f'max(fieldops_replication_lag_seconds{{{J},{DB}}})', "s",
           thresholds=[{"color":"green","value":None},{"color":"orange","value":60},{"color":"red","value":900}]),6,4)
d.add(stat("Last good restore drill", f'time() - max(fieldops_restore_drill_last_success_timestamp_seconds{{{J},{DB}}})', "s",
           thresholds=[{"color":"green","value":None},{"color":"red","value":172800}]),6,4)
d.add(stat("Last restore drill passed", f'min(fieldops_restore_drill_ok{{{J},{DB}}})', desc="1 = the last drill restored the replica and passed the integrity check.",
           thresholds=[{"color":"red","value":None},{"color":"green","value":1}]),6,4)
d.add(stat("Replication refused", f'max(fieldops_replication_conflict{{{J},{DB}}}) or vector(0)', desc="1 = the database is behind or unrelated to its replica.", thresholds=RED),8,4)
d.add(stat("Last snapshot", f'time() - max(fieldops_replication_last_snapshot_timestamp_seconds{{{J},{DB}}})', "s",
           thresholds=[{"color":"green","value":None},{"color":"red","value":129600}]),8,4)
d.add(stat("Drill failures (7 d)", f'sum(increase(fieldops_restore_drill_failures_total{{{J},{DB}}}[7d]))', thresholds=RED),8,4)
d.add(ts("Database size", [(f'fieldops_tenant_db_bytes{{{J},{T}}}', "{{tenant}}")], "bytes"),12,8)
d.add(ts("Replication lag", [(f'fieldops_replication_lag_seconds{{{J},{DB}}}', "{{db}}")], "s"),12,8)
d.add(ts("Replication errors", [(f'sum by (db) (increase(fieldops_replication_errors_total{{{J},{DB}}}[$__rate_interval]))', "{{db}}")]),12,8)
d.add(table("Certificates of the tenant's hosts (days left)", f'(fieldops_certificate_expiry_timestamp_seconds{{{J},host=~"$tenant[.].*|$host"}} - time()) / 86400', "d"),12,8)
d.add(ts("Share of platform storage", [(f'sum(fieldops_tenant_db_bytes{{{J},{T}}}) / sum(fieldops_tenant_db_bytes{{{J}}})', "$tenant")], "percentunit"),12,8)
d.add(ts("Requests of the tenant", [(f'sum by (tenant) (rate(fieldops_tenant_http_requests_total{{{J},{T}}}[$__rate_interval]))', "requests"),
    (f'sum by (tenant) (rate(fieldops_tenant_http_errors_total{{{J},{T}}}[$__rate_interval]))', "5xx")], "reqps",
    desc='Per-tenant counters exist for the N busiest tenants of each shard (--metrics-tenants, default 50); a quieter tenant is summed under tenant="_other" and shows nothing here.'),12,8)
d.add(ts("5xx ratio of the tenant", [(f'fieldops:tenant_http_errors:ratio_rate5m{{{J},{T}}}', "{{tenant}}")], "percentunit"),12,8)
tenant=dash("fieldops-tenant","FieldOps360 — tenant drill-down","One customer: database size, replication lag and refusals, snapshots, restore drills, certificates, its shard's load.",d.panels,
    [var_ds(), var_q("job","Job",'label_values(fieldops_tenant_db_bytes, job)'),
     var_q("tenant","Tenant",'label_values(fieldops_tenant_db_bytes{job=~"$job"}, tenant)', multi=False, include_all=False),
     {"name":"host","label":"Custom host (regex)","type":"textbox","query":"","current":{"text":"","value":""},"hide":0,"options":[]}],["tenant"])
# ---------- SLO
d=D()
d.row("Availability objective 99.9 % (30 days)")
d.add(stat("Probe availability (30 d)", '1 - avg(avg_over_time(probe_success{job="blackbox-fieldops"}[30d]))', "percentunit",
           desc="Share of successful outside probes (platform host + one canary tenant per shard) over 30 days.",
           thresholds=[{"color":"red","value":None},{"color":"green","value":0.999}]),6,5)
d.add(stat("Availability (30 d, requests)", f'1 - (sum(increase(fieldops_http_requests_total{{{J},code=~"5..",route!~".*/stream"}}[30d])) / sum(increase(fieldops_http_requests_total{{{J},route!~".*/stream"}}[30d])))', "percentunit",
           thresholds=[{"color":"red","value":None},{"color":"green","value":0.999}]),6,5)
d.add(stat("Error budget left (30 d)", f'1 - (sum(increase(fieldops_http_requests_total{{{J},code=~"5..",route!~".*/stream"}}[30d])) / sum(increase(fieldops_http_requests_total{{{J},route!~".*/stream"}}[30d]))) / 0.001', "percentunit",
           thresholds=[{"color":"red","value":None},{"color":"orange","value":0.25},{"color":"green","value":0.5}]),6,5)
d.add(stat("Burn rate 1 h", 'fieldops:slo_availability_errors:ratio_rate1h / 0.001', thresholds=[{"color":"green","value":None},{"color":"orange","value":6},{"color":"red","value":14.4}]),6,5)
d.add(stat("Burn rate 6 h", 'fieldops:slo_availability_errors:ratio_rate6h / 0.001', thresholds=[{"color":"green","value":None},{"color":"orange","value":3},{"color":"red","value":6}]),6,5)
d.add(ts("Burn rates (1 = budget spent exactly in 30 days)", [
    ('fieldops:slo_availability_errors:ratio_rate5m / 0.001', "5m"),
    ('fieldops:slo_availability_errors:ratio_rate1h / 0.001', "1h"),
    ('fieldops:slo_availability_errors:ratio_rate6h / 0.001', "6h"),
    ('fieldops:slo_availability_errors:ratio_rate1d / 0.001', "1d"),
    ('fieldops:slo_availability_errors:ratio_rate3d / 0.001', "3d")],
    desc="Availability SLI of the burn-rate alerts: the worse of the app's 5xx ratio and the share of failed outside probes."),12,8)
d.add(ts("Which view burns: 5xx answers vs failed probes (1 h)", [
    (f'max(fieldops:slo_errors:ratio_rate1h{{{J}}})', "5xx ratio (app)"),
    ('fieldops:slo_probe_errors:ratio_rate1h', "failed probes (outside)")], "percentunit",
    desc="A platform or shard that is down answers nothing: only the probes see it."),12,8)
d.row("Latency objective: p95 under 500 ms")
d.add(ts("p95 / p99 against the objective", [
    (f'max(fieldops:http_request_duration_seconds:p95_5m{{{J}}})', "p95"),
    (f'max(fieldops:http_request_duration_seconds:p99_5m{{{J}}})', "p99"),
    ('vector(0.5)', "objective")], "s"),12,8)
d.add(table("Routes over the objective", f'fieldops:http_request_duration_seconds:p95_5m_by_route{{{J}}} > 0.5', "s"),12,8)
d.row("Data protection objectives")
d.add(ts("Replication lag vs 60 s objective", [(f'max(fieldops:replication_lag_seconds:max{{{J}}})', "worst"),('vector(60)', "objective")], "s"),12,8)
d.add(stat("Databases without a drill in 2 days", f'count((time() - fieldops_restore_drill_last_success_timestamp_seconds{{{J}}}) > 172800) or vector(0)', thresholds=RED),4,8)
d.add(stat("Databases without a snapshot in 36 h", f'count((time() - fieldops_replication_last_snapshot_timestamp_seconds{{{J}}}) > 129600) or vector(0)', thresholds=RED),4,8)
d.add(stat("Certificates under 14 days", f'count((fieldops_certificate_expiry_timestamp_seconds{{{J}}} - time()) < 1209600) or vector(0)', thresholds=RED),4,8)
slo=dash("fieldops-slo","FieldOps360 — SLO and error budget","Availability 99.9 %, p95 latency, replication lag, restore drills, certificates: burn rates as in the alert rules.",d.panels,
    [var_ds(), var_q("job","Job",'label_values(fieldops_http_requests_total, job)')],["slo"])
# ---------- logs (Loki): JSON lines {trace_id, span_id, tenant, route, method, status, duration_ms,
# user, level} of stream {app="fieldops"}, shipped by Grafana Alloy
LK = {"type": "loki", "uid": "${loki}"}
SEL = '{app="fieldops"}'
def ltgt(expr, legend="", ref="A"):
    return {"datasource": LK, "expr": expr, "legendFormat": legend, "refId": ref, "queryType": "range", "editorMode": "code"}
def lts(title, targets, desc="", stack=True):
    return {"type":"timeseries","title":title,"description":desc,"datasource":LK,
            "targets":[ltgt(e,l,chr(65+i)) for i,(e,l) in enumerate(targets)],
            "fieldConfig":{"defaults":{"unit":"short","custom":{"drawStyle":"bars","lineWidth":1,"fillOpacity":60,"showPoints":"never","stacking":{"mode":"normal" if stack else "none","group":"A"}},"color":{"mode":"palette-classic"}},"overrides":[]},
            "options":{"legend":{"displayMode":"list","placement":"bottom","showLegend":True,"calcs":[]},"tooltip":{"mode":"multi","sort":"desc"}}}
def logs(title, expr, desc=""):
    return {"type":"logs","title":title,"description":desc,"datasource":LK,"targets":[ltgt(expr)],
            "options":{"showTime":True,"showLogContextToggle":True,"wrapLogMessage":True,"prettifyLogMessage":False,"enableLogDetails":True,"sortOrder":"Descending","dedupStrategy":"none","showLabels":False,"showCommonLabels":False}}
def var_text(name, label):
    return {"name":name,"label":label,"type":"textbox","query":"","current":{"text":"","value":""},"hide":0,"options":[]}
d=D()
d.row("All tenants")
d.add(lts("Log volume by level", [(f'sum by (level) (count_over_time({SEL} | json | __error__="" [$__interval]))', "{{level}}")],
    desc="Lines per level of every FieldOps360 process."),24,7)
d.row("Tenant $tenant")
d.add(lts("5xx lines of the tenant by route", [(f'sum by (route) (count_over_time({SEL} | json | __error__="" | tenant="$tenant" | status >= 500 [$__interval]))', "{{route}}")],
    desc="Requests of the tenant answered 5xx, per route pattern."),12,8)
d.add(lts("Slow requests of the tenant (over 500 ms) by route", [(f'sum by (route) (count_over_time({SEL} | json | __error__="" | tenant="$tenant" | duration_ms > 500 [$__interval]))', "{{route}}")],
    desc="The latency objective is p95 under 500 ms."),12,8)
d.add(logs("5xx lines of the tenant", f'{SEL} | json | __error__="" | tenant="$tenant" | status >= 500 | line_format "{{{{.status}}}} {{{{.method}}}} {{{{.route}}}} {{{{.duration_ms}}}} ms trace={{{{.trace_id}}}} user={{{{.user}}}}"',
    desc="Open a line for its trace_id, then paste it in the trace id variable (or follow it to the trace backend)."),24,10)
d.row("Trace $trace_id")
d.add(logs("Lines of one trace", f'{SEL} |= "$trace_id" | json | __error__="" | trace_id="$trace_id"',
    desc="Every line logged while serving the request (the span tree is in the trace backend under the same id)."),24,10)
logsdash=dash("fieldops-logs","FieldOps logs by tenant","Loki: log volume by level, 5xx and slow lines of a tenant by route, every line of one trace id.",d.panels,
    [{"name":"loki","label":"Loki","type":"datasource","query":"loki","current":{"text":"","value":""},"hide":0,"refresh":1,"regex":"","options":[]},
     var_text("tenant","Tenant (slug)"), var_text("trace_id","Trace id")],["logs"])
logsdash["refresh"]="1m"; logsdash["time"]={"from":"now-1h","to":"now"}
import sys
out=sys.argv[1]
for name,db in (("fieldops-overview",overview),("fieldops-tenant",tenant),("fieldops-slo",slo),("fieldops-logs",logsdash)):
    with open(f"{out}/{name}.json","w") as f:
        json.dump(db,f,indent=2,ensure_ascii=False); f.write("\n")
