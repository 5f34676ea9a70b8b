package domain

import (
	"crypto/sha256"
	"encoding/hex"
	"io"
	"strings"
	"time"

	"github.com/gabriel-vasile/mimetype"
	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/filesystem"
	"github.com/pocketbase/pocketbase/tools/security"
)

// Document kinds of a site (plans, building permit, PPSPS safety plan,
// DT-DICT receipts, contract, other).
func DocumentKinds() []string {
	return []string{"plan", "permit", "ppsps", "dict", "contract", "other"}
}

// Expiry states of a dated document or clearance.
const (
	ExpiryNone    = ""        // no validity date
	ExpiryOK      = "ok"      // more than 30 days left
	ExpirySoon30  = "soon30"  // expires within 30 days
	ExpirySoon7   = "soon7"   // expires within 7 days
	ExpiryExpired = "expired" // validity date passed
)

// ExpiryState classifies a validity date at now with the 30- and 7-day
// alert thresholds (the validity date itself is still valid), days
// counted in the tenant's zone loc.
func ExpiryState(validUntil, now time.Time, loc *time.Location) string {
	if validUntil.IsZero() {
		return ExpiryNone
	}
	days := CivilDate(validUntil, loc).Sub(dayOf(now, loc)).Hours() / 24
	switch {
	case days < 0:
		return ExpiryExpired
	case days <= 7:
		return ExpirySoon7
	case days <= 30:
		return ExpirySoon30
	}
	return ExpiryOK
}

// MaxDocumentBytes bounds an uploaded document.
const MaxDocumentBytes = 50 << 20

// DocumentInput is an upload. Replaces, when set, is the id of the
// document this file is a new version of.
type DocumentInput struct {
	Kind       string
	Title      string
	ValidUntil time.Time
	Replaces   string
}

// UploadDocument stores a site document. A new version of an existing
// document keeps the history: same family, version+1, the previous
// version stays (no longer current). DT-DICT receipts default to a
// 3-month validity.
func UploadDocument(app core.App, actor *core.Record, siteID string, in DocumentInput, file *filesystem.File, now time.Time) (*core.Record, error) {
	in.Title = strings.TrimSpace(in.Title)
	switch {
	case file == nil:
		return nil, FieldError("file", "err.document.choose_file")
	case file.Size > MaxDocumentBytes:
		return nil, FieldError("file", "err.document.too_large")
	case file.Size == 0:
		return nil, FieldError("file", "err.document.empty")
	case !contains(DocumentKinds(), in.Kind):
		return nil, FieldError("kind", "err.document.unknown_kind")
	}
	if in.Title == "" {
		in.Title = strings.TrimSuffix(file.OriginalName, "."+extOf(file.OriginalName))
	}
	if in.Kind == "dict" && in.ValidUntil.IsZero() {
		in.ValidUntil = AddMonths(now, 3)
	}
	sum, mime, err := fileFacts(file)
	if err != nil {
		return nil, err
	}
	var doc *core.Record
	err = app.RunInTransaction(func(tx core.App) error {
		if _, err := tx.FindRecordById(CollectionSites, siteID); err != nil {
			return Errorf(ENotFound, "err.site.not_found")
		}
		family, version := security.RandomString(15), 1
		if in.Replaces != "" {
			prev, err := tx.FindRecordById(CollectionDocuments, in.Replaces)
			if err != nil || prev.GetString("site") != siteID {
				return FieldError("replaces", "err.document.replaced_not_found")
			}
			family = prev.GetString("family")
			last, _ := tx.FindRecordsByFilter(CollectionDocuments, "family = {:f}", "-version", 1, 0, dbx.Params{"f": family})
			if len(last) > 0 {
				version = last[0].GetInt("version") + 1
			}
			olds, _ := tx.FindRecordsByFilter(CollectionDocuments, "family = {:f} && current = true", "", 0, 0, dbx.Params{"f": family})
			for _, o := range olds {
				o.Set("current", false)
				setActor(o, actor)
				if err := tx.Save(o); err != nil {
					return err
				}
			}
		}
		col, err := tx.FindCachedCollectionByNameOrId(CollectionDocuments)
		if err != nil {
			return err
		}
		doc = core.NewRecord(col)
		doc.Load(map[string]any{
			"site": siteID, "kind": in.Kind, "title": in.Title, "family": family, "version": version, "current": true,
			"mime": mime, "size": file.Size, "sha256": sum,
		})
		if !in.ValidUntil.IsZero() {
			doc.Set("valid_until", in.ValidUntil.UTC())
		}
		if actor != nil {
			doc.Set("uploaded_by", actor.Id)
		}
		doc.Set("file", file)
		setActor(doc, actor)
		return tx.Save(doc)
	})
	return doc, err
}

func extOf(name string) string {
	if i := strings.LastIndex(name, "."); i >= 0 {
		return name[i+1:]
	}
	return ""
}

// fileFacts returns a file's SHA-256 and its sniffed MIME type.
func fileFacts(f *filesystem.File) (sum, mime string, err error) {
	rc, err := f.Reader.Open()
	if err != nil {
		return "", "", err
	}
	defer rc.Close()
	h := sha256.New()
	head := make([]byte, 3072)
	n, _ := io.ReadFull(rc, head)
	h.Write(head[:n])
	if _, err := io.Copy(h, rc); err != nil {
		return "", "", err
	}
	return hex.EncodeToString(h.Sum(nil)), mimetype.Detect(head[:n]).String(), nil
}

// FindDocuments returns a site's documents, current versions first.
func FindDocuments(app core.App, siteID string) ([]*core.Record, error) {
	return app.FindRecordsByFilter(CollectionDocuments, "site = {:site}", "-current,kind,title,-version", 0, 0, dbx.Params{"site": siteID})
}

// AddMonths adds n calendar months to t, clamping to the end of the
// target month (29 November + 3 months = 28 February), as validity
// periods are read in French practice.
func AddMonths(t time.Time, n int) time.Time {
	first := time.Date(t.Year(), t.Month(), 1, t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), t.Location()).AddDate(0, n, 0)
	last := first.AddDate(0, 1, -1).Day()
	return first.AddDate(0, 0, min(t.Day(), last)-1)
}
