//go:build integration

package integration

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"time"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"
)

// Variables that make test-integration sets for the test binary.
const (
	envTools     = "OTLAKE_TOOLS"      // folder that scripts/integration-tools.sh filled
	envLambdaDir = "OTLAKE_LAMBDA_DIR" // folder of <function>/bootstrap, built for this machine
	envOtlake    = "OTLAKE_BIN"        // the otlake binary
	envRoot      = "OTLAKE_ROOT"       // the checkout, for scripts/ and samples/
)

// Loopback ports. The test runs in its own network namespace, so fixed ports cannot clash
// with anything else on the machine.
const (
	dynamoDBPort      = 8000
	fauxqsPort        = 4566
	s3Port            = 9000
	parserRIEPort     = 9001
	parserAPIPort     = 9101
	aggregatorRIEPort = 9002
	aggregatorAPIPort = 9102
)

// startupTimeout bounds how long an emulator may take to accept connections. DynamoDB Local
// on a busy two-core machine takes up to about 10 s; 60 s leaves room.
const startupTimeout = 60 * time.Second

// process is one emulator started by the test.
type process struct {
	name string
	cmd  *exec.Cmd
	out  *lockedBuffer
}

// env is the running harness.
type env struct {
	tools, lambdaDir, otlake, root string
	mu                             sync.Mutex
	procs                          []*process
	s3Server                       *http.Server
}

func requireEnv(name string) string {
	v := os.Getenv(name)
	if v == "" {
		fmt.Fprintf(os.Stderr, "integration: %s is not set: run make test-integration\n", name)
		os.Exit(2)
	}
	return v
}

func loopback(port int) string { return fmt.Sprintf("127.0.0.1:%d", port) }

func endpoint(port int) string { return "http://" + loopback(port) }

// awsEnv is the environment of every SDK client and Lambda: dummy credentials, one region,
// and an endpoint per service on loopback, so nothing can reach AWS.
func awsEnv() []string {
	return []string{
		"AWS_ACCESS_KEY_ID=test", "AWS_SECRET_ACCESS_KEY=test", "AWS_SESSION_TOKEN=test",
		"AWS_REGION=" + region, "AWS_DEFAULT_REGION=" + region,
		"AWS_EC2_METADATA_DISABLED=true",
		"AWS_ENDPOINT_URL_S3=" + endpoint(s3Port),
		"AWS_ENDPOINT_URL_DYNAMODB=" + endpoint(dynamoDBPort),
		"AWS_ENDPOINT_URL_DYNAMODB_STREAMS=" + endpoint(dynamoDBPort),
		"AWS_ENDPOINT_URL_SQS=" + endpoint(fauxqsPort),
		"AWS_ENDPOINT_URL_SNS=" + endpoint(fauxqsPort),
		"AWS_ENDPOINT_URL_STS=" + endpoint(fauxqsPort),
	}
}

// start runs an emulator and waits until its port accepts connections.
func (e *env) start(name string, port int, extraEnv []string, args ...string) (*process, error) {
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Env = append(append(os.Environ(), awsEnv()...), extraEnv...)
	out := &lockedBuffer{}
	cmd.Stdout, cmd.Stderr = out, out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	p := &process{name: name, cmd: cmd, out: out}
	e.mu.Lock()
	e.procs = append(e.procs, p)
	e.mu.Unlock()

	if err := waitForPort(port, startupTimeout); err != nil {
		return p, fmt.Errorf("start %s: %w; output:\n%s", name, err, out.String())
	}
	return p, nil
}

// stopAll ends every started process group and waits for it.
func (e *env) stopAll() {
	e.mu.Lock()
	defer e.mu.Unlock()
	for i := len(e.procs) - 1; i >= 0; i-- {
		p := e.procs[i]
		_ = syscall.Kill(-p.cmd.Process.Pid, syscall.SIGTERM)
		done := make(chan struct{})
		go func() { _ = p.cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			_ = syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL)
			<-done
		}
	}
	e.procs = nil
	if e.s3Server != nil {
		_ = e.s3Server.Close()
	}
}

