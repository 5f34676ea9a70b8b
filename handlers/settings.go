package handlers

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/views/admin"
	"github.com/fieldops360/fieldops/views/components"
	"github.com/fieldops360/fieldops/views/i18n"
	"github.com/fieldops360/fieldops/views/layouts"
)

// newSettingsVM builds the settings page from a form input.
func (h *Handlers) newSettingsVM(e *core.RequestEvent, in domain.CompanyInput, errs map[string]string) admin.SettingsVM {
	ctx := e.Request.Context()
	shell := h.shell(e, "settings", i18n.T(ctx, "settings.title"), layouts.Crumb{Label: i18n.T(ctx, "settings.title")})
	shell.Toasts = h.flashToasts(e)
	vm := admin.SettingsVM{
		Shell: shell, Name: in.Name, Sector: in.Sector, Timezone: in.Timezone, Locale: in.Locale,
		Siret: in.Siret, Address: in.Address, AlsaceMoselle: in.Calendar.AlsaceMoselle,
		ExtraClosed: strings.Join(in.Calendar.ExtraClosed, "\n"), Errors: errs, AdminEmail: e.Auth.Email(),
	}
	o, num := in.Overtime.Normalized(), func(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
	vm.Overtime = [4]string{num(o.WeeklyHours), num(o.Tier1Hours), num(o.Tier1Pct), num(o.Tier2Pct)}
	work := map[time.Weekday]bool{}
	for _, d := range in.Calendar.WorkDays {
		work[d] = true
	}
	for _, d := range []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday, time.Saturday, time.Sunday} {
		vm.Days = append(vm.Days, admin.DayVM{Value: int(d), Label: i18n.T(ctx, "day."+strconv.Itoa(int(d))), Checked: work[d]})
	}
	for _, s := range []string{domain.SectorBTP, domain.SectorElec, domain.SectorTP} {
		vm.Sectors = append(vm.Sectors, components.Option{Value: s, Label: i18n.T(ctx, "sector."+s)})
	}
	vm.Locales = []components.Option{{Value: "fr", Label: "Français"}, {Value: "en", Label: "English"}}
	h.settingsSectorsVM(e, &vm)
	ns, err := domain.TenantNotifySettings(e.App)
	if err != nil {
		h.deps.Logger.WarnContext(e.Request.Context(), "notification settings", "tenant", tenantSlug(e.Request), "error", err)
		ns = domain.DefaultNotifySettings()
	}
	vm.Notify = notifyFormVM(ctx, ns)
	vm.Retention = retentionVM(e.App)
	vm.Year = h.deps.Clock().Year()
	for _, hd := range domain.FrenchHolidays(vm.Year, in.Calendar.AlsaceMoselle) {
		vm.Holidays = append(vm.Holidays, admin.HolidayVM{Date: i18n.FormatDate(ctx, hd.Date.Add(12*time.Hour)), Name: hd.Name})
	}
	return vm
}

// settingsShow renders the company settings (tenant admins).
func (h *Handlers) settingsShow(e *core.RequestEvent) error {
	c, err := domain.FindCompany(e.App)
	if err != nil {
		return h.fail(e, err)
	}
	in := c.Input()
	if len(in.Calendar.WorkDays) == 0 {
		in.Calendar.WorkDays = []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday}
	}
	render(e.Response, e.Request, http.StatusOK, admin.SettingsPage(h.newSettingsVM(e, in, nil)))
	return nil
}

// settingsSave validates and saves the settings; invalid input comes
// back (400) with field errors and nothing saved.
func (h *Handlers) settingsSave(e *core.RequestEvent) error {
	if err := e.Request.ParseForm(); err != nil {
		return h.fail(e, domain.Errorf(domain.EInvalid, "err.unreadable_form"))
	}
	f := e.Request.PostForm
	in := domain.CompanyInput{
		Name: f.Get("name"), Sector: f.Get("sector"), Timezone: strings.TrimSpace(f.Get("timezone")),
		Locale: f.Get("locale"), Siret: f.Get("siret"), Address: strings.TrimSpace(f.Get("address")),
	}
	in.Calendar.AlsaceMoselle = f.Get("alsace_moselle") == "1"
	for name, v := range map[string]*float64{"overtime_weekly_hours": &in.Overtime.WeeklyHours, "overtime_tier1_hours": &in.Overtime.Tier1Hours,
		"overtime_tier1_pct": &in.Overtime.Tier1Pct, "overtime_tier2_pct": &in.Overtime.Tier2Pct} {
		if s := strings.TrimSpace(strings.ReplaceAll(f.Get(name), ",", ".")); s != "" {
			n, err := strconv.ParseFloat(s, 64)
			if err != nil {
				n = -1 // refused by Validate, naming the field
			}
			*v = n
		}
	}
	for _, d := range f["work_days"] {
		if n, err := strconv.Atoi(d); err == nil {
			in.Calendar.WorkDays = append(in.Calendar.WorkDays, time.Weekday(n))
		}
	}
	for _, line := range strings.Fields(f.Get("extra_closed")) {
		in.Calendar.ExtraClosed = append(in.Calendar.ExtraClosed, line)
	}
	if _, err := domain.UpdateCompany(e.App, e.Auth, in); err != nil {
		errs, status, ok := formErrors(e.Request.Context(), err)
		if !ok {
			return h.fail(e, err)
		}
		render(e.Response, e.Request, status, admin.SettingsPage(h.newSettingsVM(e, in, errs)))
		return nil
	}
	return e.Redirect(http.StatusSeeOther, "/settings?toast=saved")
}

// settingsSMTPTest sends a test email to the signed-in admin.
func (h *Handlers) settingsSMTPTest(e *core.RequestEvent) error {
	err := domain.SendMail(e.App, e.Auth, domain.Mail{
		SubjectFR: "Test d'envoi FieldOps360", SubjectEN: "FieldOps360 test email",
		BodyFR: "Cet e-mail confirme que l'envoi de messages fonctionne pour votre espace.",
		BodyEN: "This email confirms that your workspace can send messages.",
	})
	if err != nil {
		h.deps.Logger.WarnContext(e.Request.Context(), "smtp test failed", "tenant", tenantSlug(e.Request), "error", err)
		return e.Redirect(http.StatusSeeOther, "/settings?toast=smtp_failed")
	}
	return e.Redirect(http.StatusSeeOther, "/settings?toast=smtp_sent")
}

// flashToasts turns a whitelisted ?toast= key into a toast (post/redirect/get);
// the messages that name what was saved ("Chantier « CH-7 · Gymnase »
// créé") take it from the page showing it (name), never from the URL.
func (h *Handlers) flashToasts(e *core.RequestEvent, name ...string) []components.ToastVM {
	kinds := map[string]string{"saved": "success", "invited": "success", "smtp_sent": "success", "smtp_failed": "error", "uploaded": "success",
		"drill_ok": "success", "drill_failed": "error", "client_created": "success", "site_created": "success", "site_saved": "success", "person_saved": "success"}
	key := e.Request.URL.Query().Get("toast")
	kind, ok := kinds[key]
	if !ok {
		return nil
	}
	switch key {
	case "site_created", "site_saved", "person_saved":
		if len(name) == 0 {
			return nil
		}
		return []components.ToastVM{{ID: "toast-flash", Kind: kind, Text: i18n.T(e.Request.Context(), "toast."+key, name[0])}}
	}
	return []components.ToastVM{{ID: "toast-flash", Kind: kind, Text: i18n.T(e.Request.Context(), "toast."+key)}}
}
