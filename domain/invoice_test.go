package domain_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/domain/invoicedoc"
	"github.com/fieldops360/fieldops/domain/xlsx"
	"github.com/fieldops360/fieldops/tenanttest"
)

// invoicing is a tenant with a manager, a client and a site, and the
// company's legal data filled when legal is true.
type invoicing struct {
	tt     *tenanttest.Tenant
	app    core.App
	mgr    *core.Record
	client *core.Record
	site   string
}

func newInvoicing(t *testing.T, legal, mainContractor bool) *invoicing {
	t.Helper()
	tt := tenanttest.New(t)
	app := tt.App()
	if legal {
		fillLegal(t, app)
	}
	c := tt.Record("clients", map[string]any{"name": "Bâtir SA", "kind": "private", "siret": "98765432100019",
		"address": "3 quai Perrache", "postcode": "69002", "city": "Lyon", "vat_number": "FR45987654321", "is_main_contractor": mainContractor})
	s := tt.Record("sites", map[string]any{"code": "CH-1", "name": "École Jaurès", "sector": "btp", "client": c.Id})
	return &invoicing{tt: tt, app: app, mgr: tt.User("manager", "m@acme.test").Record, client: c, site: s.Id}
}

func fillLegal(t *testing.T, app core.App) {
	t.Helper()
	co, err := domain.FindCompany(app)
	if err != nil {
		t.Fatal(err)
	}
	co.Load(map[string]any{"siren": "123456789", "siret": "12345678900012", "vat_number": "FR32123456789",
		"address": "12 rue des Lilas", "postcode": "69003", "city": "Lyon", "iban": "FR7630006000011234567890189",
		"bic": "AGRIFRPP", "rcs": "RCS Lyon 123 456 789", "legal_form": "SAS", "share_capital": 50000, "payment_terms_days": 45})
	if err := app.Save(co.Record); err != nil {
		t.Fatal(err)
	}
}

func (iv *invoicing) render() domain.InvoiceRender {
	return invoicedoc.Render(context.Background(), invoicedoc.Options{})
}

