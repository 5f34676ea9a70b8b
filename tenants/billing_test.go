package tenants_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/tenants"
	"github.com/fieldops360/fieldops/tenanttest"
)

var starter = tenants.PlanPrices{Code: "starter", PriceEUR: 149, Seats: 10, StorageQuotaGB: 5, SeatPriceEUR: 19, StoragePriceGBEUR: 0.5}

// novemberUsage: from the 16th to the 30th, 300 requests a day, 12 GB of
// data (10 database + 2 files), 13 active users on the 20th (11 else); a
// day before the licence that must not count.
func novemberUsage() []tenants.UsageDay {
	days := []tenants.UsageDay{{Day: "2026-11-10", ActiveUsers: 100, DBBytes: 900e9, Requests: 1}}
	for d := 16; d <= 30; d++ {
		u := tenants.UsageDay{Day: time.Date(2026, 11, d, 0, 0, 0, 0, time.UTC).Format(time.DateOnly), Requests: 300, ActiveUsers: 11, DBBytes: 10e9, FilesBytes: 2e9}
		if d == 20 {
			u.ActiveUsers = 13
		}
		days = append(days, u)
	}
	return days
}

func sum(lines []tenants.BillLine) (n int64) {
	for _, l := range lines {
		n += l.NetCents
	}
	return n
}

// TestComputeBill checks the billing model by hand: pro-rating by the
// licence's days, seats beyond the plan at the seat price, GB-months
// beyond the pro-rated quota, trial free, no coverage no line, contract
// price first.
func TestComputeBill(t *testing.T) {
	t.Parallel()
	nov := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	in := tenants.BillInput{Month: nov, Plan: starter, Starts: time.Date(2026, 11, 16, 9, 0, 0, 0, time.UTC), Usage: novemberUsage()}
	lines, covered := tenants.ComputeBill(in)
	// 149 × 15/30 = 74.50; (13 − 10) × 19 = 57.00; 12 GB × 15 days / 30 = 6.00 GB-months − 5 × 15/30 = 3.50 × 0.50 = 1.75
	if covered != 15 || len(lines) != 3 || lines[0].NetCents != 7450 || lines[1].NetCents != 5700 || lines[2].NetCents != 175 {
		t.Fatalf("covered %d, lines %+v", covered, lines)
	}
	if lines[1].Quantity != 3 || lines[2].Quantity != 3.5 || lines[2].Used != 6 || lines[2].Included != 2.5 {
		t.Errorf("overage quantities: %+v", lines[1:])
	}
	in.Seats = 20 // the tenant's own seats: no seat overage
	if lines, _ := tenants.ComputeBill(in); len(lines) != 2 || sum(lines) != 7450+175 {
		t.Errorf("20 seats: %+v", lines)
	}
	in.ContractPriceEUR, in.Starts = 1000, time.Time{} // whole month at the contract price
	in.Ends = time.Date(2026, 11, 30, 23, 59, 59, 0, time.UTC)
	if lines, c := tenants.ComputeBill(in); c != 30 || lines[0].NetCents != 100000 {
		t.Errorf("contract price: %d days %+v", c, lines)
	}
	in.Trial = true
	if lines, _ := tenants.ComputeBill(in); len(lines) != 1 || lines[0].Kind != tenants.LineTrial || sum(lines) != 0 {
		t.Errorf("trial: %+v", lines)
	}
	in.Trial, in.Ends = false, time.Date(2026, 10, 31, 23, 0, 0, 0, time.UTC)
	if lines, c := tenants.ComputeBill(in); c != 0 || lines != nil {
		t.Errorf("expired in October: %d %+v", c, lines)
	}
}

func billingRegistry(t *testing.T) (*tenanttest.Tenant, *tenanttest.Tenant) {
	t.Helper()
	clock := func() time.Time { return time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC) }
	tt := tenanttest.New(t, tenanttest.WithClock(clock))
	other := tenanttest.Provision(t, tt.Registry, "other", domain.SectorTP)
	reg := tt.Registry
	start := time.Date(2026, 11, 16, 0, 0, 0, 0, time.UTC)
	if _, err := reg.SetLicence(tt.Slug, tenants.LicenceInput{Plan: tenants.PlanStarter, Starts: &start}, "test"); err != nil {
		t.Fatal(err)
	}
	first, trial := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), true
	if _, err := reg.SetLicence(other.Slug, tenants.LicenceInput{Plan: tenants.PlanPro, Starts: &first, Trial: &trial}, "test"); err != nil {
		t.Fatal(err)
	}
	if err := reg.PutUsageDays(tt.Slug, novemberUsage()[1:]); err != nil {
		t.Fatal(err)
	}
	err := reg.PutUsageDays(other.Slug, []tenants.UsageDay{{Day: "2026-11-20", Requests: 100, CPUms: 7_200_000, DBBytes: 30e9, ReplicaBytes: 60e9}})
	if err != nil {
		t.Fatal(err)
	}
	return tt, other
}

