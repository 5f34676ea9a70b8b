package handlers_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/pocketbase/dbx"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/handlers/handlertest"
	"github.com/fieldops360/fieldops/tenanttest"
)

func sha256Hex(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// signForm is a complete signature form; consent as given.
func signForm(t *testing.T, role string, consent ...string) url.Values {
	v := url.Values{"signer_name": {"M. Durand"}, "signer_role": {role}, "signature": {pngDataURL(t, true)}}
	if len(consent) > 0 {
		v["consent"] = consent
	}
	return v
}

// TestSignatureEvidenceImageHash: the evidence of a signature made on the
// crew page holds the SHA-256 of the image bytes — equal to the hash of
// the posted PNG and of the stored file the evidence serves — in the
// record, its audit event, the JSON export and the evidence page.
func TestSignatureEvidenceImageHash(t *testing.T) {
	t.Parallel()
	tt := handlertest.New(t)
	reg, host, app := tt.Registry, tt.Host(), tt.App()
	crewU := tt.User(domain.RoleCrew, "crew@acme.test")
	site, _ := domain.CreateSite(app, nil, domain.SiteInput{Code: "SIG", Name: "Signature", Sector: "btp", Team: []string{crewU.Id}})
	task := tt.Record("tasks", map[string]any{"site": site.Id, "title": "Pose tableau", "status": "done", "assignees": []string{crewU.Id}})
	c := tt.Login("crew@acme.test", tenanttest.Password)

	form := signForm(t, "client", "true")
	posted, _ := base64.StdEncoding.DecodeString(strings.TrimPrefix(form.Get("signature"), "data:image/png;base64,"))
	want := sha256Hex(posted)
	rec := tenanttest.PostForm(t, reg, host, "/m/tasks/"+task.Id+"/sign", form, c)
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("sign = %d %s", rec.Code, rec.Body)
	}
	evidence := rec.Header().Get("Location")
	sig, err := app.FindFirstRecordByData("signatures", "subject", task.Id)
	if err != nil {
		t.Fatal(err)
	}
	if sig.GetString("image_sha256") != want || sig.GetString("consent_text") != domain.SignatureConsentFR {
		t.Errorf("stored image_sha256 %q (want %s), consent %q", sig.GetString("image_sha256"), want, sig.GetString("consent_text"))
	}
	img := tenanttest.Get(t, reg, host, evidence+"/image", c)
	if img.Code != http.StatusOK || sha256Hex(img.Body.Bytes()) != want {
		t.Errorf("served image %d hashes %s, want %s", img.Code, sha256Hex(img.Body.Bytes()), want)
	}
	ev, err := app.FindFirstRecordByFilter("audit_events", "collection = 'signatures' && action = 'create' && record = {:r}", dbx.Params{"r": sig.Id})
	if err != nil {
		t.Fatal("no audit event")
	}
	var diff map[string]any
	_ = json.Unmarshal([]byte(ev.GetString("diff")), &diff)
	if diff["image_sha256"] != want || ev.GetString("actor") != crewU.Id {
		t.Errorf("audit diff %v by %s", diff, ev.GetString("actor"))
	}
	var export map[string]any
	rec = tenanttest.Get(t, reg, host, evidence+"/evidence.json", c)
	if err := json.Unmarshal(rec.Body.Bytes(), &export); err != nil || export["image_sha256"] != want || export["current_image_sha256"] != want ||
		export["image"] != sig.GetString("image") {
		t.Errorf("evidence.json %d %v", rec.Code, export)
	}
	d := doc(t, tenanttest.Get(t, reg, host, evidence, c).Body.String())
	if testid(d, "evidence-image-hash").Text() != want || !strings.Contains(testid(d, "evidence-image-integrity").Text(), "celle signée") {
		t.Errorf("evidence page: %q / %q", testid(d, "evidence-image-hash").Text(), testid(d, "evidence-image-integrity").Text())
	}
}

