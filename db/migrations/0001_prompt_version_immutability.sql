-- Prompt versions are immutable once out of draft (P3). Deployments, exposures, events and stats
-- point at version ids and must keep meaning the same prompt, so the database refuses, whatever
-- code path tries it, to change the body of a version that left draft or to send it back to draft.
-- Status may still move (testing → production → archived); workspace_id may still follow its
-- prompt (ON UPDATE CASCADE) and created_by_id may still be nulled when a user is erased.
-- Violations raise SQLSTATE 23514 (check_violation) naming the constraint
-- "prompt_versions_immutable", which the API maps to 409.
CREATE FUNCTION "prompt_versions_guard_immutable"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF NEW."status" = 'draft' THEN
    RAISE EXCEPTION 'prompt version % cannot return to draft', OLD."id"
      USING ERRCODE = 'check_violation', CONSTRAINT = 'prompt_versions_immutable';
  END IF;
  IF (NEW."prompt_id", NEW."version_number", NEW."kind", NEW."content", NEW."messages",
      NEW."variables", NEW."model_config", NEW."changelog")
     IS DISTINCT FROM
     (OLD."prompt_id", OLD."version_number", OLD."kind", OLD."content", OLD."messages",
      OLD."variables", OLD."model_config", OLD."changelog") THEN
    RAISE EXCEPTION 'prompt version % is % and can no longer be edited', OLD."id", OLD."status"
      USING ERRCODE = 'check_violation', CONSTRAINT = 'prompt_versions_immutable';
  END IF;
  RETURN NEW;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER "prompt_versions_immutable"
BEFORE UPDATE ON "prompt_versions"
FOR EACH ROW
WHEN (OLD."status" <> 'draft')
EXECUTE FUNCTION "prompt_versions_guard_immutable"();
