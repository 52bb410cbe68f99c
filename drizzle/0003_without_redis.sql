CREATE TABLE "event_payloads" (
	"id" uuid PRIMARY KEY NOT NULL,
	"payload" text NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "rate_limits" (
	"key" varchar(255) PRIMARY KEY NOT NULL,
	"points" integer DEFAULT 0 NOT NULL,
	"expire" bigint
);
--> statement-breakpoint
CREATE TABLE "target_slots" (
	"target" text NOT NULL,
	"holder" text NOT NULL,
	"expires_at" timestamp (3) with time zone NOT NULL,
	CONSTRAINT "target_slots_target_holder_pk" PRIMARY KEY("target","holder")
);
--> statement-breakpoint
CREATE INDEX "event_payloads_created_at_idx" ON "event_payloads" USING btree ("created_at");