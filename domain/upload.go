package domain

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"math"
	"strconv"
	"strings"
	"time"
)

// Resumable uploads (DESIGN.md §6): the crew app sends a file in chunks
// that survive a lost connection. The device announces the file (an
// idempotency key, its size, SHA-256, type, purpose and metadata), then
// sends chunks at the offset the server holds; when the last byte is in
// and the SHA-256 matches, the server creates the record the purpose names
// (a photo, a signature) through the same domain function as the form
// upload, exactly once per key.
const (
	// TableUploads is the plain SQLite table of uploads in progress and done.
	TableUploads = "uploads"
	// UploadMaxChunk is the largest chunk accepted in one request.
	UploadMaxChunk = 512 << 10
	// UploadMaxStartBytes bounds the JSON body announcing an upload.
	UploadMaxStartBytes = 64 << 10
	// UploadExpiry is how long an unfinished upload is kept.
	UploadExpiry = 7 * 24 * time.Hour
)

// Upload purposes: what the completed file becomes.
const (
	UploadPhoto     = "photo"
	UploadSignature = "signature"
)

// Upload statuses.
const (
	UploadOpen     = "open"
	UploadComplete = "complete"
	UploadFailed   = "failed"
)

// ErrUploadTooLarge is returned for a file or a chunk over the limits
// (HTTP 413).
var ErrUploadTooLarge = &Error{Code: EInvalid, Key: "err.upload.chunk_too_large"}

// ErrUploadOffset is returned when a chunk does not start at the offset
// the server holds (HTTP 409 with the current offset): the device resumes
// from there.
var ErrUploadOffset = &Error{Code: EConflict, Key: "err.upload.wrong_offset"}

// ErrUploadHash is returned when the received bytes do not match the
// announced SHA-256; the server forgets them and the device sends the
// file again from offset 0.
var ErrUploadHash = &Error{Code: EInvalid, Key: "err.upload.hash_mismatch"}

// uploadPurpose says what a purpose accepts.
type uploadPurpose struct {
	maxSize int64
	types   []string
	meta    map[string]bool
}

func uploadPurposeOf(p string) (uploadPurpose, bool) {
	switch p {
	case UploadPhoto:
		return uploadPurpose{maxSize: 25 << 20, types: []string{"image/jpeg", "image/png"},
			meta: fieldSet("site", "subject", "caption", "lat", "lng", "accuracy", "taken_at", "checklist_item")}, true
	case UploadSignature:
		return uploadPurpose{maxSize: MaxSignaturePNG, types: []string{"image/png"},
			// NB: consent_text, sent by crew apps before consent, is ignored.
			meta: fieldSet("task", "signer_name", "signer_role", "consent", "consent_text", "lat", "lng", "accuracy", "signed_at")}, true
	}
	return uploadPurpose{}, false
}

// UploadStart is the body of POST /api/fieldops/uploads.
type UploadStart struct {
	Key         string         `json:"key"`
	Size        int64          `json:"size"`
	SHA256      string         `json:"sha256"`
	ContentType string         `json:"content_type"`
	Purpose     string         `json:"purpose"`
	Meta        map[string]any `json:"meta"`
}

