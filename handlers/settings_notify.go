package handlers

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/views/admin"
	"github.com/fieldops360/fieldops/views/components"
	"github.com/fieldops360/fieldops/views/i18n"
)

// notifyFormVM builds the settings' notifications section from stored
// thresholds.
func notifyFormVM(ctx context.Context, s domain.NotifySettings) admin.NotifyFormVM {
	vm := admin.NotifyFormVM{BudgetPct: strconv.Itoa(s.BudgetPct), ExpiryDays: strconv.Itoa(s.ExpiryDays),
		ApprovalDays: strconv.Itoa(s.ApprovalDays), DigestHour: strconv.Itoa(s.DigestHour)}
	for _, k := range domain.NotifyKinds() {
		vm.Rules = append(vm.Rules, admin.RuleVM{Kind: k, Label: i18n.T(ctx, "notify.kind."+k), On: s.Enabled(k)})
	}
	return vm
}

// parseNotifyForm reads the posted thresholds; a value that is not a
// whole number is refused with its field's message.
func parseNotifyForm(f url.Values) (domain.NotifySettings, error) {
	var s domain.NotifySettings
	for _, p := range []struct {
		name string
		to   *int
	}{{"budget_pct", &s.BudgetPct}, {"expiry_days", &s.ExpiryDays}, {"approval_days", &s.ApprovalDays}, {"digest_hour", &s.DigestHour}} {
		n, err := strconv.Atoi(strings.TrimSpace(f.Get(p.name)))
		if err != nil {
			return s, domain.FieldError(p.name, "err.notify."+p.name)
		}
		*p.to = n
	}
	on := map[string]bool{}
	for _, k := range f["rules"] {
		on[k] = true
	}
	for _, k := range domain.NotifyKinds() {
		if !on[k] {
			s.Off = append(s.Off, k)
		}
	}
	for k := range on {
		if !domain.ValidNotifyKind(k) {
			return s, domain.FieldError("off", "err.notify.unknown_rule")
		}
	}
	return s, nil
}

// settingsNotifySave is POST /settings/notifications (tenant admins): it
// validates and saves the thresholds; invalid input comes back (400) with
// the values typed and the field's message, nothing saved.
func (h *Handlers) settingsNotifySave(e *core.RequestEvent) error {
	if err := e.Request.ParseForm(); err != nil {
		return h.fail(e, domain.Errorf(domain.EInvalid, "err.unreadable_form"))
	}
	f := e.Request.PostForm
	s, err := parseNotifyForm(f)
	if err == nil {
		err = domain.SaveNotifySettings(e.App, e.Auth, s)
	}
	if err == nil {
		return e.Redirect(http.StatusSeeOther, "/settings?toast=saved#notifications")
	}
	errs, status, ok := formErrors(e.Request.Context(), err)
	if !ok {
		return h.fail(e, err)
	}
	c, cerr := domain.FindCompany(e.App)
	if cerr != nil {
		return h.fail(e, cerr)
	}
	in := c.Input()
	if len(in.Calendar.WorkDays) == 0 {
		in.Calendar.WorkDays = []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday}
	}
	vm := h.newSettingsVM(e, in, nil)
	vm.Notify.BudgetPct, vm.Notify.ExpiryDays = f.Get("budget_pct"), f.Get("expiry_days")
	vm.Notify.ApprovalDays, vm.Notify.DigestHour = f.Get("approval_days"), f.Get("digest_hour")
	for i := range vm.Notify.Rules {
		vm.Notify.Rules[i].On = s.Enabled(vm.Notify.Rules[i].Kind)
	}
	vm.Notify.Errors = components.FieldErrors(errs)
	render(e.Response, e.Request, status, admin.SettingsPage(vm))
	return nil
}
