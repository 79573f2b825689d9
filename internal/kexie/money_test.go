package kexie

import (
	"database/sql"
	"database/sql/driver"
	"encoding/json"
	"errors"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
)

// legacyParseYuan is internal/web's parseYuan (members.go) before Money.
func legacyParseYuan(s string) (int64, error) {
	s = strings.TrimSpace(s)
	bad := Errorf(CodeInvalid, "err.amount", "the amount is written in yuan, like 50 or 50.00")
	whole, frac, _ := strings.Cut(s, ".")
	if whole == "" || len(frac) > 2 || strings.Trim(whole, "0123456789") != "" || strings.Trim(frac, "0123456789") != "" || len(whole) > 12 {
		return 0, bad
	}
	y, _ := strconv.ParseInt(whole, 10, 64)
	for len(frac) < 2 {
		frac += "0"
	}
	f, _ := strconv.ParseInt(frac, 10, 64)
	return y*100 + f, nil
}

// legacyFormatYuan is FormatYuan before Money.
func legacyFormatYuan(fen int64) string {
	sign := ""
	if fen < 0 {
		sign, fen = "-", -fen
	}
	cents := strconv.FormatInt(fen%100, 10)
	if len(cents) == 1 {
		cents = "0" + cents
	}
	return sign + strconv.FormatInt(fen/100, 10) + "." + cents
}

func TestParseYuanForms(t *testing.T) {
	accepted := map[string]Money{
		"0":               0,
		"0.00":            0,
		"50":              5000,
		"50.5":            5050,
		"50.50":           5050,
		"50.05":           5005,
		"50.":             5000, // the web form took it, and still does
		"0.05":            5,
		"0.5":             50,
		"007":             700,
		"2000":            200000,
		" 50.00 ":         5000,
		"\t12.3\n":        1230,
		"\u300050":        5000,
		"999999999999.99": 99999999999999,
		"000000000000":    0,
	}
	for in, want := range accepted {
		got, err := ParseYuan(in)
		if err != nil || got != want {
			t.Errorf("ParseYuan(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	refused := []string{
		"", " ", ".", ".5", ".50", "-5", "-0.50", "+5", "12.345", "12.5.0", "12..5", "1,000", "1,000.00", "1 000", "1_000",
		"¥50", "￥50", "50元", "RMB50", "CNY 50", "5e2", "1e3", "0x10", "NaN", "Inf", "５０", "50,5", "12 .5", "12. 5",
		"1000000000000", "0000000000000", "9223372036854775807", "99999999999999999999", "50.5x", "50.-5",
	}
	for _, in := range refused {
		got, err := ParseYuan(in)
		var e *Error
		if err == nil || !errors.As(err, &e) || e.Code != CodeInvalid || e.Key != "err.amount" || got != 0 {
			t.Errorf("ParseYuan(%q) = %d, %v; want err.amount", in, got, err)
		}
	}
}

func randomAmountText(rng *rand.Rand) string {
	const alphabet = "0123456789.-+ ,¥e"
	if rng.IntN(3) == 0 {
		// Digits and a point, around the limits.
		b := make([]byte, rng.IntN(17))
		for i := range b {
			b[i] = "0123456789"[rng.IntN(10)]
		}
		if len(b) > 0 && rng.IntN(2) == 0 {
			b[rng.IntN(len(b))] = '.'
		}
		return string(b)
	}
	r := []rune(alphabet)
	b := make([]rune, rng.IntN(9))
	for i := range b {
		b[i] = r[rng.IntN(len(r))]
	}
	return string(b)
}

func sameAsLegacyYuan(t *testing.T, s string) {
	t.Helper()
	want, werr := legacyParseYuan(s)
	got, err := ParseYuan(s)
	if (err == nil) != (werr == nil) || got.Fen() != want {
		t.Fatalf("%q: ParseYuan %d %v, web parseYuan %d %v", s, got, err, want, werr)
	}
	if err != nil && (err.Error() != werr.Error() || AsError(err).Key != AsError(werr).Key) {
		t.Fatalf("%q: error %v, old %v", s, err, werr)
	}
}

func TestParseYuanMatchesTheWebParser(t *testing.T) {
	rng := rand.New(rand.NewPCG(50, 50))
	for i := 0; i < 300000; i++ {
		sameAsLegacyYuan(t, randomAmountText(rng))
	}
}

func FuzzParseYuan(f *testing.F) {
	for _, s := range []string{"50", "50.5", "50.", ".5", "-5", "999999999999.99", "1000000000000", " 1.00 ", "1,000"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) { sameAsLegacyYuan(t, s) })
}

func TestMoneyString(t *testing.T) {
	cases := map[Money]string{
		0: "0.00", 5: "0.05", 50: "0.50", 99: "0.99", 100: "1.00", 5000: "50.00", 5050: "50.50", 200000: "2000.00",
		123456789: "1234567.89", -5: "-0.05", -100: "-1.00", -5050: "-50.50",
		math.MaxInt64: "92233720368547758.07", math.MinInt64: "-92233720368547758.08",
	}
	for m, want := range cases {
		if got := m.String(); got != want {
			t.Errorf("Money(%d).String() = %q, want %q", int64(m), got, want)
		}
		if got := FormatYuan(int64(m)); got != want {
			t.Errorf("FormatYuan(%d) = %q, want %q", int64(m), got, want)
		}
	}
	// The old FormatYuan's answers, but for the most negative amount (where
	// it wrote "--92233720368547758.-8").
	rng := rand.New(rand.NewPCG(1, 100))
	for i := 0; i < 200000; i++ {
		n := int64(rng.Uint64())
		if i%2 == 0 {
			n = rng.Int64N(2e7) - 1e7
		}
		if n == math.MinInt64 {
			continue
		}
		if got, want := Money(n).String(), legacyFormatYuan(n); got != want {
			t.Fatalf("%d: %q, old FormatYuan %q", n, got, want)
		}
	}
}

func TestMoneyRoundTrips(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 70))
	for i := 0; i < 200000; i++ {
		m := Money(rng.Int64N(1e14)) // everything ParseYuan can give
		if i%3 == 0 {
			m = Money(rng.Int64N(100000))
		}
		back, err := ParseYuan(m.String())
		if err != nil || back != m {
			t.Fatalf("%d: %q read back as %d %v", int64(m), m, back, err)
		}
		b, err := json.Marshal(m)
		if err != nil || string(b) != strconv.FormatInt(int64(m), 10) {
			t.Fatalf("%d: JSON %s %v", int64(m), b, err)
		}
		var j Money
		if err := json.Unmarshal(b, &j); err != nil || j != m {
			t.Fatalf("%d: JSON back %d %v", int64(m), j, err)
		}
		v, err := m.Value()
		var s Money
		if err != nil || s.Scan(v) != nil || s != m {
			t.Fatalf("%d: Value %v, Scan %d", int64(m), v, s)
		}
	}
}

