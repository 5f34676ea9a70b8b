package handlers_test

import (
	"bytes"
	"image"
	"image/png"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/filesystem"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/handlers/handlertest"
	"github.com/fieldops360/fieldops/tenanttest"
)

var clientTestPDF = []byte("%PDF-1.4\n% client portal test\n%%EOF\n")

func pdfFile(t *testing.T, name string) *filesystem.File {
	t.Helper()
	f, err := filesystem.NewFileFromBytes(clientTestPDF, name)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// weeklyReport archives a weekly report of site.
func weeklyReport(t *testing.T, app core.App, site, period string) string {
	t.Helper()
	r, err := domain.ArchiveReport(app, domain.ReportArchive{Kind: domain.ReportWeekly, Period: period, SiteID: site,
		FileBase: "rapport-" + period, PDF: clientTestPDF, Lang: "fr", Trigger: "request"})
	if err != nil {
		t.Fatal(err)
	}
	return r.Id
}

// invoice stores an invoice of site and client with a PDF, issued under
// number unless number is "" (a draft).
func invoice(t *testing.T, tt *tenanttest.Tenant, site, client, number string) string {
	t.Helper()
	r := tt.Record(domain.CollectionInvoices, map[string]any{"site": site, "client": client, "kind": "progress", "status": "draft",
		"total_incl_cents": 120000, "pdf": pdfFile(t, "facture.pdf")})
	if number != "" {
		r.Set("status", "issued")
		r.Set("number", number)
		r.Set("@fieldopsInvoiceOp", true) // the lifecycle's save, as domain.IssueInvoice
		if err := tt.App().Save(r); err != nil {
			t.Fatal(err)
		}
	}
	return r.Id
}

func TestClientPortalFiles(t *testing.T) {
	t.Parallel()
	tt := handlertest.New(t)
	w := newClientWorld(t, tt)
	app := tt.App()
	rep1, rep3 := weeklyReport(t, app, w.s1, "2026-W48"), weeklyReport(t, app, w.s3, "2026-W48")
	document := func(site, title string, shared bool) string {
		f, _ := filesystem.NewFileFromBytes(clientTestPDF, "plan.pdf")
		return tt.Record(domain.CollectionDocuments, map[string]any{"site": site, "kind": "plan", "title": title, "file": f,
			"current": true, "shared_with_client": shared}).Id
	}
	docShared, docPrivate, docOther := document(w.s1, "Plan RDC", true), document(w.s1, "Devis interne", false), document(w.s3, "Plan étage", true)
	invIssued, invDraft, invOther := invoice(t, tt, w.s1, w.clientA, "FA-2026-000001"), invoice(t, tt, w.s1, w.clientA, ""), invoice(t, tt, w.s4, w.clientB, "FA-2026-000002")

	done := tt.Record(domain.CollectionTasks, map[string]any{"site": w.s1, "title": "Pose des menuiseries", "status": "done"}).Id
	open := tt.Record(domain.CollectionTasks, map[string]any{"site": w.s1, "title": "Peinture", "status": "todo"}).Id
	photo := func(site string, shared bool) string {
		var buf bytes.Buffer
		_ = png.Encode(&buf, image.NewGray(image.Rect(0, 0, 2, 2)))
		f, _ := filesystem.NewFileFromBytes(buf.Bytes(), "photo.png")
		return tt.Record(domain.CollectionPhotos, map[string]any{"site": site, "subject": "site", "file": f, "shared_with_client": shared}).Id
	}
	photoShared, photoPrivate := photo(w.s1, true), photo(w.s1, false)

	_, link := w.invite(t, w.adminTok, map[string]any{"email": "claire@tilleuls.test", "name": "Claire", "client": w.clientA, "sites": []string{w.s1, w.s2}})
	_, cookie := openClientLink(t, tt, tt.Host(), link)
	if cookie == nil {
		t.Fatal("no client session")
	}
	page := tenanttest.Get(t, tt.Registry, tt.Host(), "/client/sites/"+w.s1, cookie)
	body := page.Body.String()
	for _, want := range []string{"Plan RDC", "FA-2026-000001", "/reports/" + rep1 + ".pdf", "2026-W48", "/proofs/" + done + ".pdf", "/photos/" + photoShared} {
		if !strings.Contains(body, want) {
			t.Errorf("site page lacks %q", want)
		}
	}
	for _, not := range []string{"Devis interne", "Plan étage", invDraft, invOther, photoPrivate, "/proofs/" + open} {
		if strings.Contains(body, not) {
			t.Errorf("site page shows %q", not)
		}
	}
	get := func(p string) int { return tenanttest.Get(t, tt.Registry, tt.Host(), p, cookie).Code }
	base := "/client/sites/" + w.s1
	for p, want := range map[string]int{
		base + "/reports/" + rep1 + ".pdf":                         http.StatusOK,
		base + "/reports/" + rep3 + ".pdf":                         http.StatusNotFound, // another site's report through an allowed site
		"/client/sites/" + w.s3 + "/reports/" + rep3 + ".pdf":      http.StatusNotFound,
		base + "/reports/" + rep1:                                  http.StatusNotFound,
		base + "/documents/" + docShared:                           http.StatusOK,
		base + "/documents/" + docPrivate:                          http.StatusNotFound,
		base + "/documents/" + docOther:                            http.StatusNotFound,
		base + "/invoices/" + invIssued + ".pdf":                   http.StatusOK,
		base + "/invoices/" + invDraft + ".pdf":                    http.StatusNotFound,
		base + "/invoices/" + invOther + ".pdf":                    http.StatusNotFound,
		"/client/sites/" + w.s4 + "/invoices/" + invOther + ".pdf": http.StatusNotFound,
		base + "/proofs/" + done + ".pdf":                          http.StatusOK,
		base + "/proofs/" + open + ".pdf":                          http.StatusNotFound,
		"/client/sites/" + w.s2 + "/proofs/" + done + ".pdf":       http.StatusNotFound,
		base + "/photos/" + photoShared:                            http.StatusOK,
		base + "/photos/" + photoPrivate:                           http.StatusNotFound,
	} {
		if got := get(p); got != want {
			t.Errorf("GET %s = %d, want %d", p, got, want)
		}
	}
	// the download is in the office's access log
	admin := tt.Login(tt.Admin, tenanttest.Password)
	office := tenanttest.Get(t, tt.Registry, tt.Host(), "/clients/"+w.clientA, admin)
	if office.Code != http.StatusOK || !strings.Contains(office.Body.String(), invIssued+".pdf") || testid(doc(t, office.Body.String()), "client-access-row").Length() != 1 {
		t.Errorf("office client page = %d, download not in the log", office.Code)
	}
	// the office shares the private document; a crew member may not
	if got := tenanttest.PostForm(t, tt.Registry, tt.Host(), "/clients/"+w.clientA+"/share/documents/"+docPrivate, url.Values{"share": {"1"}}, admin); got.Code != http.StatusSeeOther {
		t.Fatalf("share = %d", got.Code)
	}
	if got := get(base + "/documents/" + docPrivate); got != http.StatusOK {
		t.Errorf("shared document = %d", got)
	}
	lead := tt.User(domain.RoleSiteLead, "lead@acme.test")
	leadCookie := tt.Login(lead.Email(), tenanttest.Password)
	if got := tenanttest.PostForm(t, tt.Registry, tt.Host(), "/clients/"+w.clientA+"/share/documents/"+docShared, url.Values{"share": {"0"}}, leadCookie); got.Code != http.StatusForbidden {
		t.Errorf("site lead unshares = %d", got.Code)
	}
	if got := tenanttest.PostForm(t, tt.Registry, tt.Host(), "/clients/"+w.clientB+"/share/documents/"+docShared, url.Values{"share": {"0"}}, admin); got.Code != http.StatusNotFound {
		t.Errorf("unshare through another client = %d", got.Code)
	}
}

// The demo's client contact has an access to the two sites of its
// client: the office renews it for a link, the contact sees both sites
// and the document shared with it.
func TestClientDemoContact(t *testing.T) {
	t.Parallel()
	tt := handlertest.New(t)
	if err := domain.SeedDemo(tt.App()); err != nil {
		t.Fatal(err)
	}
	app := tt.App()
	contact, err := app.FindFirstRecordByFilter(domain.CollectionClientContacts, "email = {:e}", dbx.Params{"e": domain.DemoClientContactEmail})
	if err != nil {
		t.Fatal(err)
	}
	access, err := app.FindFirstRecordByFilter(domain.CollectionClientAccess, "contact = {:c}", dbx.Params{"c": contact.Id})
	if err != nil || len(access.GetStringSlice("sites")) != 2 {
		t.Fatalf("demo access: %v", err)
	}
	admin := tt.Login(domain.DemoUsers()[0].Email, domain.DemoPassword)
	page := tenanttest.Get(t, tt.Registry, tt.Host(), "/clients/"+contact.GetString("client"), admin)
	if page.Code != http.StatusOK || testid(doc(t, page.Body.String()), "client-access-row").Length() != 1 {
		t.Fatalf("office client page = %d", page.Code)
	}
	renew := tenanttest.PostForm(t, tt.Registry, tt.Host(), "/clients/access/"+access.Id+"/renew", url.Values{}, admin)
	if renew.Code != http.StatusOK {
		t.Fatalf("renew = %d", renew.Code)
	}
	_, cookie := openClientLink(t, tt, tt.Host(), shownClientLink(t, renew.Body.String()))
	if cookie == nil {
		t.Fatal("demo link did not sign in")
	}
	home := tenanttest.Get(t, tt.Registry, tt.Host(), "/client/", cookie)
	if n := testid(doc(t, home.Body.String()), "client-site").Length(); home.Code != http.StatusOK || n != 2 {
		t.Fatalf("demo client home = %d with %d sites", home.Code, n)
	}
	shared := 0
	for _, id := range access.GetStringSlice("sites") {
		p := tenanttest.Get(t, tt.Registry, tt.Host(), "/client/sites/"+id, cookie)
		shared += testid(doc(t, p.Body.String()), "client-documents").Find("a").Length()
	}
	if shared == 0 {
		t.Error("no shared document on the demo client's sites")
	}
}
