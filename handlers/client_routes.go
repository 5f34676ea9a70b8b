package handlers

import (
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"
)

// clientRoutes registers the client portal (issue #20): the magic link,
// the client's pages under /client/ (guarded by requireClient, see
// client_session.go), the office's invitation API and client actions.
func (h *Handlers) clientRoutes(r *router.Router[*core.RequestEvent]) {
	r.GET("/client/link/{token}", h.clientLinkOpen)
	r.POST("/client/logout", h.clientLogout)
	r.GET("/client/signed-out", h.clientSignedOut)
	g := h.clientGroup(r)
	g.GET("/{$}", h.clientHome)
	g.GET("/sites/{id}", h.clientSiteShow)
	g.GET("/sites/{id}/reports/{file}", h.clientReportFile)
	g.GET("/sites/{id}/documents/{file}", h.clientDocumentFile)
	g.GET("/sites/{id}/photos/{file}", h.clientPhotoFile)
	g.GET("/sites/{id}/proofs/{file}", h.clientProofFile)
	g.GET("/sites/{id}/invoices/{file}", h.clientInvoiceFile)

	r.POST("/api/fieldops/client-invitations", h.clientInvitationAPI)
	m := h.module(r, "sites")
	m.GET("/clients/{id}", h.clientShow)
	m.POST("/clients/{id}/contacts/invite", h.clientContactInvite)
	m.POST("/clients/{id}/share/{kind}/{rid}", h.clientShare)
	m.POST("/clients/access/{aid}/renew", h.clientAccessRenew)
	m.POST("/clients/access/{aid}/revoke", h.clientAccessRevoke)
}
