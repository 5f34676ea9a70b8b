package components

// WholeForm is the error key of a form error no field owns (a conflict,
// a permission, a stale page).
const WholeForm = "_form"

// FieldErrors are a form's error messages by field name (WholeForm for
// the form as a whole).
type FieldErrors map[string]string

// E returns a field's error.
func (e FieldErrors) E(name string) string { return e[name] }

// Err returns the form-level error.
func (e FieldErrors) Err() string { return e[WholeForm] }

// Form is the view model of a posted form that comes back with errors:
// the values typed in (kept) and the errors by field. Forms whose values
// are typed fields of their own view model carry FieldErrors only.
type Form struct {
	Values map[string]string
	Errors FieldErrors
}

// V returns a typed-in value.
func (f Form) V(name string) string { return f.Values[name] }

// E returns a field's error.
func (f Form) E(name string) string { return f.Errors[name] }

// Err returns the form-level error.
func (f Form) Err() string { return f.Errors[WholeForm] }
