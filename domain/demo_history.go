package domain

import (
	"math/rand/v2"
	"sort"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"
)

// DemoOptions chooses what SeedDemoWith adds to the demo data set.
type DemoOptions struct {
	// History adds a year of past activity so that every cost, KPI and
	// report shows realistic figures on first open: three finished sites
	// of the past year, approved time of the field staff on every working
	// day (overtime some weeks), material consumption, vehicle and tool
	// bookings, incidents with their cost and delay impacts, checklist
	// results, daily rates and phase budgets, photos and the site leads'
	// daily logs (weather) of the last weeks. It costs a few seconds:
	// `fieldops demo` and `tenant create --demo-data` ask for it, tests
	// keep the small seed (SeedDemoAt).
	History bool
	// Derive and Thumb, when set, process the history's photos as the
	// photo worker does an upload (the derived proof image and the report
	// thumbnail) before SeedDemoWith returns: imaging.Derive and
	// imaging.ThumbnailJPEG (package domain does not import the image
	// code). Unset, the photos stay pending.
	Derive PhotoDeriver
	Thumb  PhotoThumbnailer
	// InvoiceRender writes issued invoices' files (invoicedoc.Render):
	// with it the demo's contract has two issued situations and a draft,
	// without it a draft only (seedDemoInvoicing).
	InvoiceRender InvoiceRender
}

// SeedDemoWith is SeedDemoAt with options; with History the daily cost
// rollup is built before it returns.
func SeedDemoWith(app core.App, now time.Time, opts DemoOptions) error {
	if err := seedDemo(app, now, opts); err != nil {
		return err
	}
	if !opts.History {
		return nil
	}
	if opts.Derive != nil {
		if err := processDemoPhotos(app, opts.Derive, opts.Thumb); err != nil {
			return err
		}
	}
	return FlushKPIDaily(app)
}

// demoPastSites are the history's finished sites (days relative to now).
var demoPastSites = []struct {
	code, name, sector, client, address, pm, lead string
	lat, lng                                      float64
	start, end                                    int
	budget, contract                              float64
	team, phases                                  []string
}{
	{"CH-2025-018", "Gymnase Léo Lagrange – réfection de toiture", SectorBTP, "Mairie de Nantes", "5 rue Léo Lagrange, 44100 Nantes", "Julien Bernard", "Karim Haddad",
		47.2065, -1.5890, -360, -280, 182000, 204000, []string{"Lucas Petit", "Sébastien Moreau", "Antoine Girard"},
		[]string{"Dépose de la couverture", "Charpente et isolation", "Bac acier et étanchéité"}},
	{"CH-2025-027", "Lotissement Les Prés – VRD", SectorTP, "Atlantique Habitat", "Chemin des Prés, 44470 Carquefou", "Nadia Roux", "Thomas Leroy",
		47.2975, -1.4920, -330, -215, 258000, 271000, []string{"Paulo Ferreira", "Mehdi Benali"},
		[]string{"Terrassements", "Réseaux EU/EP", "Voirie provisoire", "Éclairage public"}},
	{"CH-2025-035", "Bureaux Atlantique – courants faibles", SectorElec, "Atlantique Habitat", "8 quai de la Fosse, 44000 Nantes", "Julien Bernard", "Thomas Leroy",
		47.2110, -1.5660, -250, -160, 74000, 92000, []string{"David Lambert", "Inès Faure"},
		[]string{"Chemins de câbles", "Câblage VDI", "Recette"}},
}

// demoHistory is what the history generator works on.
type demoHistory struct {
	tx    core.App
	rnd   *rand.Rand
	now   time.Time
	loc   *time.Location
	cal   *WorkCalendar
	users map[string]*core.Record
	sites []*historySite
}

// historySite is a site and the civil days it was worked.
type historySite struct {
	rec        *core.Record
	first, end time.Time // civil days worked, inclusive
	team       []string  // user ids
	tasks      []*core.Record
}

func (s *historySite) active(d time.Time) bool { return !d.Before(s.first) && !d.After(s.end) }

