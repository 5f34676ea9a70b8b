package domain

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/filesystem"
)

// CollectionPhotos is the proof photos collection.
const CollectionPhotos = "photos"

// PhotoWorker is the actor the audit trail names for the derived image.
const PhotoWorker = "photo-worker"

// PhotoInput is a photo uploaded from the field. Subject is the task or
// site the photo documents (the site when blank); Site is checked against
// the task's site when both are given.
type PhotoInput struct {
	Subject string
	Site    string
	File    *filesystem.File
	Fix     GeoFix
	TakenAt time.Time // device time; the upload time when zero
	Caption string
	// ChecklistItem is the "photo required" item of the task's checklist
	// this photo proves (optional): it is linked to the run when saved.
	ChecklistItem string
}

// PhotoDeriver turns an original photo into its derived proof image (an
// encoded JPEG with the watermark lines burnt in). The imaging leaf
// package provides it; the domain stays free of image code.
type PhotoDeriver func(original io.Reader, lines []string) ([]byte, error)

// ErrPhotoFile is returned when an upload carries no file.
var ErrPhotoFile = &Error{Code: EInvalid, Field: "file", Key: "err.photo.choose"}

// AddPhoto stores the original photo exactly as uploaded, with its
// SHA-256, position, time, subject and site. The hash is saved in the same
// create as the file, so the audit event of the upload carries it before
// any processing: whoever holds the original can prove it unaltered. The
// derived image is written later by ProcessPhoto.
func AddPhoto(app core.App, actor *core.Record, in PhotoInput) (*core.Record, error) {
	if actor == nil {
		return nil, Errorf(EForbidden, "err.sign_in_required")
	}
	if in.File == nil || in.File.Size == 0 {
		return nil, ErrPhotoFile
	}
	site, subject, err := photoSubject(app, in.Subject, in.Site)
	if err != nil {
		return nil, err
	}
	if !CanSeeSite(actor, site) {
		return nil, Errorf(EForbidden, "err.not_in_site_team")
	}
	sum, err := fileSHA256(in.File)
	if err != nil {
		return nil, fmt.Errorf("hash photo: %w", err)
	}
	col, err := app.FindCachedCollectionByNameOrId(CollectionPhotos)
	if err != nil {
		return nil, err
	}
	taken := in.TakenAt
	if taken.IsZero() {
		taken = time.Now()
	}
	r := core.NewRecord(col)
	r.Load(map[string]any{"subject": subject, "site": site.Id, "by": actor.Id, "original_sha256": sum,
		"taken_at": taken.UTC(), "caption": in.Caption, "checklist_item": strings.TrimSpace(in.ChecklistItem)})
	r.Set("file", in.File)
	SetFix(r, "", in.Fix)
	SetActor(r, actor.Id)
	if err := app.Save(r); err != nil {
		return nil, err
	}
	return r, nil
}

// photoSubject resolves the subject (a task or a site id) and the site.
func photoSubject(app core.App, subject, siteID string) (*core.Record, string, error) {
	if subject == "" {
		subject = siteID
	}
	if subject == "" {
		return nil, "", FieldError("site", "err.choose_site")
	}
	if task, err := app.FindRecordById(CollectionTasks, subject); err == nil {
		if siteID != "" && siteID != task.GetString("site") {
			return nil, "", FieldError("subject", "err.photo.task_not_on_site")
		}
		siteID = task.GetString("site")
	} else if siteID == "" {
		siteID = subject
	}
	site, err := app.FindRecordById(CollectionSites, siteID)
	if err != nil {
		return nil, "", FieldError("site", "err.site.not_found")
	}
	return site, subject, nil
}

