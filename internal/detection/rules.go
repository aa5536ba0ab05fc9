package detection

import (
	"slices"
	"strings"

	"github.com/otlake/cloud-telemetry-lake/internal/attack"
)

// Rules of the sensor, as they appear in the alert's rule field.
const (
	RuleCrossZoneViolation      = "CROSS_ZONE_VIOLATION"
	RuleUnauthorizedModbusWrite = "UNAUTHORIZED_MODBUS_WRITE"
	RuleBruteForceScan          = "OT_BRUTE_FORCE_SCAN"
	RuleProcessSafetyViolation  = "PROCESS_SAFETY_VIOLATION"
)

// EVE alerts have no rule name of their own, so their rule is RuleNDRSignaturePrefix followed
// by the Suricata signature ID (NDR_SIGNATURE_4000001), or RuleNDRSignatureUnknown when the
// alert carries no signature ID.
const (
	RuleNDRSignaturePrefix  = "NDR_SIGNATURE_"
	RuleNDRSignatureUnknown = RuleNDRSignaturePrefix + "UNKNOWN"
)

// ruleUnnamed is the rule of a sensor alert whose rule field is empty or has no usable
// character, so that its correlator is still a valid key.
const ruleUnnamed = "UNNAMED_SENSOR_RULE"

// maxRuleLength bounds a sanitized rule name. The four sensor rules are at most 25 characters
// long, and the rule becomes part of the incident_correlator key.
const maxRuleLength = 64

// maxTechniques bounds the techniques kept per detection. NDR rule metadata is untrusted input,
// and no real rule names more than a handful of techniques.
const maxTechniques = 32

// defaultSeverity is the severity of a sensor alert whose severity field is not one of the
// four levels: the rule's usual level.
var defaultSeverity = map[string]string{
	RuleCrossZoneViolation:      SeverityHigh,
	RuleUnauthorizedModbusWrite: SeverityHigh,
	RuleBruteForceScan:          SeverityMedium,
	RuleProcessSafetyViolation:  SeverityCritical,
}

// Modbus function codes that identify a device: 17 (0x11) Report Server ID and 43 (0x2B)
// Encapsulated Interface Transport, which carries MEI type 14 Read Device Identification.
// Reading them is T0888 Remote System Information Discovery.
const (
	modbusReportServerID = 17
	modbusEncapsulated   = 43
)

