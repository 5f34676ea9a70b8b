package handlers

import (
	"fmt"
	"net/http"
	"sort"
	"strings"

	"github.com/pocketbase/pocketbase/core"
	"gopkg.in/yaml.v3"

	"github.com/fieldops360/fieldops/views/public"
)

const openAPIAsset = "api/openapi.yaml"

// openAPIDoc is the part of an OpenAPI document the readable page shows.
type openAPIDoc struct {
	Info struct {
		Title, Version, Summary, Description string
	}
	Paths map[string]map[string]struct {
		Tags        []string
		Summary     string
		Description string
		OperationID string `yaml:"operationId"`
		Security    []map[string][]string
		Parameters  []struct {
			Name, In, Description string
			Required              bool
			Schema                struct{ Type string }
		}
		RequestBody struct {
			Content map[string]struct {
				Schema struct {
					Ref string `yaml:"$ref"`
				}
			}
		} `yaml:"requestBody"`
		Responses map[string]struct{ Description string }
	}
}

// apiDocsSpec serves the OpenAPI description as YAML.
func (h *Handlers) apiDocsSpec(e *core.RequestEvent) error {
	b, err := h.assets.Read(openAPIAsset)
	if err != nil {
		return h.fail(e, err)
	}
	e.Response.Header().Set("Content-Type", "application/yaml; charset=utf-8")
	_, err = e.Response.Write(b)
	return err
}

// apiDocs renders the OpenAPI description as a readable page.
func (h *Handlers) apiDocs(e *core.RequestEvent) error {
	b, err := h.assets.Read(openAPIAsset)
	if err != nil {
		return h.fail(e, err)
	}
	var doc openAPIDoc
	if err := yaml.Unmarshal(b, &doc); err != nil {
		return h.fail(e, fmt.Errorf("openapi: %w", err))
	}
	vm := public.APIDocsVM{Page: h.basePage(doc.Info.Title), Title: doc.Info.Title, Version: doc.Info.Version,
		Summary: doc.Info.Summary, SpecURL: "/api/docs/openapi.yaml"}
	for _, p := range strings.Split(strings.TrimSpace(doc.Info.Description), "\n\n") {
		vm.Description = append(vm.Description, strings.ReplaceAll(p, "\n", " "))
	}
	paths := make([]string, 0, len(doc.Paths))
	for p := range doc.Paths {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for _, p := range paths {
		for _, m := range []string{"get", "post", "put", "patch", "delete"} {
			op, ok := doc.Paths[p][m]
			if !ok {
				continue
			}
			ov := public.APIOperationVM{Method: strings.ToUpper(m), Path: p, Summary: op.Summary, Description: strings.TrimSpace(op.Description),
				ID: op.OperationID, Public: op.Security != nil && len(op.Security) == 0}
			if len(op.Tags) > 0 {
				ov.Tag = op.Tags[0]
			}
			for _, pa := range op.Parameters {
				ov.Params = append(ov.Params, public.APIParamVM{Name: pa.Name, In: pa.In, Type: pa.Schema.Type, Description: pa.Description, Required: pa.Required})
			}
			for ct, c := range op.RequestBody.Content {
				ref := strings.TrimPrefix(c.Schema.Ref, "#/components/schemas/")
				ov.Body = strings.TrimSpace(ov.Body + " " + ct + " → " + ref)
			}
			codes := make([]string, 0, len(op.Responses))
			for c := range op.Responses {
				codes = append(codes, c)
			}
			sort.Strings(codes)
			for _, c := range codes {
				ov.Responses = append(ov.Responses, public.APIResponseVM{Code: c, Description: op.Responses[c].Description})
			}
			vm.Operations = append(vm.Operations, ov)
		}
	}
	render(e.Response, e.Request, http.StatusOK, public.APIDocsPage(vm))
	return nil
}
