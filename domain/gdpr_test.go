package domain_test

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/fieldops360/fieldops/catalog"
	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/tenanttest"
)

// gdprFixture is a tenant with an admin and a crew member, Jeanne
// Martinet, who clocked in with GPS, took a photo, signed a task, has a
// notification and a session.
type gdprFixture struct {
	tt          *tenanttest.Tenant
	app         core.App
	admin, crew domain.User
	entry, sig  *core.Record
}

func newGDPRFixture(t *testing.T) gdprFixture {
	t.Helper()
	tt := tenanttest.New(t)
	app := tt.App()
	admin, err := app.FindAuthRecordByEmail(domain.CollectionUsers, tt.Admin)
	if err != nil {
		t.Fatal(err)
	}
	crew, err := domain.CreateUser(app, domain.NewUser{Email: "jeanne.martinet@acme.test", Password: tenanttest.Password,
		Name: "Jeanne Martinet", Role: domain.RoleCrew, Phone: "+33 6 12 34 56 78"})
	if err != nil {
		t.Fatal(err)
	}
	site := tt.Record("sites", map[string]any{"code": "GDPR-1", "name": "Chantier RGPD", "status": "active", "sector": domain.SectorBTP, "team": []string{crew.Id}})
	task := tt.Record("tasks", map[string]any{"site": site.Id, "title": "Coffrage", "planned_start": "2026-03-02", "duration_days": 1, "assignees": []string{crew.Id}})
	entry := tt.Record("time_entries", map[string]any{"user": crew.Id, "site": site.Id, "task": task.Id, "clock_in": "2026-03-02 07:00:00.000Z",
		"clock_out": "2026-03-02 15:00:00.000Z", "in_lat": 48.8566, "in_lng": 2.3522, "status": domain.TimeSubmitted, "source": "office"})
	tt.Record("photos", map[string]any{"subject": task.Id, "site": site.Id, "by": crew.Id, "taken_at": time.Now(), "lat": 48.85, "lng": 2.35})
	sig := tt.Record("signatures", map[string]any{"subject": task.Id, "signer_name": "Jeanne Martinet", "signer_role": "client", "signed_at": time.Now(), "lat": 48.85})
	tt.Record("notifications", map[string]any{"user": crew.Id, "kind": "task_late", "key": "k1", "state": "open", "message": "Bonjour Jeanne Martinet"})
	if _, err := app.DB().Insert("sessions", dbx.Params{"id": "s1", "collection": "users", "record": crew.Id, "created": 1, "expires": 2}).Execute(); err != nil {
		t.Fatal(err)
	}
	return gdprFixture{tt: tt, app: app, admin: domain.User{Record: admin}, crew: crew, entry: entry, sig: sig}
}

func TestGDPRPolicyCoversSchema(t *testing.T) {
	t.Parallel()
	app := tenanttest.New(t).App()
	missing, err := domain.GDPRUncovered(app)
	if err != nil || len(missing) > 0 {
		t.Fatalf("collections referencing users without an erasure rule in gdprRules: %+v (%v)", missing, err)
	}
	rels, _ := domain.UserRelations(app)
	if len(rels) < 20 {
		t.Errorf("user relations found in the schema = %d, want the 20+ of the tenant schema", len(rels))
	}
	cat, err := catalog.Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range append(rels, domain.UserRelation{Collection: "users"}, domain.UserRelation{Collection: "signatures"},
		domain.UserRelation{Collection: "checklist_runs"}, domain.UserRelation{Collection: "vehicle_positions"}) {
		for _, lang := range []string{"fr", "en"} {
			if _, ok := cat.Lookup(lang, "gdpr.col."+r.Collection); !ok {
				t.Errorf("no %s label gdpr.col.%s for the GDPR page", lang, r.Collection)
			}
		}
	}
}

