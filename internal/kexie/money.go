package kexie

import (
	"database/sql/driver"
	"fmt"
	"strconv"
	"strings"
)

// Money is an amount of renminbi in whole fen (1/100 yuan). It is exact:
// no floating point anywhere. In JSON it is an integer number of fen, as
// the API's amount_fen has always been; stored, a BIGINT of fen.
type Money int64

// ParseYuan reads an amount typed in yuan, as the dues forms and the API's
// "amount" take it: after trimming surrounding space, ASCII digits (at
// most 12), optionally a point and at most two more digits — "50",
// "50.5", "50.50", "0.05", also "50." (50 yuan). Refused: an empty amount,
// a sign ("-5", "+5"), a leading point (".5"), a third decimal, grouping
// ("1,000"), a currency sign or unit ("¥50", "50元"), exponents, full-width
// digits, and more than 12 digits before the point (so the amount always
// fits). A refusal is a CodeInvalid error with key err.amount.
func ParseYuan(s string) (Money, error) {
	s = strings.TrimSpace(s)
	whole, frac, _ := strings.Cut(s, ".")
	if whole == "" || len(whole) > 12 || len(frac) > 2 || !digits(whole) || !digits(frac) {
		return 0, Errorf(CodeInvalid, "err.amount", "the amount is written in yuan, like 50 or 50.00")
	}
	y, _ := strconv.ParseInt(whole, 10, 64)
	var f int64
	for i := 0; i < 2; i++ {
		f *= 10
		if i < len(frac) {
			f += int64(frac[i] - '0')
		}
	}
	return Money(y*100 + f), nil
}

// Fen is the amount in fen.
func (m Money) Fen() int64 { return int64(m) }

// String writes the amount in yuan with two decimals: 5050 fen is "50.50",
// 5 is "0.05", -5 is "-0.05".
func (m Money) String() string {
	sign := ""
	u := uint64(m)
	if m < 0 {
		sign, u = "-", -u // two's complement: right for the most negative too
	}
	cents := u % 100
	return sign + strconv.FormatUint(u/100, 10) + "." + string([]byte{byte('0' + cents/10), byte('0' + cents%10)})
}

// Value stores the amount as an integer of fen.
func (m Money) Value() (driver.Value, error) { return int64(m), nil }

// Scan reads an integer column of fen (int64, or its text as SQLite's
// CAST(… AS TEXT) gives it). NULL is refused: scan into sql.Null[Money]
// where a column may be NULL.
func (m *Money) Scan(src any) error {
	switch v := src.(type) {
	case int64:
		*m = Money(v)
		return nil
	case string:
		return m.scanText(v)
	case []byte:
		return m.scanText(string(v))
	}
	return fmt.Errorf("kexie.Money: cannot scan %T", src)
}

func (m *Money) scanText(s string) error {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return fmt.Errorf("kexie.Money: cannot scan %q as fen", s)
	}
	*m = Money(n)
	return nil
}
