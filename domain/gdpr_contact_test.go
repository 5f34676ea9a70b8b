package domain_test

import (
	"archive/zip"
	"bytes"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/tenanttest"
)

// TestGDPRClientContactExportErase: a client contact of the portal —
// invited to a site, signed in through its magic link (a session, an
// audited use as client:<id>), a signature in its name and one it gave on
// the portal — is found by e-mail or id; its export holds its contact and
// access rows, signatures, audit events and sessions; its erasure
// pseudonymises it, revokes its accesses (the session and the link stop
// working), blanks its signatures, redacts the audit events naming it and
// leaves the chain verifiable. An e-mail shared by contacts of two clients
// is refused as ambiguous.
func TestGDPRClientContactExportErase(t *testing.T) {
	t.Parallel()
	tt := tenanttest.New(t)
	app := tt.App()
	now := time.Now()
	admin, err := app.FindAuthRecordByEmail(domain.CollectionUsers, tt.Admin)
	if err != nil {
		t.Fatal(err)
	}
	client := tt.Record(domain.CollectionClients, map[string]any{"name": "SCI Les Tilleuls"})
	site := tt.Record("sites", map[string]any{"code": "GDPR-C", "name": "Résidence Tilleuls", "status": "active", "sector": domain.SectorBTP, "client": client.Id})
	link, err := domain.InviteClientContact(app, domain.ClientInvite{ClientID: client.Id, Name: "Claire Dubreuil", Email: "claire.dubreuil@tilleuls.test",
		Phone: "+33 6 98 76 54 32", SiteIDs: []string{site.Id}}, admin, "https://acme.test", now)
	if err != nil {
		t.Fatal(err)
	}
	token := link.URL[strings.LastIndex(link.URL, "/")+1:]
	access, err := domain.ExchangeClientToken(app, token, now)
	if err != nil {
		t.Fatal(err)
	}
	if err := domain.StartClientSession(app, "secret-of-the-session", access, now); err != nil {
		t.Fatal(err)
	}
	sess, err := domain.LoadClientSession(app, "secret-of-the-session", access.Id, now)
	if err != nil || !sess.HasSite(site.Id) {
		t.Fatalf("client session: %v", err)
	}
	if err := domain.TouchClientAccess(app, sess, "/client/sites/"+site.Id, now, true); err != nil {
		t.Fatal(err)
	}
	named := tt.Record("signatures", map[string]any{"subject": site.Id, "signer_name": "Claire Dubreuil", "signer_role": "client", "signed_at": now, "lat": 47.21})
	col, _ := app.FindCachedCollectionByNameOrId(domain.CollectionSignatures)
	onPortal := core.NewRecord(col)
	onPortal.Load(map[string]any{"subject": site.Id, "signer_name": "C. D.", "signer_role": "client", "signed_at": now})
	domain.SetActor(onPortal, domain.ClientActor(link.ContactID))
	if err := app.Save(onPortal); err != nil {
		t.Fatal(err)
	}

	// found by e-mail (any case) and by id
	c, err := domain.FindGDPRSubject(app, "CLAIRE.Dubreuil@tilleuls.test")
	if err != nil || !domain.IsClientContactSubject(c) || c.Id != link.ContactID {
		t.Fatalf("by e-mail: %v %v", c.Record, err)
	}
	if byID, err := domain.FindGDPRSubject(app, link.ContactID); err != nil || !domain.IsClientContactSubject(byID) {
		t.Fatalf("by id: %v", err)
	}

	// the export
	var buf bytes.Buffer
	sum, err := domain.ExportPerson(app, admin, c, &buf)
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
		"person.json": "claire.dubreuil@tilleuls.test", "client_access.json": access.Id, "signatures.json": onPortal.Id,
		"audit_events.json": "client:" + c.Id, "sessions.json": `"expires"`, "manifest.json": `"client_access": 1`,
	} {
		if !strings.Contains(files[name], want) {
			t.Errorf("%s lacks %q:\n%.400s", name, want, files[name])
		}
	}
	if !strings.Contains(files["signatures.json"], named.Id) || !strings.Contains(files["audit_events.json"], "/client/sites/"+site.Id) {
		t.Errorf("the export lacks the signature in its name or its audited use")
	}
	if sum.Collections["sessions"] != 1 || sum.Collections[domain.CollectionClientAccess] != 1 || sum.Collections["signatures"] != 2 {
		t.Errorf("summary %+v", sum.Collections)
	}
	if n, _ := app.CountRecords(domain.CollectionAuditEvents, dbx.HashExp{"action": domain.AuditGDPRExport, "collection": domain.CollectionClientContacts, "record": c.Id}); n != 1 {
		t.Errorf("export audit events = %d, want 1", n)
	}

	// the erasure
	er, err := domain.ErasePerson(app, admin, c)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := domain.ErasePerson(app, admin, c); domain.ErrorCode(err) != domain.EConflict {
		t.Errorf("second erasure: %v, want conflict", err)
	}
	rec, _ := app.FindRecordById(domain.CollectionClientContacts, c.Id)
	if rec.GetString("name") != er.Pseudonym || rec.GetString("phone") != "" || strings.Contains(rec.GetString("email"), "claire") {
		t.Errorf("contact after erasure: %v", rec.FieldsData())
	}
	if a, _ := app.FindRecordById(domain.CollectionClientAccess, access.Id); !a.GetBool("revoked") || a.GetString("last_path") != "" {
		t.Errorf("access after erasure: %v", a.FieldsData())
	}
	for _, id := range []string{named.Id, onPortal.Id} {
		if s, _ := app.FindRecordById("signatures", id); s.GetString("signer_name") != er.Pseudonym || s.GetFloat("lat") != 0 {
			t.Errorf("signature after erasure: %v", s.FieldsData())
		}
	}
	if _, err := domain.LoadClientSession(app, "secret-of-the-session", access.Id, now); err == nil {
		t.Error("the contact's session still works after the erasure")
	}
	if _, err := domain.ExchangeClientToken(app, token, now); err == nil {
		t.Error("the contact's link still works after the erasure")
	}
	var sessions, leaks int
	_ = app.DB().NewQuery("SELECT count(*) FROM sessions WHERE record = {:r}").Bind(dbx.Params{"r": access.Id}).Row(&sessions)
	_ = app.DB().NewQuery("SELECT count(*) FROM audit_events WHERE diff LIKE '%Dubreuil%' OR diff LIKE '%claire.dubreuil%' OR diff LIKE '%98 76 54%' OR diff LIKE '%47.21%'").Row(&leaks)
	if sessions != 0 || leaks != 0 {
		t.Errorf("after erasure: %d sessions, %d audit events still naming the contact", sessions, leaks)
	}
	rep, err := domain.VerifyAuditChain(app)
	if err != nil || !rep.OK || er.Redacted == 0 || rep.LastErasure != er.Seq {
		t.Fatalf("verify after erasure = %+v (%v), erasure %+v", rep, err, er)
	}
	if n, _ := app.CountRecords(domain.CollectionAuditEvents, dbx.HashExp{"action": domain.AuditErase, "collection": domain.CollectionClientContacts, "record": c.Id}); n != 1 {
		t.Errorf("erasure audit events = %d, want 1", n)
	}
	if sum, err := domain.PersonSummary(app, c); err != nil || sum[domain.CollectionClientAccess] != 1 {
		t.Errorf("summary of the erased contact: %v %v", sum, err)
	}

	// one e-mail, contacts of two clients: the id must be given
	other := tt.Record(domain.CollectionClients, map[string]any{"name": "Mairie"})
	otherSite := tt.Record("sites", map[string]any{"code": "GDPR-D", "name": "Mairie", "status": "active", "sector": domain.SectorBTP, "client": other.Id})
	for _, cl := range []struct{ client, site string }{{client.Id, site.Id}, {other.Id, otherSite.Id}} {
		if _, err := domain.InviteClientContact(app, domain.ClientInvite{ClientID: cl.client, Name: "Paul Roy", Email: "paul@roy.test", SiteIDs: []string{cl.site}}, admin, "https://acme.test", now); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := domain.FindGDPRSubject(app, "paul@roy.test"); domain.ErrorCode(err) != domain.EConflict {
		t.Errorf("an e-mail of two contacts: %v, want a conflict naming their ids", err)
	}
	if _, err := domain.FindGDPRSubject(app, "nobody@roy.test"); domain.ErrorCode(err) != domain.ENotFound {
		t.Errorf("unknown: %v", err)
	}
}
