// Package pdf renders FieldOps360's PDF documents with maroto v2 (a leaf
// package: it imports domain, domain never imports it).
package pdf

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/johnfercher/maroto/v2"
	"github.com/johnfercher/maroto/v2/pkg/components/image"
	"github.com/johnfercher/maroto/v2/pkg/components/line"
	"github.com/johnfercher/maroto/v2/pkg/components/text"
	"github.com/johnfercher/maroto/v2/pkg/config"
	"github.com/johnfercher/maroto/v2/pkg/consts/extension"
	"github.com/johnfercher/maroto/v2/pkg/consts/fontstyle"
	"github.com/johnfercher/maroto/v2/pkg/core"
	"github.com/johnfercher/maroto/v2/pkg/props"
	"github.com/johnfercher/maroto/v2/pkg/repository"
	"github.com/pocketbase/dbx"
	pbcore "github.com/pocketbase/pocketbase/core"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"

	"github.com/fieldops360/fieldops/domain"
)

const family = "go"

func newDoc(title string, now time.Time) (core.Maroto, error) {
	fonts, err := repository.New().
		AddUTF8FontFromBytes(family, fontstyle.Normal, bytes.Clone(goregular.TTF)).
		AddUTF8FontFromBytes(family, fontstyle.Bold, bytes.Clone(gobold.TTF)).
		Load()
	if err != nil {
		return nil, err
	}
	cfg := config.NewBuilder().WithCustomFonts(fonts).WithDefaultFont(&props.Font{Family: family, Size: 9}).
		WithTitle(title, true).WithCreationDate(now).WithPageNumber().WithLeftMargin(15).WithRightMargin(15).Build()
	return maroto.New(cfg), nil
}

func h1(s string) core.Row {
	return text.NewAutoRow(s, props.Text{Size: 14, Style: fontstyle.Bold, Bottom: 2})
}

func h2(s string) core.Row {
	return text.NewAutoRow(s, props.Text{Size: 11, Style: fontstyle.Bold, Top: 4, Bottom: 1})
}

func para(s string) core.Row { return text.NewAutoRow(s, props.Text{Bottom: 1}) }

