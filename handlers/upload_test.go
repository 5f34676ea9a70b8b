package handlers_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/pocketbase/dbx"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/tenanttest"
)

type uploadState struct {
	ID     string `json:"id"`
	Offset int64  `json:"offset"`
	Size   int64  `json:"size"`
	Status string `json:"status"`
	Error  string `json:"error"`
	Result *struct {
		Collection string `json:"collection"`
		ID         string `json:"id"`
		Location   string `json:"location"`
	} `json:"result"`
	Upload *uploadState `json:"upload"`
}

func sha(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// upStart announces a file; meta is the purpose's metadata.
func upStart(t *testing.T, pt photoTenant, host, token, key, purpose, ctype string, data []byte, meta map[string]any) (*httptest.ResponseRecorder, uploadState) {
	t.Helper()
	body := map[string]any{"key": key, "size": len(data), "sha256": sha(data), "content_type": ctype, "purpose": purpose, "meta": meta}
	rec := tenanttest.Do(t, pt.Registry, http.MethodPost, host, "/api/fieldops/uploads", token, apiJSON(body))
	var st uploadState
	_ = json.Unmarshal(rec.Body.Bytes(), &st)
	return rec, st
}

// upChunk sends bytes at offset.
func upChunk(t *testing.T, pt photoTenant, host, token, id string, offset int64, chunk []byte) (*httptest.ResponseRecorder, uploadState) {
	t.Helper()
	req := tenanttest.NewRequest(http.MethodPatch, host, "/api/fieldops/uploads/"+id, bytes.NewReader(chunk))
	req.Header.Set("Content-Type", "application/offset+octet-stream")
	req.Header.Set("Upload-Offset", strconv.FormatInt(offset, 10))
	if token != "" {
		req.Header.Set("Authorization", token)
	}
	rec := tenanttest.Serve(pt.Registry, req)
	var st uploadState
	_ = json.Unmarshal(rec.Body.Bytes(), &st)
	return rec, st
}

func upHead(t *testing.T, pt photoTenant, host, token, id string) *httptest.ResponseRecorder {
	t.Helper()
	return tenanttest.Do(t, pt.Registry, http.MethodHead, host, "/api/fieldops/uploads/"+id, token, nil)
}

// TestUploadResumablePhoto sends a photo in chunks, is cut off after the
// first half, resumes from the server's offset (a wrong offset gets 409
// with the current one), and gets exactly one photo, hashed and audited
// as the form upload, whatever the replays.
func TestUploadResumablePhoto(t *testing.T) {
	t.Parallel()
	pt := newPhotoTenant(t)
	host, app := pt.Host(), pt.App()
	tok := pt.Token("users", "crew@acme.test")
	data := noisyJPEG(t, 900, 700)
	if len(data) < 2*domain.UploadMaxChunk/3 {
		t.Fatalf("test photo too small: %d bytes", len(data))
	}
	key := ulid(900)
	meta := map[string]any{"site": pt.siteA, "subject": pt.task, "caption": "Regard posé", "lat": 47.2184, "lng": -1.5536, "accuracy": 9,
		"taken_at": "2026-03-02T10:15:00+01:00"}
	rec, st := upStart(t, pt, host, tok, key, "photo", "image/jpeg", data, meta)
	if rec.Code != http.StatusCreated || st.ID == "" || st.Offset != 0 || st.Status != "open" {
		t.Fatalf("start: %d %s", rec.Code, rec.Body)
	}
	half := int64(len(data) / 2)
	if rec, st = upChunk(t, pt, host, tok, st.ID, 0, data[:half]); rec.Code != 200 || st.Offset != half {
		t.Fatalf("first half: %d %s", rec.Code, rec.Body)
	}
	// the connection drops; the device asks where to resume
	rec = upHead(t, pt, host, tok, st.ID)
	if rec.Code != 200 || rec.Header().Get("Upload-Offset") != strconv.FormatInt(half, 10) || rec.Header().Get("Upload-Length") != strconv.Itoa(len(data)) {
		t.Fatalf("HEAD: %d offset %q length %q", rec.Code, rec.Header().Get("Upload-Offset"), rec.Header().Get("Upload-Length"))
	}
	// a stale offset is refused with the current one
	if rec, st2 := upChunk(t, pt, host, tok, st.ID, 0, data[:half]); rec.Code != http.StatusConflict || st2.Offset != half || rec.Header().Get("Upload-Offset") != strconv.FormatInt(half, 10) {
		t.Fatalf("stale offset: %d %s", rec.Code, rec.Body)
	}
	// a second announcement of the same key answers the same upload
	if rec, again := upStart(t, pt, host, tok, key, "photo", "image/jpeg", data, meta); rec.Code != 200 || again.ID != st.ID || again.Offset != half {
		t.Fatalf("re-announce: %d %s", rec.Code, rec.Body)
	}
	if n, _ := app.CountRecords("photos", dbx.HashExp{"subject": pt.task}); n != 0 {
		t.Fatal("a photo exists before the last byte")
	}
	rec, st = upChunk(t, pt, host, tok, st.ID, half, data[half:])
	if rec.Code != 200 || st.Status != "complete" || st.Result == nil || st.Result.Collection != "photos" {
		t.Fatalf("last chunk: %d %s", rec.Code, rec.Body)
	}
	p, err := app.FindRecordById("photos", st.Result.ID)
	if err != nil {
		t.Fatal(err)
	}
	if p.GetString("original_sha256") != sha(data) || p.GetString("by") != pt.crew || p.GetString("site") != pt.siteA ||
		p.GetFloat("accuracy") != 9 || p.GetString("caption") != "Regard posé" {
		t.Errorf("photo %v", p.FieldsData())
	}
	if got := p.GetDateTime("taken_at").Time(); !got.Equal(time.Date(2026, 3, 2, 9, 15, 0, 0, time.UTC)) {
		t.Errorf("taken_at = %v, want the device time", got)
	}
	ev, err := app.FindFirstRecordByFilter(domain.CollectionAuditEvents, "collection = 'photos' && record = {:id} && action = 'create'", dbx.Params{"id": p.Id})
	if err != nil || ev.GetString("actor") != pt.crew {
		t.Fatalf("audit event of the upload: %v", err)
	}
	var diff map[string]any
	_ = json.Unmarshal([]byte(ev.GetString("diff")), &diff)
	if diff["original_sha256"] != sha(data) {
		t.Errorf("audit diff original_sha256 = %v", diff["original_sha256"])
	}
	waitDerived(t, app, p.Id)
	if rec := tenanttest.Get(t, pt.Registry, host, "/photos/"+p.Id+"/original", pt.Login("crew@acme.test", tenanttest.Password)); !bytes.Equal(rec.Body.Bytes(), data) {
		t.Errorf("original: %d bytes, want the uploaded %d", rec.Body.Len(), len(data))
	}

	// replays: same key, last chunk again, HEAD: one photo, same answer
	if rec, again := upStart(t, pt, host, tok, key, "photo", "image/jpeg", data, meta); rec.Code != 200 || again.Status != "complete" || again.Result == nil || again.Result.ID != p.Id {
		t.Errorf("replayed start: %d %s", rec.Code, rec.Body)
	}
	if rec, again := upChunk(t, pt, host, tok, st.ID, half, data[half:]); rec.Code != 200 || again.Result == nil || again.Result.ID != p.Id {
		t.Errorf("replayed chunk: %d %s", rec.Code, rec.Body)
	}
	if n, _ := app.CountRecords("photos", dbx.HashExp{"subject": pt.task}); n != 1 {
		t.Errorf("%d photos, want exactly 1", n)
	}
	if _, err := os.Stat(filepath.Join(app.DataDir(), "uploads", st.ID+".part")); !os.IsNotExist(err) {
		t.Errorf("partial file kept after completion: %v", err)
	}
}

// TestUploadRefusals: hash mismatch (400, back to offset 0), size limits
// (413), reused key (409), bad announcements (400), a site outside the
// user's team (403), another user's or tenant's upload (404), anonymous
// (401); unfinished uploads expire after 7 days.
func TestUploadRefusals(t *testing.T) {
	t.Parallel()
	pt := newPhotoTenant(t)
	host, app := pt.Host(), pt.App()
	tok := pt.Token("users", "crew@acme.test")
	data := noisyJPEG(t, 200, 150)
	meta := map[string]any{"site": pt.siteA}

	// SHA-256 mismatch: announced hash of other bytes
	body := map[string]any{"key": ulid(910), "size": len(data), "sha256": sha([]byte("other")), "content_type": "image/jpeg", "purpose": "photo", "meta": meta}
	rec := tenanttest.Do(t, pt.Registry, "POST", host, "/api/fieldops/uploads", tok, apiJSON(body))
	var st uploadState
	_ = json.Unmarshal(rec.Body.Bytes(), &st)
	if rec.Code != 201 {
		t.Fatalf("start: %d %s", rec.Code, rec.Body)
	}
	if rec, bad := upChunk(t, pt, host, tok, st.ID, 0, data); rec.Code != 400 || bad.Upload == nil || bad.Upload.Offset != 0 || rec.Header().Get("Upload-Offset") != "0" {
		t.Errorf("sha mismatch: %d %s", rec.Code, rec.Body)
	}
	if n, _ := app.CountRecords("photos", dbx.HashExp{"site": pt.siteA}); n != 0 {
		t.Errorf("a photo was created from mismatching bytes")
	}

	// sizes: over the photo limit, a chunk over 512 KiB, bytes past the size
	big := map[string]any{"key": ulid(911), "size": 26 << 20, "sha256": sha(data), "content_type": "image/jpeg", "purpose": "photo", "meta": meta}
	if rec := tenanttest.Do(t, pt.Registry, "POST", host, "/api/fieldops/uploads", tok, apiJSON(big)); rec.Code != http.StatusRequestEntityTooLarge {
		t.Errorf("26 MB photo: %d %s", rec.Code, rec.Body)
	}
	huge := bytes.Repeat([]byte{0xFF}, 600<<10)
	_, st = upStart(t, pt, host, tok, ulid(912), "photo", "image/jpeg", append(huge, huge...), meta)
	if rec, _ := upChunk(t, pt, host, tok, st.ID, 0, huge); rec.Code != http.StatusRequestEntityTooLarge {
		t.Errorf("600 KiB chunk: %d %s", rec.Code, rec.Body)
	}
	_, st = upStart(t, pt, host, tok, ulid(913), "photo", "image/jpeg", data[:100], meta)
	if rec, _ := upChunk(t, pt, host, tok, st.ID, 0, data[:101]); rec.Code != http.StatusRequestEntityTooLarge {
		t.Errorf("bytes past the size: %d %s", rec.Code, rec.Body)
	}

	// the same key for another file
	if rec, _ := upStart(t, pt, host, tok, ulid(913), "photo", "image/jpeg", data, meta); rec.Code != http.StatusConflict {
		t.Errorf("reused key: %d %s", rec.Code, rec.Body)
	}
	// bad announcements
	for name, b := range map[string]string{
		"json":    `{"key":`,
		"unknown": `{"key":"` + ulid(914) + `","size":3,"sha256":"` + sha([]byte("abc")) + `","content_type":"image/jpeg","purpose":"photo","extra":1}`,
		"key":     `{"key":"nope","size":3,"sha256":"` + sha([]byte("abc")) + `","content_type":"image/jpeg","purpose":"photo"}`,
		"type":    `{"key":"` + ulid(915) + `","size":3,"sha256":"` + sha([]byte("abc")) + `","content_type":"image/heic","purpose":"photo"}`,
		"meta":    `{"key":"` + ulid(916) + `","size":3,"sha256":"` + sha([]byte("abc")) + `","content_type":"image/jpeg","purpose":"photo","meta":{"by":"x"}}`,
		"purpose": `{"key":"` + ulid(917) + `","size":3,"sha256":"` + sha([]byte("abc")) + `","content_type":"image/jpeg","purpose":"virus"}`,
	} {
		rec := tenanttest.Do(t, pt.Registry, "POST", host, "/api/fieldops/uploads", tok, bytes.NewReader([]byte(b)))
		if rec.Code != 400 || !bytes.Contains(rec.Body.Bytes(), []byte(`"error"`)) {
			t.Errorf("%s: %d %s", name, rec.Code, rec.Body)
		}
	}
	// garbage that is not an image: refused when complete, with the reason, once
	junk := []byte("definitely not a jpeg")
	_, st = upStart(t, pt, host, tok, ulid(918), "photo", "image/jpeg", junk, meta)
	if rec, bad := upChunk(t, pt, host, tok, st.ID, 0, junk); rec.Code != 400 || bad.Upload == nil || bad.Upload.Status != "failed" {
		t.Errorf("not an image: %d %s", rec.Code, rec.Body)
	}
	// a site outside the crew's team
	if rec, _ := upStart(t, pt, host, tok, ulid(919), "photo", "image/jpeg", data, map[string]any{"site": pt.siteB}); rec.Code != 403 {
		t.Errorf("site B: %d %s", rec.Code, rec.Body)
	}

	// another user, another tenant, nobody
	_, st = upStart(t, pt, host, tok, ulid(920), "photo", "image/jpeg", data, meta)
	tok2 := pt.Token("users", "crew2@acme.test")
	if rec := upHead(t, pt, host, tok2, st.ID); rec.Code != 404 {
		t.Errorf("other user HEAD: %d", rec.Code)
	}
	if rec, _ := upChunk(t, pt, host, tok2, st.ID, 0, data); rec.Code != 404 {
		t.Errorf("other user PATCH: %d %s", rec.Code, rec.Body)
	}
	if rec, _ := upStart(t, pt, host, tok2, ulid(920), "photo", "image/jpeg", data, meta); rec.Code != 409 {
		t.Errorf("other user with the same key: %d %s", rec.Code, rec.Body)
	}
	b := tenanttest.Provision(t, pt.Registry, "beta", domain.SectorTP)
	bt := b.Token("users", b.Admin)
	if rec := tenanttest.Do(t, pt.Registry, http.MethodGet, b.Host(), "/api/fieldops/uploads/"+st.ID, bt, nil); rec.Code != 404 {
		t.Errorf("tenant B's admin on A's upload: %d", rec.Code)
	}
	if rec, _ := upChunk(t, pt, b.Host(), bt, st.ID, 0, data); rec.Code != 404 {
		t.Errorf("tenant B's admin writes A's upload: %d %s", rec.Code, rec.Body)
	}
	if rec := upHead(t, pt, b.Host(), tok, st.ID); rec.Code != 401 {
		t.Errorf("A's token on B's host: %d", rec.Code)
	}
	if rec, _ := upChunk(t, pt, host, "", st.ID, 0, data); rec.Code != 401 {
		t.Errorf("anonymous: %d", rec.Code)
	}
	if rec, _ := upChunk(t, pt, host, tok, st.ID, 0, data); rec.Code != 200 {
		t.Errorf("the owner still completes it: %d %s", rec.Code, rec.Body)
	}

	// expiry: an unfinished upload is gone after 7 days, bytes included
	_, st = upStart(t, pt, host, tok, ulid(921), "photo", "image/jpeg", data, meta)
	upChunk(t, pt, host, tok, st.ID, 0, data[:50])
	part := filepath.Join(app.DataDir(), "uploads", st.ID+".part")
	if _, err := os.Stat(part); err != nil {
		t.Fatal(err)
	}
	if n, err := domain.CleanupUploads(app, time.Now().Add(6*24*time.Hour)); err != nil || n != 0 {
		t.Errorf("cleanup after 6 days removed %d (%v)", n, err)
	}
	if n, err := domain.CleanupUploads(app, time.Now().Add(domain.UploadExpiry+time.Hour)); err != nil || n < 1 {
		t.Errorf("cleanup after 7 days removed %d (%v)", n, err)
	}
	if _, err := os.Stat(part); !os.IsNotExist(err) {
		t.Errorf("partial file kept: %v", err)
	}
	if rec := upHead(t, pt, host, tok, st.ID); rec.Code != 404 {
		t.Errorf("expired upload: %d", rec.Code)
	}
}

// TestUploadSignature: a signature captured offline arrives through the
// upload protocol; the server computes the SHA-256 of the job document
// itself; a replay of the key answers the same signature.
func TestUploadSignature(t *testing.T) {
	t.Parallel()
	pt := newPhotoTenant(t)
	host, app := pt.Host(), pt.App()
	tok := pt.Token("users", "crew@acme.test")
	img := image.NewNRGBA(image.Rect(0, 0, 120, 40))
	for x := 10; x < 110; x++ {
		img.Set(x, 20, color.NRGBA{13, 36, 64, 255})
	}
	var buf bytes.Buffer
	_ = png.Encode(&buf, img)
	meta := map[string]any{"task": pt.task, "signer_name": "Mme Client", "signer_role": "client", "consent": true,
		"lat": 47.2184, "lng": -1.5536, "accuracy": 15, "signed_at": "2026-03-02T16:00:00Z", "document_sha256": "forged"}
	if rec, _ := upStart(t, pt, host, tok, ulid(930), "signature", "image/png", buf.Bytes(), meta); rec.Code != 400 {
		t.Errorf("a device-supplied document hash is refused: %d %s", rec.Code, rec.Body)
	}
	delete(meta, "document_sha256")
	noName := map[string]any{"task": pt.task, "signer_role": "client", "consent": true}
	if rec, _ := upStart(t, pt, host, tok, ulid(931), "signature", "image/png", buf.Bytes(), noName); rec.Code != 400 || !bytes.Contains(rec.Body.Bytes(), []byte("signataire")) {
		t.Errorf("no signer name: %d %s", rec.Code, rec.Body)
	}
	if rec, _ := upStart(t, pt, host, pt.Token("users", "crew2@acme.test"), ulid(932), "signature", "image/png", buf.Bytes(), meta); rec.Code != 404 {
		t.Errorf("crew of another site: %d %s", rec.Code, rec.Body)
	}
	rec, st := upStart(t, pt, host, tok, ulid(933), "signature", "image/png", buf.Bytes(), meta)
	if rec.Code != 201 {
		t.Fatalf("start: %d %s", rec.Code, rec.Body)
	}
	rec, st = upChunk(t, pt, host, tok, st.ID, 0, buf.Bytes())
	if rec.Code != 200 || st.Result == nil || st.Result.Collection != "signatures" || st.Result.Location != "/signatures/"+st.Result.ID {
		t.Fatalf("chunk: %d %s", rec.Code, rec.Body)
	}
	s, err := app.FindRecordById("signatures", st.Result.ID)
	if err != nil {
		t.Fatal(err)
	}
	_, want, _ := domain.TaskDocument(app, pt.task)
	if s.GetString("document_sha256") != want || s.GetString("signer_name") != "Mme Client" || s.GetFloat("accuracy") != 15 {
		t.Errorf("signature %v, want document hash %s", s.FieldsData(), want)
	}
	if got := s.GetDateTime("signed_at").Time(); !got.Equal(time.Date(2026, 3, 2, 16, 0, 0, 0, time.UTC)) {
		t.Errorf("signed_at = %v, want the device time", got)
	}
	if _, again := upStart(t, pt, host, tok, ulid(933), "signature", "image/png", buf.Bytes(), meta); again.Result == nil || again.Result.ID != s.Id {
		t.Errorf("replay: %+v", again)
	}
	if n, _ := app.CountRecords("signatures", dbx.HashExp{"subject": pt.task}); n != 1 {
		t.Errorf("%d signatures, want 1", n)
	}
	if _, err := app.FindFirstRecordByFilter(domain.CollectionAuditEvents, "collection = 'signatures' && record = {:id}", dbx.Params{"id": s.Id}); err != nil {
		t.Error("no audit event for the signature")
	}
}

// noisyJPEG is a w×h JPEG of pseudo-random pixels (large enough to need
// several chunks at a small size).
func noisyJPEG(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	x := uint32(2463534242)
	for i := range img.Pix {
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		img.Pix[i] = byte(x)
	}
	return encodeJPEG(t, img)
}

func encodeJPEG(t *testing.T, img image.Image) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 95}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
