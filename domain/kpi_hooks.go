package domain

import (
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
)

// bindKPIHooks marks the rollup weeks a write changes (kpi_rollup.go), in
// the write's transaction: bound after the audit hooks, on every path
// (REST API, pages, sync, seeds). A mark costs one INSERT OR IGNORE; the
// rebuild waits for the next reader.
//
//   - time entries (approved before or after): the weeks of the old and
//     new clock-in, on every site the person worked that week (overtime);
//   - consumption moves, reservations, incidents: their site and days;
//   - a task changing phase or deleted, a person's hourly cost, an asset's
//     daily rate: the whole history of the sites concerned;
//   - the company's overtime rules: everything;
//   - a deleted site: its rows and marks are removed;
//   - a task committed: the cached task sums dropped (loadTaskAggs).
func bindKPIHooks(app core.App) {
	on := func(collection string, mark func(tx core.App, rec, orig *core.Record) error) {
		h := &hook.Handler[*core.RecordEvent]{Id: "fieldopsKPIMarks_" + collection, Func: func(e *core.RecordEvent) error {
			var orig *core.Record
			switch {
			case e.Type == core.ModelEventTypeDelete:
				orig = e.Record
			case !e.Record.IsNew():
				orig = originalOf(e)
			}
			if err := e.Next(); err != nil {
				return err
			}
			rec := e.Record
			if e.Type == core.ModelEventTypeDelete {
				rec = nil
			}
			return mark(e.App, rec, orig)
		}}
		app.OnRecordCreateExecute(collection).Bind(h)
		app.OnRecordUpdateExecute(collection).Bind(h)
		app.OnRecordDeleteExecute(collection).Bind(h)
	}
	drop := &hook.Handler[*core.RecordEvent]{Id: "fieldopsKPITaskAggs", Func: func(e *core.RecordEvent) error {
		taskAggCacheOf(e.App).invalidate()
		return e.Next()
	}}
	app.OnRecordAfterCreateSuccess(CollectionTasks).Bind(drop)
	app.OnRecordAfterUpdateSuccess(CollectionTasks).Bind(drop)
	app.OnRecordAfterDeleteSuccess(CollectionTasks).Bind(drop)
	on(CollectionTimeEntries, markTimeEntry)
	on(CollectionStockMoves, func(tx core.App, rec, orig *core.Record) error {
		return markEach(tx, rec, orig, func(r *core.Record) (string, time.Time, time.Time) {
			if r.GetString("kind") != MoveConsumption {
				return "", time.Time{}, time.Time{}
			}
			at := r.GetDateTime("at").Time()
			if at.IsZero() {
				at = r.GetDateTime("created").Time()
			}
			return r.GetString("site"), at, at
		})
	})
	on(CollectionReservations, func(tx core.App, rec, orig *core.Record) error {
		return markEach(tx, rec, orig, func(r *core.Record) (string, time.Time, time.Time) {
			return r.GetString("site"), r.GetDateTime("from").Time(), r.GetDateTime("to").Time()
		})
	})
	on(CollectionIncidents, func(tx core.App, rec, orig *core.Record) error {
		return markEach(tx, rec, orig, func(r *core.Record) (string, time.Time, time.Time) {
			at := r.GetDateTime("created").Time()
			return r.GetString("site"), at, at
		})
	})
	on(CollectionTasks, func(tx core.App, rec, orig *core.Record) error {
		if orig == nil || (rec != nil && rec.GetString("phase") == orig.GetString("phase")) {
			return nil
		}
		return MarkKPIDirty(tx, orig.GetString("site"), time.Time{}, time.Time{})
	})
	on(CollectionUsers, func(tx core.App, rec, orig *core.Record) error {
		if rec == nil || orig == nil || rec.GetFloat("hourly_cost") == orig.GetFloat("hourly_cost") {
			return nil
		}
		return markSitesOf(tx, `SELECT DISTINCT site FROM time_entries WHERE user = {:id} AND status = 'approved'`, rec.Id)
	})
	for _, c := range []string{CollectionVehicles, CollectionEquipment} {
		on(c, func(tx core.App, rec, orig *core.Record) error {
			if rec == nil || orig == nil || rec.GetFloat("daily_rate") == orig.GetFloat("daily_rate") {
				return nil
			}
			return markSitesOf(tx, `SELECT DISTINCT site FROM reservations WHERE asset = {:id}`, rec.Id)
		})
	}
	on(CollectionSites, func(tx core.App, rec, orig *core.Record) error {
		if rec != nil || orig == nil {
			return nil
		}
		// a deleted site's rows and marks go with it
		for _, table := range []string{"kpi_daily", "kpi_dirty"} {
			if _, err := tx.DB().NewQuery(`DELETE FROM ` + table + ` WHERE site = {:s}`).Bind(dbx.Params{"s": orig.Id}).Execute(); err != nil {
				return err
			}
		}
		return nil
	})
	on(CollectionCompany, func(tx core.App, rec, orig *core.Record) error {
		if rec == nil || orig == nil || (Company{rec}).OvertimeRules() == (Company{orig}).OvertimeRules() {
			return nil
		}
		return MarkKPIDirty(tx, allMark, time.Time{}, time.Time{})
	})
}

// markEach marks the site and days of the record before and after the
// write (what finds them returns "" for a record that costs nothing).
func markEach(tx core.App, rec, orig *core.Record, find func(r *core.Record) (string, time.Time, time.Time)) error {
	for _, r := range []*core.Record{orig, rec} {
		if r == nil {
			continue
		}
		site, from, to := find(r)
		if site == "" || from.IsZero() {
			continue
		}
		if err := MarkKPIDirty(tx, site, from, to); err != nil {
			return err
		}
	}
	return nil
}

// markTimeEntry marks, for an entry approved before or after the write,
// every site its person worked on in the week of the old and the new
// clock-in: overtime moves between them.
func markTimeEntry(tx core.App, rec, orig *core.Record) error {
	approved := func(r *core.Record) bool { return r != nil && r.GetString("status") == TimeApproved }
	if !approved(rec) && !approved(orig) {
		return nil
	}
	for _, r := range []*core.Record{orig, rec} {
		if r == nil || r.GetDateTime("clock_in").IsZero() {
			continue
		}
		in := r.GetDateTime("clock_in").Time()
		if err := MarkKPIDirty(tx, r.GetString("site"), in, time.Time{}); err != nil {
			return err
		}
		// the person's week in any zone: Monday 00:00 UTC ± 14 h
		mon := WeekMonday(civilIn(in, time.UTC))
		from, to := mon.Add(-14*time.Hour), mon.AddDate(0, 0, 7).Add(14*time.Hour)
		var sites []string
		err := tx.DB().NewQuery(`SELECT DISTINCT site FROM time_entries WHERE user = {:u} AND status = 'approved'
			AND clock_in >= {:f} AND clock_in < {:t} AND site != ''`).
			Bind(dbx.Params{"u": r.GetString("user"), "f": DBTime(from), "t": DBTime(to)}).Column(&sites)
		if err != nil {
			return err
		}
		for _, s := range sites {
			if err := MarkKPIDirty(tx, s, from, to); err != nil {
				return err
			}
		}
	}
	return nil
}

// markSitesOf marks the whole history of the sites a query returns.
func markSitesOf(tx core.App, query, id string) error {
	var sites []string
	if err := tx.DB().NewQuery(query).Bind(dbx.Params{"id": id}).Column(&sites); err != nil {
		return err
	}
	for _, s := range sites {
		if err := MarkKPIDirty(tx, s, time.Time{}, time.Time{}); err != nil {
			return err
		}
	}
	return nil
}
