package tenant

import (
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	pbm "github.com/fieldops360/fieldops/pb_migrations"
)

// kpiExpandUp adds what the cost and KPI engine (domain/kpi*.go, issue
// #17) needs and the schema did not hold. An expand step (docs/
// deployment.md, "Schema rule"): optional fields and a plain table that an
// older binary ignores.
//
//   - company: the overtime rules of the tenant, empty = the French
//     defaults (domain.DefaultOvertimeRules: 35 h a week, +25 % up to
//     43 h, +50 % beyond);
//   - vehicles, equipment: a daily rate (€ per booked day);
//   - phases: a budget (€), the phase's share of the site's budget;
//   - kpi_daily: the daily cost rollup per site, phase and day
//     (domain.RebuildKPIDaily), a plain SQLite table like sessions: derived
//     data, rebuilt from the records, never reachable through the REST API
//     nor audited; kpi_dirty holds the (site, week) marks the record hooks
//     leave in the writing transaction, rebuilt before the next read;
//     kpi_meta the day of the last daily heal (domain.FlushKPIDaily).
//
// The new amounts are confidential (domain.FieldGroups): hidden in the
// schema here.
func kpiExpandUp(app core.App) error {
	hours := func(name string) *core.NumberField {
		return pbm.Number(name, false, types.Pointer(0.0), types.Pointer(168.0))
	}
	pct := func(name string) *core.NumberField {
		return pbm.Number(name, false, types.Pointer(0.0), types.Pointer(300.0))
	}
	hidden := func(name string) *core.NumberField {
		f := pbm.Money(name)
		f.Hidden = true
		return f
	}
	if err := saveAll(
		pbm.Existing(app, "company").Add(hours("overtime_weekly_hours"), hours("overtime_tier1_hours"),
			pct("overtime_tier1_pct"), pct("overtime_tier2_pct")),
		pbm.Existing(app, "vehicles").Add(hidden("daily_rate")),
		pbm.Existing(app, "equipment").Add(hidden("daily_rate")),
		pbm.Existing(app, "phases").Add(hidden("budget")),
	); err != nil {
		return err
	}
	for _, q := range []string{
		`CREATE TABLE IF NOT EXISTS kpi_daily (
			site TEXT NOT NULL,
			phase TEXT NOT NULL DEFAULT '',
			day TEXT NOT NULL,
			hours REAL NOT NULL DEFAULT 0,
			overtime_hours REAL NOT NULL DEFAULT 0,
			labour_cost REAL NOT NULL DEFAULT 0,
			material_cost REAL NOT NULL DEFAULT 0,
			vehicle_cost REAL NOT NULL DEFAULT 0,
			equipment_cost REAL NOT NULL DEFAULT 0,
			incident_cost REAL NOT NULL DEFAULT 0,
			PRIMARY KEY (site, phase, day)
		) WITHOUT ROWID`,
		`CREATE INDEX IF NOT EXISTS idx_kpi_daily_day ON kpi_daily (day)`,
		`CREATE TABLE IF NOT EXISTS kpi_dirty (
			site TEXT NOT NULL,
			week TEXT NOT NULL,
			PRIMARY KEY (site, week)
		) WITHOUT ROWID`,
		`CREATE TABLE IF NOT EXISTS kpi_meta (key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL)`,
	} {
		if _, err := app.DB().NewQuery(q).Execute(); err != nil {
			return err
		}
	}
	return nil
}