// ProofBundle renders the proof of a completed job: the job's text and
// its SHA-256, time entries with their places and flags, watermarked
// photos, signatures with their evidence, and the audit hashes of every
// event it summarises, so that a client or an auditor can recheck them
// against the tenant's chain.
func ProofBundle(app pbcore.App, taskID string, now time.Time, tz *time.Location) ([]byte, error) {
	docText, docHash, err := domain.TaskDocument(app, taskID)
	if err != nil {
		return nil, err
	}
	m, err := newDoc("Preuve d'intervention "+taskID, now)
	if err != nil {
		return nil, err
	}
	at := func(t time.Time) string {
		if t.IsZero() {
			return "—"
		}
		return t.In(tz).Format("02/01/2006 15:04")
	}
	m.AddRows(h1("Preuve d'intervention"), para("Document généré le "+at(now)+" ("+tz.String()+")"), line.NewRow(3))
	for _, l := range strings.Split(strings.TrimSpace(docText), "\n") {
		m.AddRows(para(l))
	}
	m.AddRows(para("Empreinte SHA-256 du procès-verbal : " + docHash))
	records := []string{taskID}

	m.AddRows(h2("Pointages"))
	entries, err := app.FindRecordsByFilter(domain.CollectionTimeEntries, "task = {:t}", "clock_in", 200, 0, dbx.Params{"t": taskID})
	if err != nil {
		return nil, err
	}
	_ = app.ExpandRecords(entries, []string{"user"}, nil)
	if len(entries) == 0 {
		m.AddRows(para("Aucun pointage sur cette intervention."))
	}
	for _, e := range entries {
		records = append(records, e.Id)
		who := e.GetString("user")
		if u := e.ExpandedOne("user"); u != nil {
			who = u.GetString("name")
		}
		flags := e.GetString("flags")
		if flags == "" || flags == "null" {
			flags = "sans signalement"
		}
		m.AddRows(para(fmt.Sprintf("%s : %s → %s · arrivée %.5f, %.5f ±%.0f m · statut %s · %s", who,
			at(e.GetDateTime("clock_in").Time()), at(e.GetDateTime("clock_out").Time()),
			e.GetFloat("in_lat"), e.GetFloat("in_lng"), e.GetFloat("in_accuracy"), e.GetString("status"), flags)))
	}

	clRows, runID, err := checklistRows(app, taskID, at)
	if err != nil {
		return nil, err
	}
	m.AddRows(clRows...)
	if runID != "" {
		records = append(records, runID)
	}

	fsys, err := app.NewFilesystem()
	if err != nil {
		return nil, err
	}
	defer fsys.Close()
	read := func(r *pbcore.Record, field string) []byte {
		name := r.GetString(field)
		if name == "" {
			return nil
		}
		rd, err := fsys.GetReader(r.BaseFilesPath() + "/" + name)
		if err != nil {
			return nil
		}
		defer rd.Close()
		b, _ := io.ReadAll(rd)
		return b
	}

	m.AddRows(h2("Photos"))
	photos, err := app.FindRecordsByFilter(domain.CollectionPhotos, "subject = {:t}", "taken_at", 12, 0, dbx.Params{"t": taskID})
	if err != nil {
		return nil, err
	}
	if len(photos) == 0 {
		m.AddRows(para("Aucune photo."))
	}
	for _, p := range photos {
		records = append(records, p.Id)
		m.AddRows(para(fmt.Sprintf("Photo du %s · original SHA-256 %s", at(p.GetDateTime("taken_at").Time()), p.GetString("original_sha256"))))
		if b := read(p, "derived"); len(b) > 0 {
			m.AddRows(image.NewFromBytesRow(70, b, extension.Jpg, props.Rect{Center: true, Percent: 95}))
		}
	}

	m.AddRows(h2("Signatures"))
	sigs, err := app.FindRecordsByFilter(domain.CollectionSignatures, "subject = {:t}", "signed_at", 20, 0, dbx.Params{"t": taskID})
	if err != nil {
		return nil, err
	}
	if len(sigs) == 0 {
		m.AddRows(para("Aucune signature."))
	}
	for _, s := range sigs {
		records = append(records, s.Id)
		match := "conforme au procès-verbal ci-dessus"
		if s.GetString("document_sha256") != docHash {
			match = "ATTENTION : l'intervention a changé depuis cette signature"
		}
		m.AddRows(para(fmt.Sprintf("%s (%s), le %s à %.5f, %.5f ±%.0f m — document signé %s : %s", s.GetString("signer_name"), s.GetString("signer_role"),
			at(s.GetDateTime("signed_at").Time()), s.GetFloat("lat"), s.GetFloat("lng"), s.GetFloat("accuracy"), s.GetString("document_sha256"), match)))
		m.AddRows(para("Consentement : " + s.GetString("consent_text")))
		if b := read(s, "image"); len(b) > 0 {
			m.AddRows(image.NewFromBytesRow(25, b, extension.Png, props.Rect{Percent: 100}))
		}
	}

	m.AddRows(h2("Traçabilité (journal d'audit chaîné)"))
	rows := []struct {
		Seq        int64  `db:"seq"`
		At         string `db:"at"`
		Action     string `db:"action"`
		Collection string `db:"collection"`
		Hash       string `db:"hash"`
	}{}
	ids := make([]any, len(records))
	for i, r := range records {
		ids[i] = r
	}
	if err := app.DB().Select("seq", "at", "action", "collection", "hash").From(domain.CollectionAuditEvents).
		Where(dbx.In("record", ids...)).OrderBy("seq").All(&rows); err != nil {
		return nil, err
	}
	for _, r := range rows {
		m.AddRows(para(fmt.Sprintf("#%d %s %s %s — %s", r.Seq, r.At, r.Action, r.Collection, r.Hash)))
	}
	m.AddRows(para("Vérification : fieldops audit verify <espace> recalcule toute la chaîne ; chaque événement se vérifie par SHA-256(hash précédent || JSON canonique)."))
	doc, err := m.Generate()
	if err != nil {
		return nil, err
	}
	return doc.GetBytes(), nil
}
