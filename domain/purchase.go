package domain

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/pocketbase/pocketbase/core"
)

// Purchase order statuses.
const (
	PODraft     = "draft"
	POSent      = "sent"
	POPartial   = "partial"
	POReceived  = "received"
	POCancelled = "cancelled"
)

// POStatuses lists the statuses in lifecycle order.
func POStatuses() []string { return []string{PODraft, POSent, POPartial, POReceived, POCancelled} }

// poTransitions is the purchase order lifecycle: a draft is sent or
// cancelled; a sent order is received (fully or partly) or cancelled; a
// received or cancelled order is closed.
var poTransitions = map[string][]string{
	PODraft:   {POSent, POCancelled},
	POSent:    {POPartial, POReceived, POCancelled},
	POPartial: {POReceived},
}

// CanTransitionPO reports whether an order may go from one status to another.
func CanTransitionPO(from, to string) bool { return slices.Contains(poTransitions[from], to) }

// POLine is one line of a purchase order.
type POLine struct {
	Material string  `json:"material"`
	Qty      float64 `json:"qty"`
	UnitCost float64 `json:"unit_cost"`
}

// POInput is the purchase order form.
type POInput struct {
	Supplier   string
	Site       string
	Location   string // delivery location, default the depot
	ExpectedAt time.Time
	Note       string
	Lines      []POLine
}

// Validate checks the form; the first error names its field.
func (in *POInput) Validate() error {
	if in.Location == "" {
		in.Location = LocationDepot
	}
	lines := in.Lines[:0]
	for _, l := range in.Lines {
		if l.Material != "" || l.Qty != 0 {
			lines = append(lines, l)
		}
	}
	in.Lines = lines
	switch {
	case in.Supplier == "":
		return FieldError("supplier", "err.purchase.choose_supplier")
	case len(in.Lines) == 0:
		return FieldError("lines", "err.purchase.no_lines")
	}
	if _, _, ok := ParseLocation(in.Location); !ok {
		return FieldError("location", "err.purchase.unknown_location")
	}
	return CheckPOLines(in.Lines)
}

// POTotal is the order total (sum of qty × unit cost, rounded to cents).
func POTotal(lines []POLine) float64 {
	t := 0.0
	for _, l := range lines {
		t += l.Qty * l.UnitCost
	}
	return math.Round(t*100) / 100
}

// CreatePurchaseOrder saves a draft order numbered BC-<year>-<nnnn>.
func CreatePurchaseOrder(app core.App, actor *core.Record, in POInput, now time.Time) (*core.Record, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	if _, err := app.FindRecordById(CollectionSuppliers, in.Supplier); err != nil {
		return nil, FieldError("supplier", "err.purchase.supplier_not_found")
	}
	for i, l := range in.Lines {
		m, err := app.FindRecordById(CollectionMaterials, l.Material)
		if err != nil {
			return nil, FieldError("lines", "err.purchase.line_material_not_found", i+1)
		}
		if l.UnitCost == 0 {
			in.Lines[i].UnitCost = m.GetFloat("unit_cost")
		}
	}
	n, _ := app.CountRecords(CollectionPurchaseOrders)
	number := ""
	for i := n + 1; ; i++ {
		number = fmt.Sprintf("BC-%d-%04d", now.Year(), i)
		if _, err := app.FindFirstRecordByData(CollectionPurchaseOrders, "number", number); err != nil {
			break
		}
	}
	fields := map[string]any{
		"supplier": in.Supplier, "number": number, "status": PODraft, "lines": in.Lines, "total": POTotal(in.Lines),
		"site": in.Site, "location": in.Location, "note": strings.TrimSpace(in.Note),
	}
	if !in.ExpectedAt.IsZero() {
		fields["expected_at"] = in.ExpectedAt.UTC()
	}
	if actor != nil {
		fields["by"] = actor.Id
	}
	return resInsert(app, actor, CollectionPurchaseOrders, fields)
}

// POLines returns the lines of a stored order.
func POLines(r *core.Record) []POLine {
	var lines []POLine
	_ = r.UnmarshalJSONField("lines", &lines)
	return lines
}

// SetPurchaseOrderStatus moves an order along its lifecycle. Sending
// records "order" moves (on order, no stock yet); receiving records the
// receipts at the delivery location. All in one transaction.
func SetPurchaseOrderStatus(app core.App, actor *core.Record, id, status string, now time.Time) (*core.Record, error) {
	var out *core.Record
	err := app.RunInTransaction(func(tx core.App) error {
		po, err := tx.FindRecordById(CollectionPurchaseOrders, id)
		if err != nil {
			return Errorf(ENotFound, "err.purchase.not_found")
		}
		from := po.GetString("status")
		if !CanTransitionPO(from, status) {
			return Errorf(EConflict, "err.purchase.bad_transition", from, status)
		}
		kind := ""
		switch status {
		case POSent:
			kind = MoveOrder
			po.Set("ordered_at", now.UTC())
		case POReceived:
			kind = MoveReceipt
			po.Set("received_at", now.UTC())
		}
		if kind != "" {
			for _, l := range POLines(po) {
				if _, err := RecordStockMove(tx, actor, StockMoveInput{Material: l.Material, Kind: kind, Qty: l.Qty,
					Location: po.GetString("location"), Site: po.GetString("site"), At: now, PurchaseOrder: po.Id}); err != nil {
					return err
				}
			}
		}
		po.Set("status", status)
		resActor(po, actor)
		if err := tx.Save(po); err != nil {
			return resSaveError(err)
		}
		out = po
		return nil
	})
	return out, err
}

// SupplierInput is the supplier form.
type SupplierInput struct {
	Name, Email, Phone, ContactName, Address string
}

// SaveSupplier validates and creates a supplier.
func SaveSupplier(app core.App, actor *core.Record, in SupplierInput) (*core.Record, error) {
	in.Name = strings.TrimSpace(in.Name)
	if in.Name == "" {
		return nil, FieldError("name", "err.name_required")
	}
	return resInsert(app, actor, CollectionSuppliers, map[string]any{"name": in.Name, "email": strings.TrimSpace(in.Email),
		"phone": in.Phone, "contact_name": in.ContactName, "address": in.Address})
}
