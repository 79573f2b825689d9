package membership_test

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/stdlib"

	"github.com/kexie/kexie/internal/sqldb/dbtest"
)

// benchPostgresFloor measures what PostgreSQL itself spends on the rows a
// first load writes, with no client work: the three member tables, filled
// by the import before it, are copied out in PostgreSQL's binary format
// into memory (and vacuumed, so that autovacuum does not come by during the
// measure), then, in one transaction on one connection as the import runs,
// copied into empty tables of the same columns, defaults, checks, primary
// keys and partial indexes (floor_people, …), whose other indexes, unique
// constraint and foreign keys are then built as the import builds them,
// and ANALYZE run. Its rows/s is the most a first load done the import's
// way can reach on this server, with its settings, however fast the
// client.
func benchPostgresFloor(b *testing.B, db *dbtest.DB, n int) {
	ctx := context.Background()
	conn, err := db.Writer().Conn(ctx)
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close()
	tables := []string{"people", "memberships", "membership_events"}
	// Copied out first, outside the measure.
	data := map[string]*bytes.Buffer{}
	for _, t := range tables {
		var buf bytes.Buffer
		if err := conn.Raw(func(dc any) error {
			_, err := dc.(*stdlib.Conn).Conn().PgConn().CopyTo(ctx, &buf, `COPY `+t+` TO STDOUT (FORMAT binary)`)
			return err
		}); err != nil {
			b.Fatal(err)
		}
		data[t] = &buf
	}
	// What the import keeps through its COPYs (the partial indexes) and
	// builds after them: the other secondary indexes, the unique key and
	// the foreign keys between the three tables.
	var partial, rebuild []string
	rows, err := conn.QueryContext(ctx, `SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() AND tablename IN ('people', 'memberships', 'membership_events')
		AND indexname NOT IN (SELECT conname FROM pg_constraint) ORDER BY indexname`)
	if err != nil {
		b.Fatal(err)
	}
	table := regexp.MustCompile(` ON (\S+\.)?(people|memberships|membership_events) `)
	for rows.Next() {
		var name, def string
		if err := rows.Scan(&name, &def); err != nil {
			b.Fatal(err)
		}
		def = table.ReplaceAllString(strings.Replace(def, "INDEX "+name+" ", "INDEX floor_"+name+" ", 1), " ON floor_$2 ")
		if strings.Contains(def, " WHERE ") {
			partial = append(partial, def)
		} else {
			rebuild = append(rebuild, def)
		}
	}
	if err := rows.Close(); err != nil {
		b.Fatal(err)
	}
	rebuild = append(rebuild,
		`ALTER TABLE floor_memberships ADD UNIQUE (org_id, member_no)`,
		`ALTER TABLE floor_memberships ADD FOREIGN KEY (person_id) REFERENCES floor_people(id)`,
		`ALTER TABLE floor_membership_events ADD FOREIGN KEY (membership_id) REFERENCES floor_memberships(id)`,
		`SELECT 1 FROM floor_memberships c WHERE NOT EXISTS (SELECT 1 FROM orgs p WHERE p.id = c.org_id) LIMIT 1`,
		`ANALYZE floor_people, floor_memberships, floor_membership_events`)
	exec := func(q string) {
		if _, err := conn.ExecContext(ctx, q); err != nil && err != sql.ErrNoRows {
			b.Fatalf("%s: %v", q, err)
		}
	}
	for _, t := range tables {
		exec(`VACUUM ` + t)
		exec(`CREATE TABLE floor_` + t + ` (LIKE ` + t + ` INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING IDENTITY)`)
		exec(`ALTER TABLE floor_` + t + ` ADD PRIMARY KEY (id)`)
	}
	for _, q := range partial {
		exec(q)
	}
	defer func() {
		for _, t := range tables {
			exec(`DROP TABLE IF EXISTS floor_` + t + ` CASCADE`)
		}
	}()
	start := time.Now()
	exec(`BEGIN`)
	for _, t := range tables {
		if err := conn.Raw(func(dc any) error {
			_, err := dc.(*stdlib.Conn).Conn().PgConn().CopyFrom(ctx, bytes.NewReader(data[t].Bytes()), `COPY floor_`+t+` FROM STDIN (FORMAT binary)`)
			return err
		}); err != nil {
			b.Fatal(err)
		}
	}
	copied := time.Since(start)
	for _, q := range rebuild {
		exec(q)
	}
	exec(`COMMIT`)
	took := time.Since(start)
	var got int
	if err := conn.QueryRowContext(ctx, `SELECT COUNT(*) FROM floor_memberships`).Scan(&got); err != nil || got != n {
		b.Fatal(got, err)
	}
	b.ReportMetric(took.Seconds(), "s")
	b.ReportMetric(copied.Seconds(), "s-copy")
	b.ReportMetric((took - copied).Seconds(), "s-rebuild")
	b.ReportMetric(float64(n)/took.Seconds(), "rows/s")
	b.Logf("%s", fmt.Sprint(len(rebuild), " statements after the COPYs"))
}
