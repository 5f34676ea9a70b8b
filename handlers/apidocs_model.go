package handlers

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/fieldops360/fieldops/views/public"
)

// openAPIDoc is the part of the OpenAPI description the readable page
// shows (assets/static/api/openapi.yaml, see scripts/openapi).
type openAPIDoc struct {
	Info struct {
		Title, Version, Summary, Description string
	}
	Tags []struct {
		Name, Description string
		Collection        string `yaml:"x-fieldops-collection"`
	}
	TagGroups []struct {
		Name string
		Tags []string
	} `yaml:"x-tagGroups"`
	Paths      map[string]map[string]openAPIOp
	Components struct {
		Parameters map[string]openAPIParam
		Responses  map[string]struct{ Description string }
		Schemas    map[string]openAPISchema
	}
}

type openAPIOp struct {
	Tags        []string
	Summary     string
	Description string
	OperationID string `yaml:"operationId"`
	Security    []map[string][]string
	Parameters  []openAPIParam
	RequestBody struct {
		Content map[string]struct {
			Schema struct {
				Ref string `yaml:"$ref"`
			}
		}
	} `yaml:"requestBody"`
	Responses map[string]struct {
		Ref         string `yaml:"$ref"`
		Description string
	}
	Rule  string `yaml:"x-fieldops-rule"`
	Roles struct {
		Always, Conditional []string
	} `yaml:"x-fieldops-roles"`
}

type openAPIParam struct {
	Ref                   string `yaml:"$ref"`
	Name, In, Description string
	Required              bool
	Schema                struct{ Type string }
}

type openAPISchema struct {
	AllOf []struct {
		Ref string `yaml:"$ref"`
	} `yaml:"allOf"`
	Required   []string
	Properties yaml.Node
}

type openAPIProp struct {
	Type      any
	Format    string
	Enum      []string
	MaxLength int `yaml:"maxLength"`
	Items     struct {
		Type string
		Enum []string
	}
	Description string
	Relation    string `yaml:"x-fieldops-relation"`
	ReadOnly    bool   `yaml:"readOnly"`
}

var apiMethods = []string{"get", "head", "post", "put", "patch", "delete"}

// crudNames are the columns of a collection's access table, from the
// generated operation ids (list_sites…).
var crudNames = []string{"list", "view", "create", "update", "delete"}

