/**
 * The access log's table, for each service's migration. Append-only by trigger: no UPDATE, no
 * TRUNCATE, and a DELETE only of rows past the retention the pruning transaction declares
 * (`SET LOCAL ordo.access_log_retention_days`), so neither a bug nor a stray statement can rewrite
 * who saw which patient. The trigger holds for every database user, the owner included.
 */
export const ACCESS_LOG_SCHEMA = [
  `CREATE TABLE access_log (
     id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
     at                timestamptz NOT NULL DEFAULT now(),
     action            text NOT NULL,
     prescription_id   char(18),
     patient_pseudonym text,
     actor_role        text NOT NULL,
     actor_subject     text NOT NULL,
     actor_rpps        char(11),
     actor_finess      char(9),
     client_address    text,
     outcome_status    smallint NOT NULL,
     outcome_code      text
   )`,
  `CREATE INDEX access_log_by_prescription ON access_log (prescription_id, at)`,
  `CREATE INDEX access_log_by_patient ON access_log (patient_pseudonym, at)`,
  `CREATE INDEX access_log_by_time ON access_log (at)`,
  `CREATE FUNCTION access_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
   DECLARE
     keep text := current_setting('ordo.access_log_retention_days', true);
   BEGIN
     IF TG_OP = 'DELETE' AND coalesce(keep, '') <> '' AND OLD.at < now() - make_interval(days => keep::int) THEN
       RETURN OLD;
     END IF;
     RAISE EXCEPTION 'access_log is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
   END $$`,
  `CREATE TRIGGER access_log_append_only BEFORE UPDATE OR DELETE ON access_log FOR EACH ROW EXECUTE FUNCTION access_log_append_only()`,
  `CREATE TRIGGER access_log_no_truncate BEFORE TRUNCATE ON access_log FOR EACH STATEMENT EXECUTE FUNCTION access_log_append_only()`,
];

export const DROP_ACCESS_LOG_SCHEMA = ['DROP TABLE access_log', 'DROP FUNCTION access_log_append_only()'];
