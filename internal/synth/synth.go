package synth

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"
)

// Generator produces lines; each call advances its clock by a random step.
type Generator struct {
	rnd   *rand.Rand
	clock time.Time
	seq   int
}

// New returns a generator whose first event is at start.
func New(seed uint64, start time.Time) *Generator {
	return &Generator{rnd: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)), clock: start.UTC()}
}

func (g *Generator) tick() time.Time {
	g.clock = g.clock.Add(time.Duration(g.rnd.IntN(900)+1) * time.Millisecond)
	g.seq++
	return g.clock
}

func (g *Generator) pick(items []string) string { return items[g.rnd.IntN(len(items))] }

var (
	itHosts      = []string{"172.24.0.10", "172.24.0.11", "172.24.0.23", "172.24.0.40"}
	controlHosts = []string{"172.21.0.10", "172.21.0.11", "172.21.0.12"}
	cellHosts    = []string{"172.22.0.10", "172.22.0.11"}
	hmi          = "172.21.0.20"
)

// Netfilter returns a netfilter LOG line from the gateway, behind an RFC 3164 header with a
// kernel uptime stamp, an ISO header, or an RFC 5424 header, chosen at random.
func (g *Generator) Netfilter() string {
	t := g.tick()
	src, dst := g.pick(itHosts), g.pick(append(controlHosts, cellHosts...))
	dport := []int{502, 502, 502, 102, 44818, 20000, 22, 443}[g.rnd.IntN(8)]
	prefix := "OT-DROP: "
	if g.rnd.IntN(10) == 0 {
		prefix = "OT-ACCEPT: "
	}
	body := fmt.Sprintf("%sIN=eth0 OUT=eth1 MAC=02:42:ac:15:00:02:02:42:ac:18:00:0a:08:00 SRC=%s DST=%s LEN=60 TOS=0x00 PREC=0x00 TTL=63 ID=%d DF PROTO=TCP SPT=%d DPT=%d WINDOW=64240 RES=0x00 SYN URGP=0",
		prefix, src, dst, g.rnd.IntN(65535), 32768+g.rnd.IntN(28000), dport)

	switch g.rnd.IntN(3) {
	case 0:
		uptime := float64(t.Unix()%864000) + float64(g.rnd.IntN(1000000))/1e6
		return fmt.Sprintf("%s ot-gateway kernel: [%12.6f] %s", t.Format(time.Stamp), uptime, body)
	case 1:
		return fmt.Sprintf("%s ot-gateway kernel: %s", t.Format("2006-01-02T15:04:05.000Z"), body)
	default:
		return fmt.Sprintf("<4>1 %s ot-gateway kernel - - - %s", t.Format("2006-01-02T15:04:05.000000Z07:00"), body)
	}
}

type signature struct {
	id       int
	text     string
	category string
	severity int
	tech     string
}

var signatures = []signature{
	{4000101, "ET SCADA Modbus Unauthorized Function Code from External Host", "SCADA/ICS Attack", 1, "T0855"},
	{4000102, "ET SCADA Modbus Write Single Register Attempt (FC 6)", "SCADA/ICS Attack", 1, "T0836"},
	{4000103, "ET SCADA S7comm PLC Read/Write Coils - Lateral Movement", "SCADA/ICS Lateral Movement", 2, "T0886"},
	{4000104, "ET SCADA Modbus Exception Response Flood - Brute Force/Scan", "SCADA/ICS Reconnaissance", 2, "T0846"},
	{2210045, "SURICATA STREAM Packet with invalid ack", "Generic Protocol Command Decode", 3, ""},
	{2013504, "ET POLICY GNU/Linux APT User-Agent Outbound", "Not Suspicious Traffic", 3, ""},
}

// EVE returns a Suricata EVE alert as Malcolm's sensor writes it.
func (g *Generator) EVE() string {
	t := g.tick()
	sig := signatures[g.rnd.IntN(len(signatures))]
	src, dst := g.pick(itHosts), g.pick(append(controlHosts, cellHosts...))
	dport, app := 502, "modbus"
	if strings.Contains(sig.text, "S7comm") {
		dport, app = 102, "s7comm"
	}
	meta := ""
	if sig.tech != "" {
		meta = fmt.Sprintf(`,"metadata":{"attack_target":["SCADA"],"mitre_technique_id":["%s"],"synthetic":["true"]}`, sig.tech)
	}
	return fmt.Sprintf(`{"timestamp":"%s","flow_id":%d,"in_iface":"eth1","event_type":"alert","src_ip":"%s","src_port":%d,"dest_ip":"%s","dest_port":%d,"proto":"TCP","app_proto":"%s","host":"malcolm-ndr","alert":{"action":"allowed","gid":1,"signature_id":%d,"rev":2,"signature":"%s","category":"%s","severity":%d%s},"flow":{"pkts_toserver":%d,"pkts_toclient":%d,"bytes_toserver":%d,"bytes_toclient":%d,"start":"%s"}}`,
		t.Format("2006-01-02T15:04:05.000000-0700"), 1_000_000_000_000_000+g.rnd.Int64N(1_000_000_000_000_000),
		src, 32768+g.rnd.IntN(28000), dst, dport, app, sig.id, sig.text, sig.category, sig.severity, meta,
		2+g.rnd.IntN(20), 1+g.rnd.IntN(20), 120+g.rnd.IntN(3000), 60+g.rnd.IntN(3000),
		t.Add(-time.Second).Format("2006-01-02T15:04:05.000000-0700"))
}