// apiDocsVM turns the description into the page model: groups of tags
// (x-tagGroups) with an index, each tag with its operations and, for a
// collection, its fields and the access of each role.
func apiDocsVM(doc *openAPIDoc) public.APIDocsVM {
	vm := public.APIDocsVM{Title: doc.Info.Title, Version: doc.Info.Version, Summary: doc.Info.Summary, SpecURL: "/api/docs/openapi.yaml"}
	for _, p := range strings.Split(strings.TrimSpace(doc.Info.Description), "\n\n") {
		vm.Description = append(vm.Description, strings.ReplaceAll(p, "\n", " "))
	}
	for _, name := range []string{"filter", "sort", "page", "perPage", "skipTotal", "expand", "fields"} {
		if p, ok := doc.Components.Parameters[name]; ok {
			vm.Common = append(vm.Common, public.APIParamVM{Name: p.Name, In: p.In, Type: p.Schema.Type, Description: p.Description})
		}
	}
	byTag := map[string][]public.APIOperationVM{}
	paths := make([]string, 0, len(doc.Paths))
	for p := range doc.Paths {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for _, p := range paths {
		for _, m := range apiMethods {
			if op, ok := doc.Paths[p][m]; ok {
				ov := operationVM(doc, p, m, op)
				byTag[ov.Tag] = append(byTag[ov.Tag], ov)
			}
		}
	}
	tags := map[string]public.APITagVM{}
	for _, t := range doc.Tags {
		tv := public.APITagVM{Name: t.Name, Anchor: "tag-" + strings.ReplaceAll(t.Name, " ", "-"), Description: t.Description, Operations: byTag[t.Name]}
		if t.Collection != "" {
			tv.Fields = fieldsVM(doc.Components.Schemas, t.Collection)
			tv.Access = accessVM(tv.Operations)
		}
		tags[t.Name] = tv
	}
	for _, g := range doc.TagGroups {
		gv := public.APIGroupVM{Name: g.Name}
		for _, name := range g.Tags {
			if tv, ok := tags[name]; ok {
				gv.Tags = append(gv.Tags, tv)
			}
		}
		vm.Groups = append(vm.Groups, gv)
	}
	return vm
}

func operationVM(doc *openAPIDoc, path, method string, op openAPIOp) public.APIOperationVM {
	ov := public.APIOperationVM{Method: strings.ToUpper(method), Path: path, Summary: op.Summary, Description: strings.TrimSpace(op.Description),
		ID: op.OperationID, Public: op.Security != nil && len(op.Security) == 0, Rule: op.Rule, Always: op.Roles.Always, Conditional: op.Roles.Conditional}
	if len(op.Tags) > 0 {
		ov.Tag = op.Tags[0]
	}
	if op.Rule != "" { // the rule and the roles are shown apart
		ov.Description = ""
	}
	for _, pa := range op.Parameters {
		if name, ok := strings.CutPrefix(pa.Ref, "#/components/parameters/"); ok {
			if c := doc.Components.Parameters[name]; c.In == "path" {
				ov.Params = append(ov.Params, public.APIParamVM{Name: c.Name, In: c.In, Type: c.Schema.Type, Description: c.Description, Required: c.Required})
			} else {
				ov.CommonParams = append(ov.CommonParams, c.Name)
			}
			continue
		}
		ov.Params = append(ov.Params, public.APIParamVM{Name: pa.Name, In: pa.In, Type: pa.Schema.Type, Description: pa.Description, Required: pa.Required})
	}
	cts := make([]string, 0, len(op.RequestBody.Content))
	for ct := range op.RequestBody.Content {
		cts = append(cts, ct)
	}
	sort.Strings(cts)
	for _, ct := range cts {
		ref := strings.TrimPrefix(op.RequestBody.Content[ct].Schema.Ref, "#/components/schemas/")
		ov.Body = strings.TrimSpace(ov.Body + " " + ct + " → " + ref)
	}
	codes := make([]string, 0, len(op.Responses))
	for c := range op.Responses {
		codes = append(codes, c)
	}
	sort.Strings(codes)
	for _, c := range codes {
		r := op.Responses[c]
		if name, ok := strings.CutPrefix(r.Ref, "#/components/responses/"); ok {
			r.Description = doc.Components.Responses[name].Description
		}
		ov.Responses = append(ov.Responses, public.APIResponseVM{Code: c, Description: r.Description})
	}
	return ov
}

// fieldsVM lists the fields of a collection's record schema in schema
// order; required ones are those its create schema requires.
func fieldsVM(schemas map[string]openAPISchema, name string) []public.APIFieldVM {
	required := map[string]bool{}
	for _, f := range schemas[name+".create"].Required {
		required[f] = true
	}
	props := schemas[name].Properties
	var out []public.APIFieldVM
	for i := 0; i+1 < len(props.Content); i += 2 {
		var p openAPIProp
		if err := props.Content[i+1].Decode(&p); err != nil {
			continue
		}
		out = append(out, public.APIFieldVM{Name: props.Content[i].Value, Type: propType(p), Notes: p.Description,
			Required: required[props.Content[i].Value], ReadOnly: p.ReadOnly})
	}
	return out
}

// propType is a short reading of a property's JSON Schema.
func propType(p openAPIProp) string {
	t := fmt.Sprint(p.Type)
	if p.Type == nil {
		t = "json"
	}
	switch {
	case p.Relation != "" && t == "array":
		t = "[id → " + p.Relation + "]"
	case p.Relation != "":
		t = "id → " + p.Relation
	case t == "array" && len(p.Items.Enum) > 0:
		t = "[" + strings.Join(p.Items.Enum, " | ") + "]"
	case t == "array":
		t = "[" + p.Items.Type + "]"
	case len(p.Enum) > 0:
		t = strings.Join(p.Enum, " | ")
	case p.Format != "":
		t += " (" + p.Format + ")"
	}
	if p.MaxLength > 0 {
		t += fmt.Sprintf(" ≤ %d", p.MaxLength)
	}
	return t
}

// accessVM is a collection's access table: per role, per operation.
func accessVM(ops []public.APIOperationVM) []public.APIAccessVM {
	byName := map[string]public.APIOperationVM{}
	for _, op := range ops {
		if name, _, ok := strings.Cut(op.ID, "_"); ok {
			byName[name] = op
		}
	}
	var out []public.APIAccessVM
	for _, role := range []string{"manager", "project_manager", "site_lead", "crew", "tenant_admin"} {
		row := public.APIAccessVM{Role: role}
		for _, name := range crudNames {
			op, ok := byName[name]
			switch {
			case ok && slices.Contains(op.Always, role):
				row.Cells = append(row.Cells, public.AccessAlways)
			case ok && slices.Contains(op.Conditional, role):
				row.Cells = append(row.Cells, public.AccessConditional)
			default:
				row.Cells = append(row.Cells, public.AccessNone)
			}
		}
		out = append(out, row)
	}
	return out
}
