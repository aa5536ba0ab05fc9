package pipeline

import (
	"github.com/otlake/cloud-telemetry-lake/sensor/modbus"
	"github.com/otlake/cloud-telemetry-lake/sensor/stats"
)

// Data implements flow.Sink: reassembled bytes go to the direction's Modbus stream.
func (s *Sensor) Data(p []byte) { s.curDir.stream.Feed(p, s) }

// Gap implements flow.Sink: lost bytes leave a partial ADU unusable.
func (s *Sensor) Gap() {
	s.counters.DecodeErrors[stats.ErrStreamGap].Add(1)
	s.curDir.stream.Reset()
}

// HandleDecodeError implements modbus.Handler.
func (s *Sensor) HandleDecodeError(kind modbus.ErrorKind) {
	switch kind {
	case modbus.ErrProtocolID:
		s.counters.DecodeErrors[stats.ErrProtocolID].Add(1)
	case modbus.ErrLength:
		s.counters.DecodeErrors[stats.ErrLength].Add(1)
	default:
		s.counters.DecodeErrors[stats.ErrPDU].Add(1)
	}
}

// HandleADU implements modbus.Handler: it pairs requests with responses and applies the
// rules.
func (s *Sensor) HandleADU(adu *modbus.ADU) {
	s.counters.ADUs[adu.BaseFunction()].Add(1)
	now := s.pkt.Timestamp
	st := s.cur

	if !s.curToServer {
		s.handleResponse(adu, now)
		return
	}

	// A request's function code is 1-127: the exception bit and 0 are not requests.
	if adu.IsException() || adu.Function() == 0 {
		s.counters.DecodeErrors[stats.ErrPDU].Add(1)
		s.observe(adu, nil)
		return
	}

	// The request lives in the sensor, so handing its address to the rules costs no
	// allocation per ADU.
	var err error
	s.req, err = modbus.ParseRequest(adu.PDU, s.values)
	req := &s.req
	pending := modbus.Pending{
		TransactionID: adu.TransactionID,
		UnitID:        adu.UnitID,
		Function:      adu.Function(),
		Address:       req.Address,
		Quantity:      req.Quantity,
		Time:          now,
	}
	s.counters.TimedOut.Add(uint64(st.modbus.transactions.Add(pending, now, s.timeout)))
	if err != nil {
		s.counters.DecodeErrors[stats.ErrPDU].Add(1)
		s.observe(adu, nil)
		return
	}

	s.observe(adu, req)
	s.engine.Request(&st.info, adu, req, now)
}

func (s *Sensor) handleResponse(adu *modbus.ADU, now int64) {
	st := s.cur
	if adu.IsException() {
		s.counters.Exceptions.Add(1)
	}

	request, ok, timedOut := st.modbus.transactions.Match(adu.TransactionID, adu.UnitID, now, s.timeout)
	s.counters.TimedOut.Add(uint64(timedOut))
	s.observe(adu, nil)
	if !ok {
		s.counters.Unmatched.Add(1)
		s.engine.Response(&st.info, adu, nil, now)
		return
	}

	s.counters.Paired.Add(1)
	s.engine.Response(&st.info, adu, &request, now)
}

func (s *Sensor) observe(adu *modbus.ADU, req *modbus.Request) {
	if s.OnADU != nil {
		s.OnADU(&s.cur.info, s.curToServer, adu, req)
	}
}
