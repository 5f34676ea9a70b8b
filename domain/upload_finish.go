package domain

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/filesystem"

	"github.com/fieldops360/fieldops/catalog"
)

// checkUploadTarget refuses, before any byte is sent, an upload whose
// record could not be created: unknown site or job, one the user is not
// in the team of, missing signer fields.
func checkUploadTarget(app core.App, user *core.Record, purpose string, meta map[string]any) error {
	switch purpose {
	case UploadPhoto:
		site, _, err := photoSubject(app, str(meta["subject"]), str(meta["site"]))
		if err != nil {
			return err
		}
		if !CanSeeSite(user, site) {
			return Errorf(EForbidden, "err.not_in_site_team")
		}
	case UploadSignature:
		if _, err := signableTask(app, user, str(meta["task"])); err != nil {
			return err
		}
		in := SignatureInput{SignerName: str(meta["signer_name"]), SignerRole: str(meta["signer_role"]), Consent: ConsentGiven(str(meta["consent"]))}
		if err := in.checkSigner(); err != nil {
			return err
		}
	}
	return nil
}

// signableTask returns the task id if user may see its site.
func signableTask(app core.App, user *core.Record, id string) (*core.Record, error) {
	t, err := app.FindRecordById(CollectionTasks, id)
	if err != nil {
		return nil, Errorf(ENotFound, "err.job.not_found")
	}
	site, err := app.FindRecordById(CollectionSites, t.GetString("site"))
	if err != nil || !CanSeeSite(user, site) {
		return nil, Errorf(ENotFound, "err.job.not_found")
	}
	return t, nil
}

// UploadHeadCheck inspects the first bytes of a complete upload (the
// handler passes the image sniffer of domain/imaging for photos).
type UploadHeadCheck func(purpose string, head []byte) error

// FinishUpload turns a complete upload into its record, exactly once:
// the bytes are checked against the announced SHA-256 (ErrUploadHash,
// offset back to 0, on a mismatch), then, in one transaction, the photo
// (AddPhoto: hash of the uploaded bytes in the audit trail) or the
// signature (AddSignature: SHA-256 of the job document computed now, from
// the job's current state) is created and the upload marked complete with
// its result. A finished upload answers its result again; a refused one
// (invalid file, rules) is marked failed with the reason, answered the
// same way on a replay. fresh is true when this call created the record.
func FinishUpload(app core.App, user *core.Record, id string, check UploadHeadCheck, now time.Time) (u Upload, fresh bool, err error) {
	if u, err = FindUpload(app, user, id); err != nil {
		return u, false, err
	}
	switch {
	case u.Status == UploadComplete:
		return u, false, nil
	case u.Status == UploadFailed:
		return u, false, Errorf(EInvalid, "err.upload.refused", catalog.Stored(u.Error))
	case u.Received != u.Size:
		return u, false, ErrUploadOffset
	}
	if err := verifyUpload(app, u, now); err != nil {
		u.Received = 0
		return u, false, err
	}
	path := partPath(app, u.ID)
	if check != nil {
		if err := check(u.Purpose, fileHead(path)); err != nil {
			return failUpload(app, u, err, now)
		}
	}
	err = app.RunInTransaction(func(tx core.App) error {
		cur, err := findUploadBy(tx.DB(), "id", u.ID)
		if err != nil {
			return err
		}
		if cur.Status != UploadOpen {
			u = cur
			return nil
		}
		rec, err := createFromUpload(tx, user, u, path, now)
		if err != nil {
			return err
		}
		if _, err := tx.DB().Update(TableUploads, dbx.Params{"status": UploadComplete, "result_collection": rec.Collection().Name,
			"result_id": rec.Id, "updated": DBTime(now)}, dbx.HashExp{"id": u.ID, "status": UploadOpen}).Execute(); err != nil {
			return err
		}
		u.Status, u.ResultCollection, u.ResultID, fresh = UploadComplete, rec.Collection().Name, rec.Id, true
		return nil
	})
	var coded *Error
	switch {
	case err == nil:
		if u.Status == UploadComplete {
			_ = os.Remove(path)
		}
		return u, fresh, nil
	case errors.As(err, &coded) && coded.Code != EInternal, isValidation(err):
		return failUpload(app, u, err, now)
	}
	return u, false, err
}

// createFromUpload creates the record of a complete upload inside tx.
func createFromUpload(tx core.App, user *core.Record, u Upload, path string, now time.Time) (*core.Record, error) {
	fix := metaFix(u.Meta)
	switch u.Purpose {
	case UploadPhoto:
		f, err := filesystem.NewFileFromPath(path)
		if err != nil {
			return nil, err
		}
		ext := ".jpg"
		if u.ContentType == "image/png" {
			ext = ".png"
		}
		f.OriginalName, f.Name = "photo"+ext, strings.TrimSuffix(f.Name, ".part")+ext
		return AddPhoto(tx, user, PhotoInput{Subject: str(u.Meta["subject"]), Site: str(u.Meta["site"]), File: f, Fix: fix,
			TakenAt: clampDeviceTime(str(u.Meta["taken_at"]), now), Caption: strings.TrimSpace(str(u.Meta["caption"])),
			ChecklistItem: str(u.Meta["checklist_item"])})
	case UploadSignature:
		if _, err := signableTask(tx, user, str(u.Meta["task"])); err != nil {
			return nil, err
		}
		png, err := os.ReadFile(path)
		if err != nil {
			return nil, err
		}
		return AddSignature(tx, user, SignatureInput{TaskID: str(u.Meta["task"]), SignerName: str(u.Meta["signer_name"]),
			SignerRole: str(u.Meta["signer_role"]), Consent: ConsentGiven(str(u.Meta["consent"])), PNG: png, Fix: &fix},
			clampDeviceTime(str(u.Meta["signed_at"]), now))
	}
	return nil, Errorf(EInvalid, "err.upload.purpose_unknown", u.Purpose)
}

// failUpload records why a complete upload was refused and drops its
// bytes: the device stops sending it and shows the reason.
func failUpload(app core.App, u Upload, cause error, now time.Time) (Upload, bool, error) {
	text := ErrorText(cause)
	if isValidation(cause) {
		text = catalog.New("err.sync.invalid_data", cause.Error())
	}
	msg := text.Bilingual()
	_ = os.Remove(partPath(app, u.ID))
	if _, err := app.NonconcurrentDB().Update(TableUploads, dbx.Params{"status": UploadFailed, "error": msg, "updated": DBTime(now)},
		dbx.HashExp{"id": u.ID, "status": UploadOpen}).Execute(); err != nil {
		return u, false, fmt.Errorf("mark upload failed: %w", err)
	}
	u.Status, u.Error = UploadFailed, msg
	var coded *Error
	if errors.As(cause, &coded) {
		return u, false, &Error{Code: coded.Code, Field: coded.Field, Key: text.Key, Args: text.Args}
	}
	return u, false, Errorf(EInvalid, text.Key, text.Args...)
}

// fileHead returns the first 16 bytes of a file.
func fileHead(path string) []byte {
	f, err := os.Open(path)
	if err != nil {
		return nil
	}
	defer f.Close()
	head := make([]byte, 16)
	n, _ := io.ReadFull(f, head)
	return head[:n]
}
