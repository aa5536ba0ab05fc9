package formats

// jsonFieldID names one member that a JSON format reads, by its path from the line's
// top-level object. The scanner stores each member in jsonFields.spans at its ID.
type jsonFieldID uint8

// noJSONField is the ID of a key that no format reads.
const noJSONField jsonFieldID = 255

// fieldTechniqueValue is the ID of an alert.metadata member whose key names a MITRE
// technique. Any number of them may appear, so they go to jsonFields.techniqueValues.
const fieldTechniqueValue jsonFieldID = 254

// Members of the top-level object. Envelopes, EVE records and sensor alerts share one
// list, because the line's shape is known only after its last key.
const (
	// Shape keys.
	fieldEventType jsonFieldID = iota
	fieldLog
	fieldDate
	fieldRule
	fieldSensor
	// Shared by EVE and sensor alerts.
	fieldTimestamp
	fieldSrcIP
	fieldSrcPort
	fieldModbus
	// EVE only.
	fieldFlowID
	fieldDestIP
	fieldDestPort
	fieldProto
	fieldHost
	fieldAlert
	// Sensor alerts only.
	fieldSeverity
	fieldTechniques
	fieldDstIP
	fieldDstPort
	fieldSrcZone
	fieldDstZone
	fieldCount
	fieldFirstSeen
	fieldLastSeen
	fieldMessage

	// Members of an EVE host object.
	fieldHostName
	fieldHostHostname

	// Members of the EVE alert object.
	fieldAlertAction
	fieldAlertSignatureID
	fieldAlertSignature
	fieldAlertCategory
	fieldAlertSeverity
	fieldAlertMetadata

	// Members of the modbus object: EVE's request and response, and the sensor's flat block.
	fieldModbusRequest
	fieldModbusResponse
	fieldModbusTransactionID
	fieldModbusUnitID
	fieldModbusFunction
	fieldModbusAddress
	fieldModbusQuantity
	fieldModbusException
	fieldModbusValues

	// The EVE modbus request and response, each a run of modbusMessageFields IDs.
	fieldModbusRequestBase
	fieldModbusResponseBase = fieldModbusRequestBase + modbusMessageFields
	numJSONFields           = fieldModbusResponseBase + modbusMessageFields
)

// Members of an EVE modbus request or response, counted from the message's base ID. The
// message's exception object and its read and write blocks follow its own members.
const (
	messageTransactionID jsonFieldID = iota
	messageUnitID
	messageFunctionRaw
	messageException
	messageAccessType
	messageRead
	messageWrite
	messageExceptionRaw
	messageReadBlock                                           // address, quantity, data of the read block
	messageWriteBlock   = messageReadBlock + modbusBlockFields // the same for the write block
	modbusMessageFields = messageWriteBlock + modbusBlockFields
)

// Members of an EVE modbus read or write block, counted from the block's base ID.
const (
	blockAddress jsonFieldID = iota
	blockQuantity
	blockData
	modbusBlockFields
)

// jsonNode is a kind of object whose members the scanner stores.
type jsonNode uint8

const (
	nodeNone          jsonNode = iota // stores nothing
	nodeTop                           // the line's top-level object
	nodeHost                          // EVE host
	nodeAlert                         // EVE alert
	nodeModbus                        // EVE or sensor modbus
	nodeMessage                       // EVE modbus request or response
	nodeException                     // EVE modbus exception
	nodeBlock                         // EVE modbus read or write block
	nodeMetadata                      // EVE alert metadata
	nodeTechniqueList                 // sensor techniques, an array
	nodeValueList                     // sensor modbus.values, an array
)

// jsonListID names an array whose elements the scanner stores.
type jsonListID uint8

const (
	listTechniques   jsonListID = iota // the sensor's techniques
	listModbusValues                   // the sensor's modbus.values
	numJSONLists
)

// maxListElements bounds the elements stored per array. A sensor alert names a few
// techniques and the values of one write, and a longer array is read again from its text.
const maxListElements = 8

// jsonList is the elements of one stored array, in order. count goes past maxListElements
// when the array has more, and only the first maxListElements are kept.
type jsonList struct {
	elements [maxListElements]jsonSpan
	count    int
}

// jsonSpan is a stored member's value as offsets into the line, so the fields of a line
// take little memory to clear.
type jsonSpan struct {
	start, end int32
	kind       byte // 0 when the member is absent
	escaped    bool // a string with backslash escapes
}

// maxTechniqueValues bounds the alert.metadata members with technique keys that the scanner
// stores. The EVE samples in the corpus and testdata have one, mitre_technique_id, so four
// leaves room, and more only cost a second read of the metadata object.
const maxTechniqueValues = 4

// jsonFields contains the members of one JSON line that the formats read.
type jsonFields struct {
	line  string
	spans [numJSONFields]jsonSpan
	// techniqueValues are the alert.metadata members whose keys name a MITRE technique, in
	// line order. techniqueCount goes past maxTechniqueValues when more appear, and the
	// reader then walks the metadata object instead.
	techniqueValues [maxTechniqueValues]jsonSpan
	techniqueCount  int
	// lists are the elements of the arrays that jsonListID names.
	lists [numJSONLists]jsonList
}

// elements calls fn for each element of v, the stored array of the given list, stopping at
// fn's error. It reads the spans the scanner stored, or v's text when the array was longer.
func (f *jsonFields) elements(list jsonListID, v jsonValue, fn func(i int, item jsonValue) error) error {
	l := &f.lists[list]
	if l.count > maxListElements {
		return v.elements(fn)
	}
	for i, sp := range l.elements[:l.count] {
		if err := fn(i, f.spanValue(sp)); err != nil {
			return err
		}
	}
	return nil
}

