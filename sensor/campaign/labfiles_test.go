package campaign

import (
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"

	"github.com/otlake/cloud-telemetry-lake/sensor/plant"
	"github.com/otlake/cloud-telemetry-lake/sensor/policy"
)

// labDir is the repository's lab folder, seen from this package.
const labDir = "../../lab"

// composeFile is the part of lab/docker-compose.yml the test checks.
type composeFile struct {
	Networks map[string]struct {
		Internal bool `yaml:"internal"`
		IPAM     struct {
			Config []struct {
				Subnet string `yaml:"subnet"`
			} `yaml:"config"`
		} `yaml:"ipam"`
	} `yaml:"networks"`
	Services map[string]struct {
		Build struct {
			Context    string `yaml:"context"`
			Dockerfile string `yaml:"dockerfile"`
		} `yaml:"build"`
		CapAdd   []string          `yaml:"cap_add"`
		Sysctls  map[string]string `yaml:"sysctls"`
		Command  []string          `yaml:"command"`
		Networks map[string]struct {
			IPv4Address string `yaml:"ipv4_address"`
		} `yaml:"networks"`
	} `yaml:"services"`
}

// TestComposeFile checks the Docker lab, which cannot run on the project's machines,
// against the addresses the programs use.
func TestComposeFile(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(labDir, "docker-compose.yml"))
	require.NoError(t, err)
	var compose composeFile
	require.NoError(t, yaml.Unmarshal(data, &compose))

	t.Run("networks", func(t *testing.T) {
		for name, want := range map[string]netip.Prefix{"enterprise": EnterpriseNet, "control": ControlNet} {
			network, ok := compose.Networks[name]
			require.True(t, ok, "network %s", name)
			require.Len(t, network.IPAM.Config, 1, "network %s subnets", name)
			assert.Equal(t, want.String(), network.IPAM.Config[0].Subnet, "network %s subnet", name)
		}
		assert.True(t, compose.Networks["control"].Internal, "control network is internal")
	})

	addresses := []struct {
		service, network string
		want             netip.Addr
	}{
		{"plc", "control", PLCAddr},
		{"hmi", "control", HMIAddr},
		{"gateway", "enterprise", GatewayITAddr},
		{"gateway", "control", GatewayControlAddr},
		{"attacker", "enterprise", AttackerAddr},
	}
	for _, a := range addresses {
		t.Run(a.service+" on "+a.network, func(t *testing.T) {
			service, ok := compose.Services[a.service]
			require.True(t, ok, "service %s", a.service)
			assert.Equal(t, a.want.String(), service.Networks[a.network].IPv4Address)
			wantNetworks := 1
			if a.service == "gateway" {
				wantNetworks = 2
			}
			assert.Len(t, service.Networks, wantNetworks, "networks of %s", a.service)
		})
	}

	t.Run("gateway", func(t *testing.T) {
		gateway := compose.Services["gateway"]
		assert.Subset(t, gateway.CapAdd, []string{"NET_ADMIN", "NET_RAW"})
		assert.Equal(t, "1", gateway.Sysctls["net.ipv4.ip_forward"])
	})

	t.Run("images build from the repository", func(t *testing.T) {
		for name, service := range compose.Services {
			dockerfile := filepath.Join(labDir, service.Build.Context, service.Build.Dockerfile)
			assert.FileExists(t, dockerfile, "Dockerfile of %s", name)
		}
		for _, path := range []string{"policy.yaml", "gateway.nft", "image/gateway.sh", "image/enter.sh"} {
			assert.FileExists(t, filepath.Join(labDir, path))
		}
	})

	t.Run("clients enter the lab", func(t *testing.T) {
		for _, name := range []string{"hmi", "attacker"} {
			command := compose.Services[name].Command
			require.NotEmpty(t, command, "command of %s", name)
			assert.Equal(t, "/lab/enter.sh", command[0], "command of %s", name)
			assert.True(t, slices.Contains(compose.Services[name].CapAdd, "SYS_ADMIN"), "%s can name its namespace", name)
		}
	})
}

// TestLabPolicy checks lab/policy.yaml against the plant's register map and the lab
// addresses, so the sensor's rules fire on the campaign and stay quiet on the HMI.
func TestLabPolicy(t *testing.T) {
	pol, err := policy.Load(filepath.Join(labDir, "policy.yaml"))
	require.NoError(t, err)

	tests := []struct {
		name string
		got  any
		want any
	}{
		{"pump limit is the safe speed", pol.LimitOf(plant.UnitID, plant.RegPumpSetpoint).Max, plant.SafePumpRPM},
		{"attacker setpoint is safe", UnauthorizedSetpoint <= plant.SafePumpRPM, true},
		{"unsafe setpoint is past the limit", UnsafeSetpoint > plant.SafePumpRPM && UnsafeSetpoint <= plant.MaxPumpRPM, true},
		{"operator setpoints are safe", operatorMaxRPM <= plant.SafePumpRPM, true},
		{"hmi may write", pol.TrustedWriter(HMIAddr, plant.UnitID, false, plant.RegPumpSetpoint, 1), true},
		{"gateway may not write", pol.TrustedWriter(GatewayControlAddr, plant.UnitID, false, plant.RegPumpSetpoint, 1), false},
		{"attacker may not write", pol.TrustedWriter(AttackerAddr, plant.UnitID, false, plant.RegPumpSetpoint, 1), false},
		{"conduit to the gateway", pol.Allowed(pol.ZoneOf(AttackerAddr), pol.ZoneOf(GatewayITAddr), "tcp", ModbusPort), true},
		{"conduit from the gateway", pol.Allowed(pol.ZoneOf(GatewayControlAddr), pol.ZoneOf(PLCAddr), "tcp", ModbusPort), true},
		{"no conduit to the plc", pol.Allowed(pol.ZoneOf(AttackerAddr), pol.ZoneOf(PLCAddr), "tcp", ModbusPort), false},
		{"scan sweep past the threshold", sweepUnits >= pol.Detection.Scan.UnitIDs, true},
		{"register walk past the threshold", walkAddresses >= pol.Detection.Scan.Registers, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, tt.got)
		})
	}
}
