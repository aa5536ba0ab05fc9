package rules

import (
	"fmt"
	"slices"

	"github.com/otlake/cloud-telemetry-lake/sensor/modbus"
	"github.com/otlake/cloud-telemetry-lake/sensor/output"
)

// functionNames are the names of the write functions, for alert messages.
var functionNames = map[uint8]string{
	modbus.FuncWriteSingleCoil:        "Write Single Coil",
	modbus.FuncWriteSingleRegister:    "Write Single Register",
	modbus.FuncWriteMultipleCoils:     "Write Multiple Coils",
	modbus.FuncWriteMultipleRegisters: "Write Multiple Registers",
	modbus.FuncMaskWriteRegister:      "Mask Write Register",
	modbus.FuncReadWriteRegisters:     "Read/Write Multiple Registers",
}

// Techniques of UNAUTHORIZED_MODBUS_WRITE; shared, so folding a write allocates nothing.
var (
	coilWriteTechniques     = []string{TechUnauthorizedCommand}
	registerWriteTechniques = []string{TechUnauthorizedCommand, TechModifyParameter}
)

// Request applies the rules to a decoded Modbus request on flow f at capture time now.
func (e *Engine) Request(f *Flow, adu *modbus.ADU, req *modbus.Request, now int64) {
	if modbus.IsWriteFunction(req.Function) {
		e.checkWriter(f, adu, req, now)
		e.checkSafety(f, adu, req, now)
	}
	e.trackRequest(f, adu, req, now)
}

func (e *Engine) checkWriter(f *Flow, adu *modbus.ADU, req *modbus.Request, now int64) {
	coils := modbus.WritesCoils(req.Function)
	if e.policy.TrustedWriter(f.Client, adu.UnitID, coils, req.Address, req.Quantity) {
		return
	}

	// Coil writes are commands, and register writes change parameters such as setpoints.
	techniques := coilWriteTechniques
	if !coils {
		techniques = registerWriteTechniques
	}

	key := flowKey(ruleWrite, f)
	if e.fold(key, now, techniques...) {
		return
	}

	alert := base(output.RuleWrite, output.SeverityHigh, f)
	alert.Techniques = slices.Clone(techniques)
	alert.Modbus = requestDetails(adu, req)
	alert.Message = fmt.Sprintf("%s (function %d) from %s to unit %d address %d quantity %d: client not trusted to write there",
		functionNames[req.Function], req.Function, f.Client, adu.UnitID, req.Address, req.Quantity)
	if req.Function == modbus.FuncWriteSingleCoil {
		alert.Message += fmt.Sprintf(", coil set %s", coilState(req.Values[0]))
	}
	e.raise(key, alert, now, now)
}

func coilState(v uint16) string {
	if v == 1 {
		return "ON (0xFF00)"
	}
	return "OFF (0x0000)"
}

// checkSafety checks every written register value against its limit.
func (e *Engine) checkSafety(f *Flow, adu *modbus.ADU, req *modbus.Request, now int64) {
	// Coils have no ranges, and a mask write's result depends on the register's current
	// value, which the sensor does not know.
	if modbus.WritesCoils(req.Function) || req.Function == modbus.FuncMaskWriteRegister {
		return
	}

	for i, raw := range req.Values {
		register := req.Address + uint16(i)
		limit := e.policy.LimitOf(adu.UnitID, register)
		if limit == nil || !limit.Violates(raw) {
			continue
		}

		key := flowKey(ruleSafety, f)
		if e.fold(key, now) {
			return
		}

		alert := base(output.RuleSafety, output.SeverityCrit, f)
		alert.Techniques = []string{TechLossOfSafety, TechModifyParameter}
		alert.Modbus = requestDetails(adu, req)
		alert.Message = fmt.Sprintf("write of %d to %s (unit %d register %d) from %s is outside its safe range %d to %d",
			limit.Value(raw), limit.Name, adu.UnitID, register, f.Client, limit.Min, limit.Max)
		e.raise(key, alert, now, now)
		return
	}
}

// requestDetails returns the alert's modbus object for a request; it copies the values,
// which alias the decoder's buffer.
func requestDetails(adu *modbus.ADU, req *modbus.Request) *output.Modbus {
	address, quantity := req.Address, req.Quantity
	details := &output.Modbus{
		TransactionID: adu.TransactionID,
		UnitID:        adu.UnitID,
		Function:      req.Function,
		Address:       &address,
		Quantity:      &quantity,
	}
	if req.Values != nil {
		details.Values = append([]uint16(nil), req.Values...)
	}
	return details
}
