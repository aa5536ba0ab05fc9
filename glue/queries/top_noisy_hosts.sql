-- title: Top noisy hosts
-- Counts the staged records of each host_identifier (syslog host, sensor name or NDR
-- sensor), most first, to show which devices and sensors produce most of the telemetry.
SELECT
    host_identifier,
    count(*) AS record_count
FROM staged_telemetry
WHERE host_identifier IS NOT NULL
GROUP BY host_identifier
ORDER BY record_count DESC, host_identifier
LIMIT 20
