package formats

// Blocks is reusable memory for the values that a record's pointer fields point to. The next
// parse with the same Blocks overwrites them, so a caller copies what it keeps of a record
// before it parses another line. A Blocks is not safe for concurrent use.
type Blocks struct {
	eve       eveBlock
	sensor    sensorBlock
	netfilter netfilterBlock
	inner     innerBlock
}

// eveBlock returns a zeroed eveBlock: b's own, or a new one when b is nil.
func (b *Blocks) eveBlock() *eveBlock {
	if b == nil {
		return &eveBlock{}
	}
	b.eve = eveBlock{}
	return &b.eve
}

// sensorBlock returns a zeroed sensorBlock: b's own, or a new one when b is nil.
func (b *Blocks) sensorBlock() *sensorBlock {
	if b == nil {
		return &sensorBlock{}
	}
	b.sensor = sensorBlock{}
	return &b.sensor
}

// netfilterBlock returns a zeroed netfilterBlock: b's own, or a new one when b is nil.
func (b *Blocks) netfilterBlock() *netfilterBlock {
	if b == nil {
		return &netfilterBlock{}
	}
	b.netfilter = netfilterBlock{}
	return &b.netfilter
}

// innerBlock returns a zeroed innerBlock: b's own, or a new one when b is nil.
func (b *Blocks) innerBlock() *innerBlock {
	if b == nil {
		return &innerBlock{}
	}
	b.inner = innerBlock{}
	return &b.inner
}
