module github.com/otlake/cloud-telemetry-lake/sensor

go 1.26.8

require github.com/stretchr/testify v1.12.1

require (
	github.com/goburrow/serial v0.1.0 // indirect
	github.com/gopacket/gopacket v1.7.7 // indirect
	github.com/santhosh-tekuri/jsonschema/v6 v6.0.3 // indirect
	github.com/simonvetter/modbus v1.6.4 // indirect
	go.yaml.in/yaml/v3 v3.0.5 // indirect
	golang.org/x/net v0.63.0 // indirect
	golang.org/x/sys v0.50.0 // indirect
	golang.org/x/text v0.44.0 // indirect
	gopkg.in/yaml.v3 v3.0.1 // indirect
)
