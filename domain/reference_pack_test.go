package domain_test

import (
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/tenanttest"
)

// countAll returns the number of records of each reference collection.
func countAll(t *testing.T, app core.App) map[string]int64 {
	t.Helper()
	out := map[string]int64{}
	for _, c := range []string{"skills", "clearance_kinds", "checklist_templates", "work_types", "site_templates", "audit_events"} {
		n, err := app.CountRecords(c)
		if err != nil {
			t.Fatal(err)
		}
		out[c] = n
	}
	return out
}

// TestEnableSectorAddsItsPackOnce: a building company enables public
// works from the settings: the pack's missing records are created in the
// admin's name (audited, chain intact), the records it already had — one
// of them edited — are left as they are and reused, and enabling it again
// writes nothing.
func TestEnableSectorAddsItsPackOnce(t *testing.T) {
	t.Parallel()
	tt := tenanttest.New(t)
	app := tt.App()
	admin, err := app.FindAuthRecordByEmail("users", tt.Admin)
	if err != nil {
		t.Fatal(err)
	}
	// the company adapted a shared skill and its building excavation
	skill, err := app.FindFirstRecordByData("skills", "code", "terrassement")
	if err != nil {
		t.Fatal(err)
	}
	skill.Set("name", "Terrassement (nos équipes)")
	must(t, app.Save(skill))
	btpDig, err := app.FindFirstRecordByFilter("work_types", "sector = 'btp' && code = 'terrassement'")
	if err != nil {
		t.Fatal(err)
	}
	btpDig.Set("name", "Fouilles en rigole")
	btpDig.Set("default_days", 7)
	must(t, app.Save(btpDig))
	before := countAll(t, app)
	stamp := btpDig.GetString("updated")

	packs, err := domain.SectorPacks(app)
	if err != nil || len(packs) != 3 {
		t.Fatalf("packs %+v %v", packs, err)
	}
	ref, _ := domain.ReferenceFor(domain.SectorTP)
	if p := packs[0]; !p.Primary || !p.Enabled || p.Missing.Added() != 0 || p.WorkTypes == 0 {
		t.Errorf("btp status %+v", p)
	}
	if p := packs[2]; p.Primary || p.Enabled || p.WorkTypes != 0 || p.Missing.WorkTypes != len(ref.WorkTypes) {
		t.Errorf("tp status before %+v", p)
	}

	res, err := domain.EnableSector(app, admin, domain.SectorTP)
	if err != nil {
		t.Fatal(err)
	}
	if res != packs[2].Missing {
		t.Errorf("added %+v, the status announced %+v", res, packs[2].Missing)
	}
	// public works share two skills and several clearances with building
	if res.WorkTypes != len(ref.WorkTypes) || res.Checklists != len(ref.Checklists) || res.Skills != len(ref.Skills)-2 ||
		res.ClearanceKinds == 0 || res.ClearanceKinds >= len(ref.ClearanceKinds) || res.SiteTemplates != 2 {
		t.Errorf("pack added %+v", res)
	}
	after := countAll(t, app)
	for c, n := range map[string]int{"skills": res.Skills, "clearance_kinds": res.ClearanceKinds, "checklist_templates": res.Checklists,
		"work_types": res.WorkTypes, "site_templates": res.SiteTemplates} {
		if after[c] != before[c]+int64(n) {
			t.Errorf("%s: %d → %d, want +%d", c, before[c], after[c], n)
		}
	}
	// existing records untouched, reused by the new work types
	skill2, _ := app.FindRecordById("skills", skill.Id)
	dig, _ := app.FindRecordById("work_types", btpDig.Id)
	if skill2.GetString("name") != "Terrassement (nos équipes)" || dig.GetString("name") != "Fouilles en rigole" || dig.GetFloat("default_days") != 7 ||
		dig.GetString("updated") != stamp {
		t.Errorf("existing records changed: skill %q, work type %q %v %s", skill2.GetString("name"), dig.GetString("name"), dig.Get("default_days"), dig.GetString("updated"))
	}
	tpDig, err := app.FindFirstRecordByFilter("work_types", "sector = 'tp' && code = 'terrassement'")
	if err != nil {
		t.Fatal("no public works excavation beside the building one")
	}
	if !slices.Contains(tpDig.GetStringSlice("required_skills"), skill.Id) || !tpDig.GetBool("excavation") || tpDig.GetString("checklist") == "" {
		t.Errorf("tp excavation %v", tpDig.FieldsData())
	}
	if n, _ := app.CountRecords("skills", dbx.HashExp{"code": "terrassement"}); n != 1 {
		t.Errorf("%d skills terrassement, want the shared one", n)
	}
	// audited in the admin's name: each record, and the company's sectors
	if n, _ := app.CountRecords("audit_events", dbx.HashExp{"collection": "work_types", "action": "create", "actor": admin.Id}); n != int64(res.WorkTypes) {
		t.Errorf("%d work type creations audited, want %d", n, res.WorkTypes)
	}
	ev, err := app.FindFirstRecordByFilter("audit_events", "collection = 'company' && action = 'update' && actor = {:a}", dbx.Params{"a": admin.Id})
	if err != nil || ev.GetString("diff") == "" || !strings.Contains(ev.GetString("diff"), `"sectors"`) || !strings.Contains(ev.GetString("diff"), `"tp"`) {
		t.Errorf("company update not audited with its sectors: %v %v", ev, err)
	}
	if after["audit_events"] != before["audit_events"]+int64(res.Added())+1 {
		t.Errorf("audit events %d → %d, want one per record and the company", before["audit_events"], after["audit_events"])
	}
	if rep, err := domain.VerifyAuditChain(app); err != nil || !rep.OK {
		t.Errorf("audit chain %+v %v", rep, err)
	}
	c, _ := domain.FindCompany(app)
	if got := c.EnabledSectors(); !slices.Equal(got, []string{"btp", "tp"}) || c.Sector() != "btp" {
		t.Errorf("sectors %v primary %q", got, c.Sector())
	}

	// again, and the primary sector: nothing is written
	for _, s := range []string{domain.SectorTP, domain.SectorBTP} {
		res, err := domain.EnableSector(app, admin, s)
		if err != nil || res.Added() != 0 {
			t.Errorf("enable %s again: %+v %v", s, res, err)
		}
	}
	if again := countAll(t, app); !maps.Equal(again, after) {
		t.Errorf("enabling again wrote: %v → %v", after, again)
	}
	// an unknown sector is refused and changes nothing
	if _, err := domain.EnableSector(app, admin, "nucleaire"); domain.ErrorCode(err) != domain.EInvalid {
		t.Errorf("unknown sector: %v", err)
	}
	if again := countAll(t, app); !maps.Equal(again, after) {
		t.Error("a refused sector wrote")
	}
}

