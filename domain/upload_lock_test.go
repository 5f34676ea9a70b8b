package domain_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/tenanttest"
)

// TestUploadConcurrentChunks sends the same first chunk 8 times at once
// (a device retrying while its first request still runs), each with other
// bytes: one is written, the others get the offset error, and the part
// file holds exactly the bytes of the one that won.
func TestUploadConcurrentChunks(t *testing.T) {
	t.Parallel()
	tt := tenanttest.New(t)
	app := tt.App()
	tt.User(domain.RoleCrew, "crew@acme.test")
	crew, err := app.FindAuthRecordByEmail("users", "crew@acme.test")
	if err != nil {
		t.Fatal(err)
	}
	site := tt.Record("sites", map[string]any{"code": "CH-1", "name": "École", "sector": "btp", "status": "active", "team": []string{crew.Id}})
	file := bytes.Repeat([]byte{0xAB}, 1000)
	sum := sha256.Sum256(file)
	u, _, err := domain.StartUpload(app, crew, domain.UploadStart{Key: "01ARZ3NDEKTSV4RRFFQ69G5FAV", Size: int64(len(file)), SHA256: hex.EncodeToString(sum[:]),
		ContentType: "image/jpeg", Purpose: "photo", Meta: map[string]any{"site": site.Id}}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	won, refused := -1, 0
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			chunk := bytes.Repeat([]byte{byte(i)}, 400)
			_, err := domain.WriteUploadChunk(app, crew, u.ID, 0, bytes.NewReader(chunk), time.Now())
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				if won >= 0 {
					t.Errorf("chunks %d and %d both written at offset 0", won, i)
				}
				won = i
			case errors.Is(err, domain.ErrUploadOffset):
				refused++
			default:
				t.Errorf("chunk %d: %v", i, err)
			}
		}()
	}
	wg.Wait()
	if won < 0 || refused != 7 {
		t.Fatalf("won %d, refused %d", won, refused)
	}
	part, err := os.ReadFile(filepath.Join(app.DataDir(), "uploads", u.ID+".part"))
	if err != nil || !bytes.Equal(part, bytes.Repeat([]byte{byte(won)}, 400)) {
		t.Errorf("part file: %d bytes, err %v, want the 400 bytes of chunk %d", len(part), err, won)
	}
	if cur, err := domain.FindUpload(app, crew, u.ID); err != nil || cur.Received != 400 {
		t.Errorf("offset %d (%v), want 400", cur.Received, err)
	}
}
