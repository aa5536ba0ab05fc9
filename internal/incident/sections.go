package incident

import (
	"cmp"
	"net/netip"
	"sort"
	"strconv"
	"strings"

	"github.com/otlake/cloud-telemetry-lake/internal/detection"
)

// buildAssets returns affected_assets: one entry per detection host, addresses in numeric
// order before host names.
func buildAssets(detections []detection.Detection) []Asset {
	byHost := map[string]*Asset{}
	zones := map[string][]string{}
	rules := map[string][]string{}
	for _, d := range detections {
		a, ok := byHost[d.Host]
		if !ok {
			a = &Asset{Host: d.Host}
			byHost[d.Host] = a
		}
		a.DetectionCount++
		if detection.SeverityRank(d.Severity) > detection.SeverityRank(a.MaxSeverity) {
			a.MaxSeverity = d.Severity
		}
		if d.DstZone != "" && d.Host == d.DstIP {
			zones[d.Host] = append(zones[d.Host], d.DstZone)
		}
		rules[d.Host] = append(rules[d.Host], d.Rule)
	}

	assets := make([]Asset, 0, len(byHost))
	for host, a := range byHost {
		a.Zones = sortedSet(zones[host])
		a.Rules = sortedSet(rules[host])
		assets = append(assets, *a)
	}
	sort.Slice(assets, func(i, j int) bool { return lessHost(assets[i].Host, assets[j].Host) })
	return assets
}

// buildSources returns sources: one entry per source address, in numeric order.
func buildSources(detections []detection.Detection) []Source {
	byAddress := map[string]*Source{}
	zones := map[string][]string{}
	rules := map[string][]string{}
	for _, d := range detections {
		if d.SrcIP == "" {
			continue
		}
		s, ok := byAddress[d.SrcIP]
		if !ok {
			s = &Source{Address: d.SrcIP}
			byAddress[d.SrcIP] = s
		}
		s.DetectionCount++
		if d.SrcZone != "" {
			zones[d.SrcIP] = append(zones[d.SrcIP], d.SrcZone)
		}
		rules[d.SrcIP] = append(rules[d.SrcIP], d.Rule)
	}

	sources := make([]Source, 0, len(byAddress))
	for address, s := range byAddress {
		s.Zones = sortedSet(zones[address])
		s.Rules = sortedSet(rules[address])
		sources = append(sources, *s)
	}
	sort.Slice(sources, func(i, j int) bool { return lessHost(sources[i].Address, sources[j].Address) })
	return sources
}

// buildTimeline returns the detections in time order, ties broken by detection ID.
func buildTimeline(detections []detection.Detection) []TimelineEntry {
	timeline := make([]TimelineEntry, 0, len(detections))
	for _, d := range detections {
		description := d.Message
		if description == "" {
			description = d.Signature
		}
		if description == "" {
			description = d.Rule
		}

		techniques := d.Techniques
		if techniques == nil {
			techniques = []string{}
		}

		timeline = append(timeline, TimelineEntry{
			Time:        d.DetectedAtString(),
			DetectionID: d.DetectionID,
			Rule:        d.Rule,
			Severity:    d.Severity,
			Source:      d.SrcIP,
			Host:        d.Host,
			Techniques:  techniques,
			Count:       max(d.Count, 1),
			Description: description,
		})
	}

	// detections is sorted by ID, so a stable sort by time leaves ties in ID order.
	sort.SliceStable(timeline, func(i, j int) bool { return timeline[i].Time < timeline[j].Time })
	return timeline
}

// buildIndicators returns the observables of the batch sorted by type, then value.
func buildIndicators(detections []detection.Detection) []Indicator {
	type key struct{ kind, value string }
	counts := map[key]int{}
	count := func(kind, value string) {
		if value != "" {
			counts[key{kind, value}]++
		}
	}

	for _, d := range detections {
		count(IndicatorSourceIP, d.SrcIP)
		count(IndicatorDestinationIP, d.DstIP)
		count(IndicatorDestinationPort, optionalInt(d.DstPort))
		count(IndicatorModbusUnitID, optionalInt(d.ModbusUnitID))
		count(IndicatorModbusFunction, optionalInt(d.ModbusFunction))
		count(IndicatorModbusAddress, optionalInt(d.ModbusAddress))
		if d.SignatureID != nil {
			count(IndicatorSignature, strconv.FormatInt(*d.SignatureID, 10)+" "+d.Signature)
		}
	}

	indicators := make([]Indicator, 0, len(counts))
	for k, n := range counts {
		indicators = append(indicators, Indicator{Type: k.kind, Value: k.value, DetectionCount: n})
	}
	sort.Slice(indicators, func(i, j int) bool {
		if indicators[i].Type != indicators[j].Type {
			return indicators[i].Type < indicators[j].Type
		}
		return lessHost(indicators[i].Value, indicators[j].Value)
	})
	return indicators
}

// buildEvidence returns the raw line of each detection, in bucket, key and line order.
func buildEvidence(detections []detection.Detection) []Evidence {
	evidence := make([]Evidence, 0, len(detections))
	for _, d := range detections {
		evidence = append(evidence, Evidence{
			DetectionID: d.DetectionID,
			Bucket:      d.RawRef.Bucket,
			Key:         d.RawRef.Key,
			Line:        d.RawRef.Line,
		})
	}

	// detections is sorted by ID, so a stable sort leaves ties in ID order.
	sort.SliceStable(evidence, func(i, j int) bool {
		a, b := evidence[i], evidence[j]
		if a.Bucket != b.Bucket {
			return a.Bucket < b.Bucket
		}
		if a.Key != b.Key {
			return a.Key < b.Key
		}
		return a.Line < b.Line
	})
	return evidence
}

// lessHost orders IP addresses numerically (IPv4 before IPv6), then numbers numerically, then
// other strings as text. Equal values in another spelling ("2001:DB8::1", "2001:db8::1") fall
// back to text order, so the order is total.
func lessHost(a, b string) bool {
	if c := compareHost(a, b); c != 0 {
		return c < 0
	}
	return a < b
}

func compareHost(a, b string) int {
	addrA, errA := netip.ParseAddr(a)
	addrB, errB := netip.ParseAddr(b)
	switch {
	case errA == nil && errB == nil:
		return addrA.Compare(addrB)
	case errA == nil:
		return -1
	case errB == nil:
		return 1
	}

	numA, errA := strconv.Atoi(a)
	numB, errB := strconv.Atoi(b)
	switch {
	case errA == nil && errB == nil:
		return cmp.Compare(numA, numB)
	case errA == nil:
		return -1
	case errB == nil:
		return 1
	}
	return strings.Compare(a, b)
}

func sortedSet(values []string) []string {
	set := append([]string{}, values...)
	sort.Strings(set)
	return compactStrings(set)
}

func optionalInt(p *int) string {
	if p == nil {
		return ""
	}
	return strconv.Itoa(*p)
}
