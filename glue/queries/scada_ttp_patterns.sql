-- title: SCADA/ICS attack patterns seen by the NDR sensor
-- Lists the Suricata alerts (Malcolm's EVE JSON) whose signature or category names SCADA or
-- ICS traffic such as Modbus and S7comm. The selection uses the parsed columns, which Parquet
-- reads cheaply, and the listed fields are read from the original EVE record kept in the raw
-- column, so they are exactly what the NDR sensor logged.
SELECT
    json_extract_scalar(raw, '$.timestamp') AS alert_timestamp,
    json_extract_scalar(raw, '$.src_ip') AS src_ip,
    json_extract_scalar(raw, '$.dest_ip') AS dest_ip,
    json_extract_scalar(raw, '$.alert.signature') AS scada_signature,
    json_extract_scalar(raw, '$.alert.category') AS scada_category
FROM staged_telemetry
WHERE format = 'eve'
    AND event_type = 'alert'
    AND (category LIKE 'SCADA%' OR signature LIKE '%SCADA%')
ORDER BY event_time, src_ip, dest_ip, scada_signature
