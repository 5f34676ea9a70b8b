package tenanttest

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/fieldops360/fieldops/domain"
)

// KPIScale fills a tenant with 50 sites and a year of activity, written
// straight to the tables (through the record hooks it would take
// minutes): 200 field staff, 200 tasks a site, one approved entry per
// person and working day (~52,000), two consumptions, a booking and an
// incident now and then per site and week. It returns the period's end
// (2026-11-30). Shared by the KPI engine's and the dashboard's benchmarks.
func KPIScale(t testing.TB, app core.App) time.Time {
	t.Helper()
	rnd := rand.New(rand.NewPCG(50, 365))
	end := time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)
	start := end.AddDate(-1, 0, 0)
	err := app.RunInTransaction(func(tx core.App) error {
		exec := func(q string, p dbx.Params) error {
			_, err := tx.DB().NewQuery(q).Bind(p).Execute()
			return err
		}
		id := func(prefix string, i int) string { return fmt.Sprintf("%s%011d", prefix, i) }
		for u := 0; u < 200; u++ {
			if err := exec(`INSERT INTO users (id, email, tokenKey, password, name, role, active, hourly_cost)
				VALUES ({:id}, {:e}, {:k}, 'x', 'Ouvrier', 'crew', 1, {:c})`,
				dbx.Params{"id": id("user", u), "e": fmt.Sprintf("w%d@scale.test", u), "k": id("tokn", u), "c": 28 + u%15}); err != nil {
				return err
			}
		}
		for s := 0; s < 50; s++ {
			if err := exec(`INSERT INTO sites (id, code, name, sector, status, start, "end", budget, contract_amount)
				VALUES ({:id}, {:c}, 'Chantier', 'btp', 'active', {:st}, {:en}, {:b}, {:k})`,
				dbx.Params{"id": id("site", s), "c": fmt.Sprintf("CH-%03d", s), "st": domain.DBTime(start), "en": domain.DBTime(end.AddDate(0, 0, -10+s)),
					"b": 400000 + 10000*s, "k": 460000 + 10000*s}); err != nil {
				return err
			}
			for k := 0; k < 200; k++ {
				ps := start.AddDate(0, 0, k*365/200)
				if err := exec(`INSERT INTO tasks (id, site, title, status, progress, duration_days, assignees, planned_start, planned_end)
					VALUES ({:id}, {:s}, 'Tâche', {:st}, {:p}, 3, '["a","b"]', {:ps}, {:pe})`,
					dbx.Params{"id": id(fmt.Sprintf("t%02d", s), k), "s": id("site", s), "st": map[bool]string{true: "done", false: "in_progress"}[k < 180],
						"p": rnd.IntN(100), "ps": domain.DBTime(ps), "pe": domain.DBTime(ps.AddDate(0, 0, 2))}); err != nil {
					return err
				}
			}
		}
		n := 0
		for d := start; d.Before(end); d = d.AddDate(0, 0, 1) {
			if wd := d.Weekday(); wd == time.Saturday || wd == time.Sunday {
				continue
			}
			for u := 0; u < 200; u++ {
				in := d.Add(6*time.Hour + time.Duration(rnd.IntN(60))*time.Minute)
				n++
				if err := exec(`INSERT INTO time_entries (id, user, site, task, clock_in, clock_out, status, kind, source)
					VALUES ({:id}, {:u}, {:s}, '', {:i}, {:o}, 'approved', 'on_site', 'site_lead')`,
					dbx.Params{"id": id("te", n), "u": id("user", u), "s": id("site", u/4), "i": domain.DBTime(in),
						"o": domain.DBTime(in.Add(time.Duration(8+rnd.IntN(3)) * time.Hour))}); err != nil {
					return err
				}
			}
		}
		for s := 0; s < 50; s++ {
			for w := start; w.Before(end); w = w.AddDate(0, 0, 7) {
				n++
				for k := 0; k < 2; k++ {
					if err := exec(`INSERT INTO stock_moves (id, material, kind, qty, site, unit_cost, "at") VALUES ({:id}, 'm', 'consumption', {:q}, {:s}, 12.5, {:a})`,
						dbx.Params{"id": id(fmt.Sprintf("sm%d", k), n), "q": 10 + rnd.IntN(40), "s": id("site", s), "a": domain.DBTime(w.Add(30 * time.Hour))}); err != nil {
						return err
					}
				}
				if err := exec(`INSERT INTO reservations (id, asset_kind, asset, site, "from", "to") VALUES ({:id}, 'vehicle', 'v', {:s}, {:f}, {:t})`,
					dbx.Params{"id": id("rs", n), "s": id("site", s), "f": domain.DBTime(w.Add(7 * time.Hour)), "t": domain.DBTime(w.Add(4*24*time.Hour + 17*time.Hour))}); err != nil {
					return err
				}
				if rnd.IntN(5) == 0 {
					if err := exec(`INSERT INTO incidents (id, site, kind, severity, status, description, impact_eur, created) VALUES ({:id}, {:s}, 'delay', {:sev}, 'open', 'x', {:e}, {:c})`,
						dbx.Params{"id": id("in", n), "s": id("site", s), "sev": []string{"low", "medium", "high", "critical"}[rnd.IntN(4)], "e": rnd.IntN(3000),
							"c": domain.DBTime(w.Add(33 * time.Hour))}); err != nil {
						return err
					}
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	began := time.Now()
	if err := domain.RebuildKPIDaily(app, start, end); err != nil {
		t.Fatal(err)
	}
	var rows, entries int
	_ = app.DB().NewQuery(`SELECT count(*) FROM kpi_daily`).Row(&rows)
	_ = app.DB().NewQuery(`SELECT count(*) FROM time_entries`).Row(&entries)
	t.Logf("rebuilt a year of 50 sites (%d time entries) into %d rollup rows in %v", entries, rows, time.Since(began))
	return end
}