// TestEnableSectorCompletesADeletedRecord: completing an enabled sector's
// pack creates back what the company deleted, nothing else.
func TestEnableSectorCompletesADeletedRecord(t *testing.T) {
	t.Parallel()
	tt := tenanttest.New(t)
	app := tt.App()
	wt, err := app.FindFirstRecordByFilter("work_types", "sector = 'btp' && code = 'ravalement'")
	if err != nil {
		t.Fatal(err)
	}
	must(t, app.Delete(wt))
	packs, _ := domain.SectorPacks(app)
	if packs[0].Missing.WorkTypes != 1 || packs[0].Missing.Added() != 1 {
		t.Fatalf("missing after a delete: %+v", packs[0].Missing)
	}
	res, err := domain.EnableSector(app, nil, domain.SectorBTP)
	if err != nil || res.Added() != 1 || res.WorkTypes != 1 {
		t.Errorf("completed %+v %v", res, err)
	}
	if _, err := app.FindFirstRecordByFilter("work_types", "sector = 'btp' && code = 'ravalement'"); err != nil {
		t.Error("the deleted work type is not back")
	}
}

// TestWorkTypeCodeUniquePerSector: two sectors may share a work type
// code, one sector may not have it twice.
func TestWorkTypeCodeUniquePerSector(t *testing.T) {
	t.Parallel()
	tt := tenanttest.New(t)
	app := tt.App()
	col, _ := app.FindCollectionByNameOrId("work_types")
	for _, c := range []struct {
		sector string
		ok     bool
	}{{"elec", true}, {"btp", false}} {
		r := core.NewRecord(col)
		r.Load(map[string]any{"code": "terrassement", "name": "Terrassement " + c.sector, "sector": c.sector})
		if err := app.Save(r); (err == nil) != c.ok {
			t.Errorf("terrassement in %s: %v, want ok=%v", c.sector, err, c.ok)
		}
	}
}

// TestPrimarySectorChangeEnablesIt: a new primary sector in the settings
// brings its pack; the former one stays enabled.
func TestPrimarySectorChangeEnablesIt(t *testing.T) {
	t.Parallel()
	tt := tenanttest.New(t)
	app := tt.App()
	c, _ := domain.FindCompany(app)
	in := c.Input()
	in.Sector = domain.SectorElec
	in.Calendar.WorkDays = []time.Weekday{time.Monday, time.Tuesday}
	if _, err := domain.UpdateCompany(app, nil, in); err != nil {
		t.Fatal(err)
	}
	c, _ = domain.FindCompany(app)
	if got := c.EnabledSectors(); !slices.Equal(got, []string{"elec", "btp"}) {
		t.Errorf("sectors after the switch %v", got)
	}
	ref, _ := domain.ReferenceFor(domain.SectorElec)
	if n, _ := app.CountRecords("work_types", dbx.HashExp{"sector": "elec"}); n != int64(len(ref.WorkTypes)) {
		t.Errorf("%d elec work types, want the pack's %d", n, len(ref.WorkTypes))
	}
	// and back: nothing to add, both stay
	in.Sector = domain.SectorBTP
	before, _ := app.CountRecords("work_types")
	if _, err := domain.UpdateCompany(app, nil, in); err != nil {
		t.Fatal(err)
	}
	c, _ = domain.FindCompany(app)
	if after, _ := app.CountRecords("work_types"); after != before || !slices.Equal(c.EnabledSectors(), []string{"btp", "elec"}) {
		t.Errorf("back to btp: %d → %d work types, sectors %v", before, after, c.EnabledSectors())
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