// fileSHA256 returns the hex SHA-256 of f's content.
func fileSHA256(f *filesystem.File) (string, error) {
	rc, err := f.Reader.Open()
	if err != nil {
		return "", err
	}
	defer rc.Close()
	h := sha256.New()
	if _, err := io.Copy(h, rc); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// WatermarkLines returns the text of a photo's proof band: date and time
// in the site's time zone, position with its accuracy, site, author.
func WatermarkLines(taken time.Time, tz *time.Location, fix GeoFix, siteName, author string) []string {
	if tz == nil {
		tz = time.UTC
	}
	gps := "GPS —"
	if fix.OK {
		gps = fmt.Sprintf("%.5f, %.5f ±%.0f m", fix.Lat, fix.Lng, fix.Accuracy)
	}
	return []string{taken.In(tz).Format("02/01/2006 15:04") + " (" + tz.String() + ")", gps, siteName, author}
}

// PhotoJob is what the worker burns into a photo besides its own fields.
type PhotoJob struct {
	SiteName string
	Author   string
	Zone     *time.Location
}

// PhotoJobOf returns the watermark context of a photo: its site's name,
// its author's name and the company's time zone (sites share it).
func PhotoJobOf(app core.App, photo *core.Record) PhotoJob {
	j := PhotoJob{Zone: TenantFactsOf(app).Location()}
	if s, err := app.FindRecordById(CollectionSites, photo.GetString("site")); err == nil {
		j.SiteName = s.GetString("name")
	}
	if u, err := app.FindRecordById(CollectionUsers, photo.GetString("by")); err == nil {
		j.Author = u.GetString("name")
	}
	return j
}

// ProcessPhoto writes the derived proof image of a photo: the original
// read back from storage, passed to derive with the watermark lines, and
// saved into `derived` (an audited update by PhotoWorker). It is
// idempotent: a photo that already has a derived image is left alone, so
// a retried or duplicated job does nothing. With a thumbnailer it also
// keeps the photo's report thumbnail (ReportThumbSide px, made from the
// derived image), so that reports need not decode the photo.
func ProcessPhoto(app core.App, derive PhotoDeriver, photoID, siteName, author string, tz *time.Location, thumb ...PhotoThumbnailer) error {
	r, err := app.FindRecordById(CollectionPhotos, photoID)
	if err != nil {
		return Errorf(ENotFound, "err.photo.not_found")
	}
	if r.GetString("derived") != "" {
		return nil
	}
	fsys, err := app.NewFilesystem()
	if err != nil {
		return err
	}
	defer fsys.Close()
	src, err := fsys.GetReader(r.BaseFilesPath() + "/" + r.GetString("file"))
	if err != nil {
		return fmt.Errorf("open original photo %s: %w", photoID, err)
	}
	defer src.Close()
	lines := WatermarkLines(r.GetDateTime("taken_at").Time(), tz, FixOf(r, ""), siteName, author)
	out, err := derive(src, lines)
	if err != nil {
		return fmt.Errorf("derive photo %s: %w", photoID, err)
	}
	f, err := filesystem.NewFileFromBytes(out, "derived.jpg")
	if err != nil {
		return err
	}
	r.Set("derived", f)
	SetActor(r, PhotoWorker)
	if err := app.Save(r); err != nil {
		return err
	}
	// the report thumbnail, from the image just made: the first report
	// of the day then decodes no photo (a cache: a failure is not the
	// photo's, the report makes it later).
	if len(thumb) > 0 && thumb[0] != nil {
		name := r.GetString("derived")
		if b, err := thumb[0](bytes.NewReader(out), ReportThumbSide); err == nil && len(b) > 0 {
			_ = fsys.Upload(b, reportThumbKey(r, name))
		}
	}
	return nil
}

// CanSeePhoto reports whether u may see a photo: its author, or anyone
// who may see its site.
func CanSeePhoto(app core.App, u, photo *core.Record) bool {
	if u == nil || !u.GetBool("active") {
		return false
	}
	if photo.GetString("by") == u.Id {
		return true
	}
	site, err := app.FindRecordById(CollectionSites, photo.GetString("site"))
	return err == nil && CanSeeSite(u, site)
}

// FindTaskPhotos returns the photos of one task, newest first.
func FindTaskPhotos(app core.App, taskID string, limit int) ([]*core.Record, error) {
	return app.FindRecordsByFilter(CollectionPhotos, "subject = {:t}", "-taken_at", limit, 0, dbx.Params{"t": taskID})
}

// FindPhotos returns the latest photos of a site (all of them) or, with
// siteID blank, the photos taken by userID.
func FindPhotos(app core.App, siteID, userID string, limit int) ([]*core.Record, error) {
	if siteID != "" {
		return app.FindRecordsByFilter(CollectionPhotos, "site = {:s}", "-taken_at", limit, 0, dbx.Params{"s": siteID})
	}
	return app.FindRecordsByFilter(CollectionPhotos, "by = {:u}", "-taken_at", limit, 0, dbx.Params{"u": userID})
}
