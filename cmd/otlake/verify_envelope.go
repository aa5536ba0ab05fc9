package main

import "encoding/json"

// notificationSubject returns the Subject of an SNS envelope as SNS delivers it to a queue,
// or "" when body is no such envelope (raw message delivery, or something else).
func notificationSubject(body string) string {
	var envelope struct {
		Type    string `json:"Type"`
		Subject string `json:"Subject"`
	}
	if json.Unmarshal([]byte(body), &envelope) != nil || envelope.Type != "Notification" {
		return ""
	}
	return envelope.Subject
}
