package handlers

import (
	"context"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/views/crew"
	"github.com/fieldops360/fieldops/views/i18n"
	"github.com/fieldops360/fieldops/views/planning"
)

// numberText formats a measure the way the locale writes it.
func numberText(ctx context.Context, v float64) string {
	s := strconv.FormatFloat(v, 'f', -1, 64)
	if i18n.Lang(ctx) == i18n.FR {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}

// boundsText is "20 – 50 mm", "≥ 20 mm", "≤ 50 mm" or "".
func boundsText(ctx context.Context, it domain.ChecklistItem) string {
	switch {
	case it.Min != nil && it.Max != nil:
		return numberText(ctx, *it.Min) + " – " + numberText(ctx, *it.Max) + " " + it.Unit
	case it.Min != nil:
		return "≥ " + numberText(ctx, *it.Min) + " " + it.Unit
	case it.Max != nil:
		return "≤ " + numberText(ctx, *it.Max) + " " + it.Unit
	}
	return ""
}

// stampText formats an answer's RFC 3339 time ("" when absent).
func stampText(ctx context.Context, s string) string {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return ""
	}
	return i18n.FormatDateTime(ctx, t)
}

// answerText formats a satisfied item's answer for reading.
func answerText(ctx context.Context, s domain.ChecklistItemState) string {
	if s.Answer == nil {
		return ""
	}
	switch s.Item.Type {
	case domain.ItemCheck:
		return "✓ " + i18n.T(ctx, "cl.checked")
	case domain.ItemMeasure:
		if f, ok := s.Answer.Value.(float64); ok {
			return numberText(ctx, f) + " " + s.Item.Unit
		}
	case domain.ItemPhoto:
		return i18n.T(ctx, "cl.photo_linked")
	case domain.ItemSignature:
		return i18n.T(ctx, "cl.signed_by", s.Answer.ByName)
	}
	v, _ := s.Answer.Value.(string)
	return v
}

// answerInput is the value an item's form control shows.
func answerInput(ctx context.Context, s domain.ChecklistItemState) string {
	if s.Answer == nil || s.Item.Type == domain.ItemSignature {
		return ""
	}
	switch v := s.Answer.Value.(type) {
	case bool:
		if v {
			return "true"
		}
		return ""
	case float64:
		return numberText(ctx, v)
	case string:
		return v
	}
	return ""
}

// runRowVMs formats an evaluated run for the office (read-only).
func runRowVMs(ctx context.Context, st domain.ChecklistStatus) []planning.RunRowVM {
	out := make([]planning.RunRowVM, 0, len(st.Items))
	for _, s := range st.Items {
		row := planning.RunRowVM{ID: s.Item.ID, Label: s.Item.Label, Type: s.Item.Type, Required: s.Item.Required, Satisfied: s.Satisfied,
			Value: answerText(ctx, s)}
		if s.Answer != nil {
			row.Who, row.When, row.DeviceAt = s.Answer.ByName, stampText(ctx, s.Answer.At), stampText(ctx, s.Answer.DeviceAt)
			row.OutOfBounds = s.Answer.OutOfBounds
		}
		out = append(out, row)
	}
	return out
}

// checkItemVMs formats an evaluated run for the crew's form; photos are
// the task's photos offered to photo items.
func checkItemVMs(ctx context.Context, st domain.ChecklistStatus, photos []domain.Photo, photoHref, signHref string) []crew.CheckItemVM {
	out := make([]crew.CheckItemVM, 0, len(st.Items))
	for _, s := range st.Items {
		vm := crew.CheckItemVM{ID: s.Item.ID, Label: s.Item.Label, Type: s.Item.Type, Required: s.Item.Required, Satisfied: s.Satisfied,
			Value: answerInput(ctx, s), Unit: s.Item.Unit, Bounds: boundsText(ctx, s.Item)}
		if s.Answer != nil {
			vm.Who, vm.When, vm.OutOfBounds = s.Answer.ByName, stampText(ctx, s.Answer.At), s.Answer.OutOfBounds
		}
		switch s.Item.Type {
		case domain.ItemPhoto:
			vm.Href = photoHref + "&item=" + url.QueryEscape(s.Item.ID)
			vm.Photos = photoOptions(ctx, photos)
		case domain.ItemSignature:
			vm.Href = signHref
			if signHref != "" && s.Item.Signer != "" { // the sign page asks for that signer
				vm.Href += "?role=" + url.QueryEscape(s.Item.Signer)
			}
		}
		out = append(out, vm)
	}
	return out
}