// addTechniqueValue stores the value of an alert.metadata member whose key names a MITRE
// technique.
func (f *jsonFields) addTechniqueValue(sp jsonSpan) {
	if f.techniqueCount < maxTechniqueValues {
		f.techniqueValues[f.techniqueCount] = sp
	}
	f.techniqueCount++
}

// get returns the member with the given ID, the zero jsonValue when the line lacks it.
func (f *jsonFields) get(id jsonFieldID) jsonValue {
	sp := f.spans[id]
	if sp.kind == 0 {
		return jsonValue{}
	}
	return f.spanValue(sp)
}

// spanValue returns the value that a stored span covers.
func (f *jsonFields) spanValue(sp jsonSpan) jsonValue {
	return jsonValue{kind: sp.kind, escaped: sp.escaped, text: f.line[sp.start:sp.end], pos: int(sp.start)}
}

// memberField returns the ID of an object member from its decoded key, and for a member
// that is itself a described object, its node and the base ID of its members.
func memberField(node jsonNode, base jsonFieldID, key string) (id jsonFieldID, child jsonNode, childBase jsonFieldID) {
	switch node {
	case nodeTop:
		id = topField(key)
		switch id {
		case fieldModbus:
			return id, nodeModbus, 0
		case fieldHost:
			return id, nodeHost, 0
		case fieldAlert:
			return id, nodeAlert, 0
		case fieldTechniques:
			return id, nodeTechniqueList, 0
		}
		return id, nodeNone, 0
	case nodeHost:
		switch key {
		case "name":
			return fieldHostName, nodeNone, 0
		case "hostname":
			return fieldHostHostname, nodeNone, 0
		}
	case nodeAlert:
		id = alertField(key)
		if id == fieldAlertMetadata {
			return id, nodeMetadata, 0
		}
		return id, nodeNone, 0
	case nodeMetadata:
		if isTechniqueKey(key) {
			return fieldTechniqueValue, nodeNone, 0
		}
	case nodeModbus:
		id = modbusField(key)
		switch id {
		case fieldModbusRequest:
			return id, nodeMessage, fieldModbusRequestBase
		case fieldModbusResponse:
			return id, nodeMessage, fieldModbusResponseBase
		case fieldModbusValues:
			return id, nodeValueList, 0
		}
		return id, nodeNone, 0
	case nodeMessage:
		return messageField(base, key)
	case nodeException:
		if key == "raw" {
			return base, nodeNone, 0
		}
	case nodeBlock:
		switch key {
		case "address":
			return base + blockAddress, nodeNone, 0
		case "quantity":
			return base + blockQuantity, nodeNone, 0
		case "data":
			return base + blockData, nodeNone, 0
		}
	}
	return noJSONField, nodeNone, 0
}

// topField returns the ID of a top-level key.
func topField(key string) jsonFieldID {
	switch key {
	case "event_type":
		return fieldEventType
	case "log":
		return fieldLog
	case "date":
		return fieldDate
	case "rule":
		return fieldRule
	case "sensor":
		return fieldSensor
	case "timestamp":
		return fieldTimestamp
	case "src_ip":
		return fieldSrcIP
	case "src_port":
		return fieldSrcPort
	case "modbus":
		return fieldModbus
	case "flow_id":
		return fieldFlowID
	case "dest_ip":
		return fieldDestIP
	case "dest_port":
		return fieldDestPort
	case "proto":
		return fieldProto
	case "host":
		return fieldHost
	case "alert":
		return fieldAlert
	case "severity":
		return fieldSeverity
	case "techniques":
		return fieldTechniques
	case "dst_ip":
		return fieldDstIP
	case "dst_port":
		return fieldDstPort
	case "src_zone":
		return fieldSrcZone
	case "dst_zone":
		return fieldDstZone
	case "count":
		return fieldCount
	case "first_seen":
		return fieldFirstSeen
	case "last_seen":
		return fieldLastSeen
	case "message":
		return fieldMessage
	}
	return noJSONField
}

// alertField returns the ID of a key of the EVE alert object.
func alertField(key string) jsonFieldID {
	switch key {
	case "action":
		return fieldAlertAction
	case "signature_id":
		return fieldAlertSignatureID
	case "signature":
		return fieldAlertSignature
	case "category":
		return fieldAlertCategory
	case "severity":
		return fieldAlertSeverity
	case "metadata":
		return fieldAlertMetadata
	}
	return noJSONField
}

// modbusField returns the ID of a key of the modbus object.
func modbusField(key string) jsonFieldID {
	switch key {
	case "request":
		return fieldModbusRequest
	case "response":
		return fieldModbusResponse
	case "transaction_id":
		return fieldModbusTransactionID
	case "unit_id":
		return fieldModbusUnitID
	case "function":
		return fieldModbusFunction
	case "address":
		return fieldModbusAddress
	case "quantity":
		return fieldModbusQuantity
	case "exception":
		return fieldModbusException
	case "values":
		return fieldModbusValues
	}
	return noJSONField
}

// messageField returns the ID of a key of an EVE modbus request or response whose members
// start at base, with the node and base of the exception, read and write objects.
func messageField(base jsonFieldID, key string) (jsonFieldID, jsonNode, jsonFieldID) {
	switch key {
	case "transaction_id":
		return base + messageTransactionID, nodeNone, 0
	case "unit_id":
		return base + messageUnitID, nodeNone, 0
	case "function_raw":
		return base + messageFunctionRaw, nodeNone, 0
	case "exception":
		return base + messageException, nodeException, base + messageExceptionRaw
	case "access_type":
		return base + messageAccessType, nodeNone, 0
	case "read":
		return base + messageRead, nodeBlock, base + messageReadBlock
	case "write":
		return base + messageWrite, nodeBlock, base + messageWriteBlock
	}
	return noJSONField, nodeNone, 0
}
