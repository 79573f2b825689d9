package finance

import (
	"strconv"
	"strings"

	"github.com/kexie/kexie/internal/kexie"
)

// Capitals writes an amount as a Chinese receipt does, in capital
// numerals (大写金额), which cannot be altered by adding a stroke:
// 1234.50 yuan is 壹仟贰佰叁拾肆元伍角整, 100000001.00 is 壹亿零壹元整,
// 0.05 is 伍分. A run of zeros inside the number is one 零; 整 ends an
// amount without fen.
func Capitals(m kexie.Money) string {
	if m < 0 {
		return "负" + Capitals(-m)
	}
	const digits = "零壹贰叁肆伍陆柒捌玖"
	digit := func(d int64) string { r := []rune(digits); return string(r[d]) }
	units := []string{"", "拾", "佰", "仟"}
	groups := []string{"", "万", "亿", "万亿"}
	yuan, jiao, fen := int64(m)/100, int64(m)/10%10, int64(m)%10
	var b strings.Builder
	if yuan > 0 {
		s := strconv.FormatInt(yuan, 10)
		zero := false
		for i := range s {
			pos := len(s) - 1 - i
			if d := int64(s[i] - '0'); d == 0 {
				zero = true
			} else {
				if zero {
					b.WriteString("零")
					zero = false
				}
				b.WriteString(digit(d) + units[pos%4])
			}
			if pos%4 == 0 && pos > 0 && strings.Trim(s[max(0, i-3):i+1], "0") != "" {
				b.WriteString(groups[pos/4])
			}
		}
		b.WriteString("元")
	}
	switch {
	case jiao > 0:
		b.WriteString(digit(jiao) + "角")
	case fen > 0 && yuan > 0:
		b.WriteString("零")
	}
	if fen > 0 {
		b.WriteString(digit(fen) + "分")
	} else if yuan > 0 || jiao > 0 {
		b.WriteString("整")
	}
	if b.Len() == 0 {
		return "零元整"
	}
	return b.String()
}
