package constructs

import (
	"debug/elf"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3assets"
	awsconstructs "github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
)

// Architecture names accepted by the arch context value and BootstrapFunctionProps.
const (
	ArchARM64 = "arm64"
	ArchX8664 = "x86_64"
)

// maxLambdaTimeout is the Lambda maximum function timeout (15 minutes).
const maxLambdaTimeout = 15 * time.Minute

// BootstrapFunctionProps configures one Go function built as a provided.al2023 bootstrap.
type BootstrapFunctionProps struct {
	// FunctionName is the deployed function name, suffix included. Required.
	FunctionName string
	// BuildDir is the folder that holds the compiled "bootstrap" executable, as make
	// lambdas writes it. Required.
	BuildDir string
	// Architecture is ArchARM64 or ArchX8664; the bootstrap must be built for it.
	// Default: ArchARM64.
	Architecture string
	// MemoryMiB is the function memory, which also scales its CPU share. Default: 256.
	MemoryMiB int
	// Timeout of one invocation. Default: 1 minute.
	Timeout time.Duration
	// ReservedConcurrency caps and reserves concurrent executions; 0 reserves none.
	// Default: 0.
	ReservedConcurrency int
	// LogRetention of the function's log group. Default: DefaultLogRetention.
	LogRetention awslogs.RetentionDays
	// Environment variables of the function. Default: none.
	Environment map[string]string
	// Description of the function. Default: none.
	Description string
}

// withDefaults returns p with each zero field set to its documented default.
func (p BootstrapFunctionProps) withDefaults() BootstrapFunctionProps {
	if p.Architecture == "" {
		p.Architecture = ArchARM64
	}
	if p.MemoryMiB == 0 {
		p.MemoryMiB = 256
	}
	if p.Timeout == 0 {
		p.Timeout = time.Minute
	}
	if p.LogRetention == "" {
		p.LogRetention = DefaultLogRetention
	}
	return p
}

// errMissingBuild marks a function whose bootstrap has not been built.
var errMissingBuild = errors.New("build output missing, run make lambdas first")

// Validate reports a missing name, an unknown architecture, values outside the Lambda
// limits, and a BuildDir without a bootstrap executable.
func (p BootstrapFunctionProps) Validate() error {
	p = p.withDefaults()

	if p.FunctionName == "" {
		return errors.New("validate function: missing FunctionName")
	}
	if p.Architecture != ArchARM64 && p.Architecture != ArchX8664 {
		return fmt.Errorf("validate function %s architecture %q: want %q or %q", p.FunctionName, p.Architecture, ArchARM64, ArchX8664)
	}
	if p.MemoryMiB < 128 || p.MemoryMiB > 10240 {
		return fmt.Errorf("validate function %s memory %d MiB: Lambda allows 128 to 10240", p.FunctionName, p.MemoryMiB)
	}
	if p.Timeout < time.Second || p.Timeout > maxLambdaTimeout || p.Timeout%time.Second != 0 {
		return fmt.Errorf("validate function %s timeout %s: want whole seconds from 1s to %s", p.FunctionName, p.Timeout, maxLambdaTimeout)
	}
	if p.ReservedConcurrency < 0 {
		return fmt.Errorf("validate function %s reserved concurrency %d: must not be negative", p.FunctionName, p.ReservedConcurrency)
	}
	return checkBootstrap(p.FunctionName, p.BuildDir, p.Architecture)
}

// checkBootstrap reports a build folder without a regular, executable bootstrap file, or
// one built for another architecture, so synth fails before the CDK packages an asset that
// Lambda cannot start.
func checkBootstrap(function, dir, arch string) error {
	path := filepath.Join(dir, "bootstrap")
	info, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("package function %s from %s: %w", function, path, errMissingBuild)
	}
	if err != nil {
		return fmt.Errorf("package function %s from %s: %w", function, path, err)
	}
	if !info.Mode().IsRegular() || info.Mode().Perm()&0o111 == 0 {
		return fmt.Errorf("package function %s from %s: not an executable file, run make lambdas again", function, path)
	}

	// Architecture: Lambda only reports "exec format error" at the first invoke.
	f, err := elf.Open(path)
	if err != nil {
		return fmt.Errorf("package function %s from %s: not a Linux executable (%w), run make lambdas again", function, path, err)
	}
	defer f.Close()
	want := elfMachines[arch]
	if f.Machine != want {
		return fmt.Errorf("package function %s from %s: built for %s, but the stack's architecture is %s: %w", function, path, f.Machine, arch, errArchitectureMismatch)
	}
	return nil
}

