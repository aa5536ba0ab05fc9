-- title: SCADA/ICS attack patterns seen by the NDR sensor
-- Lists the Suricata alerts (Malcolm's EVE JSON) whose signature or category names SCADA or
-- ICS traffic such as Modbus and S7comm. The fields are read from the original EVE record
-- kept in the raw column, so they are exactly what the NDR sensor logged.
SELECT
    json_extract_scalar(raw, '$.timestamp') AS alert_timestamp,
    json_extract_scalar(raw, '$.src_ip') AS src_ip,
    json_extract_scalar(raw, '$.dest_ip') AS dest_ip,
    json_extract_scalar(raw, '$.alert.signature') AS scada_signature,
    json_extract_scalar(raw, '$.alert.category') AS scada_category
FROM staged_telemetry
WHERE format = 'eve'
    AND json_extract_scalar(raw, '$.event_type') = 'alert'
    AND (
        json_extract_scalar(raw, '$.alert.category') LIKE 'SCADA%'
        OR json_extract_scalar(raw, '$.alert.signature') LIKE '%SCADA%'
    )
ORDER BY event_time, src_ip, dest_ip, scada_signature
