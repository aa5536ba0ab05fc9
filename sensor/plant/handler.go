package plant

import (
	"math"

	"github.com/simonvetter/modbus"
)

// Compile-time check that Plant serves as the library's request handler.
var _ modbus.RequestHandler = (*Plant)(nil)

// HandleCoils reads or writes the coils. A write takes effect at once.
func (p *Plant) HandleCoils(req *modbus.CoilsRequest) ([]bool, error) {
	if err := checkRange(req.UnitId, req.Addr, req.Quantity, coilCount); err != nil {
		return nil, err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.advanceLocked()

	if req.IsWrite {
		// Only one coil exists, so the range check leaves req.Args[0] as the pump command.
		p.state.PumpRun = req.Args[0]
		p.log.Info("coil written", "client", req.ClientAddr, "coil", "pump_run", "value", req.Args[0])
		return nil, nil
	}
	return []bool{p.state.PumpRun}, nil
}

// HandleDiscreteInputs reads the alarm inputs.
func (p *Plant) HandleDiscreteInputs(req *modbus.DiscreteInputsRequest) ([]bool, error) {
	if err := checkRange(req.UnitId, req.Addr, req.Quantity, discreteCount); err != nil {
		return nil, err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.advanceLocked()

	inputs := [discreteCount]bool{InputHighLevel: p.state.HighAlarm, InputLowLevel: p.state.LowAlarm}
	return inputs[req.Addr : req.Addr+req.Quantity], nil
}

// HandleHoldingRegisters reads or writes the setpoints. A write with any value outside its
// register's valid range changes nothing and draws Illegal Data Value. The PLC does not
// check the safe range, which is the point of the sensor's safety rule.
func (p *Plant) HandleHoldingRegisters(req *modbus.HoldingRegistersRequest) ([]uint16, error) {
	if err := checkRange(req.UnitId, req.Addr, req.Quantity, holdingCount); err != nil {
		return nil, err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.advanceLocked()

	if !req.IsWrite {
		regs := p.holdingLocked()
		return regs[req.Addr : req.Addr+req.Quantity], nil
	}

	for i, v := range req.Args {
		if v > holdingMax[int(req.Addr)+i] {
			return nil, modbus.ErrIllegalDataValue
		}
	}
	for i, v := range req.Args {
		reg := int(req.Addr) + i
		*p.holdingSlot(reg) = v
		p.log.Info("register written", "client", req.ClientAddr, "register", holdingNames[reg], "value", v)
	}
	return nil, nil
}

// HandleInputRegisters reads the measured values, rounded to whole units.
func (p *Plant) HandleInputRegisters(req *modbus.InputRegistersRequest) ([]uint16, error) {
	if err := checkRange(req.UnitId, req.Addr, req.Quantity, inputCount); err != nil {
		return nil, err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.advanceLocked()

	s := p.state
	regs := [inputCount]uint16{
		RegLevel:     round(s.Level),
		RegPumpSpeed: round(s.PumpSpeed),
		RegInflow:    round(s.Inflow),
		RegOutflow:   round(s.Outflow),
	}
	return regs[req.Addr : req.Addr+req.Quantity], nil
}

// holdingMax is the largest value each holding register accepts.
var holdingMax = [holdingCount]uint16{
	RegPumpSetpoint:   MaxPumpRPM,
	RegValvePosition:  100,
	RegHighLevelLimit: TankHeightMM,
}

// holdingNames name the holding registers in log lines.
var holdingNames = [holdingCount]string{
	RegPumpSetpoint:   "pump_speed_setpoint_rpm",
	RegValvePosition:  "outlet_valve_position_pct",
	RegHighLevelLimit: "high_level_limit_mm",
}

func (p *Plant) holdingLocked() [holdingCount]uint16 {
	return [holdingCount]uint16{
		RegPumpSetpoint:   p.state.Setpoint,
		RegValvePosition:  p.state.ValvePosition,
		RegHighLevelLimit: p.state.HighLimit,
	}
}

func (p *Plant) holdingSlot(reg int) *uint16 {
	switch reg {
	case RegPumpSetpoint:
		return &p.state.Setpoint
	case RegValvePosition:
		return &p.state.ValvePosition
	default:
		return &p.state.HighLimit
	}
}

// checkRange rejects another unit and any address range that is not wholly inside a
// table of count entries. The server has already checked that quantity is not zero.
func checkRange(unit uint8, addr, quantity uint16, count int) error {
	if unit != UnitID {
		return modbus.ErrGWTargetFailedToRespond
	}
	if int(addr)+int(quantity) > count {
		return modbus.ErrIllegalDataAddress
	}
	return nil
}

func round(v float64) uint16 {
	return uint16(math.Round(math.Max(0, math.Min(math.MaxUint16, v))))
}
