CREATE TABLE "case_events" (
	"tenant_id" uuid NOT NULL,
	"case_id" uuid NOT NULL,
	"seq" integer NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"actor_id" uuid,
	"actor_name" text NOT NULL,
	"kind" text NOT NULL,
	"from_status" text,
	"to_status" text,
	"note" text,
	"photos" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"data" jsonb DEFAULT '{}'::jsonb NOT NULL,
	CONSTRAINT "case_events_tenant_id_case_id_seq_pk" PRIMARY KEY("tenant_id","case_id","seq")
);
--> statement-breakpoint
CREATE TABLE "case_media" (
	"tenant_id" uuid NOT NULL,
	"case_id" uuid NOT NULL,
	"media_id" uuid NOT NULL,
	"stage" text NOT NULL,
	"event_seq" integer NOT NULL,
	"warnings" jsonb DEFAULT '[]'::jsonb NOT NULL,
	CONSTRAINT "case_media_tenant_id_case_id_media_id_pk" PRIMARY KEY("tenant_id","case_id","media_id"),
	CONSTRAINT "case_media_stage_ck" CHECK ("case_media"."stage" in ('before','after','verify','other'))
);
--> statement-breakpoint
CREATE TABLE "case_requests" (
	"tenant_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"case_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"unit_id" uuid,
	"reason" text NOT NULL,
	"payload" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"requested_by" uuid,
	"requested_at" timestamp with time zone NOT NULL,
	"decide_by" timestamp with time zone,
	"status" text DEFAULT 'pending' NOT NULL,
	"decided_by" uuid,
	"decided_at" timestamp with time zone,
	"decision" jsonb,
	CONSTRAINT "case_requests_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "case_requests_kind_ck" CHECK ("case_requests"."kind" in ('extension','park','dispute')),
	CONSTRAINT "case_requests_status_ck" CHECK ("case_requests"."status" in ('pending','approved','rejected','expired'))
);
--> statement-breakpoint
CREATE TABLE "case_spots" (
	"tenant_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"category_id" uuid NOT NULL,
	"lat" double precision NOT NULL,
	"lng" double precision NOT NULL,
	"grid_id" uuid,
	"case_count" integer DEFAULT 1 NOT NULL,
	"recurrence_count" integer DEFAULT 0 NOT NULL,
	"last_case_id" uuid,
	"last_closed_at" timestamp with time zone,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "case_spots_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "cases" (
	"tenant_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"year" integer NOT NULL,
	"seq" integer NOT NULL,
	"number" text NOT NULL,
	"source" text NOT NULL,
	"category_id" uuid NOT NULL,
	"category_version" integer NOT NULL,
	"severity" text DEFAULT 'normal' NOT NULL,
	"status" text NOT NULL,
	"description" text NOT NULL,
	"address" text,
	"lat" double precision,
	"lng" double precision,
	"input_crs" text,
	"input_lat" double precision,
	"input_lng" double precision,
	"grid_id" uuid,
	"hq_id" uuid,
	"lead_unit_id" uuid,
	"unit_id" uuid,
	"assignee_id" uuid,
	"routing" jsonb NOT NULL,
	"reporter" jsonb,
	"reported_by" uuid,
	"external_ref" text,
	"version" integer DEFAULT 1 NOT NULL,
	"register_due" timestamp with time zone,
	"dispatch_due" timestamp with time zone,
	"handle_due" timestamp with time zone,
	"verify_due" timestamp with time zone,
	"due_at" timestamp with time zone,
	"due_state" text DEFAULT 'none' NOT NULL,
	"overdue_count" integer DEFAULT 0 NOT NULL,
	"returned_count" integer DEFAULT 0 NOT NULL,
	"extension_count" integer DEFAULT 0 NOT NULL,
	"escalation_level" integer DEFAULT 0 NOT NULL,
	"handled_by" uuid,
	"verified_by" uuid,
	"parked_until" timestamp with time zone,
	"merged_into_id" uuid,
	"spot_id" uuid,
	"is_recurrence" boolean DEFAULT false NOT NULL,
	"recurrence_of_id" uuid,
	"pending_request" text,
	"reported_at" timestamp with time zone NOT NULL,
	"registered_at" timestamp with time zone,
	"dispatched_at" timestamp with time zone,
	"handled_at" timestamp with time zone,
	"verified_at" timestamp with time zone,
	"closed_at" timestamp with time zone,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "cases_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "cases_status_ck" CHECK (status in ('reported','registered','rejected','dispatched','in_progress','handled','returned','verified','closed','parked','cancelled','merged')),
	CONSTRAINT "cases_due_state_ck" CHECK ("cases"."due_state" in ('none','ok','due_soon','overdue')),
	CONSTRAINT "cases_severity_ck" CHECK ("cases"."severity" in ('normal','major','urgent'))
);
--> statement-breakpoint
CREATE TABLE "idempotency_keys" (
	"tenant_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"key" text NOT NULL,
	"route" text NOT NULL,
	"request_hash" text NOT NULL,
	"status" text NOT NULL,
	"locked_until" timestamp with time zone,
	"response_status" integer,
	"response_body" jsonb,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "idempotency_keys_tenant_id_user_id_key_pk" PRIMARY KEY("tenant_id","user_id","key"),
	CONSTRAINT "idempotency_keys_status_ck" CHECK ("idempotency_keys"."status" in ('in_flight','done'))
);
--> statement-breakpoint
CREATE TABLE "number_sequences" (
	"tenant_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"year" integer NOT NULL,
	"last" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "number_sequences_tenant_id_kind_year_pk" PRIMARY KEY("tenant_id","kind","year")
);
--> statement-breakpoint
CREATE TABLE "supervision_orders" (
	"tenant_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"case_id" uuid NOT NULL,
	"year" integer NOT NULL,
	"seq" integer NOT NULL,
	"number" text NOT NULL,
	"level" integer NOT NULL,
	"reason" text NOT NULL,
	"to_unit_id" uuid,
	"copied_to" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"stage" text NOT NULL,
	"stage_due_at" timestamp with time zone,
	"issued_at" timestamp with time zone NOT NULL,
	"acknowledged_at" timestamp with time zone,
	"acknowledged_by" uuid,
	CONSTRAINT "supervision_orders_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "enforcement_records" (
	"tenant_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"order_id" uuid NOT NULL,
	"case_id" uuid,
	"kind" text NOT NULL,
	"items" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"note" text,
	"photos" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"taken_at" timestamp with time zone NOT NULL,
	"taken_by" uuid NOT NULL,
	"returned_at" timestamp with time zone,
	"returned_to" text,
	"returned_by" uuid,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "enforcement_records_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "enforcement_records_kind_ck" CHECK ("enforcement_records"."kind" in ('seizure','fine','closure','other'))
);
--> statement-breakpoint
CREATE TABLE "field_operations" (
	"tenant_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"op_date" date NOT NULL,
	"title" text NOT NULL,
	"unit_id" uuid NOT NULL,
	"grid_ids" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"person_times" integer NOT NULL,
	"equipment" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"results" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"photos" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"case_ids" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"note" text,
	"created_by" uuid NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "field_operations_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "rectification_orders" (
	"tenant_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"case_id" uuid,
	"year" integer NOT NULL,
	"seq" integer NOT NULL,
	"number" text NOT NULL,
	"party" jsonb NOT NULL,
	"facts" text NOT NULL,
	"legal_basis" text NOT NULL,
	"required_actions" text NOT NULL,
	"deadline" timestamp with time zone NOT NULL,
	"issuing_unit_id" uuid NOT NULL,
	"issued_by" uuid NOT NULL,
	"issued_at" timestamp with time zone NOT NULL,
	"status" text DEFAULT 'issued' NOT NULL,
	"follow_up" jsonb,
	"version" integer DEFAULT 1 NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "rectification_orders_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "rectification_orders_status_ck" CHECK ("rectification_orders"."status" in ('issued','complied','not_complied','cancelled'))
);
--> statement-breakpoint
CREATE TABLE "media" (
	"tenant_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"source_format" text NOT NULL,
	"mime" text NOT NULL,
	"bytes" integer NOT NULL,
	"width" integer NOT NULL,
	"height" integer NOT NULL,
	"sha256" text NOT NULL,
	"storage_key" text NOT NULL,
	"thumb_key" text NOT NULL,
	"original_name" text,
	"original_bytes" integer NOT NULL,
	"taken_at" timestamp with time zone,
	"exif_lat" double precision,
	"exif_lng" double precision,
	"exif" jsonb,
	"uploaded_by" uuid,
	"uploaded_at" timestamp with time zone NOT NULL,
	CONSTRAINT "media_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "media_mime_ck" CHECK ("media"."mime" in ('image/jpeg','image/webp'))
);
--> statement-breakpoint
CREATE TABLE "inbox_items" (
	"tenant_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"notification_id" uuid NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"read_at" timestamp with time zone,
	CONSTRAINT "inbox_items_tenant_id_user_id_notification_id_pk" PRIMARY KEY("tenant_id","user_id","notification_id")
);
--> statement-breakpoint
CREATE TABLE "notification_channels" (
	"tenant_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"kind" text NOT NULL,
	"name" text NOT NULL,
	"unit_id" uuid,
	"include_subunits" boolean DEFAULT false NOT NULL,
	"events" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"config" jsonb NOT NULL,
	"rate_per_minute" integer DEFAULT 20 NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "notification_channels_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "notification_channels_kind_ck" CHECK ("notification_channels"."kind" in ('wecom','dingtalk','webhook','sms'))
);
--> statement-breakpoint
CREATE TABLE "notification_deliveries" (
	"tenant_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"notification_id" uuid NOT NULL,
	"channel_id" uuid NOT NULL,
	"status" text DEFAULT 'queued' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone NOT NULL,
	"last_error" text,
	"batch_id" uuid,
	"sent_at" timestamp with time zone,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "notification_deliveries_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "notification_deliveries_status_ck" CHECK ("notification_deliveries"."status" in ('queued','sent','failed','batched'))
);
--> statement-breakpoint
CREATE TABLE "notifications" (
	"tenant_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"event" text NOT NULL,
	"case_id" uuid,
	"unit_id" uuid,
	"user_id" uuid,
	"title" text NOT NULL,
	"body" text NOT NULL,
	"link" text,
	"created_at" timestamp with time zone NOT NULL,
	"fanned_out_at" timestamp with time zone,
	CONSTRAINT "notifications_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
ALTER TABLE "case_events" ADD CONSTRAINT "case_events_case_fk" FOREIGN KEY ("tenant_id","case_id") REFERENCES "public"."cases"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "case_media" ADD CONSTRAINT "case_media_case_fk" FOREIGN KEY ("tenant_id","case_id") REFERENCES "public"."cases"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "case_media" ADD CONSTRAINT "case_media_media_fk" FOREIGN KEY ("tenant_id","media_id") REFERENCES "public"."media"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "case_requests" ADD CONSTRAINT "case_requests_case_fk" FOREIGN KEY ("tenant_id","case_id") REFERENCES "public"."cases"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cases" ADD CONSTRAINT "cases_category_fk" FOREIGN KEY ("tenant_id","category_id") REFERENCES "public"."categories"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cases" ADD CONSTRAINT "cases_unit_fk" FOREIGN KEY ("tenant_id","unit_id") REFERENCES "public"."org_units"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cases" ADD CONSTRAINT "cases_hq_fk" FOREIGN KEY ("tenant_id","hq_id") REFERENCES "public"."org_units"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cases" ADD CONSTRAINT "cases_assignee_fk" FOREIGN KEY ("tenant_id","assignee_id") REFERENCES "public"."users"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cases" ADD CONSTRAINT "cases_reporter_fk" FOREIGN KEY ("tenant_id","reported_by") REFERENCES "public"."users"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "supervision_orders" ADD CONSTRAINT "supervision_orders_case_fk" FOREIGN KEY ("tenant_id","case_id") REFERENCES "public"."cases"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "enforcement_records" ADD CONSTRAINT "enforcement_records_order_fk" FOREIGN KEY ("tenant_id","order_id") REFERENCES "public"."rectification_orders"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "field_operations" ADD CONSTRAINT "field_operations_unit_fk" FOREIGN KEY ("tenant_id","unit_id") REFERENCES "public"."org_units"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rectification_orders" ADD CONSTRAINT "rectification_orders_case_fk" FOREIGN KEY ("tenant_id","case_id") REFERENCES "public"."cases"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rectification_orders" ADD CONSTRAINT "rectification_orders_unit_fk" FOREIGN KEY ("tenant_id","issuing_unit_id") REFERENCES "public"."org_units"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rectification_orders" ADD CONSTRAINT "rectification_orders_user_fk" FOREIGN KEY ("tenant_id","issued_by") REFERENCES "public"."users"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "media" ADD CONSTRAINT "media_user_fk" FOREIGN KEY ("tenant_id","uploaded_by") REFERENCES "public"."users"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "inbox_items" ADD CONSTRAINT "inbox_items_user_fk" FOREIGN KEY ("tenant_id","user_id") REFERENCES "public"."users"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "inbox_items" ADD CONSTRAINT "inbox_items_notification_fk" FOREIGN KEY ("tenant_id","notification_id") REFERENCES "public"."notifications"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notification_channels" ADD CONSTRAINT "notification_channels_unit_fk" FOREIGN KEY ("tenant_id","unit_id") REFERENCES "public"."org_units"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notification_deliveries" ADD CONSTRAINT "notification_deliveries_notification_fk" FOREIGN KEY ("tenant_id","notification_id") REFERENCES "public"."notifications"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notification_deliveries" ADD CONSTRAINT "notification_deliveries_channel_fk" FOREIGN KEY ("tenant_id","channel_id") REFERENCES "public"."notification_channels"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "case_requests_case_idx" ON "case_requests" USING btree ("tenant_id","case_id");--> statement-breakpoint
CREATE INDEX "case_requests_pending_idx" ON "case_requests" USING btree ("tenant_id","status","decide_by");--> statement-breakpoint
CREATE INDEX "case_spots_near_idx" ON "case_spots" USING btree ("tenant_id","category_id","lat");--> statement-breakpoint
CREATE UNIQUE INDEX "cases_number_uq" ON "cases" USING btree ("tenant_id","year","seq");--> statement-breakpoint
CREATE INDEX "cases_status_idx" ON "cases" USING btree ("tenant_id","status","reported_at");--> statement-breakpoint
CREATE INDEX "cases_unit_idx" ON "cases" USING btree ("tenant_id","unit_id","status");--> statement-breakpoint
CREATE INDEX "cases_due_idx" ON "cases" USING btree ("tenant_id","due_at");--> statement-breakpoint
CREATE INDEX "cases_nearby_idx" ON "cases" USING btree ("tenant_id","category_id","lat");--> statement-breakpoint
CREATE INDEX "cases_ext_idx" ON "cases" USING btree ("tenant_id","external_ref");--> statement-breakpoint
CREATE INDEX "idempotency_keys_created_idx" ON "idempotency_keys" USING btree ("created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "supervision_orders_number_uq" ON "supervision_orders" USING btree ("tenant_id","year","seq");--> statement-breakpoint
CREATE UNIQUE INDEX "supervision_orders_level_uq" ON "supervision_orders" USING btree ("tenant_id","case_id","stage","level");--> statement-breakpoint
CREATE INDEX "enforcement_records_order_idx" ON "enforcement_records" USING btree ("tenant_id","order_id");--> statement-breakpoint
CREATE INDEX "field_operations_date_idx" ON "field_operations" USING btree ("tenant_id","op_date");--> statement-breakpoint
CREATE UNIQUE INDEX "rectification_orders_number_uq" ON "rectification_orders" USING btree ("tenant_id","year","seq");--> statement-breakpoint
CREATE INDEX "rectification_orders_case_idx" ON "rectification_orders" USING btree ("tenant_id","case_id");--> statement-breakpoint
CREATE INDEX "media_uploader_idx" ON "media" USING btree ("tenant_id","uploaded_by","uploaded_at");--> statement-breakpoint
CREATE INDEX "inbox_items_unread_idx" ON "inbox_items" USING btree ("tenant_id","user_id","read_at");--> statement-breakpoint
CREATE INDEX "notification_deliveries_due_idx" ON "notification_deliveries" USING btree ("tenant_id","status","next_attempt_at");--> statement-breakpoint
CREATE INDEX "notification_deliveries_channel_idx" ON "notification_deliveries" USING btree ("tenant_id","channel_id","sent_at");--> statement-breakpoint
CREATE INDEX "notifications_pending_idx" ON "notifications" USING btree ("tenant_id","fanned_out_at");--> statement-breakpoint
CREATE INDEX "notifications_case_idx" ON "notifications" USING btree ("tenant_id","case_id");