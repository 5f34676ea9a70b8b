package domain

import (
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/security"
)

// Upload is one resumable upload of a user: announced size and hash, the
// bytes received so far (Received, the offset to resume from) and, once
// complete, the record it created.
type Upload struct {
	ID               string         `db:"id" json:"id"`
	Key              string         `db:"key" json:"key"`
	User             string         `db:"user" json:"-"`
	Purpose          string         `db:"purpose" json:"purpose"`
	Size             int64          `db:"size" json:"size"`
	SHA256           string         `db:"sha256" json:"sha256"`
	ContentType      string         `db:"content_type" json:"content_type"`
	MetaJSON         string         `db:"meta" json:"-"`
	Received         int64          `db:"received" json:"offset"`
	Status           string         `db:"status" json:"status"`
	Error            string         `db:"error" json:"error,omitempty"`
	ResultCollection string         `db:"result_collection" json:"result_collection,omitempty"`
	ResultID         string         `db:"result_id" json:"result_id,omitempty"`
	Created          string         `db:"created" json:"-"`
	Updated          string         `db:"updated" json:"-"`
	Meta             map[string]any `db:"-" json:"-"`
}

// uploadDir is where the partial files of a tenant live: its own data
// directory, so a tenant never reads or writes another tenant's bytes.
func uploadDir(app core.App) string { return filepath.Join(app.DataDir(), "uploads") }

// partPath is the partial file of an upload (ids are generated here,
// [a-z0-9]{15}, never taken from the request).
func partPath(app core.App, id string) string { return filepath.Join(uploadDir(app), id+".part") }

// uploadLocks serialise the chunks of one upload (a tenant's database is
// served by one process, so process-wide locks are enough): one of a few
// striped mutexes per part file; unrelated uploads rarely share one, and
// a chunk is held for one small write.
var uploadLocks [64]sync.Mutex

func lockUpload(app core.App, id string) func() {
	h := fnv.New32a()
	_, _ = h.Write([]byte(partPath(app, id)))
	m := &uploadLocks[h.Sum32()%uint32(len(uploadLocks))]
	m.Lock()
	return m.Unlock
}

func (u *Upload) decodeMeta() {
	u.Meta = map[string]any{}
	_ = json.Unmarshal([]byte(u.MetaJSON), &u.Meta)
}

// findUploadBy loads an upload by a column value.
func findUploadBy(db dbx.Builder, col, value string) (Upload, error) {
	var u Upload
	err := db.Select("*").From(TableUploads).Where(dbx.HashExp{col: value}).One(&u)
	if errors.Is(err, sql.ErrNoRows) {
		return u, Errorf(ENotFound, "err.upload.not_found")
	}
	if err != nil {
		return u, err
	}
	u.decodeMeta()
	return u, nil
}

// FindUpload returns the upload id of user; another user's upload, like
// an unknown id, is not found.
func FindUpload(app core.App, user *core.Record, id string) (Upload, error) {
	u, err := findUploadBy(app.DB(), "id", id)
	if err != nil {
		return Upload{}, err
	}
	if user == nil || u.User != user.Id {
		return Upload{}, Errorf(ENotFound, "err.upload.not_found")
	}
	return u, nil
}

// StartUpload announces an upload, or answers the existing one when the
// key is known (a device retrying after a lost answer): same user and same
// file give the same upload and its current offset; anything else is a
// conflict. The metadata is checked against what the purpose will create
// (site, job, permissions) so that a doomed upload is refused before any
// byte is sent. Unfinished uploads older than UploadExpiry are removed
// first. created is true for a new upload.
func StartUpload(app core.App, user *core.Record, s UploadStart, now time.Time) (Upload, bool, error) {
	if user == nil || user.Collection().Name != CollectionUsers || !user.GetBool("active") {
		return Upload{}, false, Errorf(EForbidden, "err.active_user_required")
	}
	if err := s.Validate(); err != nil {
		return Upload{}, false, err
	}
	if u, err := findUploadBy(app.DB(), "key", s.Key); err == nil {
		if u.User != user.Id || u.Size != s.Size || u.SHA256 != s.SHA256 || u.Purpose != s.Purpose {
			return Upload{}, false, Errorf(EConflict, "err.upload.key_taken")
		}
		return u, false, nil
	} else if ErrorCode(err) != ENotFound {
		return Upload{}, false, err
	}
	if err := checkUploadTarget(app, user, s.Purpose, s.Meta); err != nil {
		return Upload{}, false, err
	}
	if _, err := CleanupUploads(app, now); err != nil {
		return Upload{}, false, err
	}
	meta, _ := json.Marshal(s.Meta)
	if s.Meta == nil {
		meta = []byte("{}")
	}
	u := Upload{ID: security.RandomStringWithAlphabet(15, "abcdefghijklmnopqrstuvwxyz0123456789"), Key: s.Key, User: user.Id,
		Purpose: s.Purpose, Size: s.Size, SHA256: s.SHA256, ContentType: s.ContentType, MetaJSON: string(meta),
		Status: UploadOpen, Created: DBTime(now), Updated: DBTime(now)}
	_, err := app.NonconcurrentDB().Insert(TableUploads, dbx.Params{"id": u.ID, "key": u.Key, "user": u.User, "purpose": u.Purpose,
		"size": u.Size, "sha256": u.SHA256, "content_type": u.ContentType, "meta": u.MetaJSON, "received": 0,
		"status": u.Status, "created": u.Created, "updated": u.Updated}).Execute()
	if err != nil {
		// NB: a concurrent request with the same key may have won the
		// unique index: answer its upload.
		if prev, ferr := findUploadBy(app.DB(), "key", s.Key); ferr == nil && prev.User == user.Id && prev.SHA256 == s.SHA256 && prev.Size == s.Size {
			return prev, false, nil
		}
		return Upload{}, false, fmt.Errorf("insert upload: %w", err)
	}
	u.decodeMeta()
	return u, true, nil
}

