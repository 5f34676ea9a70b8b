package domain

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"image"
	"image/png"
	"strings"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/filesystem"
)

// CollectionSignatures holds signature evidence.
const CollectionSignatures = "signatures"

// SignatureConsentFR is the consent text a signer accepts, stored with the
// signature (the English text follows for English-speaking signers).
const SignatureConsentFR = "Je reconnais que les travaux décrits ci-dessus ont été réalisés et j'accepte que cette signature électronique, horodatée et géolocalisée, vaille approbation du document dont l'empreinte SHA-256 est indiquée."

// MaxSignaturePNG bounds a signature image.
const MaxSignaturePNG = 2 << 20

// SignatureInput is a signature captured on the crew app. Consent is the
// signer's explicit acceptance of SignatureConsentFR (the text stored with
// the signature is always the server's, never the device's).
type SignatureInput struct {
	TaskID     string
	SignerName string
	SignerRole string // SignerRoles: client, technician, site_lead, other
	Consent    bool
	PNG        []byte
	Fix        *GeoFix
}

// TaskDocument returns the canonical text of a task completion that a
// signer approves, and its SHA-256 (hex): the site, the job, its planned
// dates, the team and the checklist answers (what was checked, measured
// and noted). The text is stable: the same job gives the same hash, so
// the evidence can be rechecked. The status is left out on purpose: the
// client usually signs just before the job is marked done.
func TaskDocument(app core.App, taskID string) (string, string, error) {
	t, err := app.FindRecordById(CollectionTasks, taskID)
	if err != nil {
		return "", "", Errorf(ENotFound, "err.job.not_found")
	}
	_ = app.ExpandRecord(t, []string{"site", "assignees", "work_type"}, nil)
	var b strings.Builder
	fmt.Fprintf(&b, "FieldOps360 — procès-verbal d'intervention\n")
	if s := t.ExpandedOne("site"); s != nil {
		fmt.Fprintf(&b, "Chantier : %s %s, %s\n", s.GetString("code"), s.GetString("name"), s.GetString("address"))
	}
	fmt.Fprintf(&b, "Intervention : %s (%s)\n", t.GetString("title"), t.Id)
	if w := t.ExpandedOne("work_type"); w != nil {
		fmt.Fprintf(&b, "Type : %s\n", w.GetString("name"))
	}
	loc := TenantFactsOf(app).Location()
	fmt.Fprintf(&b, "Prévue : %s → %s\n", civil(t.GetDateTime("planned_start").Time(), loc), civil(t.GetDateTime("planned_end").Time(), loc))
	var names []string
	for _, u := range t.ExpandedAll("assignees") {
		names = append(names, u.GetString("name"))
	}
	fmt.Fprintf(&b, "Équipe : %s\n", strings.Join(names, ", "))
	if err := writeChecklistDocument(app, &b, t.Id); err != nil {
		return "", "", err
	}
	sum := sha256.Sum256([]byte(b.String()))
	return b.String(), hex.EncodeToString(sum[:]), nil
}

// civil formats a planned date of the signed document. NB: dates are
// stored at midnight UTC, which CivilDate reads without the zone, so the
// text (and its hash) does not change with the tenant's time zone.
func civil(t time.Time, loc *time.Location) string {
	if t.IsZero() {
		return "—"
	}
	return CivilDate(t, loc).Format("02/01/2006")
}

// AddSignature validates and stores a signature with its evidence:
// signer name and role, the consent text the signer explicitly accepted,
// SHA-256 of the signed task document and of the image bytes (both in
// the record's audit event), time and place. The PNG must decode and must
// not be blank. It is the only way a signature is created (the crew page
// and the resumable upload both call it).
func AddSignature(app core.App, actor *core.Record, in SignatureInput, now time.Time) (*core.Record, error) {
	in.SignerName = strings.TrimSpace(in.SignerName)
	if err := in.checkSigner(); err != nil {
		return nil, err
	}
	switch {
	case len(in.PNG) == 0:
		return nil, FieldError("signature", "err.signature.sign_in_box")
	case len(in.PNG) > MaxSignaturePNG:
		return nil, FieldError("signature", "err.signature.image_too_large")
	}
	img, err := png.Decode(bytes.NewReader(in.PNG))
	if err != nil {
		return nil, FieldError("signature", "err.signature.image_unreadable")
	}
	if blank(img) {
		return nil, FieldError("signature", "err.signature.empty")
	}
	_, sum, err := TaskDocument(app, in.TaskID)
	if err != nil {
		return nil, err
	}
	f, err := filesystem.NewFileFromBytes(in.PNG, "signature.png")
	if err != nil {
		return nil, err
	}
	image := sha256.Sum256(in.PNG)
	fields := map[string]any{
		"subject": in.TaskID, "signer_name": in.SignerName, "signer_role": in.SignerRole, "consent_text": SignatureConsentFR,
		"document_sha256": sum, "image_sha256": hex.EncodeToString(image[:]), "signed_at": now.UTC(), "image": f,
	}
	if in.Fix != nil && in.Fix.OK {
		fields["lat"], fields["lng"], fields["accuracy"] = in.Fix.Lat, in.Fix.Lng, in.Fix.Accuracy
	}
	return newChild(app, CollectionSignatures, fields, actor)
}

// checkSigner checks the signer's name, role and explicit consent.
func (in SignatureInput) checkSigner() error {
	switch {
	case strings.TrimSpace(in.SignerName) == "":
		return FieldError("signer_name", "err.signature.signer_name")
	case !contains(SignerRoles(), in.SignerRole):
		return FieldError("signer_role", "err.signature.signer_role")
	case !in.Consent:
		return FieldError("consent", "err.signature.consent")
	}
	return nil
}

// ConsentGiven reads a consent value sent by a form or a device: only an
// explicit true ("true", as a JSON true reads in upload metadata) is
// consent; anything else, absent included, is not.
func ConsentGiven(v string) bool { return strings.TrimSpace(v) == "true" }

// blank reports whether an image has no visible ink.
func blank(img image.Image) bool {
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y += 2 {
		for x := b.Min.X; x < b.Max.X; x += 2 {
			r, g, bl, a := img.At(x, y).RGBA()
			if a > 0x2000 && (r < 0xc000 || g < 0xc000 || bl < 0xc000) {
				return false
			}
		}
	}
	return true
}

// writeChecklistDocument adds the task's checklist answers to a signed
// document, in the run's item order (photo and signature items are proven
// by their own records, not by the text).
func writeChecklistDocument(app core.App, b *strings.Builder, taskID string) error {
	run, err := FindChecklistRun(app, taskID)
	if err != nil || run == nil {
		return err
	}
	answers := ParseChecklistAnswers([]byte(run.GetString("answers")))
	fmt.Fprintf(b, "Contrôles :\n")
	for _, it := range RunItems(run) {
		if it.Type == ItemPhoto || it.Type == ItemSignature {
			continue
		}
		v := "—"
		if a, ok := answers[it.ID]; ok && a.Value != nil {
			switch x := a.Value.(type) {
			case bool:
				v = map[bool]string{true: "oui", false: "non"}[x]
			case float64:
				v = strings.TrimSpace(fmtNum(x) + " " + it.Unit)
				if a.OutOfBounds {
					v += " (hors tolérance)"
				}
			default:
				v = fmt.Sprint(x)
			}
		}
		fmt.Fprintf(b, "- %s : %s\n", it.Label, v)
	}
	return nil
}