// TestSignatureConsentRefused: consent absent, false or anything but an
// explicit true is refused with the consent message, on the crew form
// and through the upload protocol, and nothing is stored.
func TestSignatureConsentRefused(t *testing.T) {
	t.Parallel()
	pt := newPhotoTenant(t)
	reg, host, app := pt.Registry, pt.Host(), pt.App()
	c := pt.Login("crew@acme.test", tenanttest.Password)
	for name, form := range map[string]url.Values{
		"absent": signForm(t, "client"), "false": signForm(t, "client", "false"), "on": signForm(t, "client", "on"),
		"consent text": signForm(t, "client", domain.SignatureConsentFR), "empty": signForm(t, "client", ""),
	} {
		// the task is planned: a start-of-work report, asked for explicitly
		rec := tenanttest.PostForm(t, reg, host, "/m/tasks/"+pt.task+"/sign?pv=start", form, c)
		if msg := testid(doc(t, rec.Body.String()), "error-consent").Text(); rec.Code != http.StatusBadRequest || !strings.Contains(msg, "explicitement") {
			t.Errorf("form, consent %s: %d %q", name, rec.Code, msg)
		}
	}
	tok := pt.Token("users", "crew@acme.test")
	var buf bytes.Buffer
	img := image.NewNRGBA(image.Rect(0, 0, 120, 40))
	for x := 10; x < 110; x++ {
		img.Set(x, 20, color.NRGBA{13, 36, 64, 255})
	}
	_ = png.Encode(&buf, img)
	base := func() map[string]any {
		return map[string]any{"task": pt.task, "signer_name": "Mme Client", "signer_role": "client"}
	}
	for i, consent := range []any{nil, false, "false", "oui", 1} {
		meta := base()
		if consent != nil {
			meta["consent"] = consent
		}
		meta["consent_text"] = domain.SignatureConsentFR // an older app's text is not consent
		rec, _ := upStart(t, pt, host, tok, ulid(940+i), "signature", "image/png", buf.Bytes(), meta)
		if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), "consentement") {
			t.Errorf("upload, consent %v: %d %s", consent, rec.Code, rec.Body)
		}
	}
	if n, _ := app.CountRecords("signatures"); n != 0 {
		t.Fatalf("%d signatures stored without consent", n)
	}
	meta := base()
	meta["consent"] = "true"
	rec, st := upStart(t, pt, host, tok, ulid(950), "signature", "image/png", buf.Bytes(), meta)
	if rec.Code != http.StatusCreated {
		t.Fatalf("upload with consent \"true\": %d %s", rec.Code, rec.Body)
	}
	if rec, st = upChunk(t, pt, host, tok, st.ID, 0, buf.Bytes()); rec.Code != http.StatusOK || st.Result == nil {
		t.Fatalf("chunk: %d %s", rec.Code, rec.Body)
	}
	s, _ := app.FindRecordById("signatures", st.Result.ID)
	if s == nil || s.GetString("image_sha256") != sha256Hex(buf.Bytes()) || s.GetString("consent_text") != domain.SignatureConsentFR {
		t.Errorf("uploaded signature %v", s)
	}
}

// TestSignatureItemLinksItsSigner: on the crew's checklist, the signature
// item asks the sign page for its signer role; the client's signature
// leaves "Signature du conducteur de travaux" open, the site lead's
// ticks it.
func TestSignatureItemLinksItsSigner(t *testing.T) {
	t.Parallel()
	tt := handlertest.New(t)
	reg, host, app := tt.Registry, tt.Host(), tt.App()
	crewU := tt.User(domain.RoleCrew, "crew@acme.test")
	site, _ := domain.CreateSite(app, nil, domain.SiteInput{Code: "VOI", Name: "Voiles", Sector: "btp", Team: []string{crewU.Id}})
	// a checklist whose only missing items are signatures: signing is
	// offered while the work is in progress (crew app, issue #15)
	tpl := tt.Record("checklist_templates", map[string]any{"code": "pv_voile", "name": "PV voile", "items": []map[string]any{
		{"id": "sig_ct", "label": "Signature du conducteur de travaux", "type": "signature", "required": true},
	}}).Id
	wt := tt.Record("work_types", map[string]any{"code": "voile_sig", "name": "Voile", "sector": "btp", "checklist": tpl})
	task := tt.Record("tasks", map[string]any{"site": site.Id, "title": "Voile R+1", "work_type": wt.Id, "status": "in_progress", "assignees": []string{crewU.Id}})
	c := tt.Login("crew@acme.test", tenanttest.Password)
	run, err := domain.FindChecklistRun(app, task.Id)
	if err != nil || run == nil {
		t.Fatalf("run %v", err)
	}
	var item domain.ChecklistItem
	for _, it := range domain.RunItems(run) {
		if it.Type == domain.ItemSignature {
			item = it
		}
	}
	d := doc(t, tenanttest.Get(t, reg, host, "/m/tasks/"+task.Id, c).Body.String())
	href, _ := testid(d, "cl-sign-"+item.ID).Attr("href")
	if href != "/m/tasks/"+task.Id+"/sign?role=site_lead" {
		t.Errorf("signature item link %q", href)
	}
	d = doc(t, tenanttest.Get(t, reg, host, href, c).Body.String())
	if v, _ := d.Find(`select[name="signer_role"] option[selected]`).Attr("value"); v != "site_lead" {
		t.Errorf("sign page preselects %q", v)
	}
	signed := func() bool {
		t.Helper()
		run, _ := domain.FindChecklistRun(app, task.Id)
		st, err := domain.ChecklistRunStatus(app, run)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range st.Items {
			if s.Item.ID == item.ID {
				return s.Satisfied
			}
		}
		return false
	}
	if rec := tenanttest.PostForm(t, reg, host, "/m/tasks/"+task.Id+"/sign", signForm(t, "client", "true"), c); rec.Code != http.StatusSeeOther {
		t.Fatalf("client sign = %d", rec.Code)
	}
	if signed() {
		t.Error("the client's signature ticked the conducteur de travaux item")
	}
	if rec := tenanttest.PostForm(t, reg, host, "/m/tasks/"+task.Id+"/sign", signForm(t, "site_lead", "true"), c); rec.Code != http.StatusSeeOther {
		t.Fatalf("site lead sign = %d", rec.Code)
	}
	if !signed() {
		t.Error("the site lead's signature does not tick the conducteur de travaux item")
	}
}
