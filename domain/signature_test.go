package domain_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"image"
	"image/color"
	"image/png"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/tenanttest"
)

// inkPNG is a small signature with some ink; shift moves the stroke so
// that two signatures have different bytes.
func inkPNG(t *testing.T, shift int) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, 120, 40))
	for x := 10; x < 110; x++ {
		img.Set(x, 10+shift+x%7, color.NRGBA{13, 36, 64, 255})
	}
	var b bytes.Buffer
	must(t, png.Encode(&b, img))
	return b.Bytes()
}

// signTenant: a building tenant, a site lead and a task per seeded
// checklist asked for.
type signTenant struct {
	app  core.App
	lead *core.Record
	site string
}

func newSignTenant(t *testing.T) signTenant {
	t.Helper()
	tt := tenanttest.New(t)
	lead := tt.User(domain.RoleSiteLead, "lead@acme.test")
	site, err := domain.CreateSite(tt.App(), nil, domain.SiteInput{Code: "SIG", Name: "Signatures", Sector: "btp", SiteLead: lead.Id})
	must(t, err)
	return signTenant{app: tt.App(), lead: lead.Record, site: site.Id}
}

// task creates a task of the building work type code, started (its
// checklist run exists).
func (st signTenant) task(t *testing.T, code string) string {
	t.Helper()
	wt, err := st.app.FindFirstRecordByFilter("work_types", "sector = 'btp' && code = {:c}", dbx.Params{"c": code})
	must(t, err)
	col, _ := st.app.FindCollectionByNameOrId("tasks")
	r := core.NewRecord(col)
	r.Load(map[string]any{"site": st.site, "title": "Travaux " + code, "work_type": wt.Id, "status": "in_progress"})
	must(t, st.app.Save(r))
	return r.Id
}

func (st signTenant) sign(t *testing.T, task, role string, shift int) (*core.Record, error) {
	t.Helper()
	return domain.AddSignature(st.app, st.lead, domain.SignatureInput{TaskID: task, SignerName: "Signataire " + role, SignerRole: role,
		Consent: true, PNG: inkPNG(t, shift)}, time.Now())
}

// signatureItem returns the state of the run's signature item.
func (st signTenant) signatureItem(t *testing.T, task string) domain.ChecklistItemState {
	t.Helper()
	run, err := domain.FindChecklistRun(st.app, task)
	if err != nil || run == nil {
		t.Fatalf("run of %s: %v", task, err)
	}
	s, err := domain.ChecklistRunStatus(st.app, run)
	must(t, err)
	for _, it := range s.Items {
		if it.Item.Type == domain.ItemSignature {
			return it
		}
	}
	t.Fatal("no signature item")
	return domain.ChecklistItemState{}
}

// TestSignatureImageHashInEvidenceAndAudit: the evidence holds the SHA-256
// of the image bytes, the stored file has it, and the audit event of the
// signature carries it.
func TestSignatureImageHashInEvidenceAndAudit(t *testing.T) {
	t.Parallel()
	st := newSignTenant(t)
	task := st.task(t, "coffrage_ferraillage")
	img := inkPNG(t, 0)
	sig, err := domain.AddSignature(st.app, st.lead, domain.SignatureInput{TaskID: task, SignerName: "M. Durand", SignerRole: "client",
		Consent: true, PNG: img}, time.Now())
	must(t, err)
	sum := sha256.Sum256(img)
	want := hex.EncodeToString(sum[:])
	s := domain.Signature{Record: sig}
	if s.ImageSHA256() != want || s.ImageSHA256() == s.Image() {
		t.Errorf("image_sha256 = %q (file %q), want %s", s.ImageSHA256(), s.Image(), want)
	}
	if stored, err := domain.StoredImageSHA256(st.app, s); err != nil || stored != want {
		t.Errorf("stored image hash %q %v, want %s", stored, err, want)
	}
	if s.ConsentText() != domain.SignatureConsentFR {
		t.Errorf("consent text %q", s.ConsentText())
	}
	ev, err := st.app.FindFirstRecordByFilter("audit_events", "collection = 'signatures' && action = 'create' && record = {:r}", dbx.Params{"r": sig.Id})
	must(t, err)
	var diff map[string]any
	must(t, json.Unmarshal([]byte(ev.GetString("diff")), &diff))
	if diff["image_sha256"] != want || diff["document_sha256"] != s.DocumentSHA256() || ev.GetString("actor") != st.lead.Id {
		t.Errorf("audit diff %v actor %s", diff, ev.GetString("actor"))
	}
	if rep, err := domain.VerifyAuditChain(st.app); err != nil || !rep.OK {
		t.Errorf("audit chain %+v %v", rep, err)
	}
	// evidence never changes, even in process
	sig.Set("image_sha256", hex.EncodeToString(make([]byte, 32)))
	if err := st.app.Save(sig); domain.ErrorCode(err) != domain.EForbidden {
		t.Errorf("image hash rewritten: %v", err)
	}
}

