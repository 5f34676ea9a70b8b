package domain

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"image/png"
	"strings"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/filesystem"
)

// Consent texts stored with the signatures of an acceptance report and of
// the acceptance of a reservation's lifting.
const (
	AcceptanceConsentFR = "Je déclare prononcer (ou recevoir) la réception des travaux décrits ci-dessus, avec les réserves qui y sont listées, et j'accepte que cette signature électronique, horodatée et géolocalisée, vaille signature du procès-verbal dont l'empreinte SHA-256 est indiquée."
	LiftingConsentFR    = "Je constate la levée de la réserve décrite ci-dessus et j'accepte que cette signature électronique, horodatée, vaille acceptation de cette levée dont l'empreinte SHA-256 est indiquée."
)

// Parties signing an acceptance report.
const (
	PartyCompany = "company" // the contractor's representative (signer role site_lead)
	PartyClient  = "client"  // the client (maître d'ouvrage, signer role client)
)

// AcceptanceRenderer renders the signed report's PDF (domain/pdf provides
// it: the domain never imports the PDF package).
type AcceptanceRenderer func(app core.App, acceptanceID string) ([]byte, error)

// AcceptancePDF renders the sealed PDF when a signature comes without a
// renderer (the demo seed): package pdf sets it when it is linked in.
var AcceptancePDF AcceptanceRenderer

// AcceptanceDocument returns the canonical text of a report that both
// parties sign, and its SHA-256 (hex): the site, the lots, the date and
// place, the attendees, each reservation (number, lot, location,
// description, SHA-256 of its photos) and the notes. The status is left
// out: the same report gives the same hash before and after signing.
func AcceptanceDocument(app core.App, acceptanceID string) (string, string, error) {
	a, err := FindAcceptance(app, acceptanceID)
	if err != nil {
		return "", "", Errorf(ENotFound, "err.acceptance.not_found")
	}
	var b strings.Builder
	fmt.Fprintf(&b, "FieldOps360 — procès-verbal de réception des travaux (%s)\n", a.Id)
	if s, err := app.FindRecordById(CollectionSites, a.SiteID()); err == nil {
		fmt.Fprintf(&b, "Chantier : %s %s, %s\n", s.GetString("code"), s.GetString("name"), s.GetString("address"))
		if c, err := app.FindRecordById(CollectionClients, s.GetString("client")); err == nil {
			fmt.Fprintf(&b, "Maître d'ouvrage : %s\n", c.GetString("name"))
		}
	}
	fmt.Fprintf(&b, "Lots : %s\n", strings.Join(AcceptanceLots(a), ", "))
	fmt.Fprintf(&b, "Date : %s · Lieu : %s\n", civil(a.Date(), time.UTC), a.Place())
	fmt.Fprintf(&b, "Personnes présentes :\n")
	for _, p := range AcceptanceAttendees(a) {
		fmt.Fprintf(&b, "- %s (%s, %s)\n", p.Name, p.Company, p.Role)
	}
	res, err := AcceptanceReservations(app, a.Id)
	if err != nil {
		return "", "", err
	}
	if len(res) == 0 {
		fmt.Fprintf(&b, "Réception prononcée sans réserve.\n")
	} else {
		fmt.Fprintf(&b, "Réception prononcée avec %d réserve(s) :\n", len(res))
	}
	for _, r := range res {
		fmt.Fprintf(&b, "%d. [%s] %s : %s\n", r.Number(), r.Lot(), r.Location(), r.Description())
		photos, err := AcceptanceReservationPhotos(app, r.Id)
		if err != nil {
			return "", "", err
		}
		for _, p := range photos {
			fmt.Fprintf(&b, "   photo SHA-256 %s\n", p.GetString("original_sha256"))
		}
	}
	if a.Notes() != "" {
		fmt.Fprintf(&b, "Observations : %s\n", a.Notes())
	}
	sum := sha256.Sum256([]byte(b.String()))
	return b.String(), hex.EncodeToString(sum[:]), nil
}

// SignAcceptance records the signatures given on the office's tablet by
// who prepares the report (CanPrepareAcceptance): the company's, the
// client's (present on site), or both. When both parties have signed the
// report is signed: its PDF is rendered and stored with its SHA-256 (in
// the record's audit event), and it is immutable from then on.
func SignAcceptance(app core.App, actor *core.Record, siteID, acceptanceID string, company, client *SignatureInput, render AcceptanceRenderer, now time.Time) (Acceptance, error) {
	if _, err := acceptanceSite(app, actor, siteID); err != nil {
		return Acceptance{}, err
	}
	sides := map[string]*SignatureInput{PartyCompany: company, PartyClient: client}
	return signAcceptance(app, actor.Id, siteID, acceptanceID, sides, render, now)
}

