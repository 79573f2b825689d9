package finance_test

import (
	"testing"

	"github.com/kexie/kexie/internal/finance"
	"github.com/kexie/kexie/internal/kexie"
)

func TestCapitals(t *testing.T) {
	for fen, want := range map[int64]string{
		0:               "零元整",
		5:               "伍分",
		50:              "伍角整",
		100:             "壹元整",
		105:             "壹元零伍分",
		123450:          "壹仟贰佰叁拾肆元伍角整",
		101000:          "壹仟零壹拾元整",
		1000000:         "壹万元整",
		1010000:         "壹万零壹佰元整",
		10000000100:     "壹亿零壹元整",
		50000000000:     "伍亿元整",
		1234567890123:   "壹佰贰拾叁亿肆仟伍佰陆拾柒万捌仟玖佰零壹元贰角叁分",
		100000100000000: "壹万亿零壹佰万元整",
	} {
		if got := finance.Capitals(kexie.Money(fen)); got != want {
			t.Errorf("%d fen: %s, want %s", fen, got, want)
		}
	}
}
