package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/otlake/cloud-telemetry-lake/internal/incident"
	"github.com/otlake/cloud-telemetry-lake/internal/locallake"
)

func runIncidents(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("incidents", "[--lake DIR] [--details]", stderr)
	lakeDir := fs.String("lake", locallake.DefaultDir, "lake `folder`")
	details := fs.Bool("details", false, "print each report's techniques, assets, sources and containment steps")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: unexpected argument %q", errUsage, fs.Arg(0))
	}

	lake, err := locallake.OpenExisting(*lakeDir)
	if err != nil {
		return err
	}
	lake.Close()

	paths, err := filepath.Glob(filepath.Join(*lakeDir, locallake.ReportsDir, "incidents", "*.json"))
	if err != nil {
		return err
	}
	reports := make([]incident.Report, 0, len(paths))
	for _, path := range paths {
		data, err := os.ReadFile(path)
		if err != nil {
			return fmt.Errorf("read report %q: %w", path, err)
		}
		var r incident.Report
		if err := json.Unmarshal(data, &r); err != nil {
			return fmt.Errorf("decode report %q: %w", path, err)
		}
		reports = append(reports, r)
	}
	sort.Slice(reports, func(i, j int) bool { return reports[i].CreatedAt < reports[j].CreatedAt })

	for i, r := range reports {
		if i > 0 {
			fmt.Fprintln(stdout)
		}
		printReport(stdout, *lakeDir, r, *details)
	}
	fmt.Fprintf(stdout, "%d incident report(s)\n", len(reports))
	return nil
}

// printReport writes a readable summary of one report.
func printReport(w io.Writer, lakeDir string, r incident.Report, details bool) {
	fmt.Fprintf(w, "incident %s  %s  %d detection(s)  %s .. %s\n", r.IncidentID, r.Severity, r.DetectionCount,
		r.Window.FirstDetectedAt, r.Window.LastDetectedAt)
	fmt.Fprintf(w, "  report:  %s\n", filepath.Join(lakeDir, locallake.ReportsDir, "incidents", r.IncidentID+".json"))
	fmt.Fprintf(w, "  subject: %s\n", incident.Subject(r))
	fmt.Fprintf(w, "  summary: %s\n", r.Summary)
	if !details {
		return
	}

	fmt.Fprintln(w, "  techniques:")
	for _, t := range r.MitreTechniques {
		fmt.Fprintf(w, "    %-6s %s (%s)\n", t.ID, t.Name, t.Tactic)
	}
	var assets, sources []string
	for _, a := range r.AffectedAssets {
		assets = append(assets, fmt.Sprintf("%s (%d)", a.Host, a.DetectionCount))
	}
	for _, s := range r.Sources {
		sources = append(sources, fmt.Sprintf("%s (%d)", s.Address, s.DetectionCount))
	}
	fmt.Fprintf(w, "  affected assets: %s\n", strings.Join(assets, ", "))
	fmt.Fprintf(w, "  sources:         %s\n", strings.Join(sources, ", "))
	fmt.Fprintln(w, "  containment:")
	for _, a := range r.RecommendedActions.Containment {
		fmt.Fprintf(w, "    - %s\n", a.Action)
	}
}
