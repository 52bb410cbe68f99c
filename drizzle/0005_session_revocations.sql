CREATE TABLE "session_revocations" (
	"sid" text PRIMARY KEY NOT NULL,
	"expires_at" timestamp (3) with time zone NOT NULL
);
--> statement-breakpoint
CREATE INDEX "session_revocations_expires_at_idx" ON "session_revocations" USING btree ("expires_at");