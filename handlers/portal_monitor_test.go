package handlers_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/fieldops360/fieldops/handlers/handlertest"
	"github.com/fieldops360/fieldops/tenants/replication"
	"github.com/fieldops360/fieldops/tenanttest"
)

// TestPortalMonitorReplicationAndCerts: the monitoring page shows each
// tenant's replication lag and last drill, the last backups, and the
// certificates stored under the data directory with their expiry.
func TestPortalMonitorReplicationAndCerts(t *testing.T) {
	t.Parallel()
	last := time.Date(2026, 12, 5, 3, 0, 0, 0, time.UTC)
	src := &staticReplication{st: replication.Status{DBs: []replication.DBStatus{
		{DB: "acme", LastSync: &last, LastSnapshot: &last, Drill: &replication.DrillResult{DB: "acme", At: last, OK: true}},
		{DB: "beta", LagSeconds: 75, LastSync: &last},
		{DB: "platform", LastSnapshot: &last},
	}}}
	reg := handlertest.NewRegistry(t, handlertest.WithReplication(src))
	tenanttest.Provision(t, reg, "acme", "btp")
	tenanttest.Provision(t, reg, "beta", "btp")
	writeCert(t, filepath.Join(reg.Config().Dir, "certs", "certificates", "acme.localhost", "acme.localhost.crt"), "acme.localhost", time.Now().Add(5*24*time.Hour))
	pc := portalLogin(t, reg)
	d := doc(t, tenanttest.Get(t, reg, platformHost, "/portal/monitor", pc).Body.String())
	if got := testid(d, "monitor-acme").Text(); !strings.Contains(got, "réussi") || !strings.Contains(got, "05/12/2026") {
		t.Errorf("acme row = %q, want its drill and last backup", got)
	}
	if got := testid(d, "monitor-beta").Text(); !strings.Contains(got, "75") {
		t.Errorf("beta row = %q, want its lag", got)
	}
	if got := testid(d, "monitor-platform-backup").Text(); !strings.Contains(got, "05/12/2026") {
		t.Errorf("platform backup = %q", got)
	}
	certs := testid(d, "monitor-certs")
	if !strings.Contains(certs.Text(), "acme.localhost") || !strings.Contains(certs.Text(), "dans 4 jours") || certs.Find("li.level-danger").Length() != 1 {
		t.Errorf("certificates = %q", certs.Text())
	}
}

// writeCert writes a self-signed leaf certificate for host to path.
func writeCert(t *testing.T, path, host string, notAfter time.Time) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tpl := &x509.Certificate{SerialNumber: big.NewInt(7), Subject: pkix.Name{CommonName: host}, DNSNames: []string{host},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: notAfter}
	der, err := x509.CreateCertificate(rand.Reader, tpl, tpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
}