// WriteUploadChunk appends a chunk at offset. A chunk that does not start
// at the received offset gets ErrUploadOffset with the current state (the
// device resumes from there); more than UploadMaxChunk bytes, or bytes
// past the announced size, get ErrUploadTooLarge. A chunk sent again to a
// complete upload answers its state.
func WriteUploadChunk(app core.App, user *core.Record, id string, offset int64, chunk io.Reader, now time.Time) (Upload, error) {
	// NB: one chunk at a time per upload (a device retrying while its
	// first request is still running): the second waits, then finds the
	// offset moved and gets ErrUploadOffset, never interleaved bytes.
	unlock := lockUpload(app, id)
	defer unlock()
	u, err := FindUpload(app, user, id)
	if err != nil {
		return Upload{}, err
	}
	if u.Status != UploadOpen {
		return u, nil
	}
	if offset != u.Received {
		return u, ErrUploadOffset
	}
	data, err := io.ReadAll(io.LimitReader(chunk, UploadMaxChunk+1))
	if err != nil {
		return u, &Error{Code: EInvalid, Key: "err.upload.chunk_interrupted", Err: err}
	}
	if len(data) > UploadMaxChunk || offset+int64(len(data)) > u.Size {
		return u, ErrUploadTooLarge
	}
	if len(data) == 0 {
		return u, nil
	}
	if err := os.MkdirAll(uploadDir(app), 0o700); err != nil {
		return u, err
	}
	f, err := os.OpenFile(partPath(app, u.ID), os.O_WRONLY|os.O_CREATE, 0o600)
	if err != nil {
		return u, err
	}
	_, werr := f.WriteAt(data, offset)
	if werr == nil {
		werr = f.Truncate(offset + int64(len(data)))
	}
	if cerr := f.Close(); werr == nil {
		werr = cerr
	}
	if werr != nil {
		return u, fmt.Errorf("write upload chunk: %w", werr)
	}
	next := offset + int64(len(data))
	res, err := app.NonconcurrentDB().Update(TableUploads, dbx.Params{"received": next, "updated": DBTime(now)},
		dbx.And(dbx.HashExp{"id": u.ID, "received": offset, "status": UploadOpen})).Execute()
	if err != nil {
		return u, err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		// a concurrent chunk moved the offset first
		cur, err := FindUpload(app, user, id)
		if err != nil {
			return u, err
		}
		return cur, ErrUploadOffset
	}
	u.Received, u.Updated = next, DBTime(now)
	return u, nil
}

// verifyUpload checks the received bytes against the announced SHA-256;
// on a mismatch they are dropped and the offset goes back to 0.
func verifyUpload(app core.App, u Upload, now time.Time) error {
	f, err := os.Open(partPath(app, u.ID))
	if err != nil {
		return fmt.Errorf("open upload %s: %w", u.ID, err)
	}
	h := sha256.New()
	n, err := io.Copy(h, f)
	f.Close()
	if err != nil {
		return err
	}
	if n == u.Size && hex.EncodeToString(h.Sum(nil)) == u.SHA256 {
		return nil
	}
	_ = os.Remove(partPath(app, u.ID))
	if _, err := app.NonconcurrentDB().Update(TableUploads, dbx.Params{"received": 0, "updated": DBTime(now)},
		dbx.HashExp{"id": u.ID, "status": UploadOpen}).Execute(); err != nil {
		return err
	}
	return ErrUploadHash
}

// CleanupUploads removes the unfinished uploads older than UploadExpiry
// (their rows and partial files) and stray partial files of that age.
// Complete uploads keep their row (without bytes) so that a late replay
// of their key still answers the record they created. It runs when an
// upload is announced; a scheduler may call it too.
func CleanupUploads(app core.App, now time.Time) (int, error) {
	limit := DBTime(now.Add(-UploadExpiry))
	var old []Upload
	err := app.DB().Select("id").From(TableUploads).
		Where(dbx.And(dbx.Not(dbx.HashExp{"status": UploadComplete}), dbx.NewExp("created < {:limit}", dbx.Params{"limit": limit}))).All(&old)
	if err != nil {
		return 0, err
	}
	for _, u := range old {
		_ = os.Remove(partPath(app, u.ID))
		if _, err := app.NonconcurrentDB().Delete(TableUploads, dbx.HashExp{"id": u.ID}).Execute(); err != nil {
			return 0, err
		}
	}
	entries, _ := os.ReadDir(uploadDir(app))
	for _, e := range entries {
		if info, err := e.Info(); err == nil && !e.IsDir() && now.Sub(info.ModTime()) > UploadExpiry {
			_ = os.Remove(filepath.Join(uploadDir(app), e.Name()))
		}
	}
	return len(old), nil
}