// seedDemoHistory adds the year of history (DemoOptions.History).
func seedDemoHistory(tx core.App, users map[string]*core.Record, now time.Time) error {
	f := TenantFactsOf(tx)
	h := &demoHistory{tx: tx, rnd: rand.New(rand.NewPCG(17, 2026)), now: now, loc: f.Location(), cal: f.Calendar(), users: users}
	if err := h.rates(); err != nil {
		return err
	}
	if err := h.pastSites(); err != nil {
		return err
	}
	if err := h.loadSites(); err != nil {
		return err
	}
	if err := h.worklog(); err != nil {
		return err
	}
	if err := h.costs(); err != nil {
		return err
	}
	if err := h.progress(); err != nil {
		return err
	}
	return h.photosAndLogs() // last: the figures above keep their random draws
}

// today is the civil date of now.
func (h *demoHistory) today() time.Time { return civilIn(h.now, h.loc) }

// at returns the instant of a civil day's local wall time.
func (h *demoHistory) at(d time.Time, hour, min int) time.Time {
	return time.Date(d.Year(), d.Month(), d.Day(), hour, min, 0, 0, h.loc).UTC()
}

// rates sets the fleet's and tools' daily rates and splits each site's
// budget over its phases (10 % kept as contingency).
func (h *demoHistory) rates() error {
	byKind := map[string]float64{"car": 55, "van": 85, "truck": 160, "excavator": 320, "trailer": 40, "other": 60}
	vehicles, err := h.tx.FindAllRecords(CollectionVehicles)
	if err != nil {
		return err
	}
	for _, v := range vehicles {
		v.Set("daily_rate", byKind[v.GetString("kind")])
		if err := h.tx.Save(v); err != nil {
			return err
		}
	}
	tools, err := h.tx.FindAllRecords(CollectionEquipment)
	if err != nil {
		return err
	}
	for i, e := range tools {
		e.Set("daily_rate", float64(15+(i*7)%50))
		if err := h.tx.Save(e); err != nil {
			return err
		}
	}
	return nil
}

// splitBudget gives a site's phases equal shares of 90 % of its budget.
func (h *demoHistory) splitBudget(site *core.Record) error {
	phases, err := FindPhases(h.tx, site.Id)
	if err != nil || len(phases) == 0 {
		return err
	}
	share := float64(int(site.GetFloat("budget")*0.9/float64(len(phases))/100)) * 100
	for _, p := range phases {
		p.Set("budget", share)
		if err := h.tx.Save(p); err != nil {
			return err
		}
	}
	return nil
}

