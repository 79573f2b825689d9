package finance_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/kexie/kexie/internal/finance"
	"github.com/kexie/kexie/internal/sqldb/dbtest"
)

const journal = `entry,date,account,fund,debit,credit,memo
J1,2024-01-05,1002,,1000.00,,会费
J1,2024-01-05,4201,,,1000.00,会费
J2,2024-02-01,1002,,5000,,青年科技奖捐赠
J2,2024-02-01,4101,YSTA,,5000,青年科技奖
J3,2024-03-01,5101,YSTA,1200.50,,奖金
J3,2024-03-01,1002,,,1200.50,奖金
BAD1,2024-03-02,1002,,10,,
BAD1,2024-03-02,4901,,,9.99,
BAD2,2024-03-03,5101,YSTA,9999,,overdraw
BAD2,2024-03-03,1002,,,9999,
BAD3,2024-03-04,5101,NEWF,1,,
BAD3,2024-03-04,1002,,,1,
J4,2024-04-01,5201,,300,,
J4,2024-04-01,1001,,,300,
`

func TestImportJournalAndReport(t *testing.T) {
	dbtest.EachWith(t, dbtest.Options{Now: fixedNow}, func(t *testing.T, db *dbtest.DB) {
		ctx := context.Background()
		bk := setup(t, db)
		entries, err := finance.ReadJournal("j.csv", strings.NewReader(journal))
		dbtest.Must(t, err)
		before := db.Snapshot(t, ledgerTables...)
		dry, err := db.Finance.Import(ctx, dbtest.Admin, bk.a.ID, entries, true)
		dbtest.Must(t, err)
		if dry.Posted != 4 || len(dry.Rejected) != 3 {
			t.Fatalf("dry run: %+v", dry)
		}
		if d := dbtest.Diff(before, db.Snapshot(t, ledgerTables...)); d != "" {
			t.Fatalf("a dry run wrote:\n%s", d)
		}
		res, err := db.Finance.Import(ctx, dbtest.Admin, bk.a.ID, entries, false)
		dbtest.Must(t, err)
		if res.Read != 7 || res.Posted != 4 || len(res.Rejected) != 3 {
			t.Fatalf("import: %+v", res)
		}
		for i, ref := range []string{"BAD1", "BAD2", "BAD3"} {
			if res.Rejected[i].Ref != ref {
				t.Fatalf("rejected: %+v", res.Rejected)
			}
		}
		again, err := db.Finance.Import(ctx, dbtest.Admin, bk.a.ID, entries, false)
		dbtest.Must(t, err)
		if again.Posted != 0 || again.Known != 4 {
			t.Fatalf("second import: %+v", again)
		}
		r, err := db.Finance.YearReport(ctx, bk.a, 2024)
		dbtest.Must(t, err)
		got, _ := json.Marshal(r)
		want := `{"org":"A","year":2024,"income":{"4101":{"unrestricted":0,"restricted":500000},"4201":{"unrestricted":100000,"restricted":0},` +
			`"4301":{"unrestricted":0,"restricted":0},"4401":{"unrestricted":0,"restricted":0},"4501":{"unrestricted":0,"restricted":0},` +
			`"4601":{"unrestricted":0,"restricted":0},"4901":{"unrestricted":0,"restricted":0}},"expenses":{"5101":120050,"5201":30000,"5301":0,"5401":0},` +
			`"released":120050,"change":{"unrestricted":70000,"restricted":379950},"net_assets":{"unrestricted":70000,"restricted":379950},"funds":{"YSTA":379950}}`
		if string(got) != want {
			t.Fatalf("report:\n%s\nwant\n%s", got, want)
		}
		fs, err := db.Finance.Funds(ctx, bk.a.ID)
		dbtest.Must(t, err)
		if len(fs) != 1 || fs[0].Purpose != "青年科技奖" || fs[0].Restriction != "provider" {
			t.Fatalf("funds: %+v", fs)
		}
		problems, err := db.Finance.Verify(ctx, bk.a.ID)
		dbtest.Must(t, err)
		if len(problems) > 0 {
			t.Fatal(problems)
		}
	})
}

