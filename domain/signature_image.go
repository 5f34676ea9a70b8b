package domain

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"

	"github.com/pocketbase/pocketbase/core"
)

// StoredImageSHA256 returns the SHA-256 (hex) of the signature image as
// stored now: the evidence compares it with the hash taken when the
// signature was made (Signature.ImageSHA256, "" for a signature stored
// before image hashes were kept).
func StoredImageSHA256(app core.App, s Signature) (string, error) {
	if s.Image() == "" {
		return "", nil
	}
	fsys, err := app.NewFilesystem()
	if err != nil {
		return "", err
	}
	defer fsys.Close()
	r, err := fsys.GetReader(s.BaseFilesPath() + "/" + s.Image())
	if err != nil {
		return "", fmt.Errorf("open signature image %s: %w", s.Id, err)
	}
	defer r.Close()
	h := sha256.New()
	if _, err := io.Copy(h, r); err != nil {
		return "", fmt.Errorf("read signature image %s: %w", s.Id, err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
