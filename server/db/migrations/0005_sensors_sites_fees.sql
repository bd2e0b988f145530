CREATE TABLE "construction_sites" (
	"tenant_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"code" text NOT NULL,
	"name" text NOT NULL,
	"site_type" text NOT NULL,
	"address" text NOT NULL,
	"lat" double precision NOT NULL,
	"lng" double precision NOT NULL,
	"outline" jsonb,
	"grid_id" uuid,
	"builder" text NOT NULL,
	"builder_contact" text,
	"builder_phone" text,
	"unit_id" uuid,
	"permit_no" text,
	"permit_from" date,
	"permit_to" date,
	"status" text DEFAULT 'active' NOT NULL,
	"monitor_required" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "construction_sites_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "construction_sites_type_ck" CHECK ("construction_sites"."site_type" in ('demolition','municipal','building','road','other')),
	CONSTRAINT "construction_sites_status_ck" CHECK ("construction_sites"."status" in ('active','suspended','finished'))
);
--> statement-breakpoint
CREATE TABLE "dust_fee_entries" (
	"tenant_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"site_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"measure" text,
	"amount" numeric(14, 2) NOT NULL,
	"occurred_on" date NOT NULL,
	"note" text,
	"receipt_no" text,
	"photos" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"created_by" uuid NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "dust_fee_entries_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "dust_fee_entries_kind_ck" CHECK ("dust_fee_entries"."kind" in ('assessed','spent','adjustment'))
);
--> statement-breakpoint
CREATE TABLE "sensor_aggregates" (
	"tenant_id" uuid NOT NULL,
	"device_id" uuid NOT NULL,
	"pollutant" text NOT NULL,
	"bucket" text NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"count" integer NOT NULL,
	"sum" double precision NOT NULL,
	"min" double precision NOT NULL,
	"max" double precision NOT NULL,
	CONSTRAINT "sensor_aggregates_tenant_id_device_id_pollutant_bucket_at_pk" PRIMARY KEY("tenant_id","device_id","pollutant","bucket","at")
);
--> statement-breakpoint
CREATE TABLE "sensor_alerts" (
	"tenant_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"site_id" uuid,
	"device_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"threshold_id" uuid,
	"pollutant" text,
	"level" text NOT NULL,
	"value" double precision,
	"limit" double precision,
	"started_at" timestamp with time zone NOT NULL,
	"last_at" timestamp with time zone NOT NULL,
	"occurrences" integer DEFAULT 1 NOT NULL,
	"cleared_at" timestamp with time zone,
	"case_id" uuid,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "sensor_alerts_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "sensor_alerts_kind_ck" CHECK ("sensor_alerts"."kind" in ('breach','offline')),
	CONSTRAINT "sensor_alerts_level_ck" CHECK ("sensor_alerts"."level" in ('warning','alarm'))
);
--> statement-breakpoint
CREATE TABLE "sensor_devices" (
	"tenant_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"mn" text NOT NULL,
	"site_id" uuid,
	"name" text NOT NULL,
	"password" text,
	"allow_modbus_crc" boolean DEFAULT false NOT NULL,
	"scale" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"interval_seconds" integer DEFAULT 60 NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"state" text DEFAULT 'never' NOT NULL,
	"last_frame_at" timestamp with time zone,
	"last_seen_address" text,
	"offline_since" timestamp with time zone,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "sensor_devices_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "sensor_devices_state_ck" CHECK ("sensor_devices"."state" in ('online','offline','never'))
);
--> statement-breakpoint
CREATE TABLE "sensor_frames" (
	"tenant_id" uuid NOT NULL,
	"device_id" uuid NOT NULL,
	"received_at" timestamp with time zone NOT NULL,
	"seq" bigint NOT NULL,
	"cn" text,
	"qn" text,
	"data_time" timestamp with time zone,
	"verdict" text NOT NULL,
	"reason" text,
	"raw" text NOT NULL,
	CONSTRAINT "sensor_frames_tenant_id_device_id_received_at_seq_pk" PRIMARY KEY("tenant_id","device_id","received_at","seq")
);
--> statement-breakpoint
CREATE TABLE "sensor_readings" (
	"tenant_id" uuid NOT NULL,
	"device_id" uuid NOT NULL,
	"pollutant" text NOT NULL,
	"kind" text NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"value" double precision,
	"min" double precision,
	"max" double precision,
	"flag" text,
	"claimed_at" timestamp with time zone,
	CONSTRAINT "sensor_readings_tenant_id_device_id_pollutant_kind_at_pk" PRIMARY KEY("tenant_id","device_id","pollutant","kind","at")
);
--> statement-breakpoint
CREATE TABLE "sensor_strangers" (
	"tenant_id" uuid NOT NULL,
	"mn" text NOT NULL,
	"frames" bigint DEFAULT 0 NOT NULL,
	"last_address" text,
	"first_at" timestamp with time zone NOT NULL,
	"last_at" timestamp with time zone NOT NULL,
	CONSTRAINT "sensor_strangers_tenant_id_mn_pk" PRIMARY KEY("tenant_id","mn")
);
--> statement-breakpoint
CREATE TABLE "sensor_thresholds" (
	"tenant_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"site_type" text,
	"pollutant" text NOT NULL,
	"rule" text NOT NULL,
	"limit" double precision NOT NULL,
	"consecutive" integer DEFAULT 1 NOT NULL,
	"level" text NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "sensor_thresholds_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "sensor_thresholds_rule_ck" CHECK ("sensor_thresholds"."rule" in ('hour_avg','consecutive_rtd')),
	CONSTRAINT "sensor_thresholds_level_ck" CHECK ("sensor_thresholds"."level" in ('warning','alarm'))
);
--> statement-breakpoint
ALTER TABLE "construction_sites" ADD CONSTRAINT "construction_sites_unit_fk" FOREIGN KEY ("tenant_id","unit_id") REFERENCES "public"."org_units"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "dust_fee_entries" ADD CONSTRAINT "dust_fee_entries_site_fk" FOREIGN KEY ("tenant_id","site_id") REFERENCES "public"."construction_sites"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "dust_fee_entries" ADD CONSTRAINT "dust_fee_entries_user_fk" FOREIGN KEY ("tenant_id","created_by") REFERENCES "public"."users"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sensor_devices" ADD CONSTRAINT "sensor_devices_site_fk" FOREIGN KEY ("tenant_id","site_id") REFERENCES "public"."construction_sites"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "construction_sites_code_uq" ON "construction_sites" USING btree ("tenant_id","code");--> statement-breakpoint
CREATE INDEX "dust_fee_entries_site_idx" ON "dust_fee_entries" USING btree ("tenant_id","site_id","occurred_on");--> statement-breakpoint
CREATE INDEX "sensor_alerts_open_idx" ON "sensor_alerts" USING btree ("tenant_id","device_id","kind","cleared_at");--> statement-breakpoint
CREATE UNIQUE INDEX "sensor_devices_mn_uq" ON "sensor_devices" USING btree ("tenant_id","mn");--> statement-breakpoint
CREATE INDEX "sensor_frames_received_idx" ON "sensor_frames" USING btree ("tenant_id","received_at");--> statement-breakpoint
CREATE INDEX "sensor_readings_time_idx" ON "sensor_readings" USING btree ("tenant_id","at");