// elfMachines maps each Lambda architecture to the ELF machine of its executables.
var elfMachines = map[string]elf.Machine{
	ArchARM64: elf.EM_AARCH64,
	ArchX8664: elf.EM_X86_64,
}

// errArchitectureMismatch marks a bootstrap built for another architecture than the stack's.
var errArchitectureMismatch = errors.New("rebuild with make lambdas ARCH=arm64 for arch=arm64, or ARCH=amd64 for arch=x86_64")

// BootstrapFunction is a Go Lambda function on the provided.al2023 runtime with its own log
// group and an execution role that has no managed policies: the role may write only to that
// log group until grants add what the function needs.
type BootstrapFunction struct {
	awsconstructs.Construct

	Function awslambda.Function
	Role     awsiam.Role
	LogGroup awslogs.LogGroup
}

// NewBootstrapFunction packages props.BuildDir (without any zip files in it) as the
// function code and creates the function, its role and its log group.
func NewBootstrapFunction(scope awsconstructs.Construct, id string, props BootstrapFunctionProps) (*BootstrapFunction, error) {
	if err := props.Validate(); err != nil {
		return nil, err
	}
	props = props.withDefaults()
	c := &BootstrapFunction{Construct: awsconstructs.NewConstruct(scope, jsii.String(id))}

	// The log group is created here rather than by Lambda on first invoke, so it has a
	// retention and is deleted with the stack. Its name is the one Lambda writes to.
	c.LogGroup = awslogs.NewLogGroup(c.Construct, jsii.String("Logs"), &awslogs.LogGroupProps{
		LogGroupName:  jsii.String("/aws/lambda/" + props.FunctionName),
		Retention:     props.LogRetention,
		RemovalPolicy: awscdk.RemovalPolicy_DESTROY,
	})

	// The role starts empty (no AWSLambdaBasicExecutionRole), so its only rights are the
	// log writes granted here and the grants its owner adds.
	c.Role = awsiam.NewRole(c.Construct, jsii.String("Role"), &awsiam.RoleProps{
		AssumedBy:   awsiam.NewServicePrincipal(jsii.String("lambda.amazonaws.com"), nil),
		Description: jsii.String("Execution role of " + props.FunctionName),
	})
	c.LogGroup.GrantWrite(c.Role)

	env := make(map[string]*string, len(props.Environment))
	for k, v := range props.Environment {
		env[k] = jsii.String(v)
	}

	architecture := awslambda.Architecture_ARM_64()
	if props.Architecture == ArchX8664 {
		architecture = awslambda.Architecture_X86_64()
	}

	fnProps := &awslambda.FunctionProps{
		FunctionName: jsii.String(props.FunctionName),
		Description:  jsii.String(props.Description),
		Runtime:      awslambda.Runtime_PROVIDED_AL2023(),
		Handler:      jsii.String("bootstrap"),
		Architecture: architecture,
		Code: awslambda.Code_FromAsset(jsii.String(props.BuildDir), &awss3assets.AssetOptions{
			Exclude: jsii.Strings("*.zip"),
		}),
		MemorySize:  jsii.Number(float64(props.MemoryMiB)),
		Timeout:     duration(props.Timeout),
		Role:        c.Role,
		LogGroup:    c.LogGroup,
		Environment: &env,
	}
	if props.ReservedConcurrency > 0 {
		fnProps.ReservedConcurrentExecutions = jsii.Number(float64(props.ReservedConcurrency))
	}
	c.Function = awslambda.NewFunction(c.Construct, jsii.String("Function"), fnProps)

	return c, nil
}
