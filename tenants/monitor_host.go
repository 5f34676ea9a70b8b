package tenants

import (
	"crypto/x509"
	"encoding/pem"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"
)

// Disk is the space of the file system holding the data directory.
type Disk struct {
	Path       string
	TotalBytes uint64
	FreeBytes  uint64 // available to this process
}

// UsedRatio is the share of the disk in use (0–1).
func (d Disk) UsedRatio() float64 {
	if d.TotalBytes == 0 {
		return 0
	}
	return 1 - float64(d.FreeBytes)/float64(d.TotalBytes)
}

// DiskSpace returns the space of the data directory's file system.
func (r *Registry) DiskSpace() (Disk, error) {
	d := Disk{Path: r.cfg.Dir}
	var st syscall.Statfs_t
	if err := syscall.Statfs(r.cfg.Dir, &st); err != nil {
		return d, err
	}
	d.TotalBytes = st.Blocks * uint64(st.Bsize)
	d.FreeBytes = st.Bavail * uint64(st.Bsize)
	return d, nil
}

// Certificate is a TLS certificate kept under <data dir>/certs (ACME or
// the internal CA's leaves).
type Certificate struct {
	Names    []string
	NotAfter time.Time
	Issuer   string
}

// Certificates lists the leaf certificates stored under <data dir>/certs,
// soonest expiry first (none when TLS is not served by the process).
func (r *Registry) Certificates() []Certificate {
	var out []Certificate
	root := filepath.Join(r.cfg.Dir, "certs")
	_ = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !(strings.HasSuffix(path, ".crt") || strings.HasSuffix(path, ".pem")) {
			return nil //nolint:nilerr // NB: an unreadable entry is left out
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return nil //nolint:nilerr // NB: idem
		}
		blk, _ := pem.Decode(b)
		if blk == nil || blk.Type != "CERTIFICATE" {
			return nil
		}
		c, err := x509.ParseCertificate(blk.Bytes)
		if err != nil || c.IsCA {
			return nil //nolint:nilerr // NB: CA certificates and garbage are not served
		}
		names := c.DNSNames
		if len(names) == 0 {
			names = []string{c.Subject.CommonName}
		}
		out = append(out, Certificate{Names: names, NotAfter: c.NotAfter, Issuer: c.Issuer.CommonName})
		return nil
	})
	slices.SortFunc(out, func(a, b Certificate) int { return a.NotAfter.Compare(b.NotAfter) })
	return out
}