func TestMoneyJSONIsFen(t *testing.T) {
	// As the API's dues standards carry it: amount_fen, an integer.
	type std struct {
		AmountFen Money  `json:"amount_fen"`
		Amount    string `json:"amount"`
	}
	b, err := json.Marshal(std{AmountFen: 5050, Amount: Money(5050).String()})
	if err != nil || string(b) != `{"amount_fen":5050,"amount":"50.50"}` {
		t.Fatalf("%s %v", b, err)
	}
	var in struct {
		AmountFen *Money `json:"amount_fen"`
	}
	if err := json.Unmarshal([]byte(`{"amount_fen":5050}`), &in); err != nil || in.AmountFen == nil || *in.AmountFen != 5050 {
		t.Fatalf("unmarshal: %v %v", in.AmountFen, err)
	}
	for _, bad := range []string{`{"amount_fen":50.5}`, `{"amount_fen":"5050"}`, `{"amount_fen":5e3}`, `{"amount_fen":9223372036854775808}`, `{"amount_fen":true}`} {
		in.AmountFen = nil
		if err := json.Unmarshal([]byte(bad), &in); err == nil {
			t.Errorf("%s read as %d", bad, *in.AmountFen)
		}
	}
}

func TestMoneyScan(t *testing.T) {
	var _ sql.Scanner = (*Money)(nil)
	var _ driver.Valuer = Money(0)
	for src, want := range map[any]Money{int64(5050): 5050, "5050": 5050, "-1": -1, "0": 0} {
		var m Money
		if err := m.Scan(src); err != nil || m != want {
			t.Errorf("Scan(%#v) = %d %v", src, m, err)
		}
	}
	var m Money
	if err := m.Scan([]byte("5050")); err != nil || m != 5050 {
		t.Errorf("Scan bytes: %d %v", m, err)
	}
	for _, bad := range []any{nil, "50.50", []byte("x"), 50.5, true} {
		if err := m.Scan(bad); err == nil {
			t.Errorf("Scan(%#v) took it", bad)
		}
	}
}
