package domain_test

import (
	"strings"
	"testing"

	"github.com/pocketbase/dbx"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/tenanttest"
)

func TestAuditChainRecordsEveryChange(t *testing.T) {
	t.Parallel()
	tt := tenanttest.New(t)
	app := tt.App()
	before, _ := app.CountRecords(domain.CollectionAuditEvents)

	c := tt.Record("clients", map[string]any{"name": "SNCF Réseau", "kind": "public"})
	domain.SetActor(c, "user123")
	c.Set("name", "SNCF Réseau Ouest")
	if err := app.Save(c); err != nil {
		t.Fatal(err)
	}
	if err := app.Delete(c); err != nil {
		t.Fatal(err)
	}
	events := []struct {
		Seq    int64  `db:"seq"`
		Action string `db:"action"`
		Actor  string `db:"actor"`
		Diff   string `db:"diff"`
	}{}
	if err := app.DB().Select("seq", "action", "actor", "diff").From(domain.CollectionAuditEvents).
		Where(dbx.HashExp{"record": c.Id}).OrderBy("seq").All(&events); err != nil {
		t.Fatal(err)
	}
	if len(events) != 3 {
		t.Fatalf("events for the client = %d, want 3 (create, update, delete)", len(events))
	}
	wants := []struct{ action, actor, diff string }{
		{"create", "system", `"name":"SNCF Réseau"`},
		{"update", "user123", `"name":["SNCF Réseau","SNCF Réseau Ouest"]`},
		{"delete", "user123", `"name":"SNCF Réseau Ouest"`},
	}
	for i, w := range wants {
		got := events[i]
		if got.Action != w.action || got.Actor != w.actor || !strings.Contains(got.Diff, w.diff) {
			t.Errorf("event %d = %s by %s %s; want %s by %s with %s", i, got.Action, got.Actor, got.Diff, w.action, w.actor, w.diff)
		}
		if got.Seq != before+int64(i)+1 {
			t.Errorf("event %d seq = %d, want %d", i, got.Seq, before+int64(i)+1)
		}
	}
	rep, err := domain.VerifyAuditChain(app)
	if err != nil || !rep.OK || rep.Events != int(before)+3 {
		t.Errorf("verify = %+v, %v", rep, err)
	}
}

func TestAuditChainIsAppendOnlyAndTamperEvident(t *testing.T) {
	t.Parallel()
	tt := tenanttest.New(t)
	app := tt.App()
	tt.Record("clients", map[string]any{"name": "Client A"})
	tt.Record("clients", map[string]any{"name": "Client B"})

	last, err := app.FindFirstRecordByFilter(domain.CollectionAuditEvents, "", dbx.Params{})
	if err != nil {
		t.Fatal(err)
	}
	last.Set("actor", "forger")
	if err := app.Save(last); err == nil {
		t.Error("updating an audit event through the app was allowed")
	}
	if err := app.Delete(last); err == nil {
		t.Error("deleting an audit event through the app was allowed")
	}
	su := tt.Token("_superusers", tt.Admin)
	rec := tenanttest.Do(t, tt.Registry, "DELETE", tt.Host(), "/api/collections/audit_events/records/"+last.Id, su, nil)
	if rec.Code < 400 {
		t.Errorf("superuser DELETE via API = %d, want refused", rec.Code)
	}

	scenarios := []struct {
		name string
		sql  string
	}{
		{"altered diff", "UPDATE audit_events SET diff = '{\"name\":\"Client Z\"}' WHERE seq = 3"},
		{"altered actor", "UPDATE audit_events SET actor = 'someone' WHERE seq = 2"},
		{"removed row", "DELETE FROM audit_events WHERE seq = 2"},
	}
	for _, s := range scenarios {
		t.Run(s.name, func(t *testing.T) {
			t.Parallel()
			tt := tenanttest.New(t)
			app := tt.App()
			tt.Record("clients", map[string]any{"name": "Client A"})
			tt.Record("clients", map[string]any{"name": "Client B"})
			if rep, _ := domain.VerifyAuditChain(app); !rep.OK {
				t.Fatalf("chain broken before tampering: %+v", rep)
			}
			if _, err := app.DB().NewQuery(s.sql).Execute(); err != nil {
				t.Fatal(err)
			}
			rep, err := domain.VerifyAuditChain(app)
			if err != nil {
				t.Fatal(err)
			}
			if rep.OK || rep.FirstBad == nil || rep.Reason == "" {
				t.Fatalf("tampering not detected: %+v", rep)
			}
			if rep.FirstBad.Seq > 3 {
				t.Errorf("first bad seq = %d, want ≤ 3", rep.FirstBad.Seq)
			}
		})
	}
}