func TestGDPRExportPerson(t *testing.T) {
	t.Parallel()
	f := newGDPRFixture(t)
	var buf bytes.Buffer
	sum, err := domain.ExportPerson(f.app, f.admin.Record, f.crew, &buf)
	if err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]string{}
	for _, zf := range zr.File {
		rc, _ := zf.Open()
		b, _ := io.ReadAll(rc)
		rc.Close()
		files[zf.Name] = string(b)
	}
	for name, want := range map[string]string{
		"person.json": "jeanne.martinet@acme.test", "time_entries.json": f.entry.Id, "signatures.json": f.sig.Id,
		"photos.json": "48.85", "notifications.json": "Bonjour", "sessions.json": `"expires": 2`, "audit_events.json": f.crew.Id,
		"manifest.json": `"time_entries": 1`,
	} {
		if !strings.Contains(files[name], want) {
			t.Errorf("%s lacks %q:\n%.400s", name, want, files[name])
		}
	}
	if strings.Contains(files["person.json"], "tokenKey") || strings.Contains(files["person.json"], `"password"`) {
		t.Error("the export holds the person's secrets")
	}
	if sum.Collections["time_entries"] != 1 || sum.Collections["signatures"] != 1 {
		t.Errorf("summary = %+v", sum.Collections)
	}
	n, _ := f.app.CountRecords(domain.CollectionAuditEvents, dbx.HashExp{"action": domain.AuditGDPRExport, "record": f.crew.Id, "actor": f.admin.Id})
	if n != 1 {
		t.Errorf("export audit events = %d, want 1", n)
	}
	crew2 := f.tt.User(domain.RoleCrew, "crew2@acme.test")
	if _, err := domain.ExportPerson(f.app, crew2.Record, f.crew, io.Discard); domain.ErrorCode(err) != domain.EForbidden {
		t.Errorf("export by a crew member: %v, want forbidden", err)
	}
	if _, err := domain.FindGDPRSubject(f.app, "nobody@acme.test"); domain.ErrorCode(err) != domain.ENotFound {
		t.Errorf("unknown person: %v", err)
	}
	if u, err := domain.FindGDPRSubject(f.app, "JEANNE.martinet@acme.test"); err != nil || u.Id != f.crew.Id {
		t.Errorf("by e-mail: %v %v", u, err)
	}
}

func TestGDPRErasePersonKeepsChainVerifiable(t *testing.T) {
	t.Parallel()
	f := newGDPRFixture(t)
	crew2 := f.tt.User(domain.RoleCrew, "crew2@acme.test")
	if _, err := domain.ErasePerson(f.app, crew2.Record, f.crew); domain.ErrorCode(err) != domain.EForbidden {
		t.Errorf("erase by a crew member: %v, want forbidden", err)
	}
	if _, err := domain.ErasePerson(f.app, f.admin.Record, f.admin); domain.ErrorCode(err) != domain.EForbidden {
		t.Errorf("self-erasure: %v, want forbidden", err)
	}
	er, err := domain.ErasePerson(f.app, f.admin.Record, f.crew)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := domain.ErasePerson(f.app, f.admin.Record, f.crew); domain.ErrorCode(err) != domain.EConflict {
		t.Errorf("second erasure: %v, want conflict", err)
	}
	u, _ := f.app.FindRecordById("users", f.crew.Id)
	if u.GetString("name") != er.Pseudonym || !strings.HasPrefix(er.Pseudonym, "Personne effacée #") || u.GetBool("active") ||
		u.GetString("phone") != "" || strings.Contains(u.GetString("email"), "jeanne") {
		t.Errorf("user after erasure: %v", u.FieldsData())
	}
	e, _ := f.app.FindRecordById("time_entries", f.entry.Id)
	if e.GetFloat("in_lat") != 0 || e.GetString("clock_in") == "" || e.GetString("clock_out") == "" {
		t.Errorf("time entry: GPS must go, hours stay: %v", e.FieldsData())
	}
	s, _ := f.app.FindRecordById("signatures", f.sig.Id)
	if s.GetString("signer_name") != er.Pseudonym || s.GetFloat("lat") != 0 {
		t.Errorf("signature after erasure: %v", s.FieldsData())
	}
	for c, want := range map[string]int64{"notifications": 0} {
		if n, _ := f.app.CountRecords(c, dbx.HashExp{"user": f.crew.Id}); n != want {
			t.Errorf("%s left = %d, want %d", c, n, want)
		}
	}
	var sessions int
	_ = f.app.DB().NewQuery("SELECT count(*) FROM sessions WHERE record = {:r}").Bind(dbx.Params{"r": f.crew.Id}).Row(&sessions)
	var leaks int
	_ = f.app.DB().NewQuery("SELECT count(*) FROM audit_events WHERE diff LIKE '%Martinet%' OR diff LIKE '%jeanne.martinet%' OR diff LIKE '%12 34 56%' OR diff LIKE '%48.8566%'").Row(&leaks)
	if sessions != 0 || leaks != 0 {
		t.Errorf("after erasure: %d sessions, %d audit events still naming the person", sessions, leaks)
	}
	rep, err := domain.VerifyAuditChain(f.app)
	if err != nil || !rep.OK || rep.Redacted != er.Redacted || er.Redacted == 0 || rep.LastErasure != er.Seq {
		t.Fatalf("verify after erasure = %+v (%v), erasure %+v", rep, err, er)
	}

	// tamper evidence survives: a redacted event, a plain one, the manifest
	var redacted, plain int64
	_ = f.app.DB().NewQuery("SELECT seq FROM audit_events WHERE diff LIKE '%\"_erased\"%' LIMIT 1").Row(&redacted)
	_ = f.app.DB().NewQuery("SELECT seq FROM audit_events WHERE diff NOT LIKE '%\"_erased\"%' AND action = 'create' LIMIT 1").Row(&plain)
	for _, tc := range []struct {
		name, col, expr string
		seq             int64
	}{
		{"redacted event's actor", "actor", "'someone-else'", redacted},
		{"redacted event's diff", "diff", "json_set(diff, '$.extra', 1)", redacted},
		{"plain event's diff", "diff", "json_set(diff, '$.extra', 1)", plain},
		{"erasure manifest", "diff", "json_remove(diff, '$.redacted[0]')", er.Seq},
	} {
		var old string
		_ = f.app.DB().NewQuery("SELECT " + tc.col + " FROM audit_events WHERE seq = {:s}").Bind(dbx.Params{"s": tc.seq}).Row(&old)
		exec := func(q string) {
			if _, err := f.app.DB().NewQuery(q).Bind(dbx.Params{"s": tc.seq, "old": old}).Execute(); err != nil {
				t.Fatal(err)
			}
		}
		exec("UPDATE audit_events SET " + tc.col + " = " + tc.expr + " WHERE seq = {:s}")
		rep, _ := domain.VerifyAuditChain(f.app)
		if rep.OK {
			t.Errorf("%s changed (seq %d): the chain still verifies", tc.name, tc.seq)
		}
		exec("UPDATE audit_events SET " + tc.col + " = {:old} WHERE seq = {:s}")
	}
	if rep, _ := domain.VerifyAuditChain(f.app); !rep.OK {
		t.Errorf("restored chain: %+v", rep)
	}
	if _, err := f.app.DB().NewQuery("UPDATE audit_events SET actor = 'x' WHERE seq = {:s}").Bind(dbx.Params{"s": plain}).Execute(); err != nil {
		t.Fatal(err)
	}
	if _, err := domain.ErasePerson(f.app, f.admin.Record, crew2); domain.ErrorCode(err) != domain.EConflict {
		t.Errorf("erasure on a broken chain: %v, want conflict", err)
	}
	if u, _ := f.app.FindRecordById("users", crew2.Id); u.GetString("email") != "crew2@acme.test" {
		t.Error("an erasure refused on a broken chain changed the person")
	}
	var manifest struct {
		Redacted []domain.Redaction `json:"redacted"`
	}
	var raw string
	_ = f.app.DB().NewQuery("SELECT diff FROM audit_events WHERE seq = {:s}").Bind(dbx.Params{"s": er.Seq}).Row(&raw)
	if err := json.Unmarshal([]byte(raw), &manifest); err != nil || len(manifest.Redacted) != er.Redacted {
		t.Errorf("manifest = %d entries (%v), want %d", len(manifest.Redacted), err, er.Redacted)
	}
}

