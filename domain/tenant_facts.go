package domain

import (
	"sync"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
)

// DefaultTimezone is the zone of a tenant whose company sets none (or an
// unknown one).
const DefaultTimezone = "Europe/Paris"

// CompanyProfile is the tenant's company record as plain values.
type CompanyProfile struct {
	Name     string
	Sector   string
	Timezone string // IANA name, DefaultTimezone when unset
	Locale   string
	Siret    string
	Address  string
}

// TenantFacts is what every request of a tenant reads about the tenant
// itself: its company profile, time zone, working calendar and sectors.
// It is built from the company record once per open tenant app
// (TenantFactsOf) and rebuilt after the company record changes. A
// TenantFacts is read-only and safe for concurrent use.
type TenantFacts struct {
	Company CompanyProfile
	// Sectors lists the sectors the tenant works in, in display order
	// (sites and reference data of each). Every sector for now: the
	// control plane does not restrict them yet.
	Sectors  []string
	location *time.Location
	calendar *WorkCalendar
	overtime OvertimeRules
}

// Location returns the tenant's time zone: every date shown, every "today"
// and every civil date read from a datetime is taken in it.
func (f *TenantFacts) Location() *time.Location { return f.location }

// Calendar returns the tenant's working calendar (working days, public
// holidays, closures).
func (f *TenantFacts) Calendar() *WorkCalendar { return f.calendar }

// Overtime returns the tenant's overtime rules (Company.OvertimeRules,
// the French defaults when unset).
func (f *TenantFacts) Overtime() OvertimeRules { return f.overtime }

// Today returns the civil date of now in the tenant's zone (midnight UTC
// of that day, as civil dates are stored).
func (f *TenantFacts) Today(now time.Time) time.Time {
	y, m, d := now.In(f.location).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// DayStart returns midnight of now's day in the tenant's zone (the instant
// a "today" query starts from).
func (f *TenantFacts) DayStart(now time.Time) time.Time {
	n := now.In(f.location)
	return time.Date(n.Year(), n.Month(), n.Day(), 0, 0, 0, 0, f.location)
}

// NewTenantFacts builds the facts of a company profile and calendar
// setting. An unknown zone falls back to DefaultTimezone (then UTC when
// the zone database is missing) and an invalid stored calendar to the
// default one (Monday–Friday, French public holidays): UpdateCompany
// validates both, so this only guards records written around it.
func NewTenantFacts(p CompanyProfile, cfg CalendarConfig) *TenantFacts {
	if p.Timezone == "" {
		p.Timezone = DefaultTimezone
	}
	loc, err := time.LoadLocation(p.Timezone)
	if err != nil {
		if loc, err = time.LoadLocation(DefaultTimezone); err != nil {
			loc = time.UTC
		}
	}
	cal, err := NewWorkCalendar(cfg)
	if err != nil {
		cal, _ = NewWorkCalendar(CalendarConfig{})
	}
	return &TenantFacts{Company: p, Sectors: append([]string(nil), Sectors...), location: loc, calendar: cal,
		overtime: DefaultOvertimeRules()}
}

// Profile returns the company record as plain values.
func (c Company) Profile() CompanyProfile {
	return CompanyProfile{Name: c.Name(), Sector: c.Sector(), Timezone: c.Timezone(), Locale: c.Locale(),
		Siret: c.SIRET(), Address: c.Address()}
}

// factsKey is the app store key of a tenant's cached facts.
const factsKey = "fieldops.tenantFacts"

// factsCache holds one tenant app's facts. gen counts invalidations, so
// that facts read before a change committed are never stored after it.
type factsCache struct {
	mu    sync.Mutex
	gen   uint64
	facts *TenantFacts
}

func factsCacheOf(app core.App) *factsCache {
	return app.Store().GetOrSet(factsKey, func() any { return &factsCache{} }).(*factsCache)
}

func (c *factsCache) invalidate() {
	c.mu.Lock()
	c.gen++
	c.facts = nil
	c.mu.Unlock()
}

// TenantFactsOf returns the tenant's facts, read from its company record
// on first use and cached in the app until the company record changes (a
// tenant without a company record gets the defaults). Handlers take them
// from the request's TenantContext; domain code without a request (hooks,
// workers) calls this.
//
// NB: inside a transaction, cached facts are those of the committed
// company record; facts read through the transaction (cache empty) are
// not cached, since it may hold an uncommitted change and a rollback
// fires no hook.
func TenantFactsOf(app core.App) *TenantFacts {
	c := factsCacheOf(app)
	c.mu.Lock()
	f, gen := c.facts, c.gen
	c.mu.Unlock()
	if f != nil {
		return f
	}
	f = NewTenantFacts(CompanyProfile{}, CalendarConfig{})
	if co, err := FindCompany(app); err == nil {
		f = NewTenantFacts(co.Profile(), co.Calendar())
		f.overtime = co.OvertimeRules()
	}
	if app.IsTransactional() {
		return f
	}
	c.mu.Lock()
	if c.gen == gen && c.facts == nil {
		c.facts = f
	}
	c.mu.Unlock()
	return f
}

// bindTenantFactsHooks drops the cached facts once a change of the company
// record is committed.
func bindTenantFactsHooks(app core.App) {
	drop := &hook.Handler[*core.RecordEvent]{Id: "fieldopsTenantFacts", Func: func(e *core.RecordEvent) error {
		factsCacheOf(e.App).invalidate()
		return e.Next()
	}}
	app.OnRecordAfterCreateSuccess(CollectionCompany).Bind(drop)
	app.OnRecordAfterUpdateSuccess(CollectionCompany).Bind(drop)
	app.OnRecordAfterDeleteSuccess(CollectionCompany).Bind(drop)
}
