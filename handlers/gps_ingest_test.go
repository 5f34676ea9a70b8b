package handlers_test

import (
	"bufio"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/handlers/handlertest"
	"github.com/fieldops360/fieldops/tenanttest"
)

// gpsTenant is a tenant with one business and one private vehicle; the
// clock is Monday 30 Nov 2026, 20:00 in Paris.
func gpsTenant(t *testing.T) (*tenanttest.Tenant, string, string) {
	t.Helper()
	clk := newClock()
	clk.ns.Store(time.Date(2026, 11, 30, 19, 0, 0, 0, time.UTC).UnixNano())
	tt := handlertest.New(t, tenanttest.WithClock(clk.Now))
	app := tt.App()
	biz, err := domain.CreateVehicle(app, nil, domain.VehicleInput{Plate: "GA-101-NT", Label: "Kangoo", GPSDeviceID: "TRK-KANGOO-01"})
	if err != nil {
		t.Fatal(err)
	}
	priv, err := domain.CreateVehicle(app, nil, domain.VehicleInput{Plate: "GA-102-NT", Label: "Clio", GPSDeviceID: "TRK-CLIO-02", Mode: domain.ModePrivate})
	if err != nil {
		t.Fatal(err)
	}
	return tt, biz.Id, priv.Id
}

func positions(t *testing.T, tt *tenanttest.Tenant, vehicleID string) []string {
	t.Helper()
	var ats []string
	if err := tt.App().DB().Select("at").From("vehicle_positions").Where(dbx.HashExp{"vehicle": vehicleID}).OrderBy("at").Column(&ats); err != nil {
		t.Fatal(err)
	}
	return ats
}

