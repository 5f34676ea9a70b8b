package domain

import (
	"crypto/rand"
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"sort"
	"strings"

	"github.com/pocketbase/pocketbase/core"

	"github.com/fieldops360/fieldops/catalog"
)

// CollectionChecklistRuns holds one checklist run per task.
const CollectionChecklistRuns = "checklist_runs"

// Checklist item types. A check is ticked; a photo item is satisfied by a
// photo of the task linked to the item; a measure needs a number in its
// unit (outside [min, max] it is accepted but flagged as a
// non-conformity); a signature item is satisfied by a signature on the
// task; a text item needs some text.
const (
	ItemCheck     = "check"
	ItemPhoto     = "photo"
	ItemMeasure   = "measure"
	ItemSignature = "signature"
	ItemText      = "text"
)

// ChecklistItemTypes lists the item types in the builder's order.
func ChecklistItemTypes() []string {
	return []string{ItemCheck, ItemMeasure, ItemText, ItemPhoto, ItemSignature}
}

// Limits of a checklist template.
const (
	ChecklistMaxItems   = 100
	ChecklistMaxLabel   = 300
	ChecklistMaxText    = 2000
	checklistMaxUnitLen = 20
)

// ChecklistItem is one item of a checklist template. ID is stable across
// edits (answers refer to it); Unit, Min and Max only apply to measures;
// Signer only to signatures: the signer role (SignerRoles) whose
// signature satisfies the item, "" for any signer.
type ChecklistItem struct {
	ID       string   `json:"id"`
	Label    string   `json:"label"`
	Type     string   `json:"type"`
	Required bool     `json:"required"`
	Unit     string   `json:"unit,omitempty"`
	Min      *float64 `json:"min,omitempty"`
	Max      *float64 `json:"max,omitempty"`
	Signer   string   `json:"signer,omitempty"`
}

// InBounds reports whether v lies within the item's bounds (a measure
// outside them is a non-conformity).
func (it ChecklistItem) InBounds(v float64) bool {
	return (it.Min == nil || v >= *it.Min) && (it.Max == nil || v <= *it.Max)
}

// rawItem also reads the reference data's seed format (Kind instead of
// Type, no id): JSON keys match case-insensitively.
type rawItem struct {
	ChecklistItem
	Kind string `json:"kind"`
}

// ParseChecklistItems reads a template's items JSON. Items without an id
// get one from their position ("item-3"), so seeded templates stay
// answerable; the next save stores it. A signature item without a signer
// role gets the one its label names (SignerForLabel).
func ParseChecklistItems(raw []byte) ([]ChecklistItem, error) {
	if len(strings.TrimSpace(string(raw))) == 0 || string(raw) == "null" {
		return nil, nil
	}
	var in []rawItem
	if err := json.Unmarshal(raw, &in); err != nil {
		return nil, FieldError("items", "err.checklist.unreadable_items")
	}
	out := make([]ChecklistItem, len(in))
	for i, r := range in {
		it := r.ChecklistItem
		if it.Type == "" {
			it.Type = r.Kind
		}
		it.ID = strings.TrimSpace(it.ID)
		if it.ID == "" {
			it.ID = fmt.Sprintf("item-%d", i+1)
		}
		it.Label = strings.TrimSpace(it.Label)
		it.Unit = strings.TrimSpace(it.Unit)
		it.Type = strings.TrimSpace(it.Type)
		if it.Type != ItemMeasure {
			it.Unit, it.Min, it.Max = "", nil, nil
		}
		it.Signer = strings.TrimSpace(it.Signer)
		switch {
		case it.Type != ItemSignature:
			it.Signer = ""
		case it.Signer == "":
			it.Signer = SignerForLabel(it.Label)
		}
		out[i] = it
	}
	return out, nil
}

// NewChecklistItemID returns a fresh random item id.
func NewChecklistItemID() string {
	const abc = "abcdefghijklmnopqrstuvwxyz0123456789"
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = abc[int(b[i])%len(abc)]
	}
	return "i" + string(b)
}

var (
	checklistIDPattern   = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,31}$`)
	checklistCodePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{1,63}$`)
)

// ChecklistInvalid lists a template's problems, one message per form
// field: "name", "code", "items", or "item.<n>.<field>" for the item at
// index n (label, type, unit, min, max, id). It unwraps to an EInvalid
// *Error whose message lists them all (REST API answer).
type ChecklistInvalid struct {
	Fields map[string]catalog.Text
}

// Error joins the messages in field order.
func (c *ChecklistInvalid) Error() string { return c.summary().Error() }