// DecodeUploadStart reads and validates the announcement of an upload:
// strict JSON (no unknown field, no trailing data), at most
// UploadMaxStartBytes. Metadata values must be strings, numbers, booleans
// or null and are returned as strings ("true", "false" for booleans).
func DecodeUploadStart(r io.Reader) (UploadStart, error) {
	var s UploadStart
	body, err := io.ReadAll(io.LimitReader(r, UploadMaxStartBytes+1))
	if err != nil {
		return s, &Error{Code: EInvalid, Key: "err.unreadable_request", Err: err}
	}
	if len(body) > UploadMaxStartBytes {
		return s, Errorf(EInvalid, "err.upload.meta_too_large")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	dec.UseNumber()
	if err := dec.Decode(&s); err != nil {
		return UploadStart{}, &Error{Code: EInvalid, Key: "err.invalid_json", Err: err}
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return UploadStart{}, Errorf(EInvalid, "err.trailing_json")
	}
	for k, v := range s.Meta {
		switch x := v.(type) {
		case nil:
			delete(s.Meta, k)
		case string:
		case json.Number:
			s.Meta[k] = x.String()
		case bool:
			s.Meta[k] = strconv.FormatBool(x)
		default:
			return UploadStart{}, Errorf(EInvalid, "err.upload.meta_text_or_number", k)
		}
	}
	return s, s.Validate()
}

// Validate checks an upload announcement: ULID key, purpose, size within
// the purpose's limit (ErrUploadTooLarge beyond), lower-case hex SHA-256,
// content type and metadata keys allowed for the purpose.
func (s UploadStart) Validate() error {
	p, ok := uploadPurposeOf(s.Purpose)
	switch {
	case !ValidULID(s.Key):
		return Errorf(EInvalid, "err.invalid_idempotency_key")
	case !ok:
		return Errorf(EInvalid, "err.upload.unknown_purpose", s.Purpose)
	case s.Size <= 0:
		return Errorf(EInvalid, "err.empty_file")
	case s.Size > p.maxSize:
		return &Error{Code: EInvalid, Key: "err.upload.too_large", Args: []any{p.maxSize >> 20}, Err: ErrUploadTooLarge}
	case !validSHA256(s.SHA256):
		return Errorf(EInvalid, "err.upload.invalid_sha256")
	case !contains(p.types, s.ContentType):
		return Errorf(EInvalid, "err.upload.type_refused", s.ContentType, strings.Join(p.types, ", "))
	}
	for k, v := range s.Meta {
		if !p.meta[k] {
			return Errorf(EInvalid, "err.upload.meta_not_allowed", k, s.Purpose)
		}
		if _, ok := v.(string); !ok {
			return Errorf(EInvalid, "err.upload.meta_text_expected", k)
		}
		if len(v.(string)) > 4000 {
			return Errorf(EInvalid, "err.upload.meta_too_long", k)
		}
	}
	return nil
}

func validSHA256(s string) bool {
	if len(s) != 64 || strings.ToLower(s) != s {
		return false
	}
	_, err := hex.DecodeString(s)
	return err == nil
}

// ParseUploadOffset reads the Upload-Offset header of a chunk: a decimal
// byte offset, 0 or more, no sign, no spaces.
func ParseUploadOffset(h string) (int64, error) {
	if h == "" || len(h) > 19 {
		return 0, Errorf(EInvalid, "err.upload.bad_offset_header")
	}
	for i := 0; i < len(h); i++ {
		if h[i] < '0' || h[i] > '9' {
			return 0, Errorf(EInvalid, "err.upload.bad_offset_header")
		}
	}
	n, err := strconv.ParseInt(h, 10, 64)
	if err != nil || n < 0 || n > math.MaxInt64/2 {
		return 0, Errorf(EInvalid, "err.upload.bad_offset_header")
	}
	return n, nil
}

// clampDeviceTime parses a device's RFC 3339 time; a missing value, one
// more than EventSkew ahead of now or older than EventMaxYears (a wrong
// clock: CheckEventTime would refuse it and the proof would be lost)
// gives now.
func clampDeviceTime(s string, now time.Time) time.Time {
	t, err := time.Parse(time.RFC3339Nano, strings.TrimSpace(s))
	if err != nil || CheckEventTime("", t, now) != nil {
		return now
	}
	return t
}

// metaFix reads a position from upload metadata (no position: not OK).
func metaFix(meta map[string]any) GeoFix {
	lat, err1 := strconv.ParseFloat(str(meta["lat"]), 64)
	lng, err2 := strconv.ParseFloat(str(meta["lng"]), 64)
	acc, _ := strconv.ParseFloat(str(meta["accuracy"]), 64)
	if err1 != nil || err2 != nil || math.IsNaN(lat) || math.IsNaN(lng) || math.Abs(lat) > 90 || math.Abs(lng) > 180 {
		return GeoFix{}
	}
	if math.IsNaN(acc) || acc < 0 {
		acc = 0
	}
	return GeoFix{Lat: lat, Lng: lng, Accuracy: acc, OK: true}
}
