package handlers

import (
	"net/http"

	"github.com/pocketbase/pocketbase/core"

	"github.com/fieldops360/fieldops/docs"
	"github.com/fieldops360/fieldops/views/help"
	"github.com/fieldops360/fieldops/views/i18n"
	"github.com/fieldops360/fieldops/views/layouts"
)

// guideCrewAnchor is the guide's section on the crew app.
const guideCrewAnchor = docs.CrewAppAnchor

// helpShow renders the user guide (docs/guide-utilisateur.md) for any
// signed-in user: the help menu of the shell links to it.
func (h *Handlers) helpShow(e *core.RequestEvent) error {
	ctx := e.Request.Context()
	title := i18n.T(ctx, "help.guide")
	vm := help.GuideVM{Shell: h.shell(e, "", title, layouts.Crumb{Label: title}), Blocks: docs.UserGuide()}
	render(e.Response, e.Request, http.StatusOK, help.GuidePage(vm))
	return nil
}
