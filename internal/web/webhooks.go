package web

import (
	"net/http"
	"strings"

	"alliance"
	"alliance/internal/app"
)

// WebhooksPage lists the organisation's webhooks and adds one; a new
// webhook's secret is shown once.
type WebhooksPage struct {
	*Base
	Webhooks  []app.WebhookView
	Events    []string
	NewSecret string
	NewID     int64
}

func (s *Server) webhooksPage(w http.ResponseWriter, r *http.Request) error {
	return s.renderWebhooks(w, r, s.newBase(r, "webhooks.title"), http.StatusOK, nil)
}

func (s *Server) renderWebhooks(w http.ResponseWriter, r *http.Request, b *Base, status int, created *alliance.Webhook) error {
	list, err := s.svc.Webhooks(r.Context(), caller(r))
	if err != nil {
		return err
	}
	p := &WebhooksPage{Base: b, Webhooks: list, Events: alliance.WebhookEvents}
	if created != nil {
		p.NewSecret, p.NewID = created.Secret, created.ID
	}
	return s.render(w, status, "webhooks", p)
}

func (s *Server) webhookCreate(w http.ResponseWriter, r *http.Request) error {
	b := s.newBase(r, "webhooks.title")
	created, err := s.svc.CreateWebhook(r.Context(), caller(r), r.PostFormValue("url"), r.PostForm["events"])
	if err != nil {
		return s.formError(err, b, func(status int) error { return s.renderWebhooks(w, r, b, status, nil) })
	}
	return s.renderWebhooks(w, r, b, http.StatusCreated, created)
}

func (s *Server) webhookDisable(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := s.svc.DisableWebhook(r.Context(), caller(r), id); err != nil {
		return err
	}
	http.Redirect(w, r, "/webhooks", http.StatusSeeOther)
	return nil
}

// webhookInput is the body of POST /api/v1/webhooks.
type webhookInput struct {
	URL    string   `json:"url"`
	Events []string `json:"events"`
}

func (s *Server) apiWebhookList(w http.ResponseWriter, r *http.Request) error {
	list, err := s.svc.Webhooks(r.Context(), caller(r))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, list)
	return nil
}

// apiWebhookCreate answers with the webhook and, this once, its secret.
func (s *Server) apiWebhookCreate(w http.ResponseWriter, r *http.Request) error {
	var in webhookInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	created, err := s.svc.CreateWebhook(r.Context(), caller(r), strings.TrimSpace(in.URL), in.Events)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, struct {
		alliance.Webhook
		Secret string `json:"secret"`
	}{*created, created.Secret})
	return nil
}

func (s *Server) apiWebhookDisable(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := s.svc.DisableWebhook(r.Context(), caller(r), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
