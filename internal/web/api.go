package web

import (
	_ "embed"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"alliance"
	"alliance/internal/app"
)

// openAPIDoc describes the JSON API; a test holds it to the routes registered.
//
//go:embed openapi.json
var openAPIDoc []byte

// decodeJSON reads exactly one JSON object into v, refusing unknown fields, and
// names what is wrong and where.
func decodeJSON(r *http.Request, v any) error {
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var mbe *http.MaxBytesError
		var se *json.SyntaxError
		var te *json.UnmarshalTypeError
		switch {
		case errors.As(err, &mbe):
			return err
		case errors.Is(err, io.EOF):
			return alliance.Invalid("body", "the request body is empty; send a JSON object")
		case errors.As(err, &se):
			return alliance.Invalid("body", "malformed JSON at byte %d: %v", se.Offset, se)
		case errors.As(err, &te):
			field := te.Field
			if field == "" {
				field = "body"
			}
			return alliance.Invalid(field, "expected %s, got a JSON %s", te.Type, te.Value)
		case strings.HasPrefix(err.Error(), "json: unknown field "):
			name := strings.TrimPrefix(err.Error(), "json: unknown field ")
			return alliance.Invalid("body", "unknown field %s; the fields are listed in /api/v1/openapi.json", name)
		}
		return alliance.Invalid("body", "malformed JSON: %v", err)
	}
	if dec.More() {
		return alliance.Invalid("body", "send a single JSON object")
	}
	return nil
}

// page is the shape of every list the API returns.
type page[T any] struct {
	Items []T  `json:"items"`
	Next  *int `json:"next_cursor,omitempty"`
}

// paginate cuts a list by the cursor and limit query parameters.
func paginate[T any](r *http.Request, all []T) (page[T], error) {
	q := r.URL.Query()
	limit, cursor := 50, 0
	var err error
	if v := q.Get("limit"); v != "" {
		if limit, err = strconv.Atoi(v); err != nil || limit < 1 || limit > 500 {
			return page[T]{}, alliance.Invalid("limit", "give a number from 1 to 500")
		}
	}
	if v := q.Get("cursor"); v != "" {
		if cursor, err = strconv.Atoi(v); err != nil || cursor < 0 {
			return page[T]{}, alliance.Invalid("cursor", "use the next_cursor of the previous page")
		}
	}
	p := page[T]{Items: []T{}}
	if cursor < len(all) {
		end := min(cursor+limit, len(all))
		p.Items = all[cursor:end]
		if end < len(all) {
			p.Next = &end
		}
	}
	return p, nil
}

func caller(r *http.Request) app.Caller { return stateOf(r).auth.Caller }

func (s *Server) apiMe(w http.ResponseWriter, r *http.Request) error {
	a := stateOf(r).auth
	writeJSON(w, http.StatusOK, a.User)
	return nil
}

func (s *Server) apiOrgList(w http.ResponseWriter, r *http.Request) error {
	orgs, err := s.svc.Organisations(r.Context(), caller(r))
	if err != nil {
		return err
	}
	p, err := paginate(r, orgs)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, p)
	return nil
}

// orgInput is the body of organisation create and update.
type orgInput struct {
	Name          string   `json:"name"`
	Type          string   `json:"type"`
	Country       string   `json:"country"`
	Languages     []string `json:"languages"`
	RetentionDays int      `json:"retention_days"`
}

func (in orgInput) org() alliance.Organisation {
	return alliance.Organisation{Name: in.Name, Type: alliance.OrgType(in.Type), Country: in.Country, Languages: in.Languages, RetentionDays: in.RetentionDays}
}

func (s *Server) apiOrgCreate(w http.ResponseWriter, r *http.Request) error {
	var in orgInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	o := in.org()
	if err := s.svc.CreateOrganisation(r.Context(), caller(r), &o); err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, o)
	return nil
}

func (s *Server) apiOrgShow(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	o, err := s.svc.Organisation(r.Context(), caller(r), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, o)
	return nil
}

