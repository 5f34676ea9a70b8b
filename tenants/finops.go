package tenants

import (
	"cmp"
	"math"
	"slices"
	"time"

	"github.com/pocketbase/dbx"
)

// FinOps (issue #19): what each tenant costs the platform in a month
// against what it pays.
//
// Cost, from usage_daily and the unit prices of billing_settings:
//   - CPU: its measured CPU time (cpu_ms) in hours × €/CPU-hour;
//   - memory: the node's memory for the month (€/month) shared among
//     tenants in proportion to their requests (idle tenants are closed
//     and hold none), pro-rated to the part of the month elapsed;
//   - storage: its database and files in GB-months × €/GB-month of local
//     disk, its replica in GB-months × €/GB-month of object storage.
//
// Revenue: the net amount of its invoices of the month that are not void;
// for a month not invoiced yet (the month in progress), the subscription
// and overage the month's usage so far would be invoiced (ComputeBill),
// pro-rated to the part of the month elapsed. Margin = revenue − cost; a
// negative margin raises an alert (portal, fieldops_tenant_margin_eur).

// TenantCost is one tenant's cost, revenue and margin of a month (€).
type TenantCost struct {
	Tenant     string  `json:"tenant"`
	Name       string  `json:"name"`
	Plan       string  `json:"plan"`
	CPUEUR     float64 `json:"cpu_eur"`
	MemoryEUR  float64 `json:"memory_eur"`
	StorageEUR float64 `json:"storage_eur"`
	ReplicaEUR float64 `json:"replica_eur"`
	CostEUR    float64 `json:"cost_eur"`
	RevenueEUR float64 `json:"revenue_eur"`
	MarginEUR  float64 `json:"margin_eur"`
	// Invoiced is true when the revenue is the month's invoices, false
	// when it is estimated from the plan.
	Invoiced bool `json:"invoiced"`
	// Alert is true when the tenant costs more than it pays.
	Alert bool `json:"alert"`
}

// UsageCost prices a tenant's usage of a month of monthDays days, its
// memory share being requests/allRequests of the month's memory cost
// pro-rated to elapsed (0–1).
func UsageCost(p CostPrices, days []UsageDay, monthDays int, allRequests int64, elapsed float64) TenantCost {
	var c TenantCost
	var cpuMS, req int64
	var localGBd, replicaGBd float64
	for _, d := range days {
		cpuMS += int64(d.CPUms)
		req += int64(d.Requests)
		localGBd += float64(d.DBBytes+d.FilesBytes) / gb
		replicaGBd += float64(d.ReplicaBytes) / gb
	}
	c.CPUEUR = round2(float64(cpuMS) / 3.6e6 * p.CPUHourEUR)
	if allRequests > 0 {
		c.MemoryEUR = round2(p.MemoryMonthEUR * elapsed * float64(req) / float64(allRequests))
	}
	c.StorageEUR = round2(localGBd / float64(monthDays) * p.StorageGBMonthEUR)
	c.ReplicaEUR = round2(replicaGBd / float64(monthDays) * p.ReplicaGBMonthEUR)
	c.CostEUR = round2(c.CPUEUR + c.MemoryEUR + c.StorageEUR + c.ReplicaEUR)
	return c
}

func round2(v float64) float64 { return math.Round(v*100) / 100 }

// FinOps returns every tenant's (not deleted) cost, revenue and margin of
// month ("YYYY-MM"), the worst margin first.
func (r *Registry) FinOps(month string) ([]TenantCost, error) {
	m, err := ParseMonth(month)
	if err != nil {
		return nil, err
	}
	set, err := r.BillingSettings()
	if err != nil {
		return nil, err
	}
	plans, err := r.plansByCode()
	if err != nil {
		return nil, err
	}
	end := m.AddDate(0, 1, 0)
	now := r.cfg.Clock().UTC()
	elapsed := 1.0
	if now.Before(end) {
		elapsed = max(0, float64(now.Sub(m))/float64(end.Sub(m)))
	}
	recs, err := r.platform.FindRecordsByFilter("usage_daily", "day >= {:f} && day < {:t}", "day", 0, 0,
		dbx.Params{"f": m.Format(time.DateOnly), "t": end.Format(time.DateOnly)})
	if err != nil {
		return nil, err
	}
	usage := map[string][]UsageDay{}
	var all int64
	for _, rec := range recs {
		usage[rec.GetString("tenant")] = append(usage[rec.GetString("tenant")], UsageDay{Day: rec.GetString("day"),
			Requests: rec.GetInt("requests"), CPUms: rec.GetInt("cpu_ms"), ActiveUsers: rec.GetInt("active_users"),
			DBBytes: rec.GetInt("db_bytes"), FilesBytes: rec.GetInt("files_bytes"), ReplicaBytes: rec.GetInt("replica_bytes")})
		all += int64(rec.GetInt("requests"))
	}
	invoices, err := r.Invoices(InvoiceFilter{Period: month})
	if err != nil {
		return nil, err
	}
	revenue, invoiced := map[string]float64{}, map[string]bool{}
	for _, inv := range invoices {
		if inv.Status != InvoiceVoid {
			revenue[inv.Tenant] += inv.NetEUR
			invoiced[inv.Tenant] = true
		}
	}
	tenants, err := r.platform.FindRecordsByFilter("tenants", "status != 'deleted'", "slug", 0, 0)
	if err != nil {
		return nil, err
	}
	out := make([]TenantCost, 0, len(tenants))
	for _, t := range tenants {
		slug := t.GetString("slug")
		c := UsageCost(set.CostPrices, usage[slug], monthDays(m), all, elapsed)
		c.Tenant, c.Name, c.Plan, c.Invoiced = slug, t.GetString("name"), t.GetString("plan"), invoiced[slug]
		if c.Invoiced {
			c.RevenueEUR = round2(revenue[slug])
		} else {
			in, err := r.billInput(t, m, plans)
			if err != nil {
				return nil, err
			}
			in.Usage = usage[slug]
			lines, _ := ComputeBill(in)
			var net int64
			for _, l := range lines {
				net += l.NetCents
			}
			c.RevenueEUR = round2(float64(net) / 100 * elapsed)
		}
		c.MarginEUR = round2(c.RevenueEUR - c.CostEUR)
		c.Alert = c.MarginEUR < 0
		out = append(out, c)
	}
	slices.SortStableFunc(out, func(a, b TenantCost) int { return cmp.Compare(a.MarginEUR, b.MarginEUR) })
	return out, nil
}

// Margins returns each tenant's margin of the month in progress (€), the
// fieldops_tenant_margin_eur metric.
func (r *Registry) Margins() (map[string]float64, error) {
	list, err := r.FinOps(r.cfg.Clock().UTC().Format("2006-01"))
	if err != nil {
		return nil, err
	}
	out := make(map[string]float64, len(list))
	for _, c := range list {
		out[c.Tenant] = c.MarginEUR
	}
	return out, nil
}