// SensorAlert returns one otsensor alert line in the alert contract.
func (g *Generator) SensorAlert() string {
	t := g.tick()
	first := t.Add(-time.Duration(g.rnd.IntN(30)) * time.Second)
	ts, fs := t.Format("2006-01-02T15:04:05.000Z"), first.Format("2006-01-02T15:04:05.000Z")
	plc := g.pick(controlHosts)
	sport := 32768 + g.rnd.IntN(28000)
	tid := g.rnd.IntN(65536)

	switch g.rnd.IntN(4) {
	case 0:
		src := g.pick(itHosts)
		return fmt.Sprintf(`{"timestamp":"%s","sensor":"ot-gateway","rule":"CROSS_ZONE_VIOLATION","severity":"HIGH","techniques":["T0822","T0886"],"src_ip":"%s","src_port":%d,"dst_ip":"%s","dst_port":502,"src_zone":"it","dst_zone":"control","count":1,"first_seen":"%s","last_seen":"%s","message":"it (L4/5) to control (L1/2) on tcp/502 has no conduit"}`,
			ts, src, sport, plc, ts, ts)
	case 1:
		value := 40 + g.rnd.IntN(40)
		return fmt.Sprintf(`{"timestamp":"%s","sensor":"ot-gateway","rule":"UNAUTHORIZED_MODBUS_WRITE","severity":"HIGH","techniques":["T0836","T0855"],"src_ip":"172.21.0.2","src_port":%d,"dst_ip":"%s","dst_port":502,"src_zone":"operations","dst_zone":"control","modbus":{"transaction_id":%d,"unit_id":1,"function":6,"address":1,"quantity":1,"values":[%d],"exception":null},"count":1,"first_seen":"%s","last_seen":"%s","message":"write single register 1 from a client not trusted for unit 1"}`,
			ts, sport, plc, tid, value, ts, ts)
	case 2:
		n := 20 + g.rnd.IntN(3000)
		return fmt.Sprintf(`{"timestamp":"%s","sensor":"ot-gateway","rule":"OT_BRUTE_FORCE_SCAN","severity":"MEDIUM","techniques":["T0846","T0861"],"src_ip":"172.21.0.2","src_port":%d,"dst_ip":"%s","dst_port":502,"src_zone":"operations","dst_zone":"control","modbus":{"transaction_id":%d,"unit_id":%d,"function":3,"address":%d,"quantity":1,"values":null,"exception":2},"count":%d,"first_seen":"%s","last_seen":"%s","message":"%d exception responses to one client within the window"}`,
			ts, sport, plc, tid, g.rnd.IntN(248), g.rnd.IntN(1000), n, fs, ts, n)
	default:
		value := 950 + g.rnd.IntN(100)
		return fmt.Sprintf(`{"timestamp":"%s","sensor":"ot-gateway","rule":"PROCESS_SAFETY_VIOLATION","severity":"CRITICAL","techniques":["T0836","T0880"],"src_ip":"172.21.0.2","src_port":%d,"dst_ip":"%s","dst_port":502,"src_zone":"operations","dst_zone":"control","modbus":{"transaction_id":%d,"unit_id":1,"function":16,"address":1,"quantity":2,"values":[%d,0],"exception":null},"count":1,"first_seen":"%s","last_seen":"%s","message":"pump_speed_setpoint %d outside the safe range 0-900"}`,
			ts, sport, plc, tid, value, ts, ts, value)
	}
}

// HMIAccept returns a netfilter ACCEPT line for the trusted HMI's polling, telemetry
// that raises no detection.
func (g *Generator) HMIAccept() string {
	t := g.tick()
	return fmt.Sprintf("%s ot-gateway kernel: OT-ACCEPT: IN=eth1 OUT=eth1 SRC=%s DST=%s LEN=64 TOS=0x00 PREC=0x00 TTL=64 ID=%d DF PROTO=TCP SPT=%d DPT=502 WINDOW=502 RES=0x00 ACK PSH URGP=0",
		t.Format("2006-01-02T15:04:05.000Z"), hmi, g.pick(controlHosts), g.rnd.IntN(65535), 32768+g.rnd.IntN(28000))
}

// Mix returns n lines in the proportions of the ingest benchmark: 60% netfilter, 25% EVE
// alerts and 15% sensor alerts, interleaved at random.
func (g *Generator) Mix(n int) []string {
	lines := make([]string, 0, n)
	for range n {
		switch r := g.rnd.IntN(100); {
		case r < 60:
			lines = append(lines, g.Netfilter())
		case r < 85:
			lines = append(lines, g.EVE())
		default:
			lines = append(lines, g.SensorAlert())
		}
	}
	return lines
}
