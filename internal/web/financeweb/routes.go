package financeweb

import (
	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/web"
)

// register declares the routes of the books' pages and JSON API, each with
// the permission it needs; the toolkit checks it before the handler runs,
// and the finance domain checks the object.
func (s *handlers) register(k *web.Server) {
	const (
		read    = kexie.PermFinanceRead
		record  = kexie.PermFinanceRecord
		approve = kexie.PermFinanceApprove
	)
	k.Handle("GET", "/orgs/{code}/ledger", read, s.ledgerPage)
	k.Handle("POST", "/orgs/{code}/ledger/entries", record, s.recordEntry)
	k.Handle("POST", "/ledger/entries/{id}/approve", approve, s.approveEntry)
	k.Handle("GET", "/api/v1/orgs/{code}/ledger/accounts", read, s.apiAccounts)
	k.Handle("POST", "/api/v1/orgs/{code}/ledger/accounts", record, s.apiAddAccount)
	k.Handle("GET", "/api/v1/orgs/{code}/ledger/funds", read, s.apiFunds)
	k.Handle("POST", "/api/v1/orgs/{code}/ledger/funds", record, s.apiDeclareFund)
	k.Handle("GET", "/api/v1/orgs/{code}/ledger/entries", read, s.apiEntries)
	k.Handle("POST", "/api/v1/orgs/{code}/ledger/entries", record, s.apiRecord)
	k.Handle("GET", "/api/v1/ledger/entries/{id}", read, s.apiEntry)
	k.Handle("POST", "/api/v1/ledger/entries/{id}/approve", approve, s.apiApprove)
	k.Handle("POST", "/api/v1/ledger/entries/{id}/reject", approve, s.apiReject)
	k.Handle("POST", "/api/v1/ledger/entries/{id}/reverse", record, s.apiReverse)
	k.Handle("POST", "/api/v1/orgs/{code}/ledger/close", approve, s.apiClose)
	k.Handle("POST", "/api/v1/orgs/{code}/ledger/reopen", approve, s.apiReopen)
	k.Handle("GET", "/api/v1/orgs/{code}/ledger/trial-balance", read, s.apiTrialBalance)
	k.Handle("GET", "/api/v1/orgs/{code}/ledger/balance-sheet", read, s.apiBalanceSheet)
	k.Handle("GET", "/api/v1/orgs/{code}/ledger/activities", read, s.apiActivities)
	k.Handle("GET", "/api/v1/orgs/{code}/ledger/fund-statement", read, s.apiFundStatement)
	k.Handle("GET", "/api/v1/orgs/{code}/ledger/report", read, s.apiReport)
	k.Handle("GET", "/api/v1/orgs/{code}/ledger/sources", read, s.apiSources)

	k.Handle("POST", "/ledger/entries/{id}/reject", approve, s.rejectEntry)
	k.Handle("POST", "/ledger/entries/{id}/reverse", record, s.reverseEntry)
	k.Handle("POST", "/orgs/{code}/ledger/close", approve, s.closePeriod)
	k.Handle("POST", "/orgs/{code}/ledger/reopen", approve, s.reopenPeriod)
	k.Handle("GET", "/orgs/{code}/ledger/funds", read, s.fundsPage)
	k.Handle("POST", "/orgs/{code}/ledger/funds", record, s.declareFundForm)
	k.Handle("POST", "/orgs/{code}/ledger/accounts", record, s.addAccountForm)
	k.Handle("GET", "/orgs/{code}/ledger/statements", read, s.statementsPage)
	k.Handle("GET", "/orgs/{code}/ledger/statements.xlsx", read, s.statementsXLSX)
	k.Handle("GET", "/orgs/{code}/ledger/statements.pdf", read, s.statementsPDF)

	k.Handle("GET", "/orgs/{code}/ledger/receipts", read, s.receiptsPage)
	k.Handle("POST", "/orgs/{code}/ledger/receipts", record, s.issueDonationForm)
	k.Handle("POST", "/ledger/receipts/{id}/void", approve, s.voidReceiptForm)
	k.Handle("GET", "/ledger/receipts/{id}/pdf", read, s.receiptPDF)
	k.Handle("GET", "/api/v1/orgs/{code}/ledger/receipts", read, s.apiReceipts)
	k.Handle("POST", "/api/v1/orgs/{code}/ledger/receipts", record, s.apiIssueDonation)
	k.Handle("GET", "/api/v1/ledger/receipts/{id}", read, s.apiReceipt)
	k.Handle("POST", "/api/v1/ledger/receipts/{id}/void", approve, s.apiVoidReceipt)
}
