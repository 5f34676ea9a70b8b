package domain

import (
	"sort"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// TimesheetExportRow is one person's time on one site on one civil day:
// the hours of their closed entries and the summary status of the
// entries (open, rejected, submitted while any is so, else approved).
type TimesheetExportRow struct {
	UserID, Name, Role string
	Day                time.Time // midnight in the tenant's zone
	SiteCode, SiteName string
	Hours              float64
	Entries            int
	Status             string
}

// TimesheetExportTotal is one person's total over the period.
type TimesheetExportTotal struct {
	UserID, Name string
	Hours        float64
	Days         int // civil days with time
}

// TimesheetExport is every person's time over a period, for payroll:
// rows by person, day and site, totals per person.
type TimesheetExport struct {
	Company  string
	From, To time.Time // first and last civil day (midnight in Location), inclusive
	Location *time.Location
	Rows     []TimesheetExportRow
	Totals   []TimesheetExportTotal
	Total    float64
}

// TimesheetExportData assembles the time clocked in within [from, end)
// (ParseExportPeriod's instants) by everyone, on every site. Access is
// the caller's business (CanExportTimesheets).
func TimesheetExportData(app core.App, from, end time.Time) (TimesheetExport, error) {
	loc := TenantFactsOf(app).Location()
	ex := TimesheetExport{From: from.In(loc), To: end.In(loc).AddDate(0, 0, -1), Location: loc, Company: TenantFactsOf(app).Company.Name}
	var rows []struct {
		User     string `db:"user"`
		Name     string `db:"name"`
		Role     string `db:"role"`
		SiteCode string `db:"code"`
		SiteName string `db:"site_name"`
		ClockIn  string `db:"clock_in"`
		ClockOut string `db:"clock_out"`
		Status   string `db:"status"`
	}
	// NB: one query with joins, not records: a year of a company's time
	// is tens of thousands of entries.
	err := app.DB().NewQuery(`SELECT te.user AS user, COALESCE(u.name, '') AS name, COALESCE(u.role, '') AS role,
		COALESCE(s.code, '') AS code, COALESCE(s.name, '') AS site_name, te.clock_in AS clock_in,
		te.clock_out AS clock_out, te.status AS status
		FROM time_entries te LEFT JOIN users u ON u.id = te.user LEFT JOIN sites s ON s.id = te.site
		WHERE te.clock_in >= {:from} AND te.clock_in < {:to} ORDER BY te.clock_in`).
		Bind(dbx.Params{"from": DBTime(from), "to": DBTime(end)}).All(&rows)
	if err != nil {
		return ex, err
	}
	type key struct{ user, day, site string }
	groups := map[key]*TimesheetExportRow{}
	statuses := map[key]map[string]int{}
	for _, r := range rows {
		in := ParseDBTime(r.ClockIn).In(loc)
		day := time.Date(in.Year(), in.Month(), in.Day(), 0, 0, 0, 0, loc)
		k := key{r.User, day.Format(time.DateOnly), r.SiteCode + "\x00" + r.SiteName}
		g := groups[k]
		if g == nil {
			g = &TimesheetExportRow{UserID: r.User, Name: r.Name, Role: r.Role, Day: day, SiteCode: r.SiteCode, SiteName: r.SiteName}
			groups[k], statuses[k] = g, map[string]int{}
		}
		g.Entries++
		statuses[k][r.Status]++
		if out := ParseDBTime(r.ClockOut); !out.IsZero() {
			g.Hours += out.Sub(in).Hours()
		}
	}
	totals := map[string]*TimesheetExportTotal{}
	days := map[string]map[string]bool{}
	for k, g := range groups {
		g.Status = TimesheetRow{Statuses: statuses[k]}.Status()
		ex.Rows = append(ex.Rows, *g)
		t := totals[g.UserID]
		if t == nil {
			t = &TimesheetExportTotal{UserID: g.UserID, Name: g.Name}
			totals[g.UserID], days[g.UserID] = t, map[string]bool{}
		}
		t.Hours += g.Hours
		days[g.UserID][k.day] = true
		ex.Total += g.Hours
	}
	sort.Slice(ex.Rows, func(i, j int) bool {
		a, b := ex.Rows[i], ex.Rows[j]
		if c := strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)); c != 0 {
			return c < 0
		}
		if a.UserID != b.UserID {
			return a.UserID < b.UserID
		}
		if !a.Day.Equal(b.Day) {
			return a.Day.Before(b.Day)
		}
		return a.SiteCode < b.SiteCode
	})
	for id, t := range totals {
		t.Days = len(days[id])
		ex.Totals = append(ex.Totals, *t)
	}
	sort.Slice(ex.Totals, func(i, j int) bool {
		a, b := ex.Totals[i], ex.Totals[j]
		if c := strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)); c != 0 {
			return c < 0
		}
		return a.UserID < b.UserID
	})
	return ex, nil
}
