package activities

import (
	"context"

	"github.com/kexie/kexie/internal/kexie"
)

// CheckInBatch writes scans of activity code as one batch of the desk, in
// their order, as a rush that brings them together would: each answer or
// error is the scan's own.
func (svc *Service) CheckInBatch(ctx context.Context, actor kexie.Actor, code string, scans []Scan) ([]Checkin, []error) {
	outs := make([]*Checkin, len(scans))
	errs := make([]error, len(scans))
	var batch []*deskJob
	var index []int
	for i, s := range scans {
		job, out, err := scanJob(actor, code, s)
		if err != nil {
			errs[i] = err
			continue
		}
		job.done = make(chan error, 1)
		outs[i] = out
		batch = append(batch, job)
		index = append(index, i)
	}
	jobs := append([]*deskJob(nil), batch...)
	svc.desk.commit(ctx, svc.db, batch)
	res := make([]Checkin, len(scans))
	for n, j := range jobs {
		i := index[n]
		if errs[i] = <-j.done; errs[i] == nil {
			res[i] = *outs[i]
			res[i].At = res[i].At.In(kexie.Beijing)
		}
	}
	return res, errs
}
