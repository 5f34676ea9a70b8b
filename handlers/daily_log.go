package handlers

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/views/components"
	"github.com/fieldops360/fieldops/views/home"
	"github.com/fieldops360/fieldops/views/i18n"
	"github.com/fieldops360/fieldops/views/sites"
)

// dailyLogDays is how many days of daily log the site's log tab lists.
const dailyLogDays = 14

// fillDailyLogTab fills the site's daily log tab: the entries of the last
// dailyLogDays days, and, for those who may write it, the form of the
// day asked (?day=YYYY-MM-DD, else today) with its saved values.
func (h *Handlers) fillDailyLogTab(e *core.RequestEvent, vm *sites.PageVM, s domain.Site) error {
	ctx := e.Request.Context()
	today := tenantCtx(e).Today()
	logs, err := domain.SiteDailyLogs(e.App, s.Id, today.AddDate(0, 0, 1-dailyLogDays), today.AddDate(0, 0, 1))
	if err != nil {
		return err
	}
	l := sites.DailyLogVM{CanWrite: domain.CanWriteDailyLog(e.Auth, s.Record), Day: today.Format(time.DateOnly)}
	l.Weathers = []components.Option{{Value: "", Label: i18n.T(ctx, "dailylog.weather.none")}}
	for _, w := range domain.DailyLogWeathers {
		l.Weathers = append(l.Weathers, components.Option{Value: w, Label: i18n.T(ctx, "dailylog.weather."+w)})
	}
	if d, bad := formDate(e.Request.URL.Query().Get("day")); !bad && !d.IsZero() && !d.After(today) {
		l.Day = d.Format(time.DateOnly)
	}
	names := map[string]string{}
	for _, log := range logs {
		author, ok := names[log.AuthorID()]
		if !ok {
			if u, err := domain.FindUser(e.App, log.AuthorID()); err == nil {
				author = u.Name()
			}
			names[log.AuthorID()] = author
		}
		day := log.Day().Format(time.DateOnly)
		l.Entries = append(l.Entries, sites.DailyLogEntryVM{Day: i18n.FormatDate(ctx, log.Day()), Weather: dailyLogWeather(e, log),
			Notes: log.Notes(), Author: author, Href: "/sites/" + s.Id + "/log?day=" + day})
		if day == l.Day {
			l.Weather, l.Notes = log.Weather(), log.Notes()
			if log.TemperatureSet() {
				l.Temperature = strconv.FormatFloat(log.Temperature(), 'f', -1, 64)
			}
		}
	}
	vm.Log = l
	return nil
}

// dailyLogWeather is a log's weather and temperature as people read them.
func dailyLogWeather(e *core.RequestEvent, log domain.DailyLog) string {
	ctx := e.Request.Context()
	var parts []string
	if log.Weather() != "" {
		parts = append(parts, i18n.T(ctx, "dailylog.weather."+log.Weather()))
	}
	if log.TemperatureSet() {
		parts = append(parts, i18n.FormatQty(ctx, log.Temperature())+" °C")
	}
	return strings.Join(parts, ", ")
}

// dailyLogSave is POST /sites/{id}/log: the site lead's, project
// manager's or a manager's entry of the day (domain.SaveDailyLog); bad
// input comes back on the form (400), a refusal is a 403.
func (h *Handlers) dailyLogSave(e *core.RequestEvent) error {
	s, err := h.viewSite(e)
	if err != nil {
		return h.fail(e, err)
	}
	if !domain.CanWriteDailyLog(e.Auth, s.Record) {
		return h.errorPage(e, http.StatusForbidden)
	}
	ctx := e.Request.Context()
	typed := sites.DailyLogVM{Day: e.Request.FormValue("day"), Weather: e.Request.FormValue("weather"),
		Temperature: strings.TrimSpace(e.Request.FormValue("temperature")), Notes: e.Request.FormValue("notes")}
	errs := map[string]string{}
	in := domain.DailyLogInput{Weather: typed.Weather, Notes: typed.Notes}
	var bad bool
	if in.Day, bad = formDate(typed.Day); bad {
		errs["day"] = i18n.T(ctx, "form.bad_date")
	}
	if typed.Temperature != "" {
		if v, bad := formFloat(typed.Temperature); !bad {
			in.Temperature = &v
		} else {
			errs["temperature"] = i18n.T(ctx, "err.dailylog.temperature")
		}
	}
	if len(errs) == 0 {
		log, err := domain.SaveDailyLog(e.App, e.Auth, s.Id, in, h.deps.Clock())
		if err == nil {
			return e.Redirect(http.StatusSeeOther, "/sites/"+s.Id+"/log?day="+log.Day().Format(time.DateOnly)+"&toast=saved")
		}
		if !fieldErr(e, err, errs) {
			return h.fail(e, err)
		}
	}
	vm, err := h.newSitePageVM(e, s, "log", errs)
	if err != nil {
		return h.fail(e, err)
	}
	// the values typed in come back on the form
	vm.Log.Day, vm.Log.Weather, vm.Log.Temperature, vm.Log.Notes = typed.Day, typed.Weather, typed.Temperature, typed.Notes
	render(e.Response, e.Request, http.StatusBadRequest, sites.Page(vm))
	return nil
}

// todayDailyLogs lists, for the daily plan of day, the active sites whose
// log the user keeps (their site lead or project manager, who may write
// it), with the day's log when written.
func todayDailyLogs(e *core.RequestEvent, day time.Time) ([]home.DailyLogLinkVM, error) {
	if e.Auth == nil || day.After(tenantCtx(e).DayStart()) {
		return nil, nil // no log of a day to come
	}
	sites, err := domain.DailyLogSitesOf(e.App, e.Auth)
	if err != nil {
		return nil, err
	}
	civil := time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, time.UTC)
	var out []home.DailyLogLinkVM
	for _, s := range sites {
		l := home.DailyLogLinkVM{Site: domain.SiteLabel(s.Record), Href: "/sites/" + s.Id + "/log?day=" + civil.Format(time.DateOnly)}
		log, ok, err := domain.DailyLogOf(e.App, s.Id, civil)
		if err != nil {
			return nil, err
		}
		if ok {
			l.Written, l.Weather = true, dailyLogWeather(e, log)
		}
		out = append(out, l)
	}
	return out, nil
}
