package modbus

// maxPending bounds the unanswered requests kept per flow. Modbus/TCP clients usually
// wait for each response; a client with more in flight loses the oldest entries.
const maxPending = 16

// Pending is a request waiting for its response.
type Pending struct {
	TransactionID uint16
	UnitID        uint8
	Function      uint8
	Address       uint16
	Quantity      uint16
	// Time is the request's capture time in Unix nanoseconds.
	Time int64
}

// Transactions pairs requests with responses by transaction ID and unit ID. The zero value
// is ready to use.
type Transactions struct {
	slots [maxPending]Pending
	used  [maxPending]bool
}

// Add records a request at time now. It returns how many older requests it dropped
// because they timed out (older than timeout nanoseconds) or the table was full.
func (t *Transactions) Add(p Pending, now, timeout int64) (dropped int) {
	dropped = t.expire(now, timeout)

	// Reuse a slot with the same ID: the client reused it, so the old request is gone.
	free, oldest := -1, -1
	for i := range t.slots {
		switch {
		case !t.used[i]:
			if free < 0 {
				free = i
			}
		case t.slots[i].TransactionID == p.TransactionID && t.slots[i].UnitID == p.UnitID:
			t.slots[i] = p
			return dropped + 1
		case oldest < 0 || t.slots[i].Time < t.slots[oldest].Time:
			oldest = i
		}
	}

	if free < 0 {
		free = oldest
		dropped++
	}
	t.slots[free] = p
	t.used[free] = true
	return dropped
}

// Match removes and returns the request that a response belongs to. It also returns how
// many requests timed out.
func (t *Transactions) Match(transactionID uint16, unitID uint8, now, timeout int64) (Pending, bool, int) {
	dropped := t.expire(now, timeout)

	for i := range t.slots {
		if t.used[i] && t.slots[i].TransactionID == transactionID && t.slots[i].UnitID == unitID {
			t.used[i] = false
			return t.slots[i], true, dropped
		}
	}
	return Pending{}, false, dropped
}

func (t *Transactions) expire(now, timeout int64) int {
	dropped := 0
	for i := range t.slots {
		if t.used[i] && now-t.slots[i].Time > timeout {
			t.used[i] = false
			dropped++
		}
	}
	return dropped
}
