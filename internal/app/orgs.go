package app

import (
	"context"
	"strconv"

	"alliance"
)

func orgResource(id int64) alliance.Resource {
	return alliance.Resource{Type: "organisation", ID: strconv.FormatInt(id, 10), OrgID: id}
}

// Organisations lists the organisations the caller may see: all for a superadmin,
// otherwise only the caller's own.
func (s *Service) Organisations(ctx context.Context, c Caller) ([]alliance.Organisation, error) {
	if err := s.authorize(ctx, c, alliance.ActOrgList, alliance.Resource{Type: "organisation", OrgID: c.OrgID}); err != nil {
		return nil, err
	}
	all, err := s.store.Organisations(ctx)
	if err != nil {
		return nil, err
	}
	if c.Role == alliance.RoleSuperadmin || c.Operator {
		return all, nil
	}
	own := all[:0]
	for _, o := range all {
		if alliance.Authorize(c.Actor, alliance.ActOrgRead, orgResource(o.ID)).Allow {
			own = append(own, o)
		}
	}
	return own, nil
}

// Organisation returns one organisation.
func (s *Service) Organisation(ctx context.Context, c Caller, id int64) (*alliance.Organisation, error) {
	if err := s.authorize(ctx, c, alliance.ActOrgRead, orgResource(id)); err != nil {
		return nil, err
	}
	return s.store.Organisation(ctx, id)
}

// CreateOrganisation validates and stores a new organisation.
func (s *Service) CreateOrganisation(ctx context.Context, c Caller, o *alliance.Organisation) error {
	res := alliance.Resource{Type: "organisation"}
	if err := s.authorize(ctx, c, alliance.ActOrgCreate, res); err != nil {
		return err
	}
	o.Normalise()
	if err := o.Validate(); err != nil {
		return err
	}
	o.CreatedAt = s.now()
	return s.commit(ctx, c, alliance.ActOrgCreate, res, func(tx alliance.Tx, e *alliance.AuditEntry) error {
		if err := tx.CreateOrganisation(ctx, o); err != nil {
			return err
		}
		e.ResourceID, e.ResourceOrg = strconv.FormatInt(o.ID, 10), o.ID
		return nil
	})
}

// UpdateOrganisation changes an organisation's name, type, country and languages.
func (s *Service) UpdateOrganisation(ctx context.Context, c Caller, o *alliance.Organisation) error {
	if err := s.authorize(ctx, c, alliance.ActOrgUpdate, orgResource(o.ID)); err != nil {
		return err
	}
	o.Normalise()
	if err := o.Validate(); err != nil {
		return err
	}
	return s.commit(ctx, c, alliance.ActOrgUpdate, orgResource(o.ID), func(tx alliance.Tx, _ *alliance.AuditEntry) error {
		old, err := tx.Organisation(ctx, o.ID)
		if err != nil {
			return err
		}
		o.CreatedAt = old.CreatedAt
		return tx.UpdateOrganisation(ctx, o)
	})
}

// Partners lists the other organisations of the alliance — the directory a
// caseworker refers to and a person consents to share with. It holds no
// personal data: names, types and countries of organisations.
func (s *Service) Partners(ctx context.Context, c Caller) ([]alliance.Organisation, error) {
	if err := s.authorize(ctx, c, alliance.ActOrgRead, orgResource(c.OrgID)); err != nil {
		return nil, err
	}
	all, err := s.store.Organisations(ctx)
	if err != nil {
		return nil, err
	}
	out := all[:0]
	for _, o := range all {
		if o.ID != c.OrgID {
			out = append(out, o)
		}
	}
	return out, nil
}