func waitForPort(port int, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		conn, err := net.DialTimeout("tcp", loopback(port), time.Second)
		if err == nil {
			conn.Close()
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("port %d not open after %s: %w", port, timeout, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// startEmulators brings up DynamoDB Local, fauxqs and the in-process S3.
func (e *env) startEmulators() error {
	// S3: gofakes3 in this process, because it honours If-None-Match on PutObject.
	ln, err := net.Listen("tcp", loopback(s3Port))
	if err != nil {
		return fmt.Errorf("listen for S3: %w", err)
	}
	e.s3Server = &http.Server{Handler: gofakes3.New(s3mem.New()).Server()}
	go e.s3Server.Serve(ln)

	ddb := filepath.Join(e.tools, "dynamodb")
	if _, err := e.start("dynamodb-local", dynamoDBPort, []string{"DDB_LOCAL_TELEMETRY=0"},
		"java", "-Xmx256m", "-XX:TieredStopAtLevel=1",
		"-Djava.library.path="+filepath.Join(ddb, "DynamoDBLocal_lib"),
		"-jar", filepath.Join(ddb, "DynamoDBLocal.jar"),
		"-inMemory", "-sharedDb", "-port", fmt.Sprint(dynamoDBPort)); err != nil {
		return err
	}

	_, err = e.start("fauxqs", fauxqsPort, []string{
		"FAUXQS_MODULE=" + filepath.Join(e.tools, "fauxqs", "node_modules", "fauxqs", "dist", "app.js"),
		fmt.Sprintf("FAUXQS_PORT=%d", fauxqsPort),
	}, "node", filepath.Join(e.root, "scripts", "fauxqs-server.mjs"))
	return err
}

// function is one Lambda running under the runtime interface emulator.
type function struct {
	name      string
	url       string
	coldStart time.Duration // process start to the first invocation's response
	mu        sync.Mutex    // the emulator serves one invocation at a time
	invoked   bool
	started   time.Time
}

// startFunction runs bootstrap under aws-lambda-rie with the function's environment.
func (e *env) startFunction(name string, riePort, apiPort int, fnEnv []string) (*function, error) {
	started := time.Now()
	_, err := e.start(name, riePort, fnEnv,
		filepath.Join(e.tools, "bin", "aws-lambda-rie"),
		"--runtime-interface-emulator-address", loopback(riePort),
		"--runtime-api-address", loopback(apiPort),
		"--log-level", "error",
		filepath.Join(e.lambdaDir, name, "bootstrap"))
	if err != nil {
		return nil, err
	}
	fn := &function{
		name:    name,
		url:     endpoint(riePort) + "/2015-03-31/functions/function/invocations",
		started: started,
	}

	// The first invocation starts the bootstrap: an empty batch measures the cold start.
	var resp map[string]any
	if err := fn.invoke(context.Background(), map[string]any{"Records": []any{}}, &resp); err != nil {
		return nil, fmt.Errorf("first invocation: %w; output:\n%s", err, e.output(name))
	}
	return fn, nil
}

// invoke sends one event and decodes the response into out. A handler error, which the
// emulator returns with HTTP 200, is an error here.
func (f *function) invoke(ctx context.Context, event, out any) error {
	f.mu.Lock()
	defer f.mu.Unlock()

	body, err := json.Marshal(event)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, f.url, bytes.NewReader(body))
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("invoke %s: %w", f.name, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return fmt.Errorf("invoke %s: %w", f.name, err)
	}
	if !f.invoked {
		f.invoked = true
		f.coldStart = time.Since(f.started)
	}

	var handlerErr struct {
		ErrorMessage string `json:"errorMessage"`
		ErrorType    string `json:"errorType"`
	}
	if resp.StatusCode != http.StatusOK || (json.Unmarshal(data, &handlerErr) == nil && handlerErr.ErrorMessage != "") {
		return fmt.Errorf("invoke %s: HTTP %d: %s", f.name, resp.StatusCode, data)
	}
	if err := json.Unmarshal(data, out); err != nil {
		return fmt.Errorf("invoke %s: decode response %s: %w", f.name, data, err)
	}
	return nil
}

// output returns what a started process printed so far.
func (e *env) output(name string) string {
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, p := range e.procs {
		if p.name == name {
			return p.out.String()
		}
	}
	return ""
}

// lockedBuffer collects a process's output; the process writes while the test reads.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}
