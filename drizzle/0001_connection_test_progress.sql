ALTER TABLE "connection_tests" ADD COLUMN "revision" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "connection_tests" ADD COLUMN "attempts" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE INDEX "connection_tests_open_idx" ON "connection_tests" USING btree ("queued_at") WHERE "connection_tests"."status" IN ('QUEUED', 'RUNNING');