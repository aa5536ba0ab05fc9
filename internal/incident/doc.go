// Package incident builds the incident report for a batch of detections and the alert that
// announces it.
//
// A report follows NIST SP 800-61: Rev. 3 organizes incident response by the CSF 2.0
// categories and names no field list, so the report tags its sections with CSF categories
// (DE.AE, RS.MA, RS.AN, RS.MI, RC.RP, RS.CO) and carries the tracking fields and impact scales
// of Rev. 2 (functional impact, information impact, recoverability). Build is deterministic:
// the same detections in any order, delivered once or twice, give the same report apart from
// created_at, so a retried batch rewrites the same object and publishes the same alert.
package incident