// SignAcceptanceAsClient records the client's signature from the client
// portal; actorID names the client contact in the audit trail. The
// portal's session already scoped the site.
func SignAcceptanceAsClient(app core.App, actorID, siteID, acceptanceID string, in SignatureInput, render AcceptanceRenderer, now time.Time) (Acceptance, error) {
	return signAcceptance(app, actorID, siteID, acceptanceID, map[string]*SignatureInput{PartyClient: &in}, render, now)
}

func signAcceptance(app core.App, actorID, siteID, acceptanceID string, sides map[string]*SignatureInput, render AcceptanceRenderer, now time.Time) (Acceptance, error) {
	var out Acceptance
	err := app.RunInTransaction(func(tx core.App) error {
		a, err := SiteAcceptance(tx, siteID, acceptanceID)
		if err != nil {
			return err
		}
		if a.Status() != AcceptanceDraft {
			return Errorf(EConflict, "err.acceptance.already_signed")
		}
		_, sum, err := AcceptanceDocument(tx, a.Id)
		if err != nil {
			return err
		}
		if a.DocumentSHA256() != "" && a.DocumentSHA256() != sum {
			return Errorf(EConflict, "err.acceptance.changed")
		}
		signed := 0
		for _, party := range []string{PartyCompany, PartyClient} {
			in := sides[party]
			if in == nil {
				continue
			}
			field, role := party+"_signature", map[string]string{PartyCompany: SignerSiteLead, PartyClient: SignerClient}[party]
			if a.GetString(field) != "" {
				return Errorf(EConflict, "err.acceptance.already_signed")
			}
			s, err := addEvidence(tx, actorID, a.Id, sum, role, AcceptanceConsentFR, *in, now)
			if err != nil {
				return err
			}
			a.Set(field, s.Id)
			signed++
		}
		if signed == 0 {
			return FieldError("signature", "err.signature.sign_in_box")
		}
		a.Set("document_sha256", sum)
		SetActor(a.Record, actorID)
		if err := tx.Save(a.Record); err != nil {
			return SaveError(err)
		}
		if a.CompanySignatureID() != "" && a.ClientSignatureID() != "" {
			if err := sealAcceptance(tx, actorID, a, render, now); err != nil {
				return err
			}
		}
		out = a
		return nil
	})
	if err == nil && out.CompanySignatureID() != "" && out.ClientSignatureID() == "" && sides[PartyCompany] != nil {
		notifyToSign(app, out)
	}
	return out, err
}

// sealAcceptance marks a report signed by both parties and stores its PDF
// and the PDF's SHA-256 in the same save (the audit event carries both).
func sealAcceptance(tx core.App, actorID string, a Acceptance, render AcceptanceRenderer, now time.Time) error {
	a.Load(map[string]any{"status": AcceptanceSigned, "signed_at": now.UTC()})
	if render == nil {
		render = AcceptancePDF
	}
	if render != nil {
		doc, err := render(tx, a.Id)
		if err != nil {
			return fmt.Errorf("render acceptance %s: %w", a.Id, err)
		}
		sum := sha256.Sum256(doc)
		f, err := filesystem.NewFileFromBytes(doc, "pv-reception-"+a.Id+".pdf")
		if err != nil {
			return err
		}
		a.Set("pdf", f)
		a.Set("pdf_sha256", hex.EncodeToString(sum[:]))
	}
	SetActor(a.Record, actorID)
	if err := tx.Save(a.Record); err != nil {
		return SaveError(err)
	}
	return nil
}

// addEvidence validates a signature (signer, consent, a readable, inked
// PNG) and stores it with its evidence, as AddSignature does for a task:
// the subject's document SHA-256, the consent text, the image's SHA-256,
// time and place.
func addEvidence(tx core.App, actorID, subject, docSHA, role, consent string, in SignatureInput, now time.Time) (*core.Record, error) {
	in.SignerName, in.SignerRole = strings.TrimSpace(in.SignerName), role
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
	f, err := filesystem.NewFileFromBytes(in.PNG, "signature.png")
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(in.PNG)
	col, err := tx.FindCachedCollectionByNameOrId(CollectionSignatures)
	if err != nil {
		return nil, err
	}
	r := core.NewRecord(col)
	r.Load(map[string]any{"subject": subject, "signer_name": in.SignerName, "signer_role": role, "consent_text": consent,
		"document_sha256": docSHA, "image_sha256": hex.EncodeToString(sum[:]), "signed_at": now.UTC(), "image": f})
	if in.Fix != nil && in.Fix.OK {
		r.Load(map[string]any{"lat": in.Fix.Lat, "lng": in.Fix.Lng, "accuracy": in.Fix.Accuracy})
	}
	SetActor(r, actorID)
	if err := tx.Save(r); err != nil {
		return nil, SaveError(err)
	}
	return r, nil
}