// TestImportAuditedPerBlock: an import writes one "ledger.import" audit
// entry per block of 256 posted entries, by the operator, naming their
// references and the stretch of the hash chain they take (the numbers,
// the hash before and the hash of the last): the blocks follow each other
// through the whole chain, each ending on the hash the journal has at its
// last number. Importing again posts nothing and audits nothing.
func TestImportAuditedPerBlock(t *testing.T) {
	dbtest.EachWith(t, dbtest.Options{Now: fixedNow}, func(t *testing.T, db *dbtest.DB) {
		ctx := context.Background()
		bk := setup(t, db)
		entries := benchJournal(600)
		// A rejected entry in the middle of a block: the block goes on.
		bad := finance.ImportEntry{Ref: "BAD", Lines: []finance.ImportLine{{Date: "2024-03-02", Account: "1002", Debit: "10"}, {Date: "2024-03-02", Account: "4901", Credit: "9.99"}}}
		entries = append(entries[:300], append([]finance.ImportEntry{bad}, entries[300:]...)...)
		res, err := db.Finance.Import(ctx, dbtest.Admin, bk.a.ID, entries, false)
		dbtest.Must(t, err)
		if res.Posted != 600 || len(res.Rejected) != 1 {
			t.Fatalf("import: %+v", res)
		}
		type block struct {
			Org        string   `json:"org"`
			ApprovedBy string   `json:"approved_by"`
			Entries    int      `json:"entries"`
			References []string `json:"references"`
			FirstID    int64    `json:"first_id"`
			LastID     int64    `json:"last_id"`
			From       int64    `json:"from_number"`
			To         int64    `json:"to_number"`
			PrevHash   string   `json:"prev_hash"`
			Hash       string   `json:"hash"`
		}
		read := func() []block {
			rows, err := db.Reader().QueryContext(ctx, `SELECT actor, object_type, object_id, after_state FROM audit_log WHERE action = 'ledger.import' ORDER BY seq`)
			dbtest.Must(t, err)
			defer rows.Close()
			var out []block
			for rows.Next() {
				var actor, typ, id, after string
				dbtest.Must(t, rows.Scan(&actor, &typ, &id, &after))
				if actor != dbtest.Admin.Username || typ != "ledger" || id != "A" {
					t.Fatalf("audit entry by %s on %s %s", actor, typ, id)
				}
				var b block
				dbtest.Must(t, json.Unmarshal([]byte(after), &b))
				out = append(out, b)
			}
			dbtest.Must(t, rows.Err())
			return out
		}
		blocks := read()
		if len(blocks) != 3 {
			t.Fatalf("%d audit entries for 600 posted entries, want 3 (blocks of 256)", len(blocks))
		}
		var refs []string
		prev, next := "", int64(1)
		for i, b := range blocks {
			if b.Org != "A" || b.ApprovedBy != dbtest.Admin.Username || b.Entries != len(b.References) || b.FirstID > b.LastID {
				t.Fatalf("block %d: %+v", i, b)
			}
			if b.From != next || b.PrevHash != prev || b.To < b.From {
				t.Fatalf("block %d takes %d–%d after %q; want it from %d after %q", i, b.From, b.To, b.PrevHash, next, prev)
			}
			var hash string
			dbtest.Must(t, db.Reader().QueryRowContext(ctx, `SELECT hash FROM ledger_entries WHERE org_id = $1 AND seq = $2`, bk.a.ID, b.To).Scan(&hash))
			if hash != b.Hash {
				t.Fatalf("block %d ends on %s; the journal has %s at %d", i, b.Hash, hash, b.To)
			}
			refs = append(refs, b.References...)
			prev, next = b.Hash, b.To+1
		}
		want := []string{}
		for _, e := range entries {
			if e.Ref != "BAD" {
				want = append(want, e.Ref)
			}
		}
		if strings.Join(refs, " ") != strings.Join(want, " ") {
			t.Fatalf("the blocks name %d references, not the %d posted in order", len(refs), len(want))
		}
		head, err := db.Finance.HeadOf(ctx, bk.a.ID)
		dbtest.Must(t, err)
		if head.Seq != next-1 || head.Hash != prev {
			t.Fatalf("the blocks end at %d %s; the ledger's head is %d %s", next-1, prev, head.Seq, head.Hash)
		}
		again, err := db.Finance.Import(ctx, dbtest.Admin, bk.a.ID, entries, false)
		dbtest.Must(t, err)
		if again.Posted != 0 || len(read()) != 3 {
			t.Fatalf("a second import posted %d and audited %d blocks", again.Posted, len(read())-3)
		}
		if _, err := db.VerifyAudit(ctx, nil); err != nil {
			t.Fatal(err)
		}
	})
}