// Unwrap returns the EInvalid error of the whole list.
func (c *ChecklistInvalid) Unwrap() error { return c.summary() }

func (c *ChecklistInvalid) summary() *Error {
	keys := make([]string, 0, len(c.Fields))
	for k := range c.Fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	list := make(catalog.List, 0, len(keys))
	for _, k := range keys {
		list = append(list, c.Fields[k])
	}
	field := ""
	if len(keys) > 0 {
		field = keys[0]
	}
	return &Error{Code: EInvalid, Field: field, Key: "err.checklist.invalid", Args: []any{list}}
}

// ValidateChecklist checks a template: a name and a code (lower-case
// letters, digits, - and _), 1 to 100 items, each with a unique id, a
// label, a known type; a measure has a unit and min ≤ max; a signature's
// signer is a known role or none. It returns nil
// or a *ChecklistInvalid naming each field at fault.
func ValidateChecklist(name, code string, items []ChecklistItem) error {
	errs := map[string]catalog.Text{}
	if strings.TrimSpace(name) == "" {
		errs["name"] = catalog.New("err.checklist.name_required")
	} else if len([]rune(name)) > 200 {
		errs["name"] = catalog.New("err.checklist.name_too_long")
	}
	if !checklistCodePattern.MatchString(code) {
		errs["code"] = catalog.New("err.checklist.invalid_code")
	}
	switch {
	case len(items) == 0:
		errs["items"] = catalog.New("err.checklist.no_items")
	case len(items) > ChecklistMaxItems:
		errs["items"] = catalog.New("err.checklist.too_many_items", ChecklistMaxItems)
	}
	seen := map[string]int{}
	for i, it := range items {
		n := i + 1
		key := func(f string) string { return fmt.Sprintf("item.%d.%s", i, f) }
		if !checklistIDPattern.MatchString(it.ID) {
			errs[key("id")] = catalog.New("err.checklist.item_invalid_id", n)
		} else if j, dup := seen[it.ID]; dup {
			errs[key("id")] = catalog.New("err.checklist.item_duplicate_id", n, it.ID, j+1)
		} else {
			seen[it.ID] = i
		}
		if strings.TrimSpace(it.Label) == "" {
			errs[key("label")] = catalog.New("err.checklist.item_empty_label", n)
		} else if len([]rune(it.Label)) > ChecklistMaxLabel {
			errs[key("label")] = catalog.New("err.checklist.item_label_too_long", n, ChecklistMaxLabel)
		}
		if !contains(ChecklistItemTypes(), it.Type) {
			errs[key("type")] = catalog.New("err.checklist.item_unknown_type", n, it.Type)
			continue
		}
		if it.Type == ItemSignature && it.Signer != "" && !contains(SignerRoles(), it.Signer) {
			errs[key("signer")] = catalog.New("err.checklist.item_unknown_signer", n, it.Signer)
		}
		if it.Type != ItemMeasure {
			continue
		}
		if it.Unit == "" {
			errs[key("unit")] = catalog.New("err.checklist.item_unit_required", n)
		} else if len([]rune(it.Unit)) > checklistMaxUnitLen {
			errs[key("unit")] = catalog.New("err.checklist.item_unit_too_long", n)
		}
		for f, p := range map[string]*float64{"min": it.Min, "max": it.Max} {
			if p != nil && (math.IsNaN(*p) || math.IsInf(*p, 0)) {
				errs[key(f)] = catalog.New("err.checklist.item_invalid_bound", n)
			}
		}
		if it.Min != nil && it.Max != nil && *it.Min > *it.Max {
			errs[key("min")] = catalog.New("err.checklist.item_min_above_max",
				n, fmtNum(*it.Min), fmtNum(*it.Max))
		}
	}
	if len(errs) == 0 {
		return nil
	}
	return &ChecklistInvalid{Fields: errs}
}

// fmtNum formats a number without trailing zeros.
func fmtNum(v float64) string { return fmt.Sprintf("%g", v) }

// ChecklistTemplate is a template record's content.
type ChecklistTemplate struct {
	ID, Code, Name string
	Items          []ChecklistItem
}

// TemplateOf reads a checklist_templates record.
func TemplateOf(r *core.Record) (ChecklistTemplate, error) {
	items, err := ParseChecklistItems([]byte(r.GetString("items")))
	return ChecklistTemplate{ID: r.Id, Code: r.GetString("code"), Name: r.GetString("name"), Items: items}, err
}

// RequiredLabels returns the quoted labels of items, for messages.
func RequiredLabels(items []ChecklistItem) string {
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = "« " + it.Label + " »"
	}
	return strings.Join(out, ", ")
}
