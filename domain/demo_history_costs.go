package domain

import (
	"math"
	"slices"
	"time"

	"github.com/pocketbase/pocketbase/core"
)

// worklog records the field staff's time of the past year: on each
// working day every site lead and crew member works on one of their
// active sites (in turn), else helps the active site with the smallest
// crew (three days in four), 8 h most days, 9.5 or 10.5 h some (the
// overtime weeks), 7 h on Fridays; a few days off. Time of the last three
// days is submitted, older time approved by the site's lead.
func (h *demoHistory) worklog() error {
	var staff []*core.Record
	for _, name := range sortedKeys(h.users) {
		u := h.users[name]
		if r := u.GetString("role"); r == RoleCrew || r == RoleSiteLead {
			staff = append(staff, u)
		}
	}
	today := h.today()
	for d, n := today.AddDate(-1, 0, 0), 0; d.Before(today); d, n = d.AddDate(0, 0, 1), n+1 {
		if !h.cal.IsWorkingDay(d) {
			continue
		}
		active := h.sortedSites(d)
		if len(active) == 0 {
			continue
		}
		crew := map[*historySite]int{}
		for _, u := range staff {
			if h.rnd.IntN(100) < 4 {
				continue // day off
			}
			var mine []*historySite
			for _, s := range active {
				if slices.Contains(s.team, u.Id) {
					mine = append(mine, s)
				}
			}
			var site *historySite
			switch {
			case len(mine) > 0:
				site = mine[n%len(mine)]
			case h.rnd.IntN(4) < 3:
				site = active[0]
				for _, s := range active {
					if crew[s] < crew[site] {
						site = s
					}
				}
			default:
				continue
			}
			crew[site]++
			if err := h.entry(u, site, d); err != nil {
				return err
			}
		}
	}
	return nil
}

// entry records one person's day on a site.
func (h *demoHistory) entry(u *core.Record, s *historySite, d time.Time) error {
	hours := 8.0
	switch p := h.rnd.IntN(100); {
	case d.Weekday() == time.Friday:
		hours = 7
	case p < 10:
		hours = 10.5
	case p < 35:
		hours = 9.5
	}
	in := h.at(d, 7, 30).Add(time.Duration(h.rnd.IntN(4)*10) * time.Minute)
	out := in.Add(time.Duration(hours * float64(time.Hour)))
	status, by := TimeApproved, s.rec.GetString("site_lead")
	if !d.Before(h.today().AddDate(0, 0, -3)) {
		status, by = TimeSubmitted, ""
	}
	_, err := insert(h.tx, CollectionTimeEntries, map[string]any{"user": u.Id, "site": s.rec.Id, "task": s.taskOn(d),
		"clock_in": in, "clock_out": out, "kind": TimeOnSite, "source": SourceSiteLead, "status": status, "approved_by": by})
	return err
}

// demoCategories are the material categories each sector consumes.
var demoCategories = map[string][]string{
	SectorBTP:  {"Gros œuvre", "Second œuvre", "Isolation", "Fixation"},
	SectorElec: {"Électricité", "Fixation"},
	SectorTP:   {"Réseaux", "Voirie", "Gros œuvre"},
}

// costs records, per site and week worked: materials delivered to the
// site and consumed (300–1,500 €), a vehicle booked for the week, a tool
// for two days some weeks, an incident now and then (cost and delay
// impacts by severity); and the checklist results of the finished sites'
// tasks.
func (h *demoHistory) costs() error {
	mats, err := h.tx.FindRecordsByFilter(CollectionMaterials, "", "sku", 0, 0)
	if err != nil {
		return err
	}
	vehicles, err := h.tx.FindRecordsByFilter(CollectionVehicles, "", "plate", 0, 0)
	if err != nil {
		return err
	}
	tools, err := h.tx.FindRecordsByFilter(CollectionEquipment, "", "code", 0, 0)
	if err != nil {
		return err
	}
	busy := map[string]time.Time{} // asset → booked until
	stop := h.today().AddDate(0, 0, -14)
	for si, s := range h.sites {
		var own []*core.Record
		for _, m := range mats {
			if slices.Contains(demoCategories[s.rec.GetString("sector")], m.GetString("category")) {
				own = append(own, m)
			}
		}
		for mon := WeekMonday(s.first); !mon.After(s.end); mon = mon.AddDate(0, 0, 7) {
			first, last := maxTime(mon, s.first), minTime(mon.AddDate(0, 0, 4), s.end)
			if last.Before(first) {
				continue
			}
			if err := h.consume(s, own, first, last); err != nil {
				return err
			}
			if last.Before(stop) {
				h.book(s, vehicles[(si+int(mon.Unix()/604800))%len(vehicles)], AssetVehicle, first, last, busy)
				if h.rnd.IntN(10) < 4 {
					h.book(s, tools[h.rnd.IntN(len(tools))], AssetEquipment, first, minTime(first.AddDate(0, 0, 1), last), busy)
				}
			}
			if h.rnd.IntN(100) < 20 {
				if err := h.incident(s, first); err != nil {
					return err
				}
			}
		}
	}
	return h.checklists()
}