// pastSites creates the finished sites of the past year with their
// phases and finished tasks.
func (h *demoHistory) pastSites() error {
	clients := map[string]string{}
	all, err := h.tx.FindAllRecords(CollectionClients)
	if err != nil {
		return err
	}
	for _, c := range all {
		clients[c.GetString("name")] = c.Id
	}
	day := func(n int) time.Time { return h.today().AddDate(0, 0, n) }
	for _, s := range demoPastSites {
		lat, lng := s.lat, s.lng
		in := SiteInput{Code: s.code, Name: s.name, Sector: s.sector, Status: SiteDone, Client: clients[s.client], Address: s.address,
			Lat: &lat, Lng: &lng, GeofenceM: 200, Start: day(s.start), End: day(s.end), Budget: s.budget, ContractAmount: s.contract,
			ProjectManager: h.users[s.pm].Id, SiteLead: h.users[s.lead].Id}
		for _, m := range s.team {
			in.Team = append(in.Team, h.users[m].Id)
		}
		site, err := CreateSite(h.tx, nil, in)
		if err != nil {
			return err
		}
		span := (s.end - s.start) / len(s.phases)
		for i, name := range s.phases {
			from := day(s.start + i*span)
			ph, err := AddPhase(h.tx, nil, site.Id, PhaseInput{Name: name, Start: from, End: from.AddDate(0, 0, span-1), Progress: 100})
			if err != nil {
				return err
			}
			for k := 0; k < 2; k++ {
				start := h.cal.NextWorkingDay(from.AddDate(0, 0, k*span/2))
				if _, err := insert(h.tx, CollectionTasks, map[string]any{"site": site.Id, "phase": ph.Id,
					"title": name + " – lot " + itoa(k+1), "planned_start": dateOnly(start), "duration_days": max(2, span*5/7/2-1),
					"assignees": in.Team, "status": "done", "progress": 100}); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// loadSites reads every site with the days it was worked: an active
// site from its start to yesterday, a site on hold its first five weeks,
// a finished one from start to end; within the past year.
func (h *demoHistory) loadSites() error {
	recs, err := h.tx.FindRecordsByFilter(CollectionSites, "", "code", 0, 0)
	if err != nil {
		return err
	}
	yesterday, yearAgo := h.today().AddDate(0, 0, -1), h.today().AddDate(-1, 0, 0)
	for _, r := range recs {
		if err := h.splitBudget(r); err != nil {
			return err
		}
		start, end := CivilDate(r.GetDateTime("start").Time(), h.loc), CivilDate(r.GetDateTime("end").Time(), h.loc)
		s := &historySite{rec: r, first: start}
		switch r.GetString("status") {
		case SiteActive:
			s.end = yesterday
		case SiteOnHold:
			s.end = start.AddDate(0, 0, 35)
		case SiteDone:
			s.end = end
		default:
			continue
		}
		if s.first.Before(yearAgo) {
			s.first = yearAgo
		}
		if s.end.After(yesterday) {
			s.end = yesterday
		}
		if s.first.After(s.end) {
			continue
		}
		s.team = append(s.team, r.GetString("site_lead"))
		s.team = append(s.team, r.GetStringSlice("team")...)
		tasks, err := FindSiteTasks(h.tx, r.Id)
		if err != nil {
			return err
		}
		s.tasks = tasks
		h.sites = append(h.sites, s)
	}
	return nil
}

// taskOn returns the site's task planned on day d (else the last one
// started before it, else none).
func (s *historySite) taskOn(d time.Time) string {
	id := ""
	for _, t := range s.tasks {
		start := t.GetDateTime("planned_start").Time()
		if start.IsZero() || start.After(d) {
			continue
		}
		id = t.Id
		if end := t.GetDateTime("planned_end").Time(); !end.IsZero() && !end.Before(d) {
			return t.Id
		}
	}
	return id
}

// progress sets the progress of the active sites' tasks from their
// planned dates: finished ones 100 %, the current ones pro rata.
func (h *demoHistory) progress() error {
	today := h.today()
	for _, s := range h.sites {
		if s.rec.GetString("status") != SiteActive {
			continue
		}
		for _, t := range s.tasks {
			start, end := t.GetDateTime("planned_start").Time(), t.GetDateTime("planned_end").Time()
			if start.IsZero() || !start.Before(today) || t.GetString("status") == "done" {
				continue
			}
			p := 100.0
			if !end.Before(today) {
				p = float64(int(today.Sub(start).Hours()/24/(end.Sub(start).Hours()/24+1)*10)) * 10
			}
			t.Set("progress", p)
			if err := h.tx.Save(t); err != nil {
				return err
			}
		}
	}
	return nil
}

// insertAt inserts a record dated at (created and updated).
func insertAt(tx core.App, collection string, fields map[string]any, at time.Time) (*core.Record, error) {
	col, err := tx.FindCachedCollectionByNameOrId(collection)
	if err != nil {
		return nil, err
	}
	r := core.NewRecord(col)
	r.Load(fields)
	dt, err := types.ParseDateTime(at)
	if err != nil {
		return nil, err
	}
	r.SetRaw("created", dt)
	r.SetRaw("updated", dt)
	return r, tx.Save(r)
}

// sortedSites returns the sites active on day d, smallest team first.
func (h *demoHistory) sortedSites(d time.Time) []*historySite {
	var out []*historySite
	for _, s := range h.sites {
		if s.active(d) {
			out = append(out, s)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return len(out[i].team) < len(out[j].team) })
	return out
}
