CREATE TABLE "config_stamps" (
	"tenant_id" uuid PRIMARY KEY NOT NULL,
	"stamp" bigint NOT NULL
);
--> statement-breakpoint
-- Bump the stamp of every tenant a statement touched. Statement-level triggers with transition
-- tables: one UPDATE per statement, not per row, so a 5,000-row import costs one bump.
CREATE FUNCTION config_stamps_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    INSERT INTO config_stamps (tenant_id, stamp)
      SELECT DISTINCT tenant_id, 1 FROM old_rows
      ON CONFLICT (tenant_id) DO UPDATE SET stamp = config_stamps.stamp + 1;
  ELSE
    INSERT INTO config_stamps (tenant_id, stamp)
      SELECT DISTINCT tenant_id, 1 FROM new_rows
      ON CONFLICT (tenant_id) DO UPDATE SET stamp = config_stamps.stamp + 1;
  END IF;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['categories', 'category_versions', 'responsibility_rules', 'org_units', 'hq_members',
    'hq_leaders', 'users', 'grid_cells', 'grid_members', 'calendar_settings', 'calendar_days'] LOOP
    EXECUTE format('CREATE TRIGGER %I AFTER INSERT ON %I REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION config_stamps_bump()', t || '_stamp_ins', t);
    EXECUTE format('CREATE TRIGGER %I AFTER UPDATE ON %I REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION config_stamps_bump()', t || '_stamp_upd', t);
    EXECUTE format('CREATE TRIGGER %I AFTER DELETE ON %I REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION config_stamps_bump()', t || '_stamp_del', t);
  END LOOP;
END;
$$;
