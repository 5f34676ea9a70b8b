package tenants_test

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
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

func platformActions(t *testing.T, reg *tenants.Registry, slug string) map[string]int {
	t.Helper()
	recs, err := tenants.FindPlatformAudit(reg.Platform(), slug, 100)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]int{}
	for _, r := range recs {
		out[r.Action()]++
	}
	return out
}

// setHead puts a (genuine, signed) older anchor back as the head: the head
// lags behind the chain.
func setHead(t *testing.T, reg *tenants.Registry, a domain.AuditAnchor) {
	t.Helper()
	dt := a.At.UTC().Format("2006-01-02 15:04:05.000Z")
	if _, err := reg.Platform().DB().Update(tenants.CollectionAuditHeads, dbx.Params{
		"seq": a.Seq, "hash": a.Hash, "at": dt, "signature": a.Signature, "kind": a.Kind,
	}, dbx.HashExp{"slug": a.Slug}).Execute(); err != nil {
		t.Fatal(err)
	}
}

func TestAuditAnchorLagReportsUnanchoredRows(t *testing.T) {
	t.Parallel()
	tt := tenanttest.New(t, everyWrite)
	hist, err := tt.Registry.AnchorHistory(tt.Slug, 1)
	if err != nil || len(hist) != 1 || hist[0].Kind != domain.AnchorProvision {
		t.Fatalf("history after provisioning = %+v, %v", hist, err)
	}
	writes(tt, 3)
	setHead(t, tt.Registry, hist[0])
	rep := verify(t, tt)
	if !rep.OK || !rep.Anchor.Matched || rep.Anchor.Seq != hist[0].Seq || rep.Anchor.Unanchored != 3 {
		t.Fatalf("lagging anchor: ok=%v %s anchor=%+v, want ok with 3 events not yet anchored", rep.OK, rep.Reason, rep.Anchor)
	}
	// the next write catches up (the head changed under this process: re-read)
	writes(tt, 1)
	if rep := verify(t, tt); !rep.OK || rep.Anchor.Unanchored != 0 || rep.Anchor.Seq != int64(rep.Events) {
		t.Errorf("after a write: %+v %+v", rep, rep.Anchor)
	}
}

func TestAuditAnchorRebasedAfterRestoreOnly(t *testing.T) {
	t.Parallel()
	for _, alter := range []bool{false, true} {
		tt := tenanttest.New(t)
		writes(tt, 4)
		anchored := chainHead(t, tt).Seq
		tt.Registry.CloseTenant(tt.Slug, true)
		// what an in-place restore to an earlier point leaves: a shorter chain
		db := attacker(t, tt)
		if _, err := db.NewQuery("DELETE FROM audit_events WHERE seq > {:s}").Bind(dbx.Params{"s": anchored - 3}).Execute(); err != nil {
			t.Fatal(err)
		}
		if alter { // ... and a chain altered before the provisioning anchor
			rechain(t, db, 2)
		}
		time.Sleep(5 * time.Millisecond)
		if err := tenants.PlatformAudit(tt.Registry.Platform(), "cli", "tenant.restore", tt.Slug, nil); err != nil {
			t.Fatal(err)
		}
		rep := verify(t, tt)
		actions := platformActions(t, tt.Registry, tt.Slug)
		if alter {
			if rep.OK || actions["audit.anchor_rebase"] != 0 || actions["audit.anchor_mismatch"] != 1 {
				t.Errorf("altered restored chain: ok=%v actions=%v, want refused and recorded", rep.OK, actions)
			}
			continue
		}
		if !rep.OK || rep.Anchor.Kind != domain.AnchorRestore || rep.Anchor.Seq != anchored-3 || actions["audit.anchor_rebase"] != 1 {
			t.Fatalf("restored chain: ok=%v %s anchor=%+v actions=%v, want rebased at seq %d", rep.OK, rep.Reason, rep.Anchor, actions, anchored-3)
		}
		hist, _ := tt.Registry.AnchorHistory(tt.Slug, 1)
		if len(hist) != 1 || hist[0].Kind != domain.AnchorRestore {
			t.Errorf("history head = %+v, want the restore anchor", hist)
		}
	}
	// without a restore recorded, a shorter chain is never rebased
	tt := tenanttest.New(t)
	writes(tt, 2)
	if _, err := attacker(t, tt).NewQuery("DELETE FROM audit_events WHERE seq = (SELECT MAX(seq) FROM audit_events)").Execute(); err != nil {
		t.Fatal(err)
	}
	tt.Registry.CloseTenant(tt.Slug, true)
	if rep := verify(t, tt); rep.OK || platformActions(t, tt.Registry, tt.Slug)["audit.anchor_rebase"] != 0 {
		t.Errorf("truncated chain without a restore was rebased: %+v", rep)
	}
}

