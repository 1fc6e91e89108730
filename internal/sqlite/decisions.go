package sqlite

import (
	"context"
	"fmt"
	"strings"

	"alliance"
	"alliance/internal/sqlstore"
)

// Decisions lists the identification decisions of a case, oldest first (by
// day, then in the order they were recorded), their notes opened.
func (r *reader) Decisions(ctx context.Context, caseID int64) ([]alliance.GroundsDecision, error) {
	c, err := r.keys.Cipher()
	if err != nil {
		return nil, err
	}
	return sqlstore.List(ctx, r.q, "list decisions", func(s sqlstore.Scanner) (*alliance.GroundsDecision, error) {
		var d alliance.GroundsDecision
		var notes []byte
		var recorded int64
		if err := s.Scan(&d.ID, &d.CaseID, &d.Kind, &d.Outcome, &d.DecidedBy, &d.DecidedOn, &notes,
			&d.RecordedBy, &recorded); err != nil {
			return nil, err
		}
		d.RecordedAt = fromMicro(recorded)
		if d.Notes, err = sqlstore.OpenText(c, alliance.ColDecisionNotes, notes); err != nil {
			return nil, fmt.Errorf("decision %d: %w", d.ID, err)
		}
		return &d, nil
	}, `SELECT id, case_id, kind, outcome, decided_by, decided_on, notes, recorded_by, recorded_at
		FROM decisions WHERE case_id = ? ORDER BY decided_on, id`, caseID)
}

