package pdf

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/johnfercher/maroto/v2/pkg/components/col"
	"github.com/johnfercher/maroto/v2/pkg/components/image"
	"github.com/johnfercher/maroto/v2/pkg/components/line"
	"github.com/johnfercher/maroto/v2/pkg/components/row"
	"github.com/johnfercher/maroto/v2/pkg/consts/extension"
	"github.com/johnfercher/maroto/v2/pkg/core"
	"github.com/johnfercher/maroto/v2/pkg/props"
	pbcore "github.com/pocketbase/pocketbase/core"

	"github.com/fieldops360/fieldops/domain"
)

// the domain seals a report signed without a renderer (the demo) with
// this one, in the tenant's time zone.
func init() {
	domain.AcceptancePDF = func(app pbcore.App, id string) ([]byte, error) {
		return AcceptanceReport(app, id, time.Now(), domain.TenantFactsOf(app).Location())
	}
}

// reservationStates names a reservation's status in the documents.
var reservationStates = map[string]string{
	domain.ReservationOpen:     "à lever",
	domain.ReservationLifted:   "levée, en attente d'acceptation du client",
	domain.ReservationAccepted: "levée acceptée par le client",
}

// fileReader reads stored files of records (photos, signatures).
type fileReader func(r *pbcore.Record, field string) []byte

func withFiles(app pbcore.App, f func(read fileReader) ([]byte, error)) ([]byte, error) {
	fsys, err := app.NewFilesystem()
	if err != nil {
		return nil, err
	}
	defer fsys.Close()
	return f(func(r *pbcore.Record, field string) []byte {
		name := r.GetString(field)
		if name == "" {
			return nil
		}
		rd, err := fsys.GetReader(r.BaseFilesPath() + "/" + name)
		if err != nil {
			return nil
		}
		defer rd.Close()
		b, _ := io.ReadAll(io.LimitReader(rd, 30<<20))
		return b
	})
}

// AcceptanceReport renders the acceptance report (procès-verbal de
// réception): its canonical text and SHA-256, each reservation with its
// photos as thumbnails, and the signatures of both parties with their
// evidence. It is the PDF sealed in the report when both have signed
// (domain.AcceptanceRenderer).
func AcceptanceReport(app pbcore.App, acceptanceID string, now time.Time, tz *time.Location) ([]byte, error) {
	docText, docHash, err := domain.AcceptanceDocument(app, acceptanceID)
	if err != nil {
		return nil, err
	}
	a, err := domain.FindAcceptance(app, acceptanceID)
	if err != nil {
		return nil, err
	}
	return withFiles(app, func(read fileReader) ([]byte, error) {
		m, err := newDoc("Procès-verbal de réception "+a.Id, now)
		if err != nil {
			return nil, err
		}
		m.AddRows(h1("Procès-verbal de réception des travaux"), para("Document généré le "+now.In(tz).Format("02/01/2006 15:04")+" ("+tz.String()+")"), line.NewRow(3))
		for _, l := range strings.Split(strings.TrimSpace(docText), "\n") {
			m.AddRows(para(l))
		}
		m.AddRows(para("Empreinte SHA-256 du procès-verbal : " + docHash))
		rows, err := reservationRows(app, read, a.Id, tz, false)
		if err != nil {
			return nil, err
		}
		m.AddRows(rows...)
		m.AddRows(h2("Signatures"))
		for _, id := range []string{a.CompanySignatureID(), a.ClientSignatureID()} {
			s, err := app.FindRecordById(domain.CollectionSignatures, id)
			if err != nil {
				continue
			}
			m.AddRows(signatureRows(read, s, docHash, tz)...)
		}
		doc, err := m.Generate()
		if err != nil {
			return nil, err
		}
		return doc.GetBytes(), nil
	})
}

// ReservationsState renders the current state of a report's reservations
// (état des réserves): each reservation with its state, its photos, the
// lifting photo and the client's acceptance (with its evidence), and the
// SHA-256 of the signed report's PDF.
func ReservationsState(app pbcore.App, acceptanceID string, now time.Time, tz *time.Location) ([]byte, error) {
	a, err := domain.FindAcceptance(app, acceptanceID)
	if err != nil {
		return nil, domain.Errorf(domain.ENotFound, "err.acceptance.not_found")
	}
	return withFiles(app, func(read fileReader) ([]byte, error) {
		m, err := newDoc("État des réserves "+a.Id, now)
		if err != nil {
			return nil, err
		}
		m.AddRows(h1("État des réserves"), para("Procès-verbal "+a.Id+" du "+a.Date().Format("02/01/2006")+" · lots : "+strings.Join(domain.AcceptanceLots(a), ", ")),
			para("État au "+now.In(tz).Format("02/01/2006 15:04")+" ("+tz.String()+")"))
		if a.PDFSHA256() != "" {
			m.AddRows(para("Empreinte SHA-256 du procès-verbal signé (PDF) : " + a.PDFSHA256()))
		} else {
			m.AddRows(para("Procès-verbal non encore signé par les deux parties."))
		}
		m.AddRows(line.NewRow(3))
		rows, err := reservationRows(app, read, a.Id, tz, true)
		if err != nil {
			return nil, err
		}
		m.AddRows(rows...)
		doc, err := m.Generate()
		if err != nil {
			return nil, err
		}
		return doc.GetBytes(), nil
	})
}

