package awards

import (
	"context"
	"database/sql"
)

// pair is (nomination, expert).
type pair [2]int64

// conflictPairs are the pairs of round r's accepted nominations and
// programme p's experts that are in conflict, by the rule conflictSQL
// states, evaluated here over the round's rows read once (a handful of
// queries instead of one over every pair: 2,000 nominations and 300
// experts are 600,000 pairs). TestConflictPairsAgreeWithSQL holds the two
// forms to the same answer.
func conflictPairs(ctx context.Context, q querier, r Round, p Programme) (map[pair]bool, error) {
	type nom struct {
		id, unit     int64
		empOrg, pers sql.NullInt64
		hash, emp    string
	}
	type expert struct {
		id                int64
		org               sql.NullInt64
		hash, emp         string
		person            sql.NullInt64
		personHash        sql.NullString
		relLife, relSince map[string]bool // other_hash: for life; within the window
	}
	var noms []nom
	rows, err := q.QueryContext(ctx, `SELECT id, unit_id, employer_org, person_id, id_hash, employer FROM award_nominations WHERE round_id = $1 AND status = 'accepted'`, r.ID)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var n nom
		if err := rows.Scan(&n.id, &n.unit, &n.empOrg, &n.pers, &n.hash, &n.emp); err != nil {
			rows.Close()
			return nil, err
		}
		noms = append(noms, n)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	experts := map[int64]*expert{}
	var order []int64
	rows, err = q.QueryContext(ctx, `SELECT x.id, x.org_id, x.id_hash, x.employer, pe.id, pe.id_hash FROM award_experts x
		LEFT JOIN users us ON us.id = x.user_id LEFT JOIN people pe ON pe.id = us.person_id WHERE x.programme_id = $1`, p.ID)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		x := &expert{relLife: map[string]bool{}, relSince: map[string]bool{}}
		if err := rows.Scan(&x.id, &x.org, &x.hash, &x.emp, &x.person, &x.personHash); err != nil {
			rows.Close()
			return nil, err
		}
		experts[x.id] = x
		order = append(order, x.id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = q.QueryContext(ctx, `SELECT rl.expert_id, rl.other_hash, rl.kind, rl.year FROM award_relations rl JOIN award_experts x ON x.id = rl.expert_id
		WHERE x.programme_id = $1`, p.ID)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var id int64
		var hash, kind string
		var year int
		if err := rows.Scan(&id, &hash, &kind, &year); err != nil {
			rows.Close()
			return nil, err
		}
		if x := experts[id]; x != nil {
			if kind == "advisor" || kind == "family" {
				x.relLife[hash] = true
			} else if year >= r.Year-p.COIYears {
				x.relSince[hash] = true
			}
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	pinned, waived := map[pair]bool{}, map[pair]bool{}
	rows, err = q.QueryContext(ctx, `SELECT c.nomination_id, c.expert_id, c.mode FROM award_conflicts c JOIN award_nominations n ON n.id = c.nomination_id
		WHERE n.round_id = $1`, r.ID)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var k pair
		var mode string
		if err := rows.Scan(&k[0], &k[1], &mode); err != nil {
			rows.Close()
			return nil, err
		}
		if mode == "waived" {
			waived[k] = true
		} else {
			pinned[k] = true
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := map[pair]bool{}
	for _, n := range noms {
		for _, id := range order {
			x := experts[id]
			k := pair{n.id, x.id}
			self := x.hash != "" && x.hash == n.hash ||
				x.person.Valid && (n.pers.Valid && x.person.Int64 == n.pers.Int64 || x.personHash.String != "" && x.personHash.String == n.hash)
			data := x.emp != "" && x.emp == n.emp ||
				x.org.Valid && (x.org.Int64 == n.unit || n.empOrg.Valid && x.org.Int64 == n.empOrg.Int64) ||
				x.relLife[n.hash] || x.relSince[n.hash]
			if self || pinned[k] || data && !waived[k] {
				out[k] = true
			}
		}
	}
	return out, nil
}
