package alliance

import (
	"errors"
	"strings"
	"testing"
)

func TestLegalValidate(t *testing.T) {
	res := func(mod func(*Residence)) error {
		r := Residence{Status: "granted", PermitType: "humanitarian", ValidFrom: "2026-01-01", ValidUntil: "2026-12-31"}
		mod(&r)
		return r.Validate()
	}
	proc := func(mod func(*Proceeding)) error {
		p := Proceeding{Kind: "labour", Role: "claimant", Authority: "Tribunal", Status: "closed", OpenedOn: "2026-01-01", ClosedOn: "2026-03-01"}
		mod(&p)
		return p.Validate()
	}
	tests := []struct {
		name  string
		err   error
		field string // "" when valid
	}{
		{"a full residence step", res(func(*Residence) {}), ""},
		{"a status without permit", res(func(r *Residence) { r.Status, r.PermitType, r.ValidFrom, r.ValidUntil = "none", "", "", "" }), ""},
		{"an unknown status", res(func(r *Residence) { r.Status = "pending" }), "status"},
		{"an unknown permit", res(func(r *Residence) { r.PermitType = "work" }), "permit_type"},
		{"a day that does not exist", res(func(r *Residence) { r.ValidUntil = "2026-02-30" }), "valid_until"},
		{"a permit ending before it starts", res(func(r *Residence) { r.ValidUntil = "2025-12-31" }), "valid_until"},
		{"a long permit number", res(func(r *Residence) { r.Reference = strings.Repeat("9", 101) }), "reference"},
		{"a full proceeding", proc(func(*Proceeding) {}), ""},
		{"an unknown kind", proc(func(p *Proceeding) { p.Kind = "military" }), "kind"},
		{"an unknown role", proc(func(p *Proceeding) { p.Role = "judge" }), "role"},
		{"no authority", proc(func(p *Proceeding) { p.Authority = " " }), "authority"},
		{"a long outcome", proc(func(p *Proceeding) { p.Outcome = strings.Repeat("x", 201) }), "outcome"},
		{"a long reference", proc(func(p *Proceeding) { p.Reference = strings.Repeat("x", 101) }), "reference"},
		{"closing before opening", proc(func(p *Proceeding) { p.ClosedOn = "2025-12-01" }), "closed_on"},
		{"a closing date while open", proc(func(p *Proceeding) { p.Status = "open" }), "closed_on"},
	}
	for _, tc := range tests {
		var ae *Error
		switch {
		case tc.field == "" && tc.err != nil:
			t.Errorf("%s: error %v, want none", tc.name, tc.err)
		case tc.field != "" && (!errors.As(tc.err, &ae) || ae.Code != CodeInvalid || ae.Field != tc.field):
			t.Errorf("%s: error %v, want CodeInvalid on field %q", tc.name, tc.err, tc.field)
		}
	}
}