// reservationRows lists the reservations with their photos; state adds
// each one's state, lifting photo and the client's acceptance.
func reservationRows(app pbcore.App, read fileReader, acceptanceID string, tz *time.Location, state bool) ([]core.Row, error) {
	res, err := domain.AcceptanceReservations(app, acceptanceID)
	if err != nil {
		return nil, err
	}
	out := []core.Row{h2(fmt.Sprintf("Réserves (%d)", len(res)))}
	if len(res) == 0 {
		out = append(out, para("Réception prononcée sans réserve."))
	}
	for _, r := range res {
		head := fmt.Sprintf("Réserve n°%d — lot %s — %s", r.Number(), dash(r.Lot()), dash(r.Location()))
		if state {
			head += " — " + reservationStates[r.Status()]
		}
		out = append(out, h2(head), para(r.Description()))
		photos, err := domain.AcceptanceReservationPhotos(app, r.Id)
		if err != nil {
			return nil, err
		}
		out = append(out, thumbnails(read, photos)...)
		if !state {
			continue
		}
		if p, err := app.FindRecordById(domain.CollectionPhotos, r.LiftPhotoID()); err == nil {
			out = append(out, para(fmt.Sprintf("Levée le %s · photo SHA-256 %s", r.LiftedAt().In(tz).Format("02/01/2006 15:04"), p.GetString("original_sha256"))))
			out = append(out, thumbnails(read, []*pbcore.Record{p})...)
		}
		if s, err := app.FindRecordById(domain.CollectionSignatures, r.AcceptSignatureID()); err == nil {
			out = append(out, signatureRows(read, s, s.GetString("document_sha256"), tz)...)
		}
	}
	return out, nil
}

// thumbnails lays photos out three to a row.
func thumbnails(read fileReader, photos []*pbcore.Record) []core.Row {
	var out []core.Row
	for i := 0; i < len(photos); i += 3 {
		var cols []core.Col
		for _, p := range photos[i:min(i+3, len(photos))] {
			if img := imageOf(read, p); img != nil {
				cols = append(cols, col.New(4).Add(img...))
			}
		}
		if len(cols) > 0 {
			out = append(out, row.New(38).Add(cols...))
		}
	}
	return out
}

// imageOf returns the image component of a photo (see thumbnail).
func imageOf(read fileReader, photo *pbcore.Record) []core.Component {
	for _, field := range []string{"derived", "file"} {
		b := read(photo, field)
		switch http.DetectContentType(b) {
		case "image/jpeg":
			return []core.Component{image.NewFromBytes(b, extension.Jpg, props.Rect{Percent: 95})}
		case "image/png":
			return []core.Component{image.NewFromBytes(b, extension.Png, props.Rect{Percent: 95})}
		}
	}
	return nil
}

// signatureRows prints one signature's evidence and image.
func signatureRows(read fileReader, s *pbcore.Record, docHash string, tz *time.Location) []core.Row {
	role := map[string]string{domain.SignerClient: "client", domain.SignerSiteLead: "représentant de l'entreprise"}[s.GetString("signer_role")]
	match := "conforme au document"
	if s.GetString("document_sha256") != docHash {
		match = "ATTENTION : le document a changé depuis cette signature"
	}
	out := []core.Row{para(fmt.Sprintf("%s (%s), le %s — document signé %s : %s", s.GetString("signer_name"), role,
		s.GetDateTime("signed_at").Time().In(tz).Format("02/01/2006 15:04"), s.GetString("document_sha256"), match))}
	if s.GetFloat("accuracy") > 0 {
		out = append(out, para(fmt.Sprintf("Lieu : %.5f, %.5f ±%.0f m", s.GetFloat("lat"), s.GetFloat("lng"), s.GetFloat("accuracy"))))
	}
	out = append(out, para("Consentement : "+s.GetString("consent_text")))
	if b := read(s, "image"); len(b) > 0 {
		out = append(out, image.NewFromBytesRow(22, b, extension.Png, props.Rect{Percent: 100}))
	}
	return out
}

func dash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}
