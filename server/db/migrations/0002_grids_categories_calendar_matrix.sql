CREATE TABLE "calendar_days" (
	"tenant_id" uuid NOT NULL,
	"day" date NOT NULL,
	"kind" text NOT NULL,
	"name" text NOT NULL,
	CONSTRAINT "calendar_days_tenant_id_day_pk" PRIMARY KEY("tenant_id","day"),
	CONSTRAINT "calendar_days_kind_ck" CHECK ("calendar_days"."kind" in ('holiday','workday'))
);
--> statement-breakpoint
CREATE TABLE "calendar_settings" (
	"tenant_id" uuid PRIMARY KEY NOT NULL,
	"work_periods" jsonb NOT NULL,
	"weekend_days" integer[] NOT NULL,
	"time_zone" text NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "hq_leaders" (
	"tenant_id" uuid NOT NULL,
	"hq_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"position" text NOT NULL,
	"sort_order" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "hq_leaders_tenant_id_hq_id_user_id_pk" PRIMARY KEY("tenant_id","hq_id","user_id"),
	CONSTRAINT "hq_leaders_position_ck" CHECK ("hq_leaders"."position" in ('commander','deputy'))
);
--> statement-breakpoint
CREATE TABLE "district_boundaries" (
	"tenant_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"name" text NOT NULL,
	"geometry" jsonb NOT NULL,
	"min_lng" double precision NOT NULL,
	"min_lat" double precision NOT NULL,
	"max_lng" double precision NOT NULL,
	"max_lat" double precision NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "district_boundaries_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "grid_cells" (
	"tenant_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"code" text NOT NULL,
	"name" text NOT NULL,
	"level" integer DEFAULT 1 NOT NULL,
	"unit_id" uuid,
	"leader_user_id" uuid,
	"geometry" jsonb NOT NULL,
	"min_lng" double precision NOT NULL,
	"min_lat" double precision NOT NULL,
	"max_lng" double precision NOT NULL,
	"max_lat" double precision NOT NULL,
	"area_m2" double precision NOT NULL,
	"source_crs" text DEFAULT 'wgs84' NOT NULL,
	"is_demo" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "grid_cells_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "grid_cells_source_crs_ck" CHECK ("grid_cells"."source_crs" in ('wgs84','gcj02','bd09'))
);
--> statement-breakpoint
CREATE TABLE "grid_imports" (
	"tenant_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"file_name" text,
	"crs" text NOT NULL,
	"status" text NOT NULL,
	"features" integer NOT NULL,
	"imported" integer NOT NULL,
	"report" jsonb NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "grid_imports_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "grid_imports_status_ck" CHECK ("grid_imports"."status" in ('dry_run','rejected','imported'))
);
--> statement-breakpoint
CREATE TABLE "grid_members" (
	"tenant_id" uuid NOT NULL,
	"grid_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	CONSTRAINT "grid_members_tenant_id_grid_id_user_id_pk" PRIMARY KEY("tenant_id","grid_id","user_id")
);
--> statement-breakpoint
CREATE TABLE "categories" (
	"tenant_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"code" text NOT NULL,
	"parent_id" uuid,
	"name" text NOT NULL,
	"kind" text NOT NULL,
	"sort_order" integer DEFAULT 0 NOT NULL,
	"is_active" boolean DEFAULT true NOT NULL,
	"current_version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "categories_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "categories_kind_ck" CHECK ("categories"."kind" in ('event','component','campaign'))
);
--> statement-breakpoint
CREATE TABLE "category_versions" (
	"tenant_id" uuid NOT NULL,
	"category_id" uuid NOT NULL,
	"version" integer NOT NULL,
	"lead_hq_id" uuid,
	"lead_unit_id" uuid,
	"time_limits" jsonb NOT NULL,
	"register_condition" text DEFAULT '' NOT NULL,
	"close_condition" text DEFAULT '' NOT NULL,
	"evidence" jsonb NOT NULL,
	"deductions" jsonb NOT NULL,
	"note" text,
	"created_by" uuid,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "category_versions_tenant_id_category_id_version_pk" PRIMARY KEY("tenant_id","category_id","version")
);
--> statement-breakpoint
CREATE TABLE "responsibility_rules" (
	"tenant_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"category_id" uuid,
	"industry" text,
	"area_kind" text NOT NULL,
	"area_id" uuid,
	"level" text,
	"unit_id" uuid NOT NULL,
	"user_id" uuid,
	"note" text,
	"created_by" uuid,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "responsibility_rules_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "responsibility_rules_key_uq" UNIQUE NULLS NOT DISTINCT("tenant_id","category_id","industry","area_kind","area_id","level"),
	CONSTRAINT "responsibility_rules_area_ck" CHECK (("responsibility_rules"."area_kind" = 'tenant') = ("responsibility_rules"."area_id" is null) and "responsibility_rules"."area_kind" in ('tenant','subdistrict','community','grid'))
);
--> statement-breakpoint
ALTER TABLE "hq_leaders" ADD CONSTRAINT "hq_leaders_hq_fk" FOREIGN KEY ("tenant_id","hq_id") REFERENCES "public"."org_units"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "hq_leaders" ADD CONSTRAINT "hq_leaders_user_fk" FOREIGN KEY ("tenant_id","user_id") REFERENCES "public"."users"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "grid_cells" ADD CONSTRAINT "grid_cells_unit_fk" FOREIGN KEY ("tenant_id","unit_id") REFERENCES "public"."org_units"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "grid_cells" ADD CONSTRAINT "grid_cells_leader_fk" FOREIGN KEY ("tenant_id","leader_user_id") REFERENCES "public"."users"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "grid_members" ADD CONSTRAINT "grid_members_grid_fk" FOREIGN KEY ("tenant_id","grid_id") REFERENCES "public"."grid_cells"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "grid_members" ADD CONSTRAINT "grid_members_user_fk" FOREIGN KEY ("tenant_id","user_id") REFERENCES "public"."users"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "categories" ADD CONSTRAINT "categories_parent_fk" FOREIGN KEY ("tenant_id","parent_id") REFERENCES "public"."categories"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "category_versions" ADD CONSTRAINT "category_versions_category_fk" FOREIGN KEY ("tenant_id","category_id") REFERENCES "public"."categories"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "category_versions" ADD CONSTRAINT "category_versions_hq_fk" FOREIGN KEY ("tenant_id","lead_hq_id") REFERENCES "public"."org_units"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "category_versions" ADD CONSTRAINT "category_versions_unit_fk" FOREIGN KEY ("tenant_id","lead_unit_id") REFERENCES "public"."org_units"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "category_versions" ADD CONSTRAINT "category_versions_user_fk" FOREIGN KEY ("tenant_id","created_by") REFERENCES "public"."users"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "responsibility_rules" ADD CONSTRAINT "responsibility_rules_category_fk" FOREIGN KEY ("tenant_id","category_id") REFERENCES "public"."categories"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "responsibility_rules" ADD CONSTRAINT "responsibility_rules_unit_fk" FOREIGN KEY ("tenant_id","unit_id") REFERENCES "public"."org_units"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "responsibility_rules" ADD CONSTRAINT "responsibility_rules_user_fk" FOREIGN KEY ("tenant_id","user_id") REFERENCES "public"."users"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "grid_cells_code_uq" ON "grid_cells" USING btree ("tenant_id","code");--> statement-breakpoint
CREATE INDEX "grid_cells_unit_idx" ON "grid_cells" USING btree ("tenant_id","unit_id");--> statement-breakpoint
CREATE INDEX "grid_members_user_idx" ON "grid_members" USING btree ("tenant_id","user_id");--> statement-breakpoint
CREATE UNIQUE INDEX "categories_code_uq" ON "categories" USING btree ("tenant_id","code");