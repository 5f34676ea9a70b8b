package domain

import (
	"io"
	"sort"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// Reports (issue #17). A report is assembled here as plain values
// (DailyReport, WeeklyReport, TimesheetExport), with no request and no
// locale: the renderers (domain/pdf, domain/xlsx) turn it into a file in
// the reader's language, an HTTP handler or a scheduled job alike. Codes
// (task status, incident kind and severity, stock move kind, time status)
// stay codes; the renderers translate them.

// ReportThumbSide is the long side, in pixels, of the photo thumbnails
// printed in reports.
const ReportThumbSide = 320

// ReportMaxPhotos caps the photos printed in one report.
const ReportMaxPhotos = 60

// PhotoThumbnailer makes a JPEG thumbnail of side pixels on the long
// side from an encoded image (imaging.ThumbnailJPEG: package domain does
// not import the image code).
type PhotoThumbnailer func(r io.Reader, side int) ([]byte, error)

// ReportBranding is the company as printed on its reports: name,
// address, SIRET, an optional logo (PNG or JPEG bytes) and brand colour
// ("#RRGGBB", blank for the default).
type ReportBranding struct {
	Company, Address, SIRET string
	Color                   string
	Logo                    []byte
	LogoExt                 string // "png" or "jpg"
}

// ReportSite is the site a report is about.
type ReportSite struct {
	ID, Code, Name, Address          string
	Client, ProjectManager, SiteLead string
	Status                           string
	Start, End                       time.Time // civil dates (midnight UTC), zero when unset
}

// ReportCrewLine is one person's time on the site over a report's
// period: hours of closed entries, first clock-in and last clock-out,
// hours per day (Days[0] is the period's first day) and the summary
// status of their entries (open, rejected, submitted, else approved).
type ReportCrewLine struct {
	UserID, Name, Role string
	FirstIn, LastOut   time.Time
	Hours              float64
	Days               []float64
	Entries            int
	Status             string
	Tasks              []string // titles of the tasks clocked on, in order
}

// ReportTask is a task as reports list it; Hours are the hours clocked
// on it during the report's period.
type ReportTask struct {
	ID, Title, Phase, Status string
	PlannedStart, PlannedEnd time.Time // civil dates, zero when unscheduled
	Progress                 float64   // 0..100
	Hours                    float64
	Assignees                []string
}

// ReportIncidentLine is an incident reported during the period.
type ReportIncidentLine struct {
	At                                        time.Time
	Kind, Severity, Status, Description, Task string
	ImpactDays, ImpactEUR                     float64
}

// ReportMove is a delivery (receipt) or a consumption of material on the
// site; Amount is Qty × UnitCost.
type ReportMove struct {
	At                        time.Time
	Kind, SKU, Material, Unit string
	Qty, UnitCost, Amount     float64
	By                        string
}

// ReportPhoto is a photo of the period with its thumbnail (JPEG; nil
// when the image could not be read, which the report says).
type ReportPhoto struct {
	ID              string
	TakenAt         time.Time
	Caption, Author string
	Thumb           []byte
}

// ReportBrandingOf reads the company profile as printed on reports.
func ReportBrandingOf(app core.App) (ReportBranding, error) {
	c, err := FindCompany(app)
	if err != nil {
		return ReportBranding{}, err
	}
	b := ReportBranding{Company: c.Name(), Address: c.Address(), SIRET: c.SIRET(), Color: c.BrandColor()}
	if name := c.Logo(); name != "" {
		logo, err := readRecordFile(app, c.Record, name)
		if err != nil {
			return b, err
		}
		b.Logo, b.LogoExt = logo, "png"
		if strings.HasSuffix(strings.ToLower(name), ".jpg") || strings.HasSuffix(strings.ToLower(name), ".jpeg") {
			b.LogoExt = "jpg"
		}
	}
	return b, nil
}

// reportSiteOf expands a site's relations into a ReportSite.
func reportSiteOf(app core.App, s Site) (ReportSite, error) {
	if err := ExpandSiteRelations(app, s); err != nil {
		return ReportSite{}, err
	}
	rs := ReportSite{ID: s.Id, Code: s.Code(), Name: s.Name(), Address: s.Address(), Status: s.Status(), Start: s.Start(), End: s.End()}
	if c, ok := s.ExpandedClient(); ok {
		rs.Client = c.Name()
	}
	if u, ok := s.ExpandedProjectManager(); ok {
		rs.ProjectManager = u.Name()
	}
	if u, ok := s.ExpandedSiteLead(); ok {
		rs.SiteLead = u.Name()
	}
	return rs, nil
}

// siteTimeEntries returns the time entries of a site clocked in within
// [from, to), oldest first, with their users and tasks expanded.
func siteTimeEntries(app core.App, siteID string, from, to time.Time) ([]TimeEntry, error) {
	recs, err := app.FindRecordsByFilter(CollectionTimeEntries, "site = {:s} && clock_in >= {:from} && clock_in < {:to}",
		"clock_in", 0, 0, dbx.Params{"s": siteID, "from": DBTime(from), "to": DBTime(to)})
	if err != nil {
		return nil, err
	}
	for _, err := range app.ExpandRecords(recs, []string{"user", "task"}, nil) {
		return nil, err
	}
	return AsTimeEntries(recs), nil
}

// crewLines sums entries per person over days days starting at from, by
// name; it also returns the hours per task id.
func crewLines(entries []TimeEntry, from time.Time, days int, loc *time.Location) ([]ReportCrewLine, map[string]float64) {
	byUser := map[string]*ReportCrewLine{}
	statuses := map[string]map[string]int{}
	perTask := map[string]float64{}
	var order []string
	for _, e := range entries {
		l := byUser[e.UserID()]
		if l == nil {
			u, _ := e.ExpandedUser()
			l = &ReportCrewLine{UserID: e.UserID(), Days: make([]float64, days)}
			if u.Record != nil {
				l.Name, l.Role = u.Name(), u.Role()
			}
			byUser[e.UserID()], statuses[e.UserID()] = l, map[string]int{}
			order = append(order, e.UserID())
		}
		l.Entries++
		statuses[e.UserID()][e.Status()]++
		in, out := e.ClockIn(), e.ClockOut()
		if l.FirstIn.IsZero() || in.Before(l.FirstIn) {
			l.FirstIn = in
		}
		if out.After(l.LastOut) {
			l.LastOut = out
		}
		if t, ok := e.ExpandedTask(); ok && !containsString(l.Tasks, t.Title()) {
			l.Tasks = append(l.Tasks, t.Title())
		}
		if out.IsZero() {
			continue // still open: no hours yet
		}
		h := out.Sub(in).Hours()
		l.Hours += h
		if d := dayIndex(from, in.In(loc)); d >= 0 && d < days {
			l.Days[d] += h
		}
		perTask[e.TaskID()] += h
	}
	out := make([]ReportCrewLine, 0, len(order))
	for _, id := range order {
		l := byUser[id]
		l.Status = TimesheetRow{Statuses: statuses[id]}.Status()
		out = append(out, *l)
	}
	sort.SliceStable(out, func(i, j int) bool { return strings.ToLower(out[i].Name) < strings.ToLower(out[j].Name) })
	return out, perTask
}

// dayIndex returns the number of civil days from from's day to t's day.
func dayIndex(from, t time.Time) int {
	a := time.Date(from.Year(), from.Month(), from.Day(), 0, 0, 0, 0, time.UTC)
	b := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	return int(b.Sub(a).Hours() / 24)
}

func containsString(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// reportTasks returns the site's tasks scheduled over the civil days
// [from, to) (midnight UTC, as tasks store them), plus the tasks whose
// ids are in extra (clocked on during the period), in plan order.
func reportTasks(app core.App, siteID string, from, to time.Time, extra map[string]float64) ([]ReportTask, error) {
	recs, err := app.FindRecordsByFilter(CollectionTasks,
		"site = {:s} && planned_start != '' && planned_start < {:to} && planned_end >= {:from}",
		"planned_start,title", 0, 0, dbx.Params{"s": siteID, "from": DBTime(from), "to": DBTime(to)})
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	for _, r := range recs {
		seen[r.Id] = true
	}
	var missing []string
	for id := range extra {
		if id != "" && !seen[id] {
			missing = append(missing, id)
		}
	}
	if len(missing) > 0 {
		more, err := app.FindRecordsByIds(CollectionTasks, missing)
		if err != nil {
			return nil, err
		}
		for _, r := range more {
			if r.GetString("site") == siteID {
				recs = append(recs, r)
			}
		}
	}
	for _, err := range app.ExpandRecords(recs, []string{"phase", "assignees"}, nil) {
		return nil, err
	}
	out := make([]ReportTask, 0, len(recs))
	for _, t := range AsTasks(recs) {
		rt := ReportTask{ID: t.Id, Title: t.Title(), Status: t.Status(), PlannedStart: t.PlannedStart(),
			PlannedEnd: t.PlannedEnd(), Progress: t.Progress(), Hours: extra[t.Id]}
		if rt.Status == TaskDone || rt.Status == TaskValidated {
			rt.Progress = 100
		}
		if p, ok := t.ExpandedPhase(); ok {
			rt.Phase = p.Name()
		}
		for _, u := range t.ExpandedAssignees() {
			rt.Assignees = append(rt.Assignees, u.Name())
		}
		out = append(out, rt)
	}
	return out, nil
}

// reportIncidents returns the site's incidents created within [from, to).
func reportIncidents(app core.App, siteID string, from, to time.Time) ([]ReportIncidentLine, error) {
	recs, err := app.FindRecordsByFilter(CollectionIncidents, "site = {:s} && created >= {:from} && created < {:to}",
		"created", 0, 0, dbx.Params{"s": siteID, "from": DBTime(from), "to": DBTime(to)})
	if err != nil {
		return nil, err
	}
	for _, err := range app.ExpandRecords(recs, []string{"task"}, nil) {
		return nil, err
	}
	out := make([]ReportIncidentLine, 0, len(recs))
	for _, i := range AsIncidents(recs) {
		ri := ReportIncidentLine{At: i.Created(), Kind: i.Kind(), Severity: i.Severity(), Status: i.Status(),
			Description: plainText(i.Description()), ImpactDays: i.ImpactDays(), ImpactEUR: i.ImpactEUR()}
		if t, ok := i.ExpandedTask(); ok {
			ri.Task = t.Title()
		}
		out = append(out, ri)
	}
	return out, nil
}

// reportMoves returns the deliveries to and consumptions on the site
// within [from, to).
func reportMoves(app core.App, siteID string, from, to time.Time) ([]ReportMove, error) {
	recs, err := app.FindRecordsByFilter(CollectionStockMoves,
		"(kind = 'receipt' || kind = 'consumption') && (site = {:s} || location = {:loc}) && at >= {:from} && at < {:to}",
		"at", 0, 0, dbx.Params{"s": siteID, "loc": SiteLocation(siteID), "from": DBTime(from), "to": DBTime(to)})
	if err != nil {
		return nil, err
	}
	for _, err := range app.ExpandRecords(recs, []string{"material", "by"}, nil) {
		return nil, err
	}
	out := make([]ReportMove, 0, len(recs))
	for _, m := range AsStockMoves(recs) {
		rm := ReportMove{At: m.At(), Kind: m.Kind(), Qty: m.Qty(), UnitCost: m.UnitCost()}
		if mat, ok := m.ExpandedMaterial(); ok {
			rm.SKU, rm.Material, rm.Unit = mat.Sku(), mat.Name(), mat.Unit()
			if rm.UnitCost == 0 {
				rm.UnitCost = mat.UnitCost()
			}
		}
		if u, ok := m.ExpandedBy(); ok {
			rm.By = u.Name()
		}
		rm.Amount = rm.Qty * rm.UnitCost
		out = append(out, rm)
	}
	return out, nil
}

// plainText drops the HTML tags of a rich-text field and unescapes the
// common entities, for documents that print plain text.
func plainText(s string) string {
	var b strings.Builder
	in := false
	for _, r := range s {
		switch {
		case r == '<':
			in = true
		case r == '>' && in:
			in = false
			b.WriteByte(' ')
		case !in:
			b.WriteRune(r)
		}
	}
	out := strings.NewReplacer("&amp;", "&", "&lt;", "<", "&gt;", ">", "&quot;", `"`, "&#39;", "'", "&nbsp;", " ").Replace(b.String())
	return strings.Join(strings.Fields(out), " ")
}
