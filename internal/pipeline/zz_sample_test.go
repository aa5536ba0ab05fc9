package pipeline
import ("context";"os";"testing")
type fileWriter struct{}
func (fileWriter) Put(_ context.Context, key string, body []byte, _ string) error { if len(key)>6 && key[:6]=="parsed" {return os.WriteFile("/tmp/perf/sample.parquet", body, 0o644)}; return nil }
func TestZZSample(t *testing.T){
 gz,_,_ := loadBenchObject(nil)
 p := &Parser{Raw: bytesRaw(gz), Staged: fileWriter{}, Detections: &countingDetections{}}
 if _, err := p.Process(context.Background(), "bench", "source=mixed/date=2026-05-20/bench.json.gz"); err!=nil {t.Fatal(err)}
}