// sanitizeRule upper-cases rule and replaces every character outside A-Z, 0-9 and _ with _.
func sanitizeRule(rule string) string {
	rule = strings.ToUpper(strings.TrimSpace(rule))
	if isSanitizedRule(rule) {
		return rule
	}

	var b strings.Builder
	for _, r := range rule {
		if b.Len() == maxRuleLength {
			break
		}
		if (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9') || r == '_' {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}

	if strings.Trim(b.String(), "_") == "" {
		return ruleUnnamed
	}
	return b.String()
}

// isSanitizedRule reports whether sanitizeRule would return rule unchanged, as it does for
// every rule the sensor writes.
func isSanitizedRule(rule string) bool {
	if len(rule) > maxRuleLength || strings.Trim(rule, "_") == "" {
		return false
	}
	for i := 0; i < len(rule); i++ {
		c := rule[i]
		if !(c >= 'A' && c <= 'Z') && !(c >= '0' && c <= '9') && c != '_' {
			return false
		}
	}
	return true
}

// sensorTechniques completes a sensor alert's techniques with those that its rule always
// implies, and removes those that the rule must not carry:
//   - CROSS_ZONE_VIOLATION: T0886 Remote Services, plus T0822 External Remote Services when
//     the source zone is Level 4/5.
//   - UNAUTHORIZED_MODBUS_WRITE: T0855 Unauthorized Command Message. T0836 Modify Parameter
//     applies only to setpoints, which only the sensor can identify, so it is kept when the alert
//     has it and never added.
//   - OT_BRUTE_FORCE_SCAN: T0846 Remote System Discovery, plus T0888 Remote System Information
//     Discovery when the request reads the device identification.
//   - PROCESS_SAFETY_VIOLATION: T0880 Loss of Safety and T0836 Modify Parameter. T0835
//     Manipulate I/O Image does not describe a write outside a safe range and is removed.
//
// T0831 Manipulation of Control is removed from every detection because it is an impact of
// the incident as a whole, which the incident report adds.
func sensorTechniques(dst []string, rule string, alertTechniques []string, srcZone string, modbusFunction *int) []string {
	// The list is assembled in a buffer that stays on the stack for the usual few techniques.
	var stack [8]string
	techniques := append(stack[:0], alertTechniques...)

	switch rule {
	case RuleCrossZoneViolation:
		techniques = append(techniques, "T0886")
		if IsEnterpriseZone(srcZone) {
			techniques = append(techniques, "T0822")
		}
	case RuleUnauthorizedModbusWrite:
		techniques = append(techniques, "T0855")
	case RuleBruteForceScan:
		techniques = append(techniques, "T0846")
		if modbusFunction != nil && (*modbusFunction == modbusReportServerID || *modbusFunction == modbusEncapsulated) {
			techniques = append(techniques, "T0888")
		}
	case RuleProcessSafetyViolation:
		techniques = append(techniques, "T0880", "T0836")
		techniques = without(techniques, "T0835")
	}

	return appendCleanTechniques(dst, techniques)
}

// appendCleanTechniques normalizes the IDs, drops malformed IDs and T0831, and appends the
// rest to dst sorted and deduplicated, at most maxTechniques of them. dst must be empty and
// not nil, so that no techniques encode as an empty list. The strings appended are the ATT&CK
// table's own or copies, never the caller's.
func appendCleanTechniques(dst, ids []string) []string {
	clean := dst
	for _, id := range ids {
		id, ok := normalizeTechniqueID(id)
		if !ok || id == "T0831" {
			continue
		}
		if known, ok := attack.Lookup(id); ok {
			id = known.ID
		} else {
			id = strings.Clone(id)
		}
		clean = append(clean, id)
	}

	// Sorting first puts duplicates next to each other.
	slices.Sort(clean)
	clean = slices.Compact(clean)
	if len(clean) > maxTechniques {
		clean = clean[:maxTechniques]
	}
	return clean
}

// normalizeTechniqueID is attack.NormalizeID with a fast path for an ID that is already in
// canonical form, T and four digits with an optional three-digit sub-technique, as parsed
// alerts carry them. attack.NormalizeID returns such an ID unchanged.
func normalizeTechniqueID(id string) (string, bool) {
	if isCanonicalTechniqueID(id) {
		return id, true
	}
	return attack.NormalizeID(id)
}

func isCanonicalTechniqueID(id string) bool {
	if (len(id) != 5 && len(id) != 9) || id[0] != 'T' || !allDigits(id[1:5]) {
		return false
	}
	return len(id) == 5 || (id[5] == '.' && allDigits(id[6:]))
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func without(ids []string, drop string) []string {
	kept := ids[:0]
	for _, id := range ids {
		if strings.ToUpper(strings.TrimSpace(id)) != drop {
			kept = append(kept, id)
		}
	}
	return kept
}

// enterpriseZoneWords are zone names, or words of zone names, for Purdue Levels 4 and 5: the
// business network and whatever lies beyond it.
var enterpriseZoneWords = map[string]bool{
	"it":         true,
	"enterprise": true,
	"corporate":  true,
	"business":   true,
	"internet":   true,
	"external":   true,
}

// IsEnterpriseZone reports whether a zone name denotes Purdue Level 4/5. It matches, ignoring
// case, a word that starts with l4, l5, level4 or level5 ("L4/5", "level5"), the word "level"
// followed by 4 or 5 ("Level 4/5"), or one of the words it, enterprise, corporate, business,
// internet and external. A DMZ (Level 3.5) is not Level 4/5.
func IsEnterpriseZone(zone string) bool {
	words := strings.FieldsFunc(strings.ToLower(zone), func(r rune) bool {
		return !(r >= 'a' && r <= 'z') && !(r >= '0' && r <= '9')
	})

	for i, word := range words {
		if enterpriseZoneWords[word] {
			return true
		}
		for _, prefix := range []string{"l4", "l5", "level4", "level5"} {
			if strings.HasPrefix(word, prefix) {
				return true
			}
		}
		if word == "level" && i+1 < len(words) && (strings.HasPrefix(words[i+1], "4") || strings.HasPrefix(words[i+1], "5")) {
			return true
		}
	}
	return false
}