func TestAuditAnchorKeyStaysInControlPlane(t *testing.T) {
	t.Parallel()
	tt := tenanttest.New(t)
	reg := tt.Registry
	var priv string
	if err := reg.Platform().DB().Select("private_key").From(tenants.CollectionAuditKeys).
		Where(dbx.HashExp{"slug": tt.Slug}).Row(&priv); err != nil || priv == "" {
		t.Fatalf("private key in the control plane: %q %v", priv, err)
	}
	reg.CloseTenant(tt.Slug, true)
	dir := reg.TenantDir(tt.Slug)
	files, _ := filepath.Glob(filepath.Join(dir, "*.db*"))
	seed, _ := base64.StdEncoding.DecodeString(priv)
	for _, f := range files {
		b, _ := os.ReadFile(f)
		if bytes.Contains(b, []byte(priv)) || bytes.Contains(b, seed) {
			t.Errorf("%s holds the anchor key", f)
		}
	}
	su := tt.Token("_superusers", tt.Admin)
	for _, c := range []string{tenants.CollectionAuditKeys, tenants.CollectionAuditHeads, tenants.CollectionAuditAnchors} {
		if rec := tenanttest.Do(t, reg, http.MethodGet, tt.Host(), "/api/collections/"+c+"/records", su, nil); rec.Code != 404 {
			t.Errorf("tenant API %s = %d, want 404", c, rec.Code)
		}
	}
	// platform superusers list keys without their private half
	col, _ := reg.Platform().FindCollectionByNameOrId(core.CollectionNameSuperusers)
	admin := core.NewRecord(col)
	admin.SetEmail("root@platform.test")
	admin.SetPassword(tenanttest.Password)
	if err := reg.Platform().Save(admin); err != nil {
		t.Fatal(err)
	}
	tok, _ := admin.NewAuthToken()
	rec := tenanttest.Do(t, reg, http.MethodGet, "localhost", "/api/collections/audit_keys/records", tok, nil)
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), `"public_key"`) || strings.Contains(rec.Body.String(), "private_key") || strings.Contains(rec.Body.String(), priv) {
		t.Errorf("platform API audit_keys = %d %s, want public keys only", rec.Code, rec.Body.String())
	}
	var head struct {
		Items []struct {
			ID string `json:"id"`
		} `json:"items"`
	}
	rec = tenanttest.Do(t, reg, http.MethodGet, "localhost", "/api/collections/audit_heads/records", tok, nil)
	if err := json.Unmarshal(rec.Body.Bytes(), &head); err != nil || len(head.Items) != 1 {
		t.Fatalf("platform API audit_heads = %d %s", rec.Code, rec.Body.String())
	}
	writes := []struct{ method, path, body string }{
		{http.MethodPatch, "/api/collections/audit_heads/records/" + head.Items[0].ID, `{"seq": 1}`},
		{http.MethodDelete, "/api/collections/audit_heads/records/" + head.Items[0].ID, ""},
		{http.MethodPost, "/api/collections/audit_keys/records", `{"slug": "acme", "algorithm": "ed25519", "public_key": "x", "private_key": "y"}`},
		{http.MethodGet, "/api/collections/audit_keys/records?filter=" + url.QueryEscape("private_key>'M'"), ""},
		{http.MethodPost, "/api/collections/audit_anchors/records", `{"slug": "acme", "seq": 1, "at": "2026-01-01 00:00:00.000Z", "signature": "x", "kind": "manual"}`},
	}
	for _, w := range writes {
		var body io.Reader
		if w.body != "" {
			body = strings.NewReader(w.body)
		}
		if rec := tenanttest.Do(t, reg, w.method, "localhost", w.path, tok, body); rec.Code != 403 {
			t.Errorf("platform superuser %s %s = %d, want 403", w.method, w.path, rec.Code)
		}
	}
	if rep := verify(t, tt); !rep.OK {
		t.Errorf("anchor changed through the API: %+v", rep)
	}
}

