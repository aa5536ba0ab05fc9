package attack

import "sort"

// table lists the current techniques of the ATT&CK for ICS matrix with their tactics, taken
// from the technique pages on attack.mitre.org. Deprecated or revoked IDs (T0808, T0810,
// T0818, T0824, T0825, T0833, T0841, T0844, T0850, T0854, T0870, T0875) are left out.
//
// NOTE: the rows were transcribed by hand, and only T0846 and T0888 were checked against their
// published pages. Compare the table with MITRE's ICS STIX bundle when a new ATT&CK release
// adds, renames or moves techniques.
var table = []Technique{
	{"T0800", "Activate Firmware Update Mode", []string{TacticInhibitResponseFunction}},
	{"T0801", "Monitor Process State", []string{TacticCollection}},
	{"T0802", "Automated Collection", []string{TacticCollection}},
	{"T0803", "Block Command Message", []string{TacticInhibitResponseFunction}},
	{"T0804", "Block Reporting Message", []string{TacticInhibitResponseFunction}},
	{"T0805", "Block Serial COM", []string{TacticInhibitResponseFunction}},
	{"T0806", "Brute Force I/O", []string{TacticImpairProcessControl}},
	{"T0807", "Command-Line Interface", []string{TacticExecution}},
	{"T0809", "Data Destruction", []string{TacticInhibitResponseFunction}},
	{"T0811", "Data from Information Repositories", []string{TacticCollection}},
	{"T0812", "Default Credentials", []string{TacticLateralMovement}},
	{"T0813", "Denial of Control", []string{TacticImpact}},
	{"T0814", "Denial of Service", []string{TacticInhibitResponseFunction}},
	{"T0815", "Denial of View", []string{TacticImpact}},
	{"T0816", "Device Restart/Shutdown", []string{TacticInhibitResponseFunction}},
	{"T0817", "Drive-by Compromise", []string{TacticInitialAccess}},
	{"T0819", "Exploit Public-Facing Application", []string{TacticInitialAccess}},
	{"T0820", "Exploitation for Evasion", []string{TacticEvasion}},
	{"T0821", "Modify Controller Tasking", []string{TacticExecution}},
	{"T0822", "External Remote Services", []string{TacticInitialAccess}},
	{"T0823", "Graphical User Interface", []string{TacticExecution}},
	{"T0826", "Loss of Availability", []string{TacticImpact}},
	{"T0827", "Loss of Control", []string{TacticImpact}},
	{"T0828", "Loss of Productivity and Revenue", []string{TacticImpact}},
	{"T0829", "Loss of View", []string{TacticImpact}},
	{"T0830", "Adversary-in-the-Middle", []string{TacticCollection}},
	{"T0831", "Manipulation of Control", []string{TacticImpact}},
	{"T0832", "Manipulation of View", []string{TacticImpact}},
	{"T0834", "Native API", []string{TacticExecution}},
	{"T0835", "Manipulate I/O Image", []string{TacticInhibitResponseFunction}},
	{"T0836", "Modify Parameter", []string{TacticImpairProcessControl}},
	{"T0837", "Loss of Protection", []string{TacticImpact}},
	{"T0838", "Modify Alarm Settings", []string{TacticInhibitResponseFunction}},
	{"T0839", "Module Firmware", []string{TacticPersistence, TacticImpairProcessControl}},
	{"T0840", "Network Connection Enumeration", []string{TacticDiscovery}},
	{"T0842", "Network Sniffing", []string{TacticDiscovery}},
	{"T0843", "Program Download", []string{TacticLateralMovement}},
	{"T0845", "Program Upload", []string{TacticCollection}},
	{"T0846", "Remote System Discovery", []string{TacticDiscovery}},
	{"T0847", "Replication Through Removable Media", []string{TacticInitialAccess}},
	{"T0848", "Rogue Master", []string{TacticInitialAccess}},
	{"T0849", "Masquerading", []string{TacticEvasion}},
	{"T0851", "Rootkit", []string{TacticEvasion, TacticInhibitResponseFunction}},
	{"T0852", "Screen Capture", []string{TacticCollection}},
	{"T0853", "Scripting", []string{TacticExecution}},
	{"T0855", "Unauthorized Command Message", []string{TacticImpairProcessControl}},
	{"T0856", "Spoof Reporting Message", []string{TacticEvasion, TacticImpairProcessControl}},
	{"T0857", "System Firmware", []string{TacticPersistence, TacticInhibitResponseFunction}},
	{"T0858", "Change Operating Mode", []string{TacticExecution, TacticEvasion}},
	{"T0859", "Valid Accounts", []string{TacticPersistence, TacticLateralMovement}},
	{"T0860", "Wireless Compromise", []string{TacticInitialAccess}},
	{"T0861", "Point & Tag Identification", []string{TacticCollection}},
	{"T0862", "Supply Chain Compromise", []string{TacticInitialAccess}},
	{"T0863", "User Execution", []string{TacticExecution}},
	{"T0864", "Transient Cyber Asset", []string{TacticInitialAccess}},
	{"T0865", "Spearphishing Attachment", []string{TacticInitialAccess}},
	{"T0866", "Exploitation of Remote Services", []string{TacticInitialAccess, TacticLateralMovement}},
	{"T0867", "Lateral Tool Transfer", []string{TacticLateralMovement}},
	{"T0868", "Detect Operating Mode", []string{TacticCollection}},
	{"T0869", "Standard Application Layer Protocol", []string{TacticCommandAndControl}},
	{"T0871", "Execution through API", []string{TacticExecution}},
	{"T0872", "Indicator Removal on Host", []string{TacticEvasion}},
	{"T0873", "Project File Infection", []string{TacticPersistence}},
	{"T0874", "Hooking", []string{TacticExecution, TacticPrivilegeEscalation}},
	{"T0877", "I/O Image", []string{TacticCollection}},
	{"T0878", "Alarm Suppression", []string{TacticInhibitResponseFunction}},
	{"T0879", "Damage to Property", []string{TacticImpact}},
	{"T0880", "Loss of Safety", []string{TacticImpact}},
	{"T0881", "Service Stop", []string{TacticInhibitResponseFunction}},
	{"T0882", "Theft of Operational Information", []string{TacticImpact}},
	{"T0883", "Internet Accessible Device", []string{TacticInitialAccess}},
	{"T0884", "Connection Proxy", []string{TacticCommandAndControl}},
	{"T0885", "Commonly Used Port", []string{TacticCommandAndControl}},
	{"T0886", "Remote Services", []string{TacticInitialAccess, TacticLateralMovement}},
	{"T0887", "Wireless Sniffing", []string{TacticDiscovery, TacticCollection}},
	{"T0888", "Remote System Information Discovery", []string{TacticDiscovery}},
	{"T0889", "Modify Program", []string{TacticPersistence}},
	{"T0890", "Exploitation for Privilege Escalation", []string{TacticPrivilegeEscalation}},
	{"T0891", "Hardcoded Credentials", []string{TacticPersistence, TacticLateralMovement}},
	{"T0892", "Change Credential", []string{TacticInhibitResponseFunction}},
	{"T0893", "Data from Local System", []string{TacticCollection}},
	{"T0894", "System Binary Proxy Execution", []string{TacticEvasion}},
	{"T0895", "Autorun Image", []string{TacticExecution}},
}

// techniques indexes table by ID, and sortedIDs keeps the IDs in order for All.
var (
	techniques = make(map[string]Technique, len(table))
	sortedIDs  = make([]string, 0, len(table))
)

func init() {
	for _, t := range table {
		techniques[t.ID] = t
		sortedIDs = append(sortedIDs, t.ID)
	}
	sort.Strings(sortedIDs)
}