// TestSignatureConsentMustBeExplicit: without consent nothing is stored.
func TestSignatureConsentMustBeExplicit(t *testing.T) {
	t.Parallel()
	st := newSignTenant(t)
	task := st.task(t, "coffrage_ferraillage")
	_, err := domain.AddSignature(st.app, st.lead, domain.SignatureInput{TaskID: task, SignerName: "M. Durand", SignerRole: "client", PNG: inkPNG(t, 0)}, time.Now())
	var e *domain.Error
	if domain.ErrorCode(err) != domain.EInvalid || !errors.As(err, &e) || e.Field != "consent" || e.Key != "err.signature.consent" {
		t.Errorf("no consent: %v", err)
	}
	if n, _ := st.app.CountRecords("signatures"); n != 0 {
		t.Errorf("%d signatures stored without consent", n)
	}
	for v, want := range map[string]bool{"true": true, " true ": true, "": false, "false": false, "on": false, "1": false,
		"TRUE": false, domain.SignatureConsentFR: false} {
		if got := domain.ConsentGiven(v); got != want {
			t.Errorf("ConsentGiven(%q) = %v, want %v", v, got, want)
		}
	}
}

// TestSignerRoleTicksItsOwnItemOnly: the client's signature does not tick
// "Signature du conducteur de travaux"; the site lead's does; on a
// checklist asking for the client, the site lead's does not.
func TestSignerRoleTicksItsOwnItemOnly(t *testing.T) {
	t.Parallel()
	st := newSignTenant(t)
	concrete := st.task(t, "coffrage_ferraillage") // controle_coulage: conducteur de travaux
	if it := st.signatureItem(t, concrete); it.Item.Label != "Signature du conducteur de travaux" || it.Item.Signer != domain.SignerSiteLead {
		t.Fatalf("item %+v", it.Item)
	}
	if _, err := st.sign(t, concrete, domain.SignerClient, 0); err != nil {
		t.Fatal(err)
	}
	if it := st.signatureItem(t, concrete); it.Satisfied {
		t.Errorf("the client's signature ticked %q", it.Item.Label)
	}
	if _, err := st.sign(t, concrete, domain.SignerSiteLead, 3); err != nil {
		t.Fatal(err)
	}
	// the client signed first, then the site lead: each kept apart
	if it := st.signatureItem(t, concrete); !it.Satisfied || it.Answer == nil || it.Answer.ByName != "Signataire site_lead (site_lead)" {
		t.Errorf("the site lead's signature: %+v", it)
	}

	roof := st.task(t, "couverture") // reception_couverture: client
	if it := st.signatureItem(t, roof); it.Item.Signer != domain.SignerClient {
		t.Fatalf("roof item %+v", it.Item)
	}
	if _, err := st.sign(t, roof, domain.SignerSiteLead, 0); err != nil {
		t.Fatal(err)
	}
	if it := st.signatureItem(t, roof); it.Satisfied {
		t.Error("the site lead's signature ticked the client's item")
	}
	if _, err := st.sign(t, roof, domain.SignerClient, 5); err != nil {
		t.Fatal(err)
	}
	if it := st.signatureItem(t, roof); !it.Satisfied {
		t.Error("the client's signature does not tick the client's item")
	}
}

// TestSignatureItemSigner: items stored without a signer read it from
// their label; an explicit one is kept; an unknown one is refused; every
// seeded signature item names its signer.
func TestSignatureItemSigner(t *testing.T) {
	raw := `[{"id":"a","label":"Signature du client","type":"signature"},
		{"id":"b","label":"Signature du chef d’équipe","type":"signature"},
		{"id":"c","label":"Visa","type":"signature"},
		{"id":"d","label":"Visa","type":"signature","signer":"technician"},
		{"id":"e","label":"Client présent","type":"check","signer":"client"}]`
	items, err := domain.ParseChecklistItems([]byte(raw))
	must(t, err)
	for i, want := range []string{"client", "site_lead", "", "technician", ""} {
		if items[i].Signer != want {
			t.Errorf("item %s signer %q, want %q", items[i].ID, items[i].Signer, want)
		}
	}
	if err := domain.ValidateChecklist("Réception", "reception", items); err != nil {
		t.Errorf("valid items refused: %v", err)
	}
	items[3].Signer = "notaire"
	err = domain.ValidateChecklist("Réception", "reception", items)
	if ci, ok := err.(*domain.ChecklistInvalid); !ok || ci.Fields["item.3.signer"].Key != "err.checklist.item_unknown_signer" {
		t.Errorf("unknown signer: %v", err)
	}
	// any signer satisfies an item naming none
	facts := domain.ChecklistFacts{Signature: &domain.ChecklistAnswer{Value: "s"}, Signatures: map[string]*domain.ChecklistAnswer{"other": {Value: "s"}}}
	st := domain.EvaluateChecklist(items[:3], nil, facts)
	if st.Items[0].Satisfied || st.Items[1].Satisfied || !st.Items[2].Satisfied {
		t.Errorf("an 'other' signature: %+v", st.Items)
	}
	for _, s := range domain.Sectors {
		ref, _ := domain.ReferenceFor(s)
		for _, c := range ref.Checklists {
			for _, it := range c.Items {
				if it.Kind == domain.ItemSignature && it.Signer == "" {
					t.Errorf("%s/%s: %q names no signer", s, c.Code, it.Label)
				}
			}
		}
	}
}
