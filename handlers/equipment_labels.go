package handlers

import (
	"net/http"

	"github.com/pocketbase/pocketbase/core"
	qrcode "github.com/skip2/go-qrcode"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/views/i18n"
	"github.com/fieldops360/fieldops/views/layouts"
	"github.com/fieldops360/fieldops/views/resources"
)

// equipmentLabels renders a printable sheet of QR labels, one per item
// (?id= repeated to print some only). Each code encodes the item's URL on
// the tenant host, so any phone camera opens its page.
func (h *Handlers) equipmentLabels(e *core.RequestEvent) error {
	ctx := e.Request.Context()
	recs, err := domain.FindEquipment(e.App, e.Request.URL.Query().Get("q"), "")
	if err != nil {
		return h.fail(e, err)
	}
	only := map[string]bool{}
	for _, id := range e.Request.URL.Query()["id"] {
		only[id] = true
	}
	title := i18n.T(ctx, "res.equipment.labels")
	vm := resources.LabelsVM{Page: h.resPage(e, "equipment", title, layouts.Crumb{Label: i18n.T(ctx, "nav.equipment"), Href: "/equipment"}, layouts.Crumb{Label: title})}
	base := h.baseURL(e)
	for _, r := range domain.AsEquipmentList(recs) {
		if len(only) > 0 && !only[r.Id] {
			continue
		}
		url := base + "/equipment/" + r.Id
		q, err := qrcode.New(url, qrcode.Medium)
		if err != nil {
			return h.fail(e, err)
		}
		vm.Labels = append(vm.Labels, resources.LabelVM{ID: r.Id, Code: r.Code(), Name: r.Name(), URL: url, Matrix: q.Bitmap()})
	}
	render(e.Response, e.Request, http.StatusOK, resources.LabelsPage(vm))
	return nil
}
