-- title: High-severity OT anomalies over time
-- Counts the sensor's rule detections (cross-zone flows, unauthorized Modbus writes,
-- brute-force scans and process safety violations) per day and source partition, so a
-- rise on one day or from one feed stands out.
SELECT
    "date",
    "source",
    count(*) AS anomaly_count
FROM staged_telemetry
WHERE rule IN (
    'CROSS_ZONE_VIOLATION',
    'UNAUTHORIZED_MODBUS_WRITE',
    'OT_BRUTE_FORCE_SCAN',
    'PROCESS_SAFETY_VIOLATION'
)
GROUP BY "date", "source"
ORDER BY "date", "source"
