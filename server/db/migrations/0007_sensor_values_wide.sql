CREATE TABLE "sensor_values" (
	"tenant_id" uuid NOT NULL,
	"device_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"readings" jsonb NOT NULL,
	"claimed_at" timestamp with time zone,
	CONSTRAINT "sensor_values_tenant_id_device_id_kind_at_pk" PRIMARY KEY("tenant_id","device_id","kind","at")
);
--> statement-breakpoint
-- The readings stored so far, one row per pollutant, become one row per device, kind and time:
-- readings->pollutant = [value, flag, min, max] without trailing nulls (NaN/Infinity as strings, as the listener
-- writes them). Of several claimed times for one key the earliest is kept.
INSERT INTO "sensor_values" ("tenant_id", "device_id", "kind", "at", "readings", "claimed_at")
SELECT tenant_id, device_id, kind, at,
	jsonb_object_agg(pollutant, CASE
		WHEN max IS NOT NULL THEN jsonb_build_array(v, flag, mn, mx)
		WHEN min IS NOT NULL THEN jsonb_build_array(v, flag, mn)
		WHEN flag IS NOT NULL THEN jsonb_build_array(v, flag)
		ELSE jsonb_build_array(v) END),
	min(claimed_at)
FROM (
	SELECT r.*,
		CASE WHEN r.value IS NULL THEN 'null'::jsonb WHEN r.value IN ('NaN', 'Infinity', '-Infinity') THEN to_jsonb(r.value::text) ELSE to_jsonb(r.value) END AS v,
		CASE WHEN r.min IS NULL THEN 'null'::jsonb WHEN r.min IN ('NaN', 'Infinity', '-Infinity') THEN to_jsonb(r.min::text) ELSE to_jsonb(r.min) END AS mn,
		CASE WHEN r.max IS NULL THEN 'null'::jsonb WHEN r.max IN ('NaN', 'Infinity', '-Infinity') THEN to_jsonb(r.max::text) ELSE to_jsonb(r.max) END AS mx
	FROM "sensor_readings" r
) x
GROUP BY tenant_id, device_id, kind, at;
--> statement-breakpoint
-- Minute buckets are no longer stored: they are computed from sensor_values when read (the same valid
-- real-time values they summed). Hour buckets stay (the hour_avg rule and long-range charts use them).
DELETE FROM "sensor_aggregates" WHERE "bucket" = 'minute';
--> statement-breakpoint
-- Frames are deleted per device along the primary key now (sensors.retention): one index less to write per frame.
DROP INDEX "sensor_frames_received_idx";--> statement-breakpoint
DROP TABLE "sensor_readings" CASCADE;