func TestAuditAnchorHistoryCopies(t *testing.T) {
	t.Parallel()
	tt := tenanttest.New(t)
	reg := tt.Registry
	writes(tt, 2)
	if n, err := reg.SnapshotAnchors(domain.AnchorPeriodic); err != nil || n != 1 {
		t.Fatalf("periodic copies = %d, %v; want 1 (the head moved)", n, err)
	}
	if n, _ := reg.SnapshotAnchors(domain.AnchorPeriodic); n != 0 {
		t.Errorf("second periodic copy of an unmoved head: %d", n)
	}
	writes(tt, 1)
	reg.CloseTenant(tt.Slug, true)
	hist, _ := reg.AnchorHistory(tt.Slug, 10)
	head, pub, _ := reg.LatestAnchor(tt.Slug)
	if len(hist) != 3 || hist[0].Kind != domain.AnchorClose || hist[0].Seq != head.Seq || !hist[0].Valid(pub) || hist[1].Kind != domain.AnchorPeriodic {
		t.Fatalf("history = %+v, want close, periodic, provision", hist)
	}
	// periodic and close copies older than a month: the last of each day stays
	col, _ := reg.Platform().FindCollectionByNameOrId(tenants.CollectionAuditAnchors)
	old := time.Now().UTC().AddDate(0, 0, -40).Truncate(24 * time.Hour)
	for i, h := range []int{8, 12, 17, 30} { // three on one day, one the next
		a := hist[0]
		a.Kind = domain.AnchorPeriodic
		r := core.NewRecord(col)
		r.Load(map[string]any{"slug": a.Slug, "seq": int64(i + 1), "hash": a.Hash, "at": old.Add(time.Duration(h) * time.Hour), "signature": a.Signature, "kind": a.Kind})
		if err := reg.Platform().SaveNoValidate(r); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := reg.SnapshotAnchors(domain.AnchorPeriodic); err != nil {
		t.Fatal(err)
	}
	var seqs []int64
	if err := reg.Platform().DB().Select("seq").From(tenants.CollectionAuditAnchors).
		Where(dbx.NewExp("at < {:c}", dbx.Params{"c": old.AddDate(0, 0, 2).Format("2006-01-02 15:04:05.000Z")})).OrderBy("seq").Column(&seqs); err != nil {
		t.Fatal(err)
	}
	if len(seqs) != 2 || seqs[0] != 3 || seqs[1] != 4 {
		t.Errorf("old copies kept = %v, want [3 4] (the last of each day)", seqs)
	}
}

func TestAuditAnchorCreatedForTenantsProvisionedBefore(t *testing.T) {
	t.Parallel()
	tt := tenanttest.New(t)
	reg := tt.Registry
	reg.CloseTenant(tt.Slug, true)
	for _, c := range []string{tenants.CollectionAuditKeys, tenants.CollectionAuditHeads, tenants.CollectionAuditAnchors} {
		if _, err := reg.Platform().DB().Delete(c, dbx.HashExp{"slug": tt.Slug}).Execute(); err != nil {
			t.Fatal(err)
		}
	}
	// a fresh process: nothing cached
	_ = reg.Close()
	reg2 := tenanttest.NewRegistry(t, tenanttest.WithDir(reg.Config().Dir))
	tt2 := &tenanttest.Tenant{T: t, Registry: reg2, Slug: tt.Slug, Admin: tt.Admin}
	rep := verify(t, tt2)
	if !rep.OK || rep.Anchor == nil || rep.Anchor.Kind != domain.AnchorOpen || rep.Anchor.Seq != int64(rep.Events) {
		t.Fatalf("first anchor at open: %+v %+v", rep, rep.Anchor)
	}
	writes(tt2, 1)
	if rep := verify(t, tt2); !rep.OK || rep.Anchor.Kind != domain.AnchorWrite {
		t.Errorf("after a write: %+v", rep.Anchor)
	}
}

func TestAuditAnchorOnDemandAndReset(t *testing.T) {
	t.Parallel()
	tt := tenanttest.New(t)
	reg, ctx := tt.Registry, context.Background()
	writes(tt, 1)
	a, rep, err := reg.AnchorNow(ctx, tt.Slug, "ops@platform")
	if err != nil || !rep.OK || a.Kind != domain.AnchorManual || a.Seq != chainHead(t, tt).Seq {
		t.Fatalf("anchor now = %+v, %+v, %v", a, rep, err)
	}
	if hist, _ := reg.AnchorHistory(tt.Slug, 1); len(hist) != 1 || hist[0].Signature != a.Signature {
		t.Errorf("on-demand anchor not in the history: %+v", hist)
	}
	if _, err := attacker(t, tt).NewQuery("DELETE FROM audit_events WHERE seq = (SELECT MAX(seq) FROM audit_events)").Execute(); err != nil {
		t.Fatal(err)
	}
	if _, rep, err := reg.AnchorNow(ctx, tt.Slug, "ops@platform"); domain.ErrorCode(err) != domain.EConflict || rep.OK {
		t.Fatalf("anchoring a truncated chain: %v %+v", err, rep)
	}
	// an operator who knows why re-anchors, with a reason on record
	r, err := reg.ResetAnchor(ctx, tt.Slug, "ops@platform", "data.db put back by hand (ticket 42)")
	if err != nil || r.Kind != domain.AnchorReset || r.Seq != a.Seq-1 {
		t.Fatalf("reset = %+v, %v", r, err)
	}
	if rep := verify(t, tt); !rep.OK || rep.Anchor.Kind != domain.AnchorReset {
		t.Errorf("verify after reset: %+v", rep)
	}
	acts := platformActions(t, reg, tt.Slug)
	if acts["audit.anchor"] != 1 || acts["audit.anchor_reset"] != 1 {
		t.Errorf("platform audit = %v", acts)
	}
	// a chain broken in the middle cannot be re-anchored
	if _, err := attacker(t, tt).NewQuery("UPDATE audit_events SET actor = 'x' WHERE seq = 2").Execute(); err != nil {
		t.Fatal(err)
	}
	if _, err := reg.ResetAnchor(ctx, tt.Slug, "ops", "try"); domain.ErrorCode(err) != domain.EConflict {
		t.Errorf("reset of a broken chain: %v, want EConflict", err)
	}
}

func TestExportHoldsCheckableAnchor(t *testing.T) {
	t.Parallel()
	tt := tenanttest.New(t)
	writes(tt, 2)
	out := filepath.Join(t.TempDir(), "acme.zip")
	if _, err := tt.Registry.Export(tt.Slug, out); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.OpenReader(out)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	files := map[string][]byte{}
	for _, f := range zr.File {
		rc, _ := f.Open()
		files[f.Name], _ = io.ReadAll(rc)
		rc.Close()
	}
	var x tenants.AnchorExport
	if err := json.Unmarshal(files["audit_anchor.json"], &x); err != nil || x.Head == nil {
		t.Fatalf("audit_anchor.json = %s, %v", files["audit_anchor.json"], err)
	}
	pub, _ := base64.StdEncoding.DecodeString(x.PublicKey)
	if !x.Head.Valid(ed25519.PublicKey(pub)) || x.Algorithm == "" || len(x.History) == 0 {
		t.Errorf("exported anchor not checkable with the exported key: %+v", x)
	}
	// the exported database holds the anchored event
	path := filepath.Join(t.TempDir(), "data.db")
	if err := os.WriteFile(path, files["data.db"], 0o600); err != nil {
		t.Fatal(err)
	}
	db, err := tenants.DBConnect(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var hash string
	if err := db.Select("hash").From("audit_events").Where(dbx.HashExp{"seq": x.Head.Seq}).Row(&hash); err != nil || hash != x.Head.Hash {
		t.Errorf("exported chain at seq %d = %q, %v; anchored %q", x.Head.Seq, hash, err, x.Head.Hash)
	}
}
