package tenants_test

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/tenants"
	"github.com/fieldops360/fieldops/tenanttest"
)

// attacker opens a tenant's data.db directly, as someone with access to
// the file (not through the app and its hooks).
func attacker(t *testing.T, tt *tenanttest.Tenant) *dbx.DB {
	t.Helper()
	db, err := tenants.DBConnect(filepath.Join(tt.Registry.TenantDir(tt.Slug), "data.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return db
}

// rechain alters event seq (its actor) and recomputes the hashes of it and
// of every later event, so that the chain alone verifies again.
func rechain(t *testing.T, db *dbx.DB, seq int64) {
	t.Helper()
	var rows []struct {
		Seq        int64  `db:"seq"`
		At         string `db:"at"`
		Actor      string `db:"actor"`
		Action     string `db:"action"`
		Collection string `db:"collection"`
		Record     string `db:"record"`
		Diff       string `db:"diff"`
		PrevHash   string `db:"prev_hash"`
	}
	if err := db.Select("seq", "at", "actor", "action", "collection", "record", "diff", "prev_hash").From("audit_events").
		Where(dbx.NewExp("seq >= {:s}", dbx.Params{"s": seq})).OrderBy("seq").All(&rows); err != nil || len(rows) == 0 {
		t.Fatalf("read events: %v (%d)", err, len(rows))
	}
	prev := rows[0].PrevHash
	for _, r := range rows {
		ev := domain.AuditEvent{Seq: r.Seq, At: r.At, Actor: r.Actor, Action: r.Action, Collection: r.Collection, Record: r.Record, PrevHash: prev}
		if err := json.Unmarshal([]byte(r.Diff), &ev.Diff); err != nil {
			t.Fatal(err)
		}
		if r.Seq == seq {
			ev.Actor = "forger"
		}
		h, err := ev.ComputeHash()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.Update("audit_events", dbx.Params{"actor": ev.Actor, "prev_hash": prev, "hash": h}, dbx.HashExp{"seq": r.Seq}).Execute(); err != nil {
			t.Fatal(err)
		}
		prev = h
	}
}

// writes creates n clients through the app (each an audited write).
func writes(tt *tenanttest.Tenant, n int) {
	for i := range n {
		tt.Record("clients", map[string]any{"name": "Client " + string(rune('A'+i))})
	}
}

func verify(t *testing.T, tt *tenanttest.Tenant) domain.AuditReport {
	t.Helper()
	rep, err := tt.Registry.VerifyAudit(context.Background(), tt.Slug)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func chainHead(t *testing.T, tt *tenanttest.Tenant) domain.AuditHead {
	t.Helper()
	h, err := domain.FindAuditHead(tt.App())
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// everyWrite anchors after every audit event (no trailing edge).
func everyWrite(c *tenants.Config) { c.AnchorInterval = -1 }

func TestAuditAnchorFollowsEveryWrite(t *testing.T) {
	t.Parallel()
	tt := tenanttest.New(t, everyWrite)
	rep := verify(t, tt)
	if !rep.OK || rep.Anchor == nil || !rep.Anchor.Matched || !rep.Anchor.SignatureOK || rep.Anchor.Unanchored != 0 {
		t.Fatalf("fresh tenant: %+v %+v", rep, rep.Anchor)
	}
	if rep.Anchor.Kind != domain.AnchorProvision || rep.Anchor.Seq != int64(rep.Events) {
		t.Errorf("provisioning anchor = %+v, want kind provision at seq %d", rep.Anchor.AuditAnchor, rep.Events)
	}
	writes(tt, 3)
	head := chainHead(t, tt)
	a, pub, err := tt.Registry.LatestAnchor(tt.Slug)
	if err != nil || a == nil {
		t.Fatalf("latest anchor: %v %v", a, err)
	}
	if a.Seq != head.Seq || a.Hash != head.Hash || a.Kind != domain.AnchorWrite || !a.Valid(pub) {
		t.Errorf("anchor after 3 writes = %+v (valid %v), want the chain head %+v", a, a.Valid(pub), head)
	}
	// several events in one transaction: anchored once, at the last one
	app := tt.App()
	col, _ := app.FindCollectionByNameOrId("clients")
	err = app.RunInTransaction(func(tx core.App) error {
		for _, n := range []string{"X", "Y"} {
			r := core.NewRecord(col)
			r.Set("name", n)
			if err := tx.Save(r); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if a, _, _ = tt.Registry.LatestAnchor(tt.Slug); a.Seq != head.Seq+2 {
		t.Errorf("anchor after a 2-event transaction at seq %d, want %d", a.Seq, head.Seq+2)
	}
	if rep := verify(t, tt); !rep.OK || rep.Anchor.Unanchored != 0 {
		t.Errorf("verify after writes: %+v", rep)
	}
}

func TestAuditVerifyDetectsTampering(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		closed bool // attack while the tenant is closed (else while the server has it open)
		attack func(t *testing.T, tt *tenanttest.Tenant)
		reason string
	}{
		{"last rows deleted", false, func(t *testing.T, tt *tenanttest.Tenant) {
			if _, err := attacker(t, tt).NewQuery("DELETE FROM audit_events WHERE seq > (SELECT MAX(seq) - 2 FROM audit_events)").Execute(); err != nil {
				t.Fatal(err)
			}
		}, "supprimé"},
		{"last rows deleted while closed", true, func(t *testing.T, tt *tenanttest.Tenant) {
			if _, err := attacker(t, tt).NewQuery("DELETE FROM audit_events WHERE seq = (SELECT MAX(seq) FROM audit_events)").Execute(); err != nil {
				t.Fatal(err)
			}
		}, "1 événement(s) supprimé(s)"},
		{"last rows deleted then new writes", false, func(t *testing.T, tt *tenanttest.Tenant) {
			if _, err := attacker(t, tt).NewQuery("DELETE FROM audit_events WHERE seq > (SELECT MAX(seq) - 2 FROM audit_events)").Execute(); err != nil {
				t.Fatal(err)
			}
			writes(tt, 5) // the chain grows past the anchor again
		}, "ne correspond plus"},
		{"row changed and chain re-hashed", false, func(t *testing.T, tt *tenanttest.Tenant) {
			db := attacker(t, tt)
			rechain(t, db, 3)
			if rep, _ := domain.VerifyAuditChain(tt.App()); !rep.OK {
				t.Fatalf("the re-hashed chain should verify without its anchor: %+v", rep)
			}
		}, "recalculée"},
		{"anchor signature replaced", false, func(t *testing.T, tt *tenanttest.Tenant) {
			hist, err := tt.Registry.AnchorHistory(tt.Slug, 1)
			if err != nil || len(hist) == 0 {
				t.Fatalf("history: %v %v", hist, err)
			}
			// a genuine signature, of another anchor
			if _, err := tt.Registry.Platform().DB().Update(tenants.CollectionAuditHeads,
				dbx.Params{"signature": hist[0].Signature}, dbx.HashExp{"slug": tt.Slug}).Execute(); err != nil {
				t.Fatal(err)
			}
		}, "signature de l'ancre"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			tt := tenanttest.New(t)
			writes(tt, 4)
			if rep := verify(t, tt); !rep.OK {
				t.Fatalf("intact chain fails: %+v", rep)
			}
			if c.closed {
				tt.Registry.CloseTenant(tt.Slug, true)
			}
			c.attack(t, tt)
			rep := verify(t, tt)
			if rep.OK || rep.Anchor == nil || rep.Anchor.Matched || !strings.Contains(rep.Reason, c.reason) {
				t.Fatalf("tampering not detected: ok=%v reason=%q anchor=%+v", rep.OK, rep.Reason, rep.Anchor)
			}
			// the anchor never follows a tampered chain
			writes(tt, 1)
			if rep := verify(t, tt); rep.OK {
				t.Errorf("a write after the tampering moved the anchor onto the tampered chain")
			}
			if _, _, err := tt.Registry.AnchorNow(context.Background(), tt.Slug, "test"); domain.ErrorCode(err) != domain.EConflict {
				t.Errorf("anchoring a tampered chain on demand: %v, want EConflict", err)
			}
		})
	}
}

// TestAuditAnchorTrailingEdge: a busy tenant moves its head at most once
// per AnchorInterval, yet the events it committed are anchored even when
// their rows are deleted before the anchor moves, and a verification from
// another process waits for that anchor.
func TestAuditAnchorTrailingEdge(t *testing.T) {
	t.Parallel()
	const interval = 400 * time.Millisecond
	tt := tenanttest.New(t, func(c *tenants.Config) { c.AnchorInterval = interval })
	reg := tt.Registry
	writes(tt, 1) // leading edge: anchored before the write returns
	first := chainHead(t, tt)
	if a, _, _ := reg.LatestAnchor(tt.Slug); a.Seq != first.Seq {
		t.Fatalf("first write: anchor at %d, want %d", a.Seq, first.Seq)
	}
	writes(tt, 2) // within the interval: waiting for the trailing edge
	if a, _, _ := reg.LatestAnchor(tt.Slug); a.Seq != first.Seq {
		t.Fatalf("burst: anchor at %d, want it to wait at %d", a.Seq, first.Seq)
	}
	if _, err := attacker(t, tt).NewQuery("DELETE FROM audit_events WHERE seq > {:s}").Bind(dbx.Params{"s": first.Seq}).Execute(); err != nil {
		t.Fatal(err)
	}
	// another process (a second registry on the same directory) verifies
	// at once: it waits for the writer's trailing anchor
	other := tenanttest.NewRegistry(t, tenanttest.WithDir(reg.Config().Dir), func(c *tenants.Config) { c.AnchorInterval = interval })
	start := time.Now()
	rep, err := other.VerifyAudit(context.Background(), tt.Slug)
	if err != nil {
		t.Fatal(err)
	}
	if rep.OK || !strings.Contains(rep.Reason, "2 événement(s) supprimé(s)") || rep.Anchor.Seq != first.Seq+2 {
		t.Errorf("verify from another process after %v: ok=%v %s anchor=%+v; want the 2 deleted events detected",
			time.Since(start), rep.OK, rep.Reason, rep.Anchor)
	}
	if waited := time.Since(start); waited > 2*interval+time.Second {
		t.Errorf("verify waited %v, want at most about the interval (%v)", waited, interval)
	}
}

// TestAuditAnchorOvertakenByAnotherProcess: when another process anchors
// past the events this process is waiting to anchor, the trailing anchor
// is a no-op, not a divergence.
func TestAuditAnchorOvertakenByAnotherProcess(t *testing.T) {
	t.Parallel()
	const interval = 300 * time.Millisecond
	tt := tenanttest.New(t, func(c *tenants.Config) { c.AnchorInterval = interval })
	writes(tt, 3) // the last two wait for the trailing edge
	other := tenanttest.NewRegistry(t, tenanttest.WithDir(tt.Registry.Config().Dir), func(c *tenants.Config) { c.AnchorInterval = interval })
	// the other process writes once: its leading edge anchors past ours
	writes(&tenanttest.Tenant{T: t, Registry: other, Slug: tt.Slug}, 1)
	if a, _, err := other.LatestAnchor(tt.Slug); err != nil || a.Seq != chainHead(t, tt).Seq {
		t.Fatalf("anchor from the other process = %+v, %v", a, err)
	}
	time.Sleep(2 * interval) // the first process's trailing edge runs
	if n := platformActions(t, tt.Registry, tt.Slug)["audit.anchor_mismatch"]; n != 0 {
		t.Errorf("the overtaken trailing anchor was reported as a divergence (%d)", n)
	}
	writes(tt, 1)
	if rep := verify(t, tt); !rep.OK || rep.Anchor.Seq != chainHead(t, tt).Seq {
		t.Errorf("after the next write: ok=%v %s %+v", rep.OK, rep.Reason, rep.Anchor)
	}
}
