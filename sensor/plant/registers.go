package plant

// UnitID is the only Modbus unit the PLC serves. Requests to any other unit draw
// exception 0x0B (gateway target device failed to respond), as a Modbus gateway does.
const UnitID = 1

// Holding registers, read and write.
const (
	// RegPumpSetpoint is the inflow pump speed setpoint in rpm, valid 0 to MaxPumpRPM.
	// The safe range in the lab policy is 0 to SafePumpRPM.
	RegPumpSetpoint = 0
	// RegValvePosition is the outlet valve opening in percent, valid 0 to 100.
	RegValvePosition = 1
	// RegHighLevelLimit is the level in millimetres at which the high-level alarm sets,
	// valid 0 to TankHeightMM.
	RegHighLevelLimit = 2
	holdingCount      = 3
)

// Input registers, read only.
const (
	// RegLevel is the tank level in millimetres.
	RegLevel = 0
	// RegPumpSpeed is the pump's actual speed in rpm; it ramps towards the setpoint.
	RegPumpSpeed = 1
	// RegInflow and RegOutflow are the flows in litres per minute.
	RegInflow  = 2
	RegOutflow = 3
	inputCount = 4
)

// Coils, read and write.
const (
	// CoilPumpRun starts (1) or stops (0) the inflow pump.
	CoilPumpRun = 0
	coilCount   = 1
)

// Discrete inputs, read only.
const (
	// InputHighLevel is set while the level is at or above RegHighLevelLimit.
	InputHighLevel = 0
	// InputLowLevel is set while the level is at or below LowLevelMM.
	InputLowLevel = 1
	discreteCount = 2
)

// Process constants.
const (
	// TankHeightMM is the tank's height; the level never exceeds it (the tank overflows).
	TankHeightMM = 2000
	// LowLevelMM is the level at or below which the low-level alarm sets.
	LowLevelMM = 100
	// MaxPumpRPM is the pump's rated speed, the largest setpoint the PLC accepts.
	MaxPumpRPM = 3000
	// SafePumpRPM is the largest setpoint the process was designed for: above it the
	// pump outruns the outlet and the tank overflows. The lab policy's safety limit.
	SafePumpRPM = 1500
	// litresPerMM is the tank's cross-section: 2 m² holds 2 litres per millimetre.
	litresPerMM = 2.0
	// pumpLitresPerRev is the pump's displacement: 80 l/min at 1000 rpm.
	pumpLitresPerRev = 0.08
	// valveFullFlow is the outflow in l/min through a fully open valve with a full tank;
	// the flow scales with the opening and the square root of the level (Torricelli).
	valveFullFlow = 200.0
	// pumpRampRPM is how fast the pump's speed follows the setpoint, in rpm per second.
	pumpRampRPM = 200.0
)

// Initial state: the process settles near 1280 mm with these values.
const (
	initialSetpoint = 1000
	initialValve    = 50
	initialLimit    = 1800
	initialLevelMM  = 1200
)
