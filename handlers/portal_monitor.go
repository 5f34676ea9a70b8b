package handlers

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/pocketbase/pocketbase/core"
	datastar "github.com/starfederation/datastar/sdk/go"

	"github.com/fieldops360/fieldops/tenants"
	"github.com/fieldops360/fieldops/views/i18n"
	"github.com/fieldops360/fieldops/views/portal"
)

// monitorEvery is how often the monitoring stream re-renders.
const monitorEvery = 5 * time.Second

// monitorBody gathers the platform's health now.
func (h *Handlers) monitorBody(ctx context.Context) (portal.MonitorBodyVM, error) {
	reg := h.deps.Registry
	now := h.deps.Clock()
	vm := portal.MonitorBodyVM{At: i18n.FormatDateTime(ctx, now), Window: i18n.T(ctx, "monitor.window", int(tenants.TrafficWindow.Minutes()))}
	list, err := reg.List()
	if err != nil {
		return vm, err
	}
	traffic := reg.Traffic()
	dur := func(d time.Duration) string {
		switch {
		case d == 0:
			return "—"
		case d < 0:
			return "> 5 s"
		}
		return "≤ " + i18n.FormatNumber(ctx, float64(d.Milliseconds()), 0) + " ms"
	}
	for _, t := range list {
		row := portal.MonitorRowVM{Slug: t.Slug, State: "idle", Replication: h.replicationVM(ctx, t.Slug), LastBackup: h.lastBackup(ctx, t.Slug)}
		switch {
		case t.Status == tenants.StatusDeleted:
			continue
		case t.Status == tenants.StatusSuspended:
			row.State = "suspended"
			vm.Suspended++
		case t.Open:
			row.State = "open"
			vm.Open++
		default:
			vm.Idle++
		}
		tr := traffic[t.Slug]
		row.Requests = i18n.FormatNumber(ctx, float64(tr.Requests), 0)
		row.ErrorRate = i18n.FormatNumber(ctx, 100*tr.ErrorRate(), 1) + " %"
		row.ErrorLevel = "ok"
		if rate := tr.ErrorRate(); rate >= 0.05 {
			row.ErrorLevel = "danger"
		} else if rate > 0 {
			row.ErrorLevel = "warning"
		}
		row.P50, row.P95 = dur(tr.Quantile(0.5)), dur(tr.Quantile(0.95))
		vm.Rows = append(vm.Rows, row)
	}
	vm.DiskLevel, vm.Disk = "neutral", "—"
	if d, err := reg.DiskSpace(); err == nil && d.TotalBytes > 0 {
		used := d.UsedRatio()
		vm.Disk = i18n.T(ctx, "monitor.disk_value", humanBytes(ctx, int64(d.FreeBytes)), humanBytes(ctx, int64(d.TotalBytes)), i18n.FormatNumber(ctx, 100*used, 0))
		vm.DiskLevel = map[bool]string{true: "danger", false: map[bool]string{true: "warning", false: "ok"}[used > 0.8]}[used > 0.9]
	}
	vm.PlatformBackup = h.lastBackup(ctx, "platform")
	for _, c := range reg.Certificates() {
		days := int(c.NotAfter.Sub(now).Hours() / 24)
		level := "ok"
		if days < 7 {
			level = "danger"
		} else if days < 21 {
			level = "warning"
		}
		vm.Certs = append(vm.Certs, portal.CertVM{Names: strings.Join(c.Names, ", "), Issuer: c.Issuer, Level: level,
			Expires: i18n.T(ctx, "monitor.cert_expires", i18n.FormatDate(ctx, c.NotAfter), days)})
	}
	return vm, nil
}

// lastBackup is the time of the newest snapshot in a database's replica.
func (h *Handlers) lastBackup(ctx context.Context, db string) string {
	if h.deps.Replication == nil {
		return i18n.T(ctx, "monitor.no_replication")
	}
	if st := h.deps.Replication.Status(); st != nil {
		if d := st.DB(db); d != nil && d.LastSnapshot != nil {
			return i18n.FormatDateTime(ctx, *d.LastSnapshot)
		}
	}
	return "—"
}

// portalMonitor shows the platform's health.
func (h *Handlers) portalMonitor(e *core.RequestEvent) error {
	body, err := h.monitorBody(e.Request.Context())
	if err != nil {
		return h.fail(e, err)
	}
	vm := portal.MonitorVM{Shell: h.portalShell(e, "monitor", i18n.T(e.Request.Context(), "portal.nav.monitor")), Body: body}
	render(e.Response, e.Request, http.StatusOK, portal.MonitorPage(vm))
	return nil
}

// portalMonitorStream re-renders the monitoring figures every
// monitorEvery until the viewer leaves.
func (h *Handlers) portalMonitorStream(e *core.RequestEvent) error {
	ctx := e.Request.Context()
	_ = http.NewResponseController(e.Response).SetWriteDeadline(time.Time{})
	sse := datastar.NewSSE(e.Response, e.Request)
	tick := time.NewTicker(monitorEvery)
	defer tick.Stop()
	for {
		body, err := h.monitorBody(ctx)
		if err != nil {
			h.deps.Logger.WarnContext(ctx, "monitor stream", "error", err)
		} else if err := sse.MergeFragmentTempl(portal.MonitorBody(body)); err != nil {
			return nil //nolint:nilerr // NB: the viewer left
		}
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
		}
	}
}
