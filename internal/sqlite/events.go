package sqlite

import (
	"context"
	"fmt"

	"alliance"
	"alliance/internal/sqlstore"
)

// Events lists the events of a case, oldest recorded first (then in the order
// they were recorded), their descriptions opened.
func (r *reader) Events(ctx context.Context, caseID int64) ([]alliance.Event, error) {
	c, err := r.keys.Cipher()
	if err != nil {
		return nil, err
	}
	return sqlstore.List(ctx, r.q, "list events", func(s sqlstore.Scanner) (*alliance.Event, error) {
		var e alliance.Event
		var description []byte
		var at int64
		if err := s.Scan(&e.ID, &e.CaseID, &e.Type, &e.Date, &e.Country, &e.City, &description, &e.By, &at); err != nil {
			return nil, err
		}
		e.At = fromMicro(at)
		if err := sqlstore.OpenEvent(c, &e, description); err != nil {
			return nil, fmt.Errorf("event %d: %w", e.ID, err)
		}
		return &e, nil
	}, `SELECT id, case_id, type, event_date, country, city, description, recorded_by, recorded_at
		FROM case_events WHERE case_id = ? ORDER BY recorded_at, id`, caseID)
}

// Perpetrators lists the perpetrators of a case, oldest recorded first (then
// in the order they were recorded), their names and details opened.
func (r *reader) Perpetrators(ctx context.Context, caseID int64) ([]alliance.Perpetrator, error) {
	c, err := r.keys.Cipher()
	if err != nil {
		return nil, err
	}
	return sqlstore.List(ctx, r.q, "list perpetrators", func(s sqlstore.Scanner) (*alliance.Perpetrator, error) {
		var p alliance.Perpetrator
		var sealed sqlstore.PerpetratorTexts
		var roles string
		var at int64
		if err := s.Scan(&p.ID, &p.CaseID, &p.Kind, &sealed.Name, &roles, &sealed.Details, &p.By, &at); err != nil {
			return nil, err
		}
		p.At = fromMicro(at)
		if err := sqlstore.OpenPerpetrator(c, &p, roles, sealed); err != nil {
			return nil, fmt.Errorf("perpetrator %d: %w", p.ID, err)
		}
		return &p, nil
	}, `SELECT id, case_id, kind, name, roles, details, recorded_by, recorded_at
		FROM perpetrators WHERE case_id = ? ORDER BY recorded_at, id`, caseID)
}

// AddEvent stores e, sealing its description, and sets its ID (and At when
// zero).
func (t *tx) AddEvent(ctx context.Context, e *alliance.Event) error {
	c, err := t.keys.Cipher()
	if err != nil {
		return err
	}
	description, err := sqlstore.SealEvent(c, e)
	if err != nil {
		return fmt.Errorf("add event: %w", err)
	}
	sqlstore.Stamp(&e.At)
	err = t.q.QueryRowContext(ctx, `INSERT INTO case_events (case_id, type, event_date, country, city,
		description, recorded_by, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		e.CaseID, e.Type, e.Date, e.Country, e.City, description, e.By, micro(e.At)).Scan(&e.ID)
	if err != nil {
		var ref *alliance.Error
		if isForeignKey(err) {
			ref = t.missingRef(ctx, refUser, refCheck{"cases", e.CaseID, refCase})
		}
		return fmt.Errorf("add event: %w", translate(err, ref))
	}
	return nil
}

// AddPerpetrator stores p, sealing its name and details, and sets its ID
// (and At when zero).
func (t *tx) AddPerpetrator(ctx context.Context, p *alliance.Perpetrator) error {
	c, err := t.keys.Cipher()
	if err != nil {
		return err
	}
	roles, sealed, err := sqlstore.SealPerpetrator(c, p)
	if err != nil {
		return fmt.Errorf("add perpetrator: %w", err)
	}
	sqlstore.Stamp(&p.At)
	err = t.q.QueryRowContext(ctx, `INSERT INTO perpetrators (case_id, kind, name, roles, details,
		recorded_by, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		p.CaseID, p.Kind, sealed.Name, roles, sealed.Details, p.By, micro(p.At)).Scan(&p.ID)
	if err != nil {
		var ref *alliance.Error
		if isForeignKey(err) {
			ref = t.missingRef(ctx, refUser, refCheck{"cases", p.CaseID, refCase})
		}
		return fmt.Errorf("add perpetrator: %w", translate(err, ref))
	}
	return nil
}
