// Package pbmigrations holds the small schema vocabulary shared by the
// platform and tenant migration lists (pb_migrations/platform,
// pb_migrations/tenant). Migrations are plain functions run by
// core.NewMigrationsRunner from explicit lists, never through init().
package pbmigrations

import (
	"fmt"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"
)

// Rule returns a pointer to an API rule expression ("" = public).
func Rule(expr string) *string { return types.Pointer(expr) }

// Rules sets the five API rules of a collection (nil = superusers only).
func Rules(c *core.Collection, list, view, create, update, del *string) {
	c.ListRule, c.ViewRule, c.CreateRule, c.UpdateRule, c.DeleteRule = list, view, create, update, del
}

// Text is a text field; max 0 means PocketBase's default limit.
func Text(name string, required bool, max int) *core.TextField {
	return &core.TextField{Name: name, Required: required, Max: max}
}

// Editor is a long rich-text/plain-text field.
func Editor(name string) *core.EditorField { return &core.EditorField{Name: name} }

// Number is a number field with optional bounds.
func Number(name string, required bool, min, max *float64) *core.NumberField {
	return &core.NumberField{Name: name, Required: required, Min: min, Max: max}
}

// Int is a whole number field, min 0 unless negative is true.
func Int(name string, negative bool) *core.NumberField {
	f := &core.NumberField{Name: name, OnlyInt: true}
	if !negative {
		f.Min = types.Pointer(0.0)
	}
	return f
}

// Money is a non-negative amount in euros.
func Money(name string) *core.NumberField {
	return &core.NumberField{Name: name, Min: types.Pointer(0.0)}
}

// Bool is a boolean field.
func Bool(name string) *core.BoolField { return &core.BoolField{Name: name} }

// Date is a datetime field (stored UTC).
func Date(name string, required bool) *core.DateField {
	return &core.DateField{Name: name, Required: required}
}

// Select is a single-choice select field.
func Select(name string, required bool, values ...string) *core.SelectField {
	return &core.SelectField{Name: name, Required: required, Values: values, MaxSelect: 1}
}

// MultiSelect is a multiple-choice select field.
func MultiSelect(name string, values ...string) *core.SelectField {
	return &core.SelectField{Name: name, Values: values, MaxSelect: len(values)}
}

// JSON is a JSON field.
func JSON(name string) *core.JSONField { return &core.JSONField{Name: name, MaxSize: 1 << 20} }

// Email is an email field.
func Email(name string, required bool) *core.EmailField {
	return &core.EmailField{Name: name, Required: required}
}

// File is a file field; max files per record and max bytes per file.
func File(name string, maxSelect int, maxSize int64, mimeTypes ...string) *core.FileField {
	return &core.FileField{Name: name, MaxSelect: maxSelect, MaxSize: maxSize, MimeTypes: mimeTypes}
}

// Timestamps returns the created/updated autodate fields.
func Timestamps() []core.Field {
	return []core.Field{
		&core.AutodateField{Name: "created", OnCreate: true},
		&core.AutodateField{Name: "updated", OnCreate: true, OnUpdate: true},
	}
}

// Relation returns a relation field to the named collection, which must
// already exist in app.
func Relation(app core.App, name, target string, required bool, maxSelect int, cascade bool) (*core.RelationField, error) {
	col, err := app.FindCollectionByNameOrId(target)
	if err != nil {
		return nil, fmt.Errorf("relation %s → %s: %w", name, target, err)
	}
	return &core.RelationField{Name: name, CollectionId: col.Id, Required: required, MaxSelect: maxSelect, CascadeDelete: cascade}, nil
}

// Builder declares a collection: fields, relations, indexes and rules are
// recorded in order and resolved when Save runs, so that a migration can
// declare several collections referring to each other as one list.
type Builder struct {
	App    core.App
	Col    *core.Collection
	err    error
	fields []func() (core.Field, error)
}

// NewBase starts a base collection.
func NewBase(app core.App, name string) *Builder {
	return &Builder{App: app, Col: core.NewBaseCollection(name)}
}

// Existing starts from an existing collection (e.g. PocketBase's users).
func Existing(app core.App, name string) *Builder {
	col, err := app.FindCollectionByNameOrId(name)
	return &Builder{App: app, Col: col, err: err}
}

// Add appends fields.
func (b *Builder) Add(fields ...core.Field) *Builder {
	for _, f := range fields {
		b.fields = append(b.fields, func() (core.Field, error) { return f, nil })
	}
	return b
}

// Rel appends a relation field to target, resolved at Save time.
func (b *Builder) Rel(name, target string, required bool, maxSelect int, cascade bool) *Builder {
	b.fields = append(b.fields, func() (core.Field, error) {
		return Relation(b.App, name, target, required, maxSelect, cascade)
	})
	return b
}

// Index adds an index on columns; unique makes it a UNIQUE index.
func (b *Builder) Index(unique bool, columns ...string) *Builder {
	if b.err == nil {
		name := "idx_" + b.Col.Name
		for _, c := range columns {
			name += "_" + c
		}
		b.Col.AddIndex(name, unique, joinCols(columns), "")
	}
	return b
}

// Rules sets the API rules.
func (b *Builder) Rules(list, view, create, update, del *string) *Builder {
	if b.err == nil {
		Rules(b.Col, list, view, create, update, del)
	}
	return b
}

// Save resolves the fields, adds timestamps (when missing) and saves the
// collection.
func (b *Builder) Save() error {
	if b.err != nil {
		return b.err
	}
	for _, mk := range b.fields {
		f, err := mk()
		if err != nil {
			return err
		}
		b.Col.Fields.Add(f)
	}
	for _, f := range Timestamps() {
		if b.Col.Fields.GetByName(f.GetName()) == nil {
			b.Col.Fields.Add(f)
		}
	}
	if err := b.App.Save(b.Col); err != nil {
		return fmt.Errorf("save collection %s: %w", b.Col.Name, err)
	}
	return nil
}

func joinCols(cols []string) string {
	s := ""
	for i, c := range cols {
		if i > 0 {
			s += ", "
		}
		s += "`" + c + "`"
	}
	return s
}
