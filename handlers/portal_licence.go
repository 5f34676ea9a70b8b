package handlers

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/tenants"
	"github.com/fieldops360/fieldops/views/components"
	"github.com/fieldops360/fieldops/views/i18n"
	"github.com/fieldops360/fieldops/views/portal"
)

// licenceVM builds a tenant's licence form from its settings and the
// values in force.
func (h *Handlers) licenceVM(ctx context.Context, info tenants.Info) (*portal.LicenceVM, error) {
	set, err := h.deps.Registry.LicenceOf(info.Slug)
	if err != nil {
		return nil, err
	}
	vm := &portal.LicenceVM{Slug: info.Slug, Plan: set.Plan, Trial: set.Trial, Starts: dateInput(set.Starts), Expires: dateInput(set.Expires)}
	for _, p := range []string{tenants.PlanStarter, tenants.PlanPro, tenants.PlanEnterprise} {
		vm.Plans = append(vm.Plans, components.Option{Value: p, Label: p})
	}
	if set.Seats > 0 {
		vm.Seats = strconv.Itoa(set.Seats)
	}
	if set.GraceDays > 0 {
		vm.GraceDays = strconv.Itoa(set.GraceDays)
	}
	for _, m := range domain.PlanModules {
		vm.Modules = append(vm.Modules, portal.ModuleVM{Value: m, Checked: slices.Contains(set.Modules, m)})
	}
	seats := i18n.T(ctx, "portal.seats_unlimited")
	if info.Seats > 0 {
		seats = i18n.T(ctx, "portal.seats_n", info.Seats)
	}
	mods := make([]string, 0, len(info.Modules))
	for _, m := range info.Modules {
		mods = append(mods, i18n.T(ctx, "plan.module."+m))
	}
	state := i18n.T(ctx, "licence.state."+info.Licence)
	if info.LicenceExpires != "" {
		state += " · " + i18n.T(ctx, "portal.licence_until", info.LicenceExpires)
	}
	vm.InForce = fmt.Sprintf("%s · %s · %s", seats, strings.Join(mods, ", "), state)
	return vm, nil
}

func dateInput(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.DateOnly)
}

// portalLicence saves a tenant's licence form: a field error re-renders
// the form with what was typed, a success returns to the tenant's page.
func (h *Handlers) portalLicence(e *core.RequestEvent) error {
	slug := e.Request.PathValue("slug")
	if err := e.Request.ParseForm(); err != nil {
		return h.fail(e, domain.Errorf(domain.EInvalid, "err.unreadable_form"))
	}
	f := e.Request.PostForm
	in := tenants.LicenceInput{Plan: f.Get("plan"), SetExpires: true}
	errs := map[string]string{}
	ctx := e.Request.Context()
	num := func(field string) *int {
		v := strings.TrimSpace(f.Get(field))
		if v == "" {
			zero := 0
			return &zero
		}
		n, err := strconv.Atoi(v)
		if err != nil {
			errs[field] = i18n.T(ctx, "err.invalid_number")
			return nil
		}
		return &n
	}
	in.Seats, in.GraceDays = num("seats"), num("grace_days")
	date := func(field, key string) time.Time {
		v := strings.TrimSpace(f.Get(field))
		if v == "" {
			return time.Time{}
		}
		d, err := time.Parse(time.DateOnly, v)
		if err != nil {
			errs[key] = i18n.T(ctx, "err.tenant.licence_date", v)
		}
		return d
	}
	starts := date("starts", "licence_starts")
	in.Starts = &starts
	if in.Expires = date("expires", "licence_expires"); !in.Expires.IsZero() {
		in.Expires = in.Expires.Add(24*time.Hour - time.Second) // the whole last day
	}
	trial := f.Get("trial") == "1"
	mods := f["modules"]
	in.Trial, in.Modules = &trial, &mods
	if len(errs) == 0 {
		_, err := h.deps.Registry.SetLicence(slug, in, e.Auth.Email())
		if err == nil {
			return e.Redirect(http.StatusSeeOther, "/portal/tenants/"+slug+"?toast=saved")
		}
		a := answerOf(ctx, err)
		if !a.OnForm {
			return h.fail(e, err)
		}
		if a.Field == "" {
			a.Field = "form"
		}
		errs[a.Field] = a.Message
	}
	vm, err := h.tenantVM(e, slug)
	if err != nil {
		return h.fail(e, err)
	}
	if vm.Licence != nil {
		lv := vm.Licence
		lv.Errors, lv.FormError = errs, errs["form"]
		lv.Plan, lv.Seats, lv.GraceDays, lv.Starts, lv.Expires, lv.Trial = f.Get("plan"), f.Get("seats"), f.Get("grace_days"), f.Get("starts"), f.Get("expires"), trial
		for i := range lv.Modules {
			lv.Modules[i].Checked = slices.Contains(mods, lv.Modules[i].Value)
		}
	}
	render(e.Response, e.Request, http.StatusBadRequest, portal.TenantPage(vm))
	return nil
}