// TestGDPRSecondErasureSupersedes: an event naming two people is redacted
// by both erasures in turn; the later manifest vouches for it and the
// chain verifies.
func TestGDPRSecondErasureSupersedes(t *testing.T) {
	t.Parallel()
	f := newGDPRFixture(t)
	marc, err := domain.CreateUser(f.app, domain.NewUser{Email: "marc.dubois@acme.test", Password: tenanttest.Password, Name: "Marc Dubois", Role: domain.RoleCrew})
	if err != nil {
		t.Fatal(err)
	}
	client := f.tt.Record("clients", map[string]any{"name": "Mairie", "kind": "public", "contact_name": "jeanne martinet, MARC DUBOIS"})
	first, err := domain.ErasePerson(f.app, f.admin.Record, f.crew)
	if err != nil {
		t.Fatal(err)
	}
	second, err := domain.ErasePerson(f.app, nil, marc)
	if err != nil {
		t.Fatal(err)
	}
	var diff string
	_ = f.app.DB().NewQuery("SELECT diff FROM audit_events WHERE record = {:r} AND action = 'create'").Bind(dbx.Params{"r": client.Id}).Row(&diff)
	if strings.Contains(strings.ToLower(diff), "martinet") || strings.Contains(strings.ToLower(diff), "dubois") || !strings.Contains(diff, `"_erased":`) {
		t.Errorf("client event after both erasures: %s", diff)
	}
	rep, err := domain.VerifyAuditChain(f.app)
	if err != nil || !rep.OK || rep.LastErasure != second.Seq || second.Seq <= first.Seq {
		t.Errorf("verify after two erasures = %+v (%v)", rep, err)
	}
	if n, _ := f.app.CountRecords(domain.CollectionAuditEvents, dbx.HashExp{"action": domain.AuditErase, "actor": "cli"}); n != 1 {
		t.Errorf("operator erasures audited = %d, want 1", n)
	}
}