func (iv *invoicing) line(t *testing.T, qty float64, price int64, vat float64) domain.ContractLine {
	t.Helper()
	l, err := domain.AddContractLine(iv.app, iv.mgr, iv.site, domain.ContractLineInput{Designation: "Ligne", Unit: "m2", Quantity: qty, UnitPriceCents: price, VATRate: vat})
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func (iv *invoicing) progress(t *testing.T, l domain.ContractLine, pct float64) {
	t.Helper()
	if _, err := domain.SetContractProgress(iv.app, iv.mgr, l.Id, pct, false); err != nil {
		t.Fatal(err)
	}
}

func (iv *invoicing) issue(t *testing.T, inv domain.Invoice, day time.Time) domain.Invoice {
	t.Helper()
	out, err := domain.IssueInvoice(iv.app, iv.mgr, inv.Id, day, iv.render())
	if err != nil {
		t.Fatalf("issue: %v", err)
	}
	return out
}

type wantTotals struct{ excl, vat, incl, ret, net int }

func checkTotals(t *testing.T, inv domain.Invoice, w wantTotals) {
	t.Helper()
	got := wantTotals{inv.TotalExclCents(), inv.VATCents(), inv.TotalInclCents(), inv.RetentionCents(), inv.NetToPayCents()}
	if got != w {
		t.Errorf("%s totals = %+v, want %+v", inv.Number(), got, w)
	}
}

// Three monthly situations of a 3-rate contract: hand-computed totals
// (invoice_calc_test.go explains the figures), the sum of the situations
// is the exact contract amount at 100 %, numbers 1, 2, 3.
func TestProgressInvoicesOverThreeMonths(t *testing.T) {
	t.Parallel()
	iv := newInvoicing(t, true, false)
	l1 := iv.line(t, 120, 4550, 20)   // 5 460,00
	l2 := iv.line(t, 3, 133333, 10)   // 3 999,99
	l3 := iv.line(t, 12.5, 9999, 5.5) // 1 249,875 → 1 249,88
	months := []struct {
		month   string
		pct     [3]float64
		down    int64
		want    wantTotals
		nLines  int
		issueOn time.Time
	}{
		{"2026-01", [3]float64{30, 33.33, 0}, 0, wantTotals{297120, 46092, 343212, 17161, 326051}, 2, time.Date(2026, 1, 31, 10, 0, 0, 0, time.UTC)},
		{"2026-02", [3]float64{75, 66.67, 50}, 10000, wantTotals{431553, 64420, 495973, 24799, 471174}, 3, time.Date(2026, 2, 27, 10, 0, 0, 0, time.UTC)},
		// 136500 @20 → 27300; 133320 @10 → 13332; 62494 @5.5 → 3437.17 → 3437
		{"2026-03", [3]float64{100, 100, 100}, 0, wantTotals{332314, 44069, 376383, 18819, 357564}, 3, time.Date(2026, 3, 31, 10, 0, 0, 0, time.UTC)},
	}
	for i, m := range months {
		for k, l := range []domain.ContractLine{l1, l2, l3} {
			iv.progress(t, l, m.pct[k])
		}
		inv, err := domain.CreateProgressInvoice(iv.app, iv.mgr, iv.site, m.month, domain.ProgressOptions{DownPaymentCents: m.down})
		if err != nil {
			t.Fatalf("%s: %v", m.month, err)
		}
		lines, _ := domain.FindInvoiceLines(iv.app, inv.Id)
		if len(lines) != m.nLines {
			t.Errorf("%s: %d lines, want %d", m.month, len(lines), m.nLines)
		}
		inv = iv.issue(t, inv, m.issueOn)
		checkTotals(t, inv, m.want)
		if want := domain.InvoiceNumber(2026, i+1); inv.Number() != want || inv.Status() != domain.InvoiceIssued {
			t.Errorf("number %s status %s, want %s issued", inv.Number(), inv.Status(), want)
		}
		if len(inv.PDFSHA256()) != 64 || inv.PDF() == "" || inv.Xml() == "" {
			t.Errorf("%s: files not stored: %q %q %q", m.month, inv.PDF(), inv.Xml(), inv.PDFSHA256())
		}
		if !inv.DueDate().Equal(inv.IssueDate().AddDate(0, 0, 45)) {
			t.Errorf("due %v, issued %v: want 45 days", inv.DueDate(), inv.IssueDate())
		}
	}
	sum, err := domain.LoadContract(iv.app, iv.site)
	if err != nil {
		t.Fatal(err)
	}
	if sum.TotalCents != 1070987 || sum.BilledCents != sum.TotalCents {
		t.Errorf("contract %d billed %d, want 1070987 both", sum.TotalCents, sum.BilledCents)
	}
	if _, err := domain.CreateProgressInvoice(iv.app, iv.mgr, iv.site, "2026-03", domain.ProgressOptions{}); domain.ErrorCode(err) != domain.EConflict {
		t.Errorf("second situation of a month: %v", err)
	}
	if _, err := domain.CreateProgressInvoice(iv.app, iv.mgr, iv.site, "2026-04", domain.ProgressOptions{}); domain.ErrorText(err).Key != "err.invoice.nothing_to_bill" {
		t.Errorf("nothing left to bill: %v", err)
	}
	// the receivables ledger 100 days after the last due date
	later := months[2].issueOn.AddDate(0, 0, 145)
	rows, err := domain.InvoiceRows(iv.app, domain.InvoiceFilter{Open: true}, later)
	if err != nil || len(rows) != 3 {
		t.Fatalf("open invoices %d %v", len(rows), err)
	}
	for _, r := range rows {
		if r.DueCents != r.NetCents || r.DaysLate < 100 {
			t.Errorf("%s due %d of %d, %d days late", r.Number, r.DueCents, r.NetCents, r.DaysLate)
		}
	}
	book, err := xlsx.Receivables(context.Background(), rows, "ACME", later)
	if err != nil {
		t.Fatal(err)
	}
	if sheet, err := xlsx.ReadRows(book); err != nil || len(sheet) != 5 || sheet[1][0] != rows[0].Number {
		t.Errorf("receivables sheet %v %v", sheet, err)
	}
	n, _ := iv.app.CountRecords(domain.CollectionAuditEvents, dbx.HashExp{"collection": "invoices", "action": "update", "actor": iv.mgr.Id})
	if n < 3 {
		t.Errorf("audit events of issued invoices = %d, want ≥ 3", n)
	}
}

// Reverse charge: zero VAT, AE in the XML, the mention; the client's VAT
// number is required.
func TestReverseChargeInvoice(t *testing.T) {
	t.Parallel()
	iv := newInvoicing(t, true, true)
	l := iv.line(t, 10, 10000, 20)
	iv.progress(t, l, 50)
	inv, err := domain.CreateProgressInvoice(iv.app, iv.mgr, iv.site, "2026-05", domain.ProgressOptions{})
	if err != nil || !inv.ReverseCharge() {
		t.Fatalf("%v reverse=%v", err, inv.ReverseCharge())
	}
	iv.client.Set("vat_number", "")
	if err := iv.app.Save(iv.client); err != nil {
		t.Fatal(err)
	}
	if _, err := domain.IssueInvoice(iv.app, iv.mgr, inv.Id, time.Now(), iv.render()); domain.ErrorText(err).Key != "err.invoice.reverse_charge_vat" {
		t.Errorf("reverse charge without the client's VAT number: %v", err)
	}
	iv.client.Set("vat_number", "FR45987654321")
	if err := iv.app.Save(iv.client); err != nil {
		t.Fatal(err)
	}
	inv = iv.issue(t, inv, time.Now())
	checkTotals(t, inv, wantTotals{50000, 0, 50000, 2500, 47500})
	xml, err := invoicedoc.XML(iv.app, inv)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"<ram:CategoryCode>AE</ram:CategoryCode>", "283-2 nonies", "urn:cen.eu:en16931:2017"} {
		if !strings.Contains(string(xml), want) {
			t.Errorf("XML lacks %q", want)
		}
	}
}