func errKey(err error) string {
	var de *domain.Error
	if asDomain(err, &de) {
		return de.Key
	}
	return ""
}

var seller = tenants.BillingSettings{SellerName: "FieldOps360 SAS", LegalForm: "SAS", SIREN: "912345678", VATNumber: "FR12912345678",
	Address: "1 quai du Cloud", PostCode: "69002", City: "Lyon", Country: "FR", IBAN: "FR76 3000 6000 0112 3456 7890 189", VATRate: 20, PaymentDays: 30,
	CostPrices: tenants.CostPrices{CPUHourEUR: 0.05, MemoryMonthEUR: 40, StorageGBMonthEUR: 0.10, ReplicaGBMonthEUR: 0.02}}

// TestBillingRun: refusals first (no seller, bad settings, open or
// malformed month), then a run invoices both tenants in sequence, a
// second run nothing, a void month is invoiced again under the next
// number; the PDFs are Factur-X and hashed; payment by hand; exports.
func TestBillingRun(t *testing.T) {
	t.Parallel()
	tt, other := billingRegistry(t)
	reg, ctx := tt.Registry, context.Background()
	quote := tenanttest.Provision(t, reg, "quote", domain.SectorBTP) // Enterprise, no contract price
	start := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	if _, err := reg.SetLicence(quote.Slug, tenants.LicenceInput{Starts: &start}, "test"); err != nil {
		t.Fatal(err)
	}
	if _, err := reg.RunBilling(ctx, "2026-11", "test"); errKey(err) != "err.billing.seller_missing" {
		t.Fatalf("without seller: %v", err)
	}
	bad := seller
	bad.SIREN = "12"
	if err := reg.SetBillingSettings(bad, "test"); errKey(err) != "err.billing.siren" {
		t.Errorf("bad SIREN: %v", err)
	}
	if err := reg.SetBillingSettings(seller, "test"); err != nil {
		t.Fatal(err)
	}
	for month, key := range map[string]string{"2026-12": "err.billing.month_open", "2026-13": "err.billing.month", "nov": "err.billing.month"} {
		if _, err := reg.RunBilling(ctx, month, "test"); errKey(err) != key {
			t.Errorf("month %q: %v, want %s", month, err, key)
		}
	}
	run, err := reg.RunBilling(ctx, "2026-11", "test")
	if err != nil {
		t.Fatal(err)
	}
	if len(run.Issued) != 2 || run.Issued[0].Number != "FO360-000001" || run.Issued[1].Number != "FO360-000002" || run.Skipped[quote.Slug] != tenants.SkipNoPrice {
		t.Fatalf("run: %+v", run)
	}
	acme, trial := run.Issued[0], run.Issued[1]
	if acme.Tenant != tt.Slug || acme.NetEUR != 133.25 || acme.VATEUR != 26.65 || acme.AmountEUR != 159.90 || trial.AmountEUR != 0 {
		t.Errorf("amounts: %+v / %+v", acme, trial)
	}
	again, err := reg.RunBilling(ctx, "2026-11", "test")
	if err != nil || len(again.Issued) != 0 || again.Skipped[tt.Slug] != tenants.SkipAlreadyInvoiced || again.Skipped[other.Slug] != tenants.SkipAlreadyInvoiced {
		t.Fatalf("second run: %+v %v", again, err)
	}
	doc, inv, err := reg.InvoicePDF(acme.Number)
	if err != nil || !bytes.HasPrefix(doc, []byte("%PDF-")) || !bytes.Contains(doc, []byte("factur-x.xml")) || inv.SHA256 != acme.SHA256 {
		t.Fatalf("pdf: %d bytes, %v", len(doc), err)
	}
	// payment by hand; refusals
	if err := reg.VoidInvoice(acme.Number, " ", "test"); errKey(err) != "err.billing.void_reason" {
		t.Errorf("void without reason: %v", err)
	}
	if err := reg.SetInvoicePaid(trial.Number, time.Date(2026, 12, 5, 0, 0, 0, 0, time.UTC), "test"); err != nil {
		t.Fatal(err)
	}
	if err := reg.SetInvoicePaid(trial.Number, time.Date(2026, 12, 5, 0, 0, 0, 0, time.UTC), "test"); errKey(err) != "err.billing.not_issued" {
		t.Errorf("paid twice: %v", err)
	}
	if err := reg.SetInvoicePaid("FO360-999999", time.Now(), "test"); errKey(err) != "err.billing.not_found" {
		t.Errorf("unknown number: %v", err)
	}
	if err := reg.VoidInvoice(acme.Number, "Erreur de licence", "test"); err != nil {
		t.Fatal(err)
	}
	third, err := reg.RunBilling(ctx, "2026-11", "test")
	if err != nil || len(third.Issued) != 1 || third.Issued[0].Number != "FO360-000003" || third.Issued[0].Tenant != tt.Slug {
		t.Fatalf("after void: %+v %v", third, err)
	}
	list, err := reg.Invoices(tenants.InvoiceFilter{})
	if err != nil || len(list) != 3 || list[0].Seq != 3 || list[1].Seq != 2 || list[2].Seq != 1 || list[2].Status != tenants.InvoiceVoid {
		t.Fatalf("list: %+v %v", list, err)
	}
	if l, _ := reg.Invoices(tenants.InvoiceFilter{Status: tenants.InvoicePaid}); len(l) != 1 || l[0].Tenant != other.Slug {
		t.Errorf("paid filter: %+v", l)
	}
	csv, err := tenants.InvoicesCSV(list)
	if err != nil || strings.Count(string(csv), "\n") != 4 || !strings.Contains(string(csv), "FO360-000001,acme,Entreprise ACME,2026-11,2026-12-06,2027-01-05,133.25,26.65,159.90,void") {
		t.Errorf("csv: %s %v", csv, err)
	}
	x, err := tenants.InvoicesXLSX(list)
	if err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(x))
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := f.GetCellValue("Invoices", "A4"); v != "FO360-000001" {
		t.Errorf("xlsx A4 = %q", v)
	}
	// an altered PDF is refused
	if err := os.WriteFile(filepath.Join(reg.Config().Dir, "platform", "invoices", "FO360-000002.pdf"), []byte("%PDF-forged"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, _, err := reg.InvoicePDF(trial.Number); errKey(err) != "err.billing.pdf_altered" {
		t.Errorf("altered pdf: %v", err)
	}
	events, err := tenants.FindPlatformAudit(reg.Platform(), tt.Slug, 50)
	if err != nil {
		t.Fatal(err)
	}
	actions := ""
	for _, e := range events {
		actions += e.Action() + " "
	}
	if strings.Count(actions, "billing.issue") != 2 || !strings.Contains(actions, "billing.void") {
		t.Errorf("audit: %s", actions)
	}
}

// TestFinOps: costs from usage at the unit prices, revenue from the
// invoices, the trial tenant that costs without paying first and alerted.
func TestFinOps(t *testing.T) {
	t.Parallel()
	tt, other := billingRegistry(t)
	reg := tt.Registry
	if err := reg.SetBillingSettings(seller, "test"); err != nil {
		t.Fatal(err)
	}
	if _, err := reg.RunBilling(context.Background(), "2026-11", "test"); err != nil {
		t.Fatal(err)
	}
	list, err := reg.FinOps("2026-11")
	if err != nil || len(list) != 2 {
		t.Fatalf("finops: %+v %v", list, err)
	}
	o, a := list[0], list[1]
	// other: 2 CPU-h × 0.05 = 0.10; memory 40 × 100/4600 = 0.87; 30 GB-days / 30 × 0.10 = 0.10; 60 / 30 × 0.02 = 0.04
	if o.Tenant != other.Slug || o.CPUEUR != 0.10 || o.MemoryEUR != 0.87 || o.StorageEUR != 0.10 || o.ReplicaEUR != 0.04 || o.CostEUR != 1.11 ||
		o.RevenueEUR != 0 || o.MarginEUR != -1.11 || !o.Alert || !o.Invoiced {
		t.Errorf("trial tenant: %+v", o)
	}
	// acme: memory 40 × 4500/4600 = 39.13; 6 GB-months × 0.10 = 0.60; revenue 133.25
	if a.Tenant != tt.Slug || a.CostEUR != 39.73 || a.RevenueEUR != 133.25 || a.MarginEUR != 93.52 || a.Alert {
		t.Errorf("acme: %+v", a)
	}
	// the month in progress: revenue estimated from the plan, pro-rated
	m, err := reg.Margins()
	if err != nil || len(m) != 2 {
		t.Fatalf("margins: %v %v", m, err)
	}
	if _, err := reg.FinOps("2026-1"); errKey(err) != "err.billing.month" {
		t.Errorf("bad month: %v", err)
	}
}
