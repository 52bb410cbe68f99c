CREATE TABLE "audit_events" (
	"id" uuid PRIMARY KEY NOT NULL,
	"at" timestamp (3) with time zone NOT NULL,
	"actor" text NOT NULL,
	"action" text NOT NULL,
	"data_source_id" uuid,
	"test_id" uuid,
	"changed_fields" text[] NOT NULL,
	"request_id" text NOT NULL,
	"client_address" text NOT NULL
);
--> statement-breakpoint
CREATE INDEX "audit_events_at_idx" ON "audit_events" USING btree ("at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "audit_events_data_source_idx" ON "audit_events" USING btree ("data_source_id","at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "audit_events_actor_idx" ON "audit_events" USING btree ("actor","at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "connection_tests_draft_password_idx" ON "connection_tests" USING btree ("finished_at") WHERE "connection_tests"."draft_password_ciphertext" IS NOT NULL;--> statement-breakpoint
CREATE INDEX "connection_tests_finished_at_idx" ON "connection_tests" USING btree ("finished_at");