// Issuing refuses missing legal data naming it; a failed issue leaves no
// gap in the numbering; issued invoices, their lines and payments are
// immutable on every in-process path; payments and credit notes.
func TestIssueNumberingImmutabilityPayments(t *testing.T) {
	t.Parallel()
	iv := newInvoicing(t, false, false)
	l := iv.line(t, 1, 100000, 20)
	iv.progress(t, l, 40)
	a, err := domain.CreateProgressInvoice(iv.app, iv.mgr, iv.site, "2026-06", domain.ProgressOptions{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = domain.IssueInvoice(iv.app, iv.mgr, a.Id, time.Now(), iv.render())
	if domain.ErrorText(err).Key != "err.invoice.legal_missing" || !strings.Contains(domain.ErrorMessage(err), "IBAN") || !strings.Contains(domain.ErrorMessage(err), "TVA/VAT") {
		t.Fatalf("missing legal data: %v", err)
	}
	fillLegal(t, iv.app)
	boom := errors.New("disk full")
	if _, err := domain.IssueInvoice(iv.app, iv.mgr, a.Id, time.Now(), func(core.App, domain.Invoice) ([]byte, []byte, error) { return nil, nil, boom }); !errors.Is(err, boom) {
		t.Fatalf("failing render: %v", err)
	}
	if a, _ = domain.FindInvoice(iv.app, a.Id); a.Status() != domain.InvoiceDraft || a.Sequence() != 0 {
		t.Fatalf("after a failed issue: %s seq %d", a.Status(), a.Sequence())
	}
	if crew := iv.tt.User("crew", "c@acme.test").Record; true {
		if _, err := domain.IssueInvoice(iv.app, crew, a.Id, time.Now(), iv.render()); domain.ErrorCode(err) != domain.EForbidden {
			t.Errorf("crew issues: %v", err)
		}
	}
	now := time.Date(2026, 6, 30, 9, 0, 0, 0, time.UTC)
	a = iv.issue(t, a, now)
	if a.Sequence() != 1 || a.Number() != "FA-2026-000001" {
		t.Fatalf("first number after a failed issue: %s (%d)", a.Number(), a.Sequence())
	}
	checkTotals(t, a, wantTotals{40000, 8000, 48000, 2400, 45600})

	// immutability, even in process
	a.Set("notes", "changed")
	if err := iv.app.Save(a.Record); domain.ErrorCode(err) != domain.EForbidden {
		t.Errorf("update of an issued invoice: %v", err)
	}
	a, _ = domain.FindInvoice(iv.app, a.Id)
	if err := iv.app.Delete(a.Record); domain.ErrorCode(err) != domain.EForbidden {
		t.Errorf("delete of an issued invoice: %v", err)
	}
	lines, _ := domain.FindInvoiceLines(iv.app, a.Id)
	lines[0].SetNetCents(1)
	if err := iv.app.Save(lines[0].Record); domain.ErrorCode(err) != domain.EForbidden {
		t.Errorf("update of an issued line: %v", err)
	}
	if err := domain.DeleteDraftInvoice(iv.app, iv.mgr, a.Id); domain.ErrorCode(err) != domain.EForbidden {
		t.Errorf("delete draft of an issued invoice: %v", err)
	}
	if err := domain.DeleteContractLine(iv.app, iv.mgr, l.Id); domain.ErrorCode(err) != domain.EConflict {
		t.Errorf("delete of an invoiced contract line: %v", err)
	}

	// payments
	pay := func(c int64) (domain.Invoice, error) {
		return domain.RecordPayment(iv.app, iv.mgr, a.Id, domain.PaymentInput{AmountCents: c, PaidOn: now.AddDate(0, 0, 20)})
	}
	if _, err := pay(45601); domain.ErrorText(err).Key != "err.invoice.overpaid" {
		t.Errorf("overpayment: %v", err)
	}
	if a, err = pay(20000); err != nil || a.Status() != domain.InvoicePartiallyPaid || a.AmountDueCents(iv.app) != 25600 {
		t.Fatalf("partial payment: %v %s due %d", err, a.Status(), a.AmountDueCents(iv.app))
	}
	if a, err = pay(25600); err != nil || a.Status() != domain.InvoicePaid || a.AmountDueCents(iv.app) != 0 {
		t.Fatalf("full payment: %v %s", err, a.Status())
	}
	ps, _ := domain.FindInvoicePayments(iv.app, a.Id)
	if len(ps) != 2 {
		t.Fatalf("payments = %d", len(ps))
	}
	if err := iv.app.Delete(ps[0].Record); domain.ErrorCode(err) != domain.EForbidden {
		t.Errorf("delete of a payment: %v", err)
	}

	// the retention, released at the end of the guarantee, becomes due
	if a, err = domain.ReleaseRetention(iv.app, iv.mgr, a.Id, now.AddDate(1, 0, 0)); err != nil || a.Status() != domain.InvoicePartiallyPaid || a.AmountDueCents(iv.app) != 2400 {
		t.Fatalf("release: %v %s due %d", err, a.Status(), a.AmountDueCents(iv.app))
	}
	if _, err := domain.ReleaseRetention(iv.app, iv.mgr, a.Id, now); domain.ErrorCode(err) != domain.EConflict {
		t.Errorf("second release: %v", err)
	}
	if a, err = pay(2400); err != nil || a.Status() != domain.InvoicePaid {
		t.Fatalf("retention paid: %v %s", err, a.Status())
	}

	// a credit note takes the next number; the credited progress is billed again
	cn, err := domain.CreateCreditNote(iv.app, iv.mgr, a.Id, 0, "Erreur d'avancement")
	if err != nil {
		t.Fatal(err)
	}
	cn = iv.issue(t, cn, now.AddDate(0, 0, 1))
	if cn.Number() != "FA-2026-000002" || cn.Kind() != domain.InvoiceCreditNote || cn.TotalInclCents() != 48000 || cn.RetentionCents() != 0 {
		t.Errorf("credit note %s %s %d retention %d", cn.Number(), cn.Kind(), cn.TotalInclCents(), cn.RetentionCents())
	}
	if _, err := domain.CreateCreditNote(iv.app, iv.mgr, a.Id, 100, ""); err != nil {
		t.Fatal(err)
	}
	more, err := domain.FindInvoices(iv.app, domain.InvoiceFilter{Kind: domain.InvoiceCreditNote, Status: domain.InvoiceDraft})
	if err != nil || len(more) != 1 {
		t.Fatalf("draft credit notes: %d %v", len(more), err)
	}
	if _, err := domain.IssueInvoice(iv.app, iv.mgr, more[0].Id, now, iv.render()); domain.ErrorText(err).Key != "err.invoice.credit_too_large" {
		t.Errorf("credit beyond the invoice: %v", err)
	}
	b, err := domain.CreateProgressInvoice(iv.app, iv.mgr, iv.site, "2026-07", domain.ProgressOptions{RetentionPct: new(float64)})
	if err != nil {
		t.Fatal(err)
	}
	b = iv.issue(t, b, now.AddDate(0, 1, 0))
	checkTotals(t, b, wantTotals{40000, 8000, 48000, 0, 48000})
	if b.Number() != "FA-2026-000003" {
		t.Errorf("third number %s", b.Number())
	}
}

func TestImportContractAllOrNothing(t *testing.T) {
	t.Parallel()
	iv := newInvoicing(t, true, false)
	bad, err := domain.ParseContractCSV([]byte("Lot;Désignation;Unité;Quantité;PU;TVA\n01;Béton;m3;10;100;20\n01;;u;1;1;20\n"))
	if err != nil {
		t.Fatal(err)
	}
	var ie *domain.ImportError
	if _, err := domain.ImportContractLines(iv.app, iv.mgr, iv.site, bad); !errors.As(err, &ie) || ie.Problems[0].Row != 3 {
		t.Fatalf("bad file: %v", err)
	}
	if n, _ := iv.app.CountRecords(domain.CollectionContractLines); n != 0 {
		t.Fatalf("a bad file saved %d lines", n)
	}
	good, _ := domain.ParseContractCSV([]byte("Lot,Désignation,Unité,Quantité,PU,TVA\n01,Béton,m3,10,\"100,50\",20\n02,Peinture,m2,200,12,10\n"))
	if n, err := domain.ImportContractLines(iv.app, iv.mgr, iv.site, good); err != nil || n != 2 {
		t.Fatalf("good file: %d %v", n, err)
	}
	sum, _ := domain.LoadContract(iv.app, iv.site)
	if sum.TotalCents != 100500+240000 {
		t.Errorf("contract total %d", sum.TotalCents)
	}
	crew := iv.tt.User("crew", "c@acme.test").Record
	if _, err := domain.ImportContractLines(iv.app, crew, iv.site, good); domain.ErrorCode(err) != domain.EForbidden {
		t.Errorf("crew imports: %v", err)
	}
}

// Time and materials: approved hours × the role's rate and consumed
// materials × sale price, each rounded per line; unapproved time is not
// billed; a missing rate or sale price is named; periods do not overlap.
func TestTimeMaterialsInvoice(t *testing.T) {
	t.Parallel()
	iv := newInvoicing(t, true, false)
	crew := iv.tt.User(domain.RoleCrew, "c@acme.test")
	lead := iv.tt.User(domain.RoleSiteLead, "l@acme.test")
	entry := func(u domain.User, in, out, status string) {
		iv.tt.Record("time_entries", map[string]any{"user": u.Id, "site": iv.site, "clock_in": in, "clock_out": out, "status": status, "source": "office"})
	}
	entry(crew, "2026-03-02 07:00:00.000Z", "2026-03-02 15:30:00.000Z", "approved") // 8.5 h
	entry(crew, "2026-03-03 07:00:00.000Z", "2026-03-03 11:15:00.000Z", "approved") // 4.25 h
	entry(lead, "2026-03-03 07:00:00.000Z", "2026-03-03 10:00:00.000Z", "approved") // 3 h
	entry(lead, "2026-03-04 07:00:00.000Z", "2026-03-04 10:00:00.000Z", "submitted")
	entry(crew, "2026-04-01 07:00:00.000Z", "2026-04-01 10:00:00.000Z", "approved") // out of the period
	mat := iv.tt.Record("materials", map[string]any{"sku": "CIM-35", "name": "Ciment 35 kg", "unit": "sac", "unit_cost": 6})
	for _, m := range []domain.StockMoveInput{
		{Material: mat.Id, Kind: domain.MoveReceipt, Qty: 20, Location: domain.SiteLocation(iv.site), Site: iv.site},
		{Material: mat.Id, Kind: domain.MoveConsumption, Qty: 7, Site: iv.site, At: time.Date(2026, 3, 3, 10, 0, 0, 0, time.UTC)},
	} {
		if _, err := domain.RecordStockMove(iv.app, nil, m); err != nil {
			t.Fatal(err)
		}
	}
	from, to := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 3, 31, 0, 0, 0, 0, time.UTC)
	if _, err := domain.CreateTimeMaterialsInvoice(iv.app, iv.mgr, iv.site, from, to); domain.ErrorText(err).Key != "err.invoice.no_rate" {
		t.Fatalf("no rates: %v", err)
	}
	if err := domain.SetBillingRates(iv.app, iv.mgr, domain.BillingRates{domain.RoleCrew: 45.5, domain.RoleSiteLead: 58}); err != nil {
		t.Fatal(err)
	}
	if _, err := domain.CreateTimeMaterialsInvoice(iv.app, iv.mgr, iv.site, from, to); domain.ErrorText(err).Key != "err.invoice.no_sale_price" {
		t.Fatalf("no sale price: %v", err)
	}
	mat.Set("sale_price", 9.99)
	if err := iv.app.Save(mat); err != nil {
		t.Fatal(err)
	}
	inv, err := domain.CreateTimeMaterialsInvoice(iv.app, iv.mgr, iv.site, from, to)
	if err != nil {
		t.Fatal(err)
	}
	// crew 12.75 h × 45.50 = 580.125 → 580.13; lead 3 h × 58 = 174;
	// 7 × 9.99 = 69.93; total 824.06, VAT 20 % 164.812 → 164.81
	lines, _ := domain.FindInvoiceLines(iv.app, inv.Id)
	var nets []int
	for _, l := range lines {
		nets = append(nets, l.NetCents())
	}
	if len(nets) != 3 || nets[0] != 58013 || nets[1] != 17400 || nets[2] != 6993 {
		t.Errorf("lines %v, want [58013 17400 6993]", nets)
	}
	checkTotals(t, inv, wantTotals{82406, 16481, 98887, 0, 98887})
	if _, err := domain.CreateTimeMaterialsInvoice(iv.app, iv.mgr, iv.site, to, to.AddDate(0, 0, 5)); domain.ErrorCode(err) != domain.EConflict {
		t.Errorf("overlapping period: %v", err)
	}
}

// A line following its tasks bills the share of them done or validated.
func TestDerivedProgressFromTasks(t *testing.T) {
	t.Parallel()
	iv := newInvoicing(t, true, false)
	l := iv.line(t, 4, 25000, 20) // 1 000 €
	for i, status := range []string{"done", "validated", "planned", "in_progress"} {
		task := iv.tt.Record("tasks", map[string]any{"site": iv.site, "title": "T" + string(rune('1'+i)), "status": status})
		if err := domain.LinkTaskToContractLine(iv.app, iv.mgr, task.Id, l.Id); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := domain.SetContractProgress(iv.app, iv.mgr, l.Id, 10, true); err != nil {
		t.Fatal(err)
	}
	d, err := domain.DerivedProgress(iv.app, iv.site)
	if err != nil || d[l.Id] != 50 {
		t.Fatalf("derived %v %v", d, err)
	}
	inv, err := domain.CreateProgressInvoice(iv.app, iv.mgr, iv.site, "2026-09", domain.ProgressOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if inv.TotalExclCents() != 50000 {
		t.Errorf("billed %d, want 50 000 (2 of 4 tasks)", inv.TotalExclCents())
	}
	other := iv.tt.Record("sites", map[string]any{"code": "CH-2", "name": "Autre", "sector": "btp"})
	task := iv.tt.Record("tasks", map[string]any{"site": other.Id, "title": "Ailleurs", "status": "planned"})
	if err := domain.LinkTaskToContractLine(iv.app, iv.mgr, task.Id, l.Id); domain.ErrorCode(err) != domain.EInvalid {
		t.Errorf("a task of another site: %v", err)
	}
}
