// Command otpcapgen writes a large Modbus-heavy pcap for benchmarks by repeating capture
// files with shifted timestamps and new client ports.
//
//	otpcapgen -out /tmp/otsensor-bench.pcap -packets 2500000 FILE.pcap...
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/otlake/cloud-telemetry-lake/sensor/internal/pcapgen"
)

func main() {
	out := flag.String("out", "/tmp/otsensor-bench.pcap", "output pcap file")
	packets := flag.Int("packets", 2_500_000, "least number of frames to write")
	port := flag.Uint("modbus-port", 502, "Modbus server port; the other port of a flow is moved")
	flag.Parse()

	if flag.NArg() == 0 || *port == 0 || *port > 65535 {
		fmt.Fprintln(os.Stderr, "usage: otpcapgen [-out FILE] [-packets N] [-modbus-port P] SOURCE.pcap...")
		os.Exit(2)
	}

	written, err := pcapgen.Generate(*out, flag.Args(), *packets, uint16(*port))
	if err != nil {
		fmt.Fprintf(os.Stderr, "otpcapgen: %v\n", err)
		os.Exit(1)
	}
	fmt.Printf("wrote %d frames to %s\n", written, *out)
}