func (s *Server) apiOrgUpdate(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in orgInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	o := in.org()
	o.ID = id
	if err := s.svc.UpdateOrganisation(r.Context(), caller(r), &o); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, o)
	return nil
}

func (s *Server) apiUserList(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	users, err := s.svc.Users(r.Context(), caller(r), id)
	if err != nil {
		return err
	}
	p, err := paginate(r, users)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, p)
	return nil
}

// userInput is the body of user creation.
type userInput struct {
	Email    string `json:"email"`
	Name     string `json:"name"`
	Role     string `json:"role"`
	Language string `json:"language"`
	Password string `json:"password"`
}

func (s *Server) apiUserCreate(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in userInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	u, err := s.svc.CreateUser(r.Context(), caller(r), app.NewUser{OrgID: id, Email: in.Email, Name: in.Name, Role: alliance.Role(in.Role), Language: in.Language, Password: in.Password})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, u)
	return nil
}

func (s *Server) apiUserShow(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	u, err := s.svc.User(r.Context(), caller(r), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, u)
	return nil
}

// userPatch is the body of a user update; absent fields keep their value.
type userPatch struct {
	Name     *string `json:"name"`
	Role     *string `json:"role"`
	Disabled *bool   `json:"disabled"`
}

func (s *Server) apiUserUpdate(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in userPatch
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	cur, err := s.svc.User(r.Context(), caller(r), id)
	if err != nil {
		return err
	}
	ch := app.UserChange{Name: cur.Name, Role: cur.Role, Disabled: cur.DisabledAt != nil}
	if in.Name != nil {
		ch.Name = *in.Name
	}
	if in.Role != nil {
		ch.Role = alliance.Role(*in.Role)
	}
	if in.Disabled != nil {
		ch.Disabled = *in.Disabled
	}
	u, err := s.svc.UpdateUser(r.Context(), caller(r), id, ch)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, u)
	return nil
}

func (s *Server) apiUserReset2FA(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := s.svc.ResetTwoFactor(r.Context(), caller(r), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) apiTokenList(w http.ResponseWriter, r *http.Request) error {
	toks, err := s.svc.APITokens(r.Context(), stateOf(r).auth)
	if err != nil {
		return err
	}
	p, err := paginate(r, toks)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, p)
	return nil
}

// tokenInput is the body of token creation.
type tokenInput struct {
	Name string `json:"name"`
	Days int    `json:"days"`
}

// tokenOutput shows a new token's secret, once.
type tokenOutput struct {
	Token string `json:"token"`
	alliance.APIToken
}

func (s *Server) apiTokenCreate(w http.ResponseWriter, r *http.Request) error {
	var in tokenInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	a := stateOf(r).auth
	t, err := s.svc.CreateAPIToken(r.Context(), a.Caller, a.User, in.Name, time.Duration(in.Days)*24*time.Hour)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, tokenOutput{Token: t.Token, APIToken: t.APIToken})
	return nil
}

func (s *Server) apiTokenRevoke(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := s.svc.RevokeAPIToken(r.Context(), caller(r), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// auditPageOut is the audit list with its keyset cursor.
type auditPageOut struct {
	Items      []alliance.AuditEntry `json:"items"`
	NextBefore int64                 `json:"next_before,omitempty"`
}

func (s *Server) apiAudit(w http.ResponseWriter, r *http.Request) error {
	f, aq, err := auditFilter(r)
	if err != nil {
		return err
	}
	entries, err := s.auditEntries(r, f, aq)
	if err != nil {
		return err
	}
	out := auditPageOut{Items: entries}
	if out.Items == nil {
		out.Items = []alliance.AuditEntry{}
	}
	if len(entries) == f.Limit {
		out.NextBefore = entries[len(entries)-1].Seq
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) openAPI(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Content-Type", "application/json")
	_, err := w.Write(openAPIDoc)
	return err
}
