// Command otlake runs the telemetry lake on the local machine: it ingests raw logs into an
// embedded lake (folders plus SQLite) with the same parser and aggregator code the Lambdas
// run, and lists what the lake holds.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
)

// Exit statuses.
const (
	exitOK      = 0
	exitFailure = 1 // an object could not be read or written, or a query failed
	exitUsage   = 2
)

// errUsage marks errors caused by the command line; main prints the usage for them.
var errUsage = errors.New("usage error")

// errReported marks errors whose message the flag package already printed with the usage.
var errReported = errors.New("already reported")

type command struct {
	name    string
	summary string
	run     func(args []string, stdout, stderr io.Writer) error
}

func commands() []command {
	return []command{
		{"ingest", "copy log files into the lake and process them", runIngest},
		{"detections", "list detections, filtered by severity, host or time", runDetections},
		{"verify", "check that each stage of a deployed pipeline holds data", runVerify},
		{"query", "run the named analytics queries in DuckDB or Athena", runQuery},
		{"fixture", "write synthetic raw telemetry (Malcolm EVE alerts) into the lake or a bucket", runFixture},
		{"watch", "process objects as they land under raw/", runWatch},
		{"incidents", "list incident reports with a readable summary", runIncidents},
	}
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(stderr)
		if len(args) == 0 {
			return exitUsage
		}
		return exitOK
	}

	for _, c := range commands() {
		if c.name != args[0] {
			continue
		}
		err := c.run(args[1:], stdout, stderr)
		switch {
		case err == nil:
			return exitOK
		case errors.Is(err, flag.ErrHelp):
			return exitOK
		case errors.Is(err, errReported):
			return exitUsage
		case errors.Is(err, errUsage):
			fmt.Fprintf(stderr, "otlake %s: %v\n", c.name, err)
			return exitUsage
		default:
			fmt.Fprintf(stderr, "otlake %s: %v\n", c.name, err)
			return exitFailure
		}
	}
	fmt.Fprintf(stderr, "otlake: unknown command %q\n\n", args[0])
	usage(stderr)
	return exitUsage
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: otlake COMMAND [flags]")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "commands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-12s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Run 'otlake COMMAND -h' for the flags of a command.")
}

// newFlagSet returns a flag set that reports errors instead of exiting.
func newFlagSet(name, synopsis string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("otlake "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: otlake %s %s\n\nflags:\n", name, synopsis)
		fs.PrintDefaults()
	}
	return fs
}

// parseFlags parses args, turning flag errors into usage errors. Flags may come before or
// after the positional arguments ("ingest FILE --lake DIR" works), up to a "--", after which
// everything is positional. fs.Args() returns the positional arguments afterwards.
func parseFlags(fs *flag.FlagSet, args []string) error {
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return err
			}
			return fmt.Errorf("%w: %w: %v", errUsage, errReported, err)
		}
		rest := fs.Args()
		if len(rest) == 0 {
			break
		}

		// The flag package stops at "--" (dropping it) or at the first positional argument.
		if i := len(args) - len(rest); i > 0 && args[i-1] == "--" {
			positional = append(positional, rest...)
			break
		}
		positional = append(positional, rest[0])
		args = rest[1:]
	}

	// Parse once more so that fs.Args() returns the positional arguments.
	return fs.Parse(append([]string{"--"}, positional...))
}