// consume delivers and consumes one or two materials in a week.
func (h *demoHistory) consume(s *historySite, own []*core.Record, first, last time.Time) error {
	if len(own) == 0 {
		return nil
	}
	for k := 0; k < 1+h.rnd.IntN(2); k++ {
		m := own[h.rnd.IntN(len(own))]
		qty := math.Max(1, math.Round(float64(300+h.rnd.IntN(1200))/math.Max(m.GetFloat("unit_cost"), 0.1)))
		day := first.AddDate(0, 0, h.rnd.IntN(int(last.Sub(first).Hours()/24)+1))
		for _, in := range []StockMoveInput{
			{Material: m.Id, Kind: MoveReceipt, Qty: qty, Location: SiteLocation(s.rec.Id), Site: s.rec.Id, At: h.at(first, 7, 0)},
			{Material: m.Id, Kind: MoveConsumption, Qty: qty, Site: s.rec.Id, Task: s.taskOn(day), At: h.at(day, 11, 0)},
		} {
			if _, err := RecordStockMove(h.tx, nil, in); err != nil {
				return err
			}
		}
	}
	return nil
}

// book reserves an asset for a site over [first, last] (days) when it is
// free; a clash with the current bookings of the small seed is skipped.
func (h *demoHistory) book(s *historySite, asset *core.Record, kind string, first, last time.Time, busy map[string]time.Time) {
	from, to := h.at(first, 7, 0), h.at(last, 18, 0)
	if from.Before(busy[asset.Id]) {
		return
	}
	if _, err := Reserve(h.tx, nil, ReservationInput{AssetKind: kind, Asset: asset.Id, Site: s.rec.Id, Task: s.taskOn(first),
		From: from, To: to, Note: "Historique démo"}); err == nil {
		busy[asset.Id] = to
	}
}

// demoIncidents are the history's incidents by severity.
var demoIncidents = []struct {
	kind, severity, text string
	eur                  float64
	days                 int
}{
	{"weather", "low", "Pluie : chantier arrêté une journée", 0, 1},
	{"quality", "low", "Reprise d'un joint mal réalisé", 180, 0},
	{"delay", "medium", "Livraison de matériaux en retard", 350, 1},
	{"damage", "medium", "Fourreau endommagé lors du terrassement", 900, 0},
	{"quality", "medium", "Réserve du bureau de contrôle à lever", 1200, 1},
	{"damage", "high", "Canalisation existante percée, intervention du concessionnaire", 4800, 2},
	{"safety", "high", "Chute de plain-pied, arrêt de travail de 3 jours", 1600, 1},
	{"network_strike", "critical", "Arrachage d'un câble HTA non repéré", 12500, 4},
}

// incident reports an incident on a site in the week of day, with its
// impacts; those older than a month are resolved.
func (h *demoHistory) incident(s *historySite, day time.Time) error {
	w := []int{28, 22, 16, 12, 8, 6, 5, 3} // weights of demoIncidents
	p, i := h.rnd.IntN(100), 0
	for ; i < len(w)-1 && p >= w[i]; i++ {
		p -= w[i]
	}
	in := demoIncidents[i]
	status, resolution := "resolved", "Traité par le chef de chantier"
	if day.After(h.today().AddDate(0, 0, -30)) {
		status, resolution = "open", ""
	}
	task, days := s.taskOn(day), in.days
	if task == "" {
		days = 0 // an impact in days moves a task
	}
	_, err := insertAt(h.tx, CollectionIncidents, map[string]any{"site": s.rec.Id, "task": task, "kind": in.kind,
		"severity": in.severity, "description": in.text, "status": status, "resolution": resolution, "impact_eur": in.eur,
		"impact_days": days, "reported_by": s.rec.GetString("site_lead")}, h.at(day, 10+h.rnd.IntN(6), 0))
	return err
}

// checklists answers a checklist for each task of the finished sites:
// checks ticked, measures within bounds but about one in eight out of
// them (non-conformities), texts filled.
func (h *demoHistory) checklists() error {
	tpls, err := h.tx.FindRecordsByFilter(CollectionChecklistTemplates, "", "code", 0, 0)
	if err != nil || len(tpls) == 0 {
		return err
	}
	n := 0
	for _, s := range h.sites {
		if s.rec.GetString("status") != SiteDone {
			continue
		}
		for _, t := range s.tasks {
			tpl := tpls[n%len(tpls)]
			n++
			items, err := ParseChecklistItems([]byte(tpl.GetString("items")))
			if err != nil {
				return err
			}
			answers := map[string]any{}
			for _, it := range items {
				switch it.Type {
				case ItemCheck:
					answers[it.ID] = true
				case ItemText:
					answers[it.ID] = "RAS"
				case ItemMeasure:
					answers[it.ID] = demoMeasure(it, h.rnd.IntN(8) == 0)
				}
			}
			end := t.GetDateTime("planned_end").Time()
			if end.IsZero() {
				continue
			}
			if _, err := insertAt(h.tx, CollectionChecklistRuns, map[string]any{"task": t.Id, "template": tpl.Id, "answers": answers},
				h.at(CivilDate(end, h.loc), 16, 0)); err != nil {
				return err
			}
		}
	}
	return nil
}

// demoMeasure is a value within an item's bounds, or just outside them.
func demoMeasure(it ChecklistItem, out bool) float64 {
	lo, hi := 0.0, 100.0
	if it.Min != nil {
		lo = *it.Min
	}
	if it.Max != nil {
		hi = *it.Max
	} else {
		hi = lo + 10
	}
	if out {
		return hi + math.Max(1, (hi-lo)/5)
	}
	return math.Round((lo+hi)/2*10) / 10
}