// AddDecision stores d, sealing its notes, and sets its ID (and RecordedAt
// when zero).
func (t *tx) AddDecision(ctx context.Context, d *alliance.GroundsDecision) error {
	c, err := t.keys.Cipher()
	if err != nil {
		return err
	}
	if _, err := sqlstore.DecidedOn(d.DecidedOn); err != nil {
		return fmt.Errorf("add decision: %w", err)
	}
	notes, err := sqlstore.SealText(c, alliance.ColDecisionNotes, d.Notes)
	if err != nil {
		return fmt.Errorf("add decision: %w", err)
	}
	sqlstore.Stamp(&d.RecordedAt)
	err = t.q.QueryRowContext(ctx, `INSERT INTO decisions (case_id, kind, outcome, decided_by, decided_on, notes,
		recorded_by, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		d.CaseID, d.Kind, d.Outcome, d.DecidedBy, d.DecidedOn, notes, d.RecordedBy, micro(d.RecordedAt)).Scan(&d.ID)
	if err != nil {
		var ref *alliance.Error
		if isForeignKey(err) {
			ref = t.missingRef(ctx, refUser, refCheck{"cases", d.CaseID, refCase},
				refCheck{"organisations", d.DecidedBy, refDecisionBy})
		}
		return fmt.Errorf("add decision: %w", translate(err, ref))
	}
	return nil
}

// Extensions lists the extensions of a case's reflection period, oldest
// first, their reasons opened.
func (r *reader) Extensions(ctx context.Context, caseID int64) ([]alliance.Extension, error) {
	c, err := r.keys.Cipher()
	if err != nil {
		return nil, err
	}
	return sqlstore.List(ctx, r.q, "list extensions", func(s sqlstore.Scanner) (*alliance.Extension, error) {
		var x alliance.Extension
		var reason []byte
		var at int64
		if err := s.Scan(&x.ID, &x.CaseID, &x.Days, &reason, &x.By, &at); err != nil {
			return nil, err
		}
		x.At = fromMicro(at)
		if x.Reason, err = sqlstore.OpenText(c, alliance.ColExtensionReason, reason); err != nil {
			return nil, fmt.Errorf("extension %d: %w", x.ID, err)
		}
		return &x, nil
	}, `SELECT id, case_id, days, reason, extended_by, extended_at FROM reflection_extensions
		WHERE case_id = ? ORDER BY extended_at, id`, caseID)
}

// AddExtension stores x, sealing its reason, and sets its ID (and At when
// zero). Days outside 1 to 365 are refused.
func (t *tx) AddExtension(ctx context.Context, x *alliance.Extension) error {
	c, err := t.keys.Cipher()
	if err != nil {
		return err
	}
	reason, err := sqlstore.SealText(c, alliance.ColExtensionReason, x.Reason)
	if err != nil {
		return fmt.Errorf("add extension: %w", err)
	}
	sqlstore.Stamp(&x.At)
	err = t.q.QueryRowContext(ctx, `INSERT INTO reflection_extensions (case_id, days, reason, extended_by,
		extended_at) VALUES (?, ?, ?, ?, ?) RETURNING id`,
		x.CaseID, x.Days, reason, x.By, micro(x.At)).Scan(&x.ID)
	if err != nil {
		var ref *alliance.Error
		if isForeignKey(err) {
			ref = t.missingRef(ctx, refUser, refCheck{"cases", x.CaseID, refCase})
		}
		return fmt.Errorf("add extension: %w", translate(err, ref))
	}
	return nil
}

// ReflectionStarts lists the organisation's cases that are not closed and have
// a positive reasonable-grounds decision: the day of the first such decision,
// the days of every extension, and whether a conclusive-grounds decision was
// made; by start, then case.
func (r *reader) ReflectionStarts(ctx context.Context, orgID int64) ([]alliance.ReflectionStart, error) {
	return sqlstore.List(ctx, r.q, "list reflection starts", func(s sqlstore.Scanner) (*alliance.ReflectionStart, error) {
		var st alliance.ReflectionStart
		if err := s.Scan(&st.CaseID, &st.Reference, &st.Start, &st.ExtraDays, &st.Conclusive); err != nil {
			return nil, err
		}
		return &st, nil
	}, `SELECT c.id, c.reference, min(d.decided_on) AS start,
			coalesce((SELECT sum(x.days) FROM reflection_extensions x WHERE x.case_id = c.id), 0),
			EXISTS (SELECT 1 FROM decisions g WHERE g.case_id = c.id AND g.kind = ?)
		FROM cases c JOIN decisions d ON d.case_id = c.id AND d.kind = ? AND d.outcome = ?
		WHERE c.org_id = ? AND c.stage <> ?
		GROUP BY c.id, c.reference
		ORDER BY start, c.id`,
		alliance.DecisionConclusiveGrounds, alliance.DecisionReasonableGrounds, alliance.OutcomePositive,
		orgID, string(alliance.StageClosure))
}

// SetNameTokens replaces the blind indexes of a case's name tokens with those
// of tokens (each distinct, non-empty one once), under the case's
// organisation. The tokens themselves are not stored.
func (t *tx) SetNameTokens(ctx context.Context, caseID int64, tokens []string) error {
	c, err := t.keys.Cipher()
	if err != nil {
		return err
	}
	var orgID int64
	if err := t.q.QueryRowContext(ctx, `SELECT org_id FROM cases WHERE id = ?`, caseID).Scan(&orgID); err != nil {
		return fmt.Errorf("set name tokens of case %d: %w", caseID, translate(err, nil))
	}
	if _, err := t.q.ExecContext(ctx, `DELETE FROM case_name_keys WHERE case_id = ?`, caseID); err != nil {
		return fmt.Errorf("set name tokens of case %d: %w", caseID, err)
	}
	for _, k := range sqlstore.NameKeys(c, tokens) {
		_, err := t.q.ExecContext(ctx, `INSERT INTO case_name_keys (case_id, org_id, key) VALUES (?, ?, ?)`,
			caseID, orgID, k)
		if err != nil {
			return fmt.Errorf("set name tokens of case %d: %w", caseID, translate(err, refCase))
		}
	}
	return nil
}

// CasesWithNameTokens returns the ids of the organisation's cases that have
// the blind index of at least one of tokens, newest first, at most limit
// (default 20, at most 200); none when no token is given.
func (r *reader) CasesWithNameTokens(ctx context.Context, orgID int64, tokens []string, limit int) ([]int64, error) {
	c, err := r.keys.Cipher()
	if err != nil {
		return nil, err
	}
	n, err := sqlstore.NameTokenLimit(orgID, limit)
	if err != nil {
		return nil, err
	}
	keys := sqlstore.NameKeys(c, tokens)
	if len(keys) == 0 {
		return []int64{}, nil
	}
	args := []any{orgID}
	for _, k := range keys {
		args = append(args, k)
	}
	ids, err := sqlstore.List(ctx, r.q, "find cases by name", func(s sqlstore.Scanner) (*int64, error) {
		var id int64
		return &id, s.Scan(&id)
	}, `SELECT DISTINCT case_id FROM case_name_keys WHERE org_id = ? AND key IN (?`+
		strings.Repeat(`, ?`, len(keys)-1)+`) ORDER BY case_id DESC LIMIT ?`, append(args, n)...)
	return ids, err
}