func TestGPSReplayOsmAndTrackStoresOnlyWorkingHours(t *testing.T) {
	t.Parallel()
	tt, biz, _ := gpsTenant(t)
	f, err := os.Open("testdata/osmand_track.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var want []string
	sc := bufio.NewScanner(f)
	for i := 0; sc.Scan(); i++ {
		line := sc.Text()
		if strings.HasPrefix(line, "#") || line == "" {
			continue
		}
		query, comment, _ := strings.Cut(line, "  #")
		method := http.MethodGet
		if i%2 == 1 {
			method = http.MethodPost // the Traccar Client sends POST with the query string
		}
		rec := tenanttest.Do(t, tt.Registry, method, tt.Host(), "/gps?"+query, "", nil)
		if rec.Code != http.StatusOK {
			t.Fatalf("line %d: %d %s", i, rec.Code, rec.Body)
		}
		if strings.Contains(comment, "stored") {
			v, _ := url.ParseQuery(query)
			at, err := domain.ParseFixTime(v.Get("timestamp"), time.Now())
			if err != nil {
				t.Fatal(err)
			}
			want = append(want, at.UTC().Format("2006-01-02 15:04:05.000Z"))
			if got := rec.Header().Get("X-FieldOps-Position"); got != "stored" {
				t.Errorf("line %d: X-FieldOps-Position = %q, want stored", i, got)
			}
		} else if got := rec.Header().Get("X-FieldOps-Position"); !strings.HasPrefix(got, "not-stored") {
			t.Errorf("line %d: X-FieldOps-Position = %q, want not-stored", i, got)
		}
	}
	got := positions(t, tt, biz)
	if strings.Join(got, ",") != strings.Join(want, ",") || len(got) != 14 {
		t.Errorf("stored %d positions %v\nwant %d %v", len(got), got, len(want), want)
	}
	n, _ := tt.App().CountRecords(domain.CollectionAuditEvents, dbx.HashExp{"collection": "vehicle_positions"})
	if n != 0 {
		t.Errorf("%d audit events for positions, want none", n)
	}
}

func TestGPSIngestFormatsUnknownPrivateAndCrossTenant(t *testing.T) {
	t.Parallel()
	tt, biz, priv := gpsTenant(t)
	inHours := "2026-11-30T10:00:00Z"
	form := url.Values{"id": {"TRK-KANGOO-01"}, "lat": {"47.2"}, "lon": {"-1.5"}, "timestamp": {inHours}}
	req := tenanttest.NewRequest(http.MethodPost, tt.Host(), "/gps", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if rec := tenanttest.Serve(tt.Registry, req); rec.Code != 200 {
		t.Fatalf("form POST = %d %s", rec.Code, rec.Body)
	}
	body := `{"device_id":"TRK-KANGOO-01","location":{"timestamp":"2026-11-30T11:00:00Z","coords":{"latitude":47.21,"longitude":-1.56,"speed":8.5,"accuracy":12}}}`
	if rec := tenanttest.Do(t, tt.Registry, http.MethodPost, tt.Host(), "/gps", "", strings.NewReader(body)); rec.Code != 200 {
		t.Fatalf("JSON POST = %d %s", rec.Code, rec.Body)
	}
	if got := positions(t, tt, biz); len(got) != 2 {
		t.Errorf("stored %v, want 2 positions", got)
	}
	// private mode: acknowledged, not stored
	rec := tenanttest.Do(t, tt.Registry, http.MethodGet, tt.Host(), "/gps?id=TRK-CLIO-02&lat=47.2&lon=-1.5&timestamp="+inHours, "", nil)
	if rec.Code != 200 || len(positions(t, tt, priv)) != 0 {
		t.Errorf("private: %d, %d positions", rec.Code, len(positions(t, tt, priv)))
	}
	// unknown device: 404 with a clear text
	rec = tenanttest.Do(t, tt.Registry, http.MethodGet, tt.Host(), "/gps?id=NOPE-0000&lat=47.2&lon=-1.5", "", nil)
	if rec.Code != http.StatusNotFound || !strings.Contains(rec.Body.String(), "Traceur inconnu") {
		t.Errorf("unknown = %d %q", rec.Code, rec.Body)
	}
	// malformed: 400
	rec = tenanttest.Do(t, tt.Registry, http.MethodGet, tt.Host(), "/gps?id=TRK-KANGOO-01&lat=200&lon=-1.5", "", nil)
	if rec.Code != http.StatusBadRequest {
		t.Errorf("bad lat = %d", rec.Code)
	}
	// tenant A's device posted to tenant B: refused
	b := tenanttest.Provision(t, tt.Registry, "beta", domain.SectorTP)
	rec = tenanttest.Do(t, tt.Registry, http.MethodGet, b.Host(), "/gps?id=TRK-KANGOO-01&lat=47.2&lon=-1.5&timestamp="+inHours, "", nil)
	if rec.Code != http.StatusNotFound {
		t.Errorf("cross-tenant device = %d, want 404", rec.Code)
	}
	if n, _ := b.App().CountRecords(domain.CollectionVehiclePositions); n != 0 {
		t.Errorf("tenant B stored %d positions", n)
	}
}

func TestGPSRateLimitPerDevice(t *testing.T) {
	tt, _, _ := gpsTenant(t)
	codes := map[int]int{}
	for i := 0; i < int(domain.GPSBurst)+5; i++ {
		rec := tenanttest.Do(t, tt.Registry, http.MethodGet, tt.Host(), "/gps?id=TRK-CLIO-02&lat=47.2&lon=-1.5", "", nil)
		codes[rec.Code]++
	}
	if codes[http.StatusTooManyRequests] != 5 || codes[200] != int(domain.GPSBurst) {
		t.Errorf("codes = %v", codes)
	}
	// another device is not affected
	if rec := tenanttest.Do(t, tt.Registry, http.MethodGet, tt.Host(), "/gps?id=TRK-KANGOO-01&lat=47.2&lon=-1.5", "", nil); rec.Code != 200 {
		t.Errorf("other device = %d", rec.Code)
	}
}
