package constructs

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/jsii-runtime-go"
)

// TestMain puts Node 22 from .tools/node (installed by make cdk-tools) first on PATH, because
// the jsii runtime behind the CDK starts node for every test process. Without it the system
// node is used. The runtime is closed once all tests have run.
func TestMain(m *testing.M) {
	if err := findNode(); err != nil {
		fmt.Fprintf(os.Stderr, "constructs tests: %v\n", err)
		os.Exit(1)
	}

	code := m.Run()
	jsii.Close()
	os.Exit(code)
}

// findNode prepends the repository's .tools/node/bin to PATH when it holds a node binary,
// and otherwise checks that PATH has a node at all.
func findNode() error {
	toolsBin, err := filepath.Abs(filepath.Join("..", ".tools", "node", "bin"))
	if err != nil {
		return err
	}
	if _, err := os.Stat(filepath.Join(toolsBin, "node")); err == nil {
		return os.Setenv("PATH", toolsBin+string(os.PathListSeparator)+os.Getenv("PATH"))
	}

	path, err := exec.LookPath("node")
	if err != nil {
		return fmt.Errorf("find node for the jsii runtime: %w; run make cdk-tools to install Node 22 into .tools/node", err)
	}
	out, err := exec.Command(path, "--version").Output()
	if err != nil {
		return fmt.Errorf("run %s --version: %w", path, err)
	}

	// jsii prints a page-wide warning on every run under Node 20, which is end-of-life.
	version := strings.TrimSpace(string(out))
	if strings.HasPrefix(version, "v20.") {
		fmt.Fprintf(os.Stderr, "constructs tests: using %s %s; make cdk-tools installs Node 22\n", path, version)
		return os.Setenv("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
	}
	return nil
}
