// Package attack is the MITRE ATT&CK for ICS technique table that detections and incident
// reports name their techniques from.
//
// The table lives in code so that the Lambdas need no download at run time. It lists the
// techniques of the ICS matrix that are not deprecated or revoked, with their names and
// tactics, and Lookup finds one by ID.
package attack
