package domain

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// ChecklistAnswer is the answer to one item of a run: the value (true for
// a check, a number for a measure, the text, the id of the linked photo),
// who answered (user id and name at that time) and when: At is the
// server's time, DeviceAt the device's clock when the answer came from
// the offline outbox (kept, never trusted for At). OutOfBounds flags a
// measure outside the item's bounds (a non-conformity).
type ChecklistAnswer struct {
	Value       any    `json:"value"`
	By          string `json:"by,omitempty"`
	ByName      string `json:"by_name,omitempty"`
	At          string `json:"at,omitempty"`
	DeviceAt    string `json:"device_at,omitempty"`
	OutOfBounds bool   `json:"out_of_bounds,omitempty"`
}

// ChecklistActor is who answers: a user id and display name.
type ChecklistActor struct {
	ID, Name string
}

// ParseChecklistAnswers reads a run's stored answers (keyed by item id).
func ParseChecklistAnswers(raw []byte) map[string]ChecklistAnswer {
	out := map[string]ChecklistAnswer{}
	if len(bytes.TrimSpace(raw)) == 0 {
		return out
	}
	_ = json.Unmarshal(raw, &out)
	if out == nil {
		out = map[string]ChecklistAnswer{}
	}
	return out
}

// answerInput is an answer as a client sends it: {"value": …,
// "device_at": …} or the bare value.
type answerInput struct {
	Value    any
	DeviceAt string
}

func parseAnswerInput(raw json.RawMessage) (answerInput, error) {
	var obj map[string]json.RawMessage
	if json.Unmarshal(raw, &obj) == nil && obj != nil {
		if _, ok := obj["value"]; ok {
			var in answerInput
			if err := json.Unmarshal(obj["value"], &in.Value); err != nil {
				return in, err
			}
			_ = json.Unmarshal(obj["device_at"], &in.DeviceAt)
			return in, nil
		}
	}
	var in answerInput
	err := json.Unmarshal(raw, &in.Value)
	return in, err
}

// MergeAnswers applies the answers a client sent (keyed by item id) onto
// the stored ones. Answers the client did not send are kept (two devices
// answering different items offline do not erase each other); an answer
// whose value did not change keeps its who/when; a changed one is
// stamped with by and now; a null, empty or unticked value clears it.
// Signature items are never answered by hand (a signature on the task
// satisfies them). photoOK tells whether a photo id belongs to the task.
func MergeAnswers(items []ChecklistItem, stored map[string]ChecklistAnswer, incoming map[string]json.RawMessage,
	by ChecklistActor, now time.Time, photoOK func(id string) bool) (map[string]ChecklistAnswer, error) {
	byID := make(map[string]ChecklistItem, len(items))
	for _, it := range items {
		byID[it.ID] = it
	}
	out := make(map[string]ChecklistAnswer, len(stored))
	for id, a := range stored {
		if _, ok := byID[id]; ok {
			out[id] = a
		}
	}
	for id, raw := range incoming {
		it, ok := byID[id]
		if !ok {
			return nil, FieldError("answers", "err.checklist.unknown_item", id)
		}
		if it.Type == ItemSignature {
			continue
		}
		in, err := parseAnswerInput(raw)
		if err != nil {
			return nil, FieldError("answers", "err.checklist.unreadable_answer", it.Label)
		}
		if old, ok := out[id]; ok && sameValue(old.Value, in.Value) {
			continue // unchanged: keeps its who/when
		}
		v, clear, err := normalizeAnswer(it, in.Value, photoOK)
		if err != nil {
			return nil, err
		}
		if clear {
			delete(out, id)
			continue
		}
		if old, ok := out[id]; ok && sameValue(old.Value, v) {
			continue
		}
		a := ChecklistAnswer{Value: v, By: by.ID, ByName: by.Name, At: now.UTC().Format(time.RFC3339)}
		if t, err := time.Parse(time.RFC3339Nano, strings.TrimSpace(in.DeviceAt)); err == nil {
			a.DeviceAt = t.UTC().Format(time.RFC3339)
		}
		if f, ok := v.(float64); ok && it.Type == ItemMeasure {
			a.OutOfBounds = !it.InBounds(f)
		}
		out[id] = a
	}
	return out, nil
}

