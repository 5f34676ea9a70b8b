package domain

import (
	"math"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
)

// The site's daily log (journal de chantier, issue #17): one entry per
// site and civil day with the weather, the temperature and free notes,
// written by the site's project manager or site lead (or a manager) and
// printed in the daily report. Writes go through SaveDailyLog (pages) or
// the REST API, whose rules say what CanWriteDailyLog says; both are
// audited like every business collection.

// DailyLogWeathers are the weather codes of a daily log, in the order the
// forms offer them (catalogue "dailylog.weather.<code>").
var DailyLogWeathers = []string{"sunny", "cloudy", "rain", "snow", "wind", "frost", "heat"}

// DailyLogMaxNotes is the longest note, in characters.
const DailyLogMaxNotes = 4000

// DailyLogInput is what the writer of a daily log gives.
type DailyLogInput struct {
	Day         time.Time // the civil day (its date is read as is)
	Weather     string    // a DailyLogWeathers code or ""
	Temperature *float64  // °C, nil when not noted
	Notes       string
}

// CanWriteDailyLog reports whether u may write the daily log of site:
// managers and tenant admins, the site's project manager or site lead —
// never a crew member (pb_migrations/tenant daily_logs write rule).
func CanWriteDailyLog(u, site *core.Record) bool {
	if u == nil || site == nil || u.Collection().Name != CollectionUsers || !u.GetBool("active") {
		return false
	}
	if u.GetString("role") == RoleManager || u.GetBool("tenant_admin") {
		return true
	}
	return u.GetString("role") != RoleCrew && (site.GetString("project_manager") == u.Id || site.GetString("site_lead") == u.Id)
}

// dailyLogDay is day's date at midnight UTC, as civil dates are stored.
func dailyLogDay(day time.Time) time.Time {
	return time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, time.UTC)
}

// DailyLogOf returns the daily log of a site for a civil day; ok is false
// when there is none.
func DailyLogOf(app core.App, siteID string, day time.Time) (log DailyLog, ok bool, err error) {
	recs, err := app.FindRecordsByFilter(CollectionDailyLogs, "site = {:s} && day = {:d}", "", 1, 0,
		dbx.Params{"s": siteID, "d": DBTime(dailyLogDay(day))})
	if err != nil || len(recs) == 0 {
		return DailyLog{}, false, err
	}
	return DailyLog{recs[0]}, true, nil
}

// SiteDailyLogs returns the daily logs of a site over the civil days
// [from, to), most recent first.
func SiteDailyLogs(app core.App, siteID string, from, to time.Time) ([]DailyLog, error) {
	recs, err := app.FindRecordsByFilter(CollectionDailyLogs, "site = {:s} && day >= {:f} && day < {:t}", "-day", 0, 0,
		dbx.Params{"s": siteID, "f": DBTime(dailyLogDay(from)), "t": DBTime(dailyLogDay(to))})
	return AsDailyLogs(recs), err
}

// DailyLogSitesOf returns the active sites whose daily log u keeps:
// those they lead or manage as project manager and may write
// (CanWriteDailyLog), by code.
func DailyLogSitesOf(app core.App, u *core.Record) ([]Site, error) {
	if u == nil {
		return nil, nil
	}
	recs, err := app.FindRecordsByFilter(CollectionSites, "status = 'active' && (site_lead = {:u} || project_manager = {:u})", "code", 0, 0,
		dbx.Params{"u": u.Id})
	if err != nil {
		return nil, err
	}
	var out []Site
	for _, r := range recs {
		if CanWriteDailyLog(u, r) {
			out = append(out, Site{r})
		}
	}
	return out, nil
}

// SaveDailyLog writes the daily log of a site for in.Day as u: it creates
// the day's entry or replaces the existing one (one per site and day), u
// becoming its author. Refused with ENotFound for an unknown site,
// EForbidden when u may not write it (CanWriteDailyLog), EInvalid for a
// day after today (now, tenant's zone), an unknown weather, a temperature
// out of −50…60 °C, notes too long, or an entry with nothing in it.
func SaveDailyLog(app core.App, u *core.Record, siteID string, in DailyLogInput, now time.Time) (DailyLog, error) {
	site, err := FindSite(app, siteID)
	if err != nil {
		return DailyLog{}, err
	}
	if !CanWriteDailyLog(u, site.Record) {
		return DailyLog{}, Errorf(EForbidden, "err.dailylog.forbidden")
	}
	day := dailyLogDay(in.Day)
	in.Notes = strings.TrimSpace(in.Notes)
	switch {
	case in.Day.IsZero():
		return DailyLog{}, FieldError("day", "err.dailylog.day_required")
	case day.After(TenantFactsOf(app).Today(now)):
		return DailyLog{}, FieldError("day", "err.dailylog.future")
	case in.Weather != "" && !slices.Contains(DailyLogWeathers, in.Weather):
		return DailyLog{}, FieldError("weather", "err.dailylog.weather", in.Weather)
	case in.Temperature != nil && (math.IsNaN(*in.Temperature) || *in.Temperature < -50 || *in.Temperature > 60):
		return DailyLog{}, FieldError("temperature", "err.dailylog.temperature")
	case utf8.RuneCountInString(in.Notes) > DailyLogMaxNotes:
		return DailyLog{}, FieldError("notes", "err.dailylog.notes_too_long", DailyLogMaxNotes)
	case in.Weather == "" && in.Temperature == nil && in.Notes == "":
		return DailyLog{}, FieldError("notes", "err.dailylog.empty")
	}
	log, ok, err := DailyLogOf(app, siteID, day)
	if err != nil {
		return DailyLog{}, err
	}
	if !ok {
		col, err := app.FindCachedCollectionByNameOrId(CollectionDailyLogs)
		if err != nil {
			return DailyLog{}, err
		}
		log = DailyLog{core.NewRecord(col)}
		log.SetSiteID(siteID)
		log.SetDay(day)
	}
	log.SetWeather(in.Weather)
	log.SetTemperature(0)
	log.SetTemperatureSet(in.Temperature != nil)
	if in.Temperature != nil {
		log.SetTemperature(math.Round(*in.Temperature*10) / 10)
	}
	log.SetNotes(in.Notes)
	log.SetAuthorID(u.Id)
	SetActor(log.Record, u.Id)
	if err := app.Save(log.Record); err != nil {
		return DailyLog{}, err
	}
	return log, nil
}

// bindDailyLogHooks sets what the server owns in a daily log written
// through the REST API: the author is the caller, the day a civil date
// (midnight UTC) not after today, the site unchanged by an update.
func bindDailyLogHooks(app core.App) {
	app.OnRecordValidate(CollectionDailyLogs).Bind(&hook.Handler[*core.RecordEvent]{Id: "fieldopsDailyLog", Func: func(e *core.RecordEvent) error {
		if u := clientUser(e.Record); u != nil {
			e.Record.Set("author", u.Id)
			if orig := originalOf(e); orig != nil {
				keep(e.Record, orig, "site")
			}
		}
		d := e.Record.GetDateTime("day").Time()
		if !d.IsZero() {
			e.Record.Set("day", dailyLogDay(d))
		}
		if clientUser(e.Record) != nil && dailyLogDay(d).After(TenantFactsOf(e.App).Today(time.Now())) {
			return FieldError("day", "err.dailylog.future")
		}
		return e.Next()
	}})
}
