package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/kexie/kexie/internal/finance"
	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/membership"
)

// TestFinanceReceipts: dues recorded on a member post to the books with a
// dues receipt; a donation gets a donation receipt (idempotent with its
// key), printable as PDF in both languages; voiding asks for a
// confirmation, needs the approve permission, keeps the number and shows
// "void" on the PDF.
func TestFinanceReceipts(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.user("clerk", kexie.RoleStaff, e.a)
		e.user("cashier", kexie.RoleTreasurer, e.a)
		e.user("acct", kexie.RoleAccountant, e.a)
		out, err := e.db.Membership.ImportMembers(ctx, e.setup, membership.MemberRecords([]kexie.MemberRecord{{Line: 2, MemberNo: "M1", OrgCode: "A",
			Type: "individual", Name: "王芳", Status: "active", Joined: "2020-01-01"}}, nil), membership.MemberImportOptions{})
		if err != nil || out.Created != 1 {
			t.Fatalf("set-up: %v %+v", err, out)
		}
		m, err := e.db.Membership.MemberByOrgNo(ctx, "A", "M1")
		if err != nil {
			t.Fatal(err)
		}
		today := kexie.Today(time.Now()).String()
		year := today[:4]

		clerk := e.client()
		clerk.mustLogin("clerk")
		wantStatus(t, clerk.api("POST", "/api/v1/members/"+itoa(m.ID)+"/dues", "", map[string]any{"date": today, "amount": "50", "method": "cash"}), http.StatusCreated)
		// The member's page offers the method.
		if b := clerk.get("/members/" + itoa(m.ID)).body; !strings.Contains(b, `name="method"`) {
			t.Fatalf("the dues form has no method: %.400s", b)
		}

		cashier := e.client()
		cashier.mustLogin("cashier")
		var list struct {
			Total    int               `json:"total"`
			Receipts []finance.Receipt `json:"receipts"`
		}
		r := cashier.api("GET", "/api/v1/orgs/A/ledger/receipts?series=dues", "", nil)
		wantStatus(t, r, http.StatusOK)
		r.json(t, &list)
		if list.Total != 1 || list.Receipts[0].Number != "A-HF-"+year+"-000001" || list.Receipts[0].Amount != 5000 || list.Receipts[0].Method != "cash" {
			t.Fatalf("dues receipts: %s", r.body)
		}

		var rc finance.Receipt
		body := map[string]any{"date": today, "donor": "某基金会", "amount": 123450, "purpose": "青年科技奖", "idempotency_key": "d1"}
		r = cashier.api("POST", "/api/v1/orgs/A/ledger/receipts", "", body)
		wantStatus(t, r, http.StatusCreated)
		r.json(t, &rc)
		if rc.Number != "A-JZ-"+year+"-000001" || rc.Status != "issued" {
			t.Fatalf("donation receipt: %s", r.body)
		}
		r = cashier.api("POST", "/api/v1/orgs/A/ledger/receipts", "", body)
		wantStatus(t, r, http.StatusOK)
		var again finance.Receipt
		r.json(t, &again)
		if again.ID != rc.ID {
			t.Fatalf("the same key issued another receipt: %s", r.body)
		}

		zh := cashier.get("/ledger/receipts/" + itoa(rc.ID) + "/pdf?lang=zh-Hans")
		wantStatus(t, zh, http.StatusOK)
		text := pdfText(t, zh.body)
		for _, want := range []string{"公益事业捐赠票据", rc.Number, "某基金会", "1234.50", "壹仟贰佰叁拾肆元伍角整", "青年科技奖", "A省科协"} {
			if !strings.Contains(text, want) {
				t.Errorf("Chinese PDF lacks %q:\n%s", want, text)
			}
		}
		en := pdfText(t, cashier.get("/ledger/receipts/"+itoa(rc.ID)+"/pdf?lang=en").body)
		for _, want := range []string{"Donation receipt", rc.Number, "1234.50", "A Association"} {
			if !strings.Contains(en, want) {
				t.Errorf("English PDF lacks %q:\n%s", want, en)
			}
		}

		// Voiding: not for the treasurer; the accountant confirms on the page.
		wantStatus(t, cashier.post("/ledger/receipts/"+itoa(rc.ID)+"/void", url.Values{"reason": {"x"}}), http.StatusForbidden)
		acct := e.client()
		acct.mustLogin("acct")
		page := acct.get("/orgs/A/ledger/receipts")
		wantStatus(t, page, http.StatusOK)
		if !strings.Contains(page.body, `class="confirm"`) || !strings.Contains(page.body, rc.Number) {
			t.Fatalf("receipts page: %.2000s", page.body)
		}
		wantStatus(t, acct.post("/ledger/receipts/"+itoa(rc.ID)+"/void", url.Values{"reason": {"金额写错"}}), http.StatusBadRequest)
		if still, _ := e.db.Finance.Receipt(ctx, kexie.SystemActor("test"), kexie.PermFinanceRead, rc.ID); still.Status != "issued" {
			t.Fatalf("voided without a confirmation: %+v", still)
		}
		wantStatus(t, acct.post("/ledger/receipts/"+itoa(rc.ID)+"/void", url.Values{"reason": {"金额写错"}, "confirm": {"yes"}}), http.StatusSeeOther)
		var void finance.Receipt
		r = acct.api("GET", "/api/v1/ledger/receipts/"+itoa(rc.ID), "", nil)
		r.json(t, &void)
		if void.Status != "voided" || void.Number != rc.Number || void.VoidReason != "金额写错" {
			t.Fatalf("after voiding: %s", r.body)
		}
		text = pdfText(t, acct.get("/ledger/receipts/"+itoa(rc.ID)+"/pdf?lang=zh-Hans").body)
		if !strings.Contains(text, "作废") || !strings.Contains(text, "金额写错") {
			t.Errorf("a void receipt's PDF does not say so:\n%s", text)
		}
		// Voiding again is a conflict shown on the page.
		wantStatus(t, acct.post("/ledger/receipts/"+itoa(rc.ID)+"/void", url.Values{"reason": {"again"}, "confirm": {"yes"}}), http.StatusConflict)

		// A dues receipt is voided the same way, through the API (the page's
		// form is the same for both series): number kept, the payment gone
		// from the member's page.
		dues := list.Receipts[0]
		if b := clerk.get("/members/" + itoa(m.ID)).body; !strings.Contains(b, ">50.00<") {
			t.Fatalf("the member's page does not list the payment")
		}
		r = cashier.api("POST", "/api/v1/ledger/receipts/"+itoa(dues.ID)+"/void", "", map[string]any{"reason": "x"})
		wantStatus(t, r, http.StatusForbidden)
		r = acct.api("POST", "/api/v1/ledger/receipts/"+itoa(dues.ID)+"/void", "", map[string]any{"reason": "重复登记"})
		wantStatus(t, r, http.StatusOK)
		r.json(t, &void)
		if void.Status != "voided" || void.Number != dues.Number || void.VoidReason != "重复登记" || void.VoidEntryID == 0 {
			t.Fatalf("dues receipt after voiding: %s", r.body)
		}
		if b := clerk.get("/members/" + itoa(m.ID)).body; strings.Contains(b, ">50.00<") {
			t.Errorf("the member's page still lists the voided payment")
		}
		text = pdfText(t, acct.get("/ledger/receipts/"+itoa(dues.ID)+"/pdf?lang=en").body)
		if !strings.Contains(text, "重复登记") || !strings.Contains(text, dues.Number) {
			t.Errorf("a void dues receipt's PDF does not say so:\n%s", text)
		}
	})
}