// normalizeAnswer checks a value against its item's type; clear is true
// for an empty answer (null, "", false).
func normalizeAnswer(it ChecklistItem, v any, photoOK func(string) bool) (any, bool, error) {
	if v == nil {
		return nil, true, nil
	}
	s, isStr := v.(string)
	s = strings.TrimSpace(s)
	if isStr && s == "" {
		return nil, true, nil
	}
	switch it.Type {
	case ItemCheck:
		switch x := v.(type) {
		case bool:
			return true, !x, nil
		case float64:
			return true, x == 0, nil
		}
		switch strings.ToLower(s) {
		case "true", "on", "1", "yes", "oui":
			return true, false, nil
		case "false", "off", "0", "no", "non":
			return nil, true, nil
		}
		return nil, false, FieldError("answers", "err.checklist.tick_box", it.Label)
	case ItemMeasure:
		f, ok := v.(float64)
		if isStr {
			var err error
			f, err = strconv.ParseFloat(strings.ReplaceAll(strings.ReplaceAll(s, " ", ""), ",", "."), 64)
			ok = err == nil
		}
		if !ok || math.IsNaN(f) || math.IsInf(f, 0) {
			return nil, false, FieldError("answers", "err.checklist.enter_number", it.Label, it.Unit)
		}
		return f, false, nil
	case ItemText:
		if !isStr {
			s = strings.TrimSpace(fmt.Sprint(v))
		}
		if len([]rune(s)) > ChecklistMaxText {
			return nil, false, FieldError("answers", "err.checklist.text_too_long", it.Label, ChecklistMaxText)
		}
		return s, false, nil
	case ItemPhoto:
		if !isStr || photoOK == nil || !photoOK(s) {
			return nil, false, FieldError("answers", "err.checklist.choose_photo", it.Label)
		}
		return s, false, nil
	}
	return nil, true, nil
}

// sameValue compares two answer values through their JSON form.
func sameValue(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return bytes.Equal(x, y)
}

// ChecklistFacts are what satisfies photo and signature items: the ids of
// the task's photos, its latest signature (nil when unsigned) and its
// latest signature per signer role. A signature item naming a signer role
// is satisfied by that role's signature only; one naming none, by any.
type ChecklistFacts struct {
	Photos     map[string]bool
	Signature  *ChecklistAnswer
	Signatures map[string]*ChecklistAnswer // by signer role
}

// SignatureFor returns the signature that satisfies an item asking for
// signer ("" for any), or nil.
func (f ChecklistFacts) SignatureFor(signer string) *ChecklistAnswer {
	if signer == "" {
		return f.Signature
	}
	return f.Signatures[signer]
}

// ChecklistItemState is one item of a run with its answer (nil when
// unanswered; for a signature item, the signature) and whether it is
// satisfied.
type ChecklistItemState struct {
	Item      ChecklistItem
	Answer    *ChecklistAnswer
	Satisfied bool
}

// ChecklistStatus is a run evaluated: its items, the required ones still
// missing, the out-of-bounds measures, and Complete when nothing required
// is missing.
type ChecklistStatus struct {
	Items           []ChecklistItemState
	Missing         []ChecklistItem
	NonConformities []ChecklistItem
	Complete        bool
}

// EvaluateChecklist says which items are satisfied: a ticked check, a
// number for a measure, some text, a linked photo that is one of the
// task's, a signature on the task. A run is complete when every required
// item is satisfied; out-of-bounds measures count as answered (flagged).
func EvaluateChecklist(items []ChecklistItem, answers map[string]ChecklistAnswer, facts ChecklistFacts) ChecklistStatus {
	st := ChecklistStatus{Items: make([]ChecklistItemState, 0, len(items))}
	for _, it := range items {
		s := ChecklistItemState{Item: it}
		if a, ok := answers[it.ID]; ok {
			s.Answer = &a
		}
		switch it.Type {
		case ItemCheck:
			s.Satisfied = s.Answer != nil && s.Answer.Value == true
		case ItemMeasure:
			_, s.Satisfied = answerFloat(s.Answer)
			if s.Satisfied && s.Answer.OutOfBounds {
				st.NonConformities = append(st.NonConformities, it)
			}
		case ItemText:
			v, _ := answerValue(s.Answer).(string)
			s.Satisfied = strings.TrimSpace(v) != ""
		case ItemPhoto:
			id, _ := answerValue(s.Answer).(string)
			s.Satisfied = id != "" && facts.Photos[id]
		case ItemSignature:
			s.Answer = facts.SignatureFor(it.Signer)
			s.Satisfied = s.Answer != nil
		}
		if it.Required && !s.Satisfied {
			st.Missing = append(st.Missing, it)
		}
		st.Items = append(st.Items, s)
	}
	st.Complete = len(st.Missing) == 0
	return st
}

func answerValue(a *ChecklistAnswer) any {
	if a == nil {
		return nil
	}
	return a.Value
}

func answerFloat(a *ChecklistAnswer) (float64, bool) {
	f, ok := answerValue(a).(float64)
	return f, ok
}

// ErrChecklistIncomplete is the refusal to finish a task whose checklist
// misses required items; the message lists them.
func ErrChecklistIncomplete(missing []ChecklistItem) *Error {
	l := RequiredLabels(missing)
	return &Error{Code: EInvalid, Field: "status", Key: "err.checklist.incomplete", Args: []any{l}}
}
