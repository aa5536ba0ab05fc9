package staging

// rowColumns is the set of leaf columns of staged_telemetry.
type rowColumns struct {
	eventTime, ingestTime, timeAssumedUTC, format, hostIdentifier, eventType, rule, severity column
	srcIP, dstIP, srcPort, dstPort, protocol, action, flowID, logPrefix, inInterface         column
	outInterface, signatureID, signature, category, alertSeverity, techniques                column
	modbusUnitID, modbusFunction, modbusAddress, modbusException, alertCount, message        column
	rawKey, rawLine, raw                                                                     column

	text []string // one text column's values of the rows being written, for column.texts
}

// dictionaryColumns returns the text columns written RLE_DICTIONARY: those that take few
// distinct values in a chunk, such as names, interfaces and a plant's addresses. Free text,
// flow IDs and the raw line stay PLAIN.
func (rc *rowColumns) dictionaryColumns() []*column {
	return []*column{
		&rc.format, &rc.hostIdentifier, &rc.eventType, &rc.rule, &rc.severity, &rc.srcIP, &rc.dstIP,
		&rc.protocol, &rc.action, &rc.logPrefix, &rc.inInterface, &rc.outInterface, &rc.signature,
		&rc.category, &rc.rawKey,
	}
}

// inSchemaOrder returns the columns in the order of leafNames.
func (rc *rowColumns) inSchemaOrder() []*column {
	return []*column{
		&rc.eventTime, &rc.ingestTime, &rc.timeAssumedUTC, &rc.format, &rc.hostIdentifier, &rc.eventType,
		&rc.rule, &rc.severity, &rc.srcIP, &rc.dstIP, &rc.srcPort, &rc.dstPort, &rc.protocol, &rc.action,
		&rc.flowID, &rc.logPrefix, &rc.inInterface, &rc.outInterface, &rc.signatureID, &rc.signature,
		&rc.category, &rc.alertSeverity, &rc.techniques, &rc.modbusUnitID,
		&rc.modbusFunction, &rc.modbusAddress, &rc.modbusException, &rc.alertCount, &rc.message,
		&rc.rawKey, &rc.rawLine, &rc.raw,
	}
}

// writeRows appends rows to the columns one column at a time, which keeps each column's state
// in the CPU cache for the whole batch. A text column's values are gathered first and appended
// in one call. Empty optional strings and empty lists are NULL, as parquet-go writes them for
// Row's optional tags.
func (rc *rowColumns) writeRows(rows []*Row) {
	if cap(rc.text) < len(rows) {
		rc.text = make([]string, len(rows))
	}
	text := rc.text[:len(rows)]
	defer clear(text) // The encoder outlives the rows, whose strings may point into large buffers.

	for _, r := range rows {
		rc.eventTime.int64Value(r.EventTime.UnixMilli())
	}
	for _, r := range rows {
		if r.IngestTime != nil {
			rc.ingestTime.int64Value(r.IngestTime.UnixMilli())
		} else {
			rc.ingestTime.null()
		}
	}
	for _, r := range rows {
		rc.timeAssumedUTC.boolValue(r.TimeAssumedUTC)
	}

	for i, r := range rows {
		text[i] = r.Format
	}
	rc.format.texts(text)
	for i, r := range rows {
		text[i] = r.HostIdentifier
	}
	rc.hostIdentifier.texts(text)
	for i, r := range rows {
		text[i] = r.EventType
	}
	rc.eventType.texts(text)
	for i, r := range rows {
		text[i] = r.Rule
	}
	rc.rule.texts(text)
	for i, r := range rows {
		text[i] = r.Severity
	}
	rc.severity.texts(text)
	for i, r := range rows {
		text[i] = r.SrcIP
	}
	rc.srcIP.texts(text)
	for i, r := range rows {
		text[i] = r.DstIP
	}
	rc.dstIP.texts(text)
	for _, r := range rows {
		rc.srcPort.optionalInt32(r.SrcPort)
	}
	for _, r := range rows {
		rc.dstPort.optionalInt32(r.DstPort)
	}
	for i, r := range rows {
		text[i] = r.Protocol
	}
	rc.protocol.texts(text)
	for i, r := range rows {
		text[i] = r.Action
	}
	rc.action.texts(text)
	for i, r := range rows {
		text[i] = r.FlowID
	}
	rc.flowID.texts(text)
	for i, r := range rows {
		text[i] = r.LogPrefix
	}
	rc.logPrefix.texts(text)
	for i, r := range rows {
		text[i] = r.InInterface
	}
	rc.inInterface.texts(text)
	for i, r := range rows {
		text[i] = r.OutInterface
	}
	rc.outInterface.texts(text)

	for _, r := range rows {
		rc.signatureID.optionalInt64(r.SignatureID)
	}
	for i, r := range rows {
		text[i] = r.Signature
	}
	rc.signature.texts(text)
	for i, r := range rows {
		text[i] = r.Category
	}
	rc.category.texts(text)
	for _, r := range rows {
		rc.alertSeverity.optionalInt32(r.AlertSeverity)
	}
	for _, r := range rows {
		rc.techniques.textList(r.Techniques)
	}

	for _, r := range rows {
		rc.modbusUnitID.optionalInt32(r.ModbusUnitID)
	}
	for _, r := range rows {
		rc.modbusFunction.optionalInt32(r.ModbusFunction)
	}
	for _, r := range rows {
		rc.modbusAddress.optionalInt32(r.ModbusAddress)
	}
	for _, r := range rows {
		rc.modbusException.optionalInt32(r.ModbusException)
	}
	for _, r := range rows {
		rc.alertCount.optionalInt32(r.AlertCount)
	}
	for i, r := range rows {
		text[i] = r.Message
	}
	rc.message.texts(text)

	for i, r := range rows {
		text[i] = r.RawKey
	}
	rc.rawKey.texts(text)
	for _, r := range rows {
		rc.rawLine.int32Value(r.RawLine)
	}
	for i, r := range rows {
		text[i] = r.Raw
	}
	rc.raw.texts(text)
}