// usageVM builds a tenant's metering section: the last 30 days (UTC).
func (h *Handlers) usageVM(ctx context.Context, slug string) (portal.UsageVM, error) {
	now := h.deps.Clock().UTC()
	days, err := h.deps.Registry.UsageDays(slug, now.AddDate(0, 0, -29).Format(time.DateOnly), now.Format(time.DateOnly))
	if err != nil || len(days) == 0 {
		return portal.UsageVM{}, err
	}
	var vm portal.UsageVM
	peak, total := 1, 0
	for _, d := range days {
		peak, total = max(peak, d.Requests), total+d.Requests
	}
	pts := make([]string, 0, len(days))
	for i, d := range days {
		x := 300 * float64(i) / float64(max(len(days)-1, 1))
		y := 38 - 36*float64(d.Requests)/float64(peak)
		pts = append(pts, strconv.FormatFloat(x, 'f', 1, 64)+","+strconv.FormatFloat(y, 'f', 1, 64))
	}
	vm.Sparkline, vm.Max, vm.Total = strings.Join(pts, " "), i18n.FormatNumber(ctx, float64(peak), 0), i18n.FormatNumber(ctx, float64(total), 0)
	for i := len(days) - 1; i >= 0; i-- {
		d := days[i]
		n := func(v int) string { return i18n.FormatNumber(ctx, float64(v), 0) }
		vm.Days = append(vm.Days, portal.UsageDayVM{
			Day: d.Day, Requests: n(d.Requests), CPU: i18n.FormatNumber(ctx, float64(d.CPUms)/1000, 1) + "\u00a0s",
			ActiveUsers: n(d.ActiveUsers), DB: humanBytes(ctx, int64(d.DBBytes)), Files: humanBytes(ctx, int64(d.FilesBytes)),
			Replica: humanBytes(ctx, int64(d.ReplicaBytes)), Photos: n(d.Photos), Reports: n(d.Reports),
		})
	}
	return vm, nil
}

// portalSectorEnable enables a sector for a tenant and adds the records of
// its reference-data pack the tenant lacks; the page then says what was
// added.
func (h *Handlers) portalSectorEnable(e *core.RequestEvent) error {
	slug := e.Request.PathValue("slug")
	if err := e.Request.ParseForm(); err != nil {
		return h.fail(e, domain.Errorf(domain.EInvalid, "err.unreadable_form"))
	}
	sector := e.Request.PostForm.Get("sector")
	res, err := h.deps.Registry.EnableSector(e.Request.Context(), slug, sector, e.Auth.Email())
	if err != nil {
		return h.fail(e, err)
	}
	q := url.Values{"toast": {"sector"}, "sector": {sector}, "added": {strconv.Itoa(res.Added())}}
	return e.Redirect(http.StatusSeeOther, "/portal/tenants/"+slug+"?"+q.Encode())
}
