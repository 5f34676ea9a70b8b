package handlers

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/pocketbase/pocketbase/core"

	"github.com/fieldops360/fieldops/views/components"
	"github.com/fieldops360/fieldops/views/i18n"
	"github.com/fieldops360/fieldops/views/portal"
)

// finopsVM builds the FinOps page of month (the current one when empty).
func (h *Handlers) finopsVM(e *core.RequestEvent, month string, priceErrs map[string]string) (portal.FinOpsVM, int, error) {
	ctx := e.Request.Context()
	if month == "" {
		month = h.deps.Clock().UTC().Format("2006-01")
	}
	vm := portal.FinOpsVM{Shell: h.portalShell(e, "finops", i18n.T(ctx, "portal.nav.finops")), Month: month, PriceError: priceErrs["form"]}
	vm.Shell.Toasts = h.flashToasts(e)
	status := http.StatusOK
	list, err := h.deps.Registry.FinOps(month)
	if err != nil {
		a := answerOf(ctx, err)
		if !a.OnForm {
			return vm, 0, err
		}
		vm.MonthError, status = a.Message, a.Status
	}
	eur := func(v float64) string { return i18n.FormatEUR(ctx, v) }
	for _, c := range list {
		vm.Rows = append(vm.Rows, portal.CostRowVM{Tenant: c.Tenant, Name: c.Name, Plan: c.Plan, CPU: eur(c.CPUEUR), Memory: eur(c.MemoryEUR),
			Storage: eur(c.StorageEUR), Replica: eur(c.ReplicaEUR), Cost: eur(c.CostEUR), Revenue: eur(c.RevenueEUR), Margin: eur(c.MarginEUR),
			Estimated: !c.Invoiced, Alert: c.Alert})
		if c.Alert {
			vm.Alerts = append(vm.Alerts, c.Tenant)
		}
	}
	set, err := h.deps.Registry.BillingSettings()
	if err != nil {
		return vm, 0, err
	}
	for _, p := range []struct {
		name string
		v    float64
	}{{"cpu_hour_eur", set.CPUHourEUR}, {"memory_month_eur", set.MemoryMonthEUR}, {"storage_gb_month_eur", set.StorageGBMonthEUR}, {"replica_gb_month_eur", set.ReplicaGBMonthEUR}} {
		vm.Prices = append(vm.Prices, portal.SettingFieldVM{Name: p.name, Value: formatFloat(p.v), Error: priceErrs[p.name]})
	}
	return vm, status, nil
}

// portalFinOps shows each tenant's margin, the worst first.
func (h *Handlers) portalFinOps(e *core.RequestEvent) error {
	vm, status, err := h.finopsVM(e, strings.TrimSpace(e.Request.URL.Query().Get("month")), nil)
	if err != nil {
		return h.fail(e, err)
	}
	render(e.Response, e.Request, status, portal.FinOpsPage(vm))
	return nil
}

// portalFinOpsPrices saves the cost model's unit prices.
func (h *Handlers) portalFinOpsPrices(e *core.RequestEvent) error {
	ctx := e.Request.Context()
	set, err := h.deps.Registry.BillingSettings()
	if err != nil {
		return h.fail(e, err)
	}
	errs := map[string]string{}
	for name, dst := range map[string]*float64{"cpu_hour_eur": &set.CPUHourEUR, "memory_month_eur": &set.MemoryMonthEUR,
		"storage_gb_month_eur": &set.StorageGBMonthEUR, "replica_gb_month_eur": &set.ReplicaGBMonthEUR} {
		v, perr := strconv.ParseFloat(strings.ReplaceAll(strings.TrimSpace(e.Request.FormValue(name)), ",", "."), 64)
		if perr != nil {
			errs[name] = i18n.T(ctx, "err.invalid_number")
			continue
		}
		*dst = v
	}
	if len(errs) == 0 {
		err := h.deps.Registry.SetBillingSettings(set, e.Auth.Email())
		if err == nil {
			return e.Redirect(http.StatusSeeOther, "/portal/finops?toast=saved")
		}
		a := answerOf(ctx, err)
		if !a.OnForm {
			return h.fail(e, err)
		}
		field := a.Field
		if field == components.WholeForm {
			field = "form"
		}
		errs[field] = a.Message
	}
	vm, _, err := h.finopsVM(e, "", errs)
	if err != nil {
		return h.fail(e, err)
	}
	render(e.Response, e.Request, http.StatusBadRequest, portal.FinOpsPage(vm))
	return nil
}
