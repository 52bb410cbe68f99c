CREATE TYPE "public"."connection_status" AS ENUM('UNTESTED', 'TESTING', 'PASSED', 'FAILED');--> statement-breakpoint
CREATE TYPE "public"."data_source_type" AS ENUM('POSTGRESQL');--> statement-breakpoint
CREATE TYPE "public"."database_attribute" AS ENUM('PRIMARY', 'PRIMARY_STANDBY', 'STANDBY');--> statement-breakpoint
CREATE TYPE "public"."heartbeat_state" AS ENUM('DISABLED', 'PENDING', 'INSTALLING', 'ACTIVE', 'DEGRADED', 'FAILED');--> statement-breakpoint
CREATE TYPE "public"."ssl_mode" AS ENUM('DISABLE', 'PREFER', 'REQUIRE', 'VERIFY_CA', 'VERIFY_FULL');--> statement-breakpoint
CREATE TYPE "public"."test_status" AS ENUM('QUEUED', 'RUNNING', 'PASSED', 'FAILED');--> statement-breakpoint
CREATE TABLE "data_sources" (
	"id" uuid PRIMARY KEY NOT NULL,
	"identifier" text NOT NULL,
	"type" "data_source_type" NOT NULL,
	"region" text,
	"database_attribute" "database_attribute" NOT NULL,
	"host" text NOT NULL,
	"port" integer NOT NULL,
	"standby_host" text,
	"standby_port" integer,
	"username" text NOT NULL,
	"password_ciphertext" text NOT NULL,
	"password_key_id" text NOT NULL,
	"database_name" text NOT NULL,
	"schema_name" text,
	"remarks" text,
	"ssl_mode" "ssl_mode" NOT NULL,
	"heartbeat_enabled" boolean NOT NULL,
	"heartbeat_state" "heartbeat_state" NOT NULL,
	"heartbeat_last_beat_at" timestamp (3) with time zone,
	"heartbeat_last_error" text,
	"heartbeat_replication_lag_seconds" double precision,
	"connection_status" "connection_status" NOT NULL,
	"last_test_id" uuid,
	"version" integer NOT NULL,
	"created_at" timestamp (3) with time zone NOT NULL,
	"updated_at" timestamp (3) with time zone NOT NULL,
	CONSTRAINT "data_sources_standby_check" CHECK (("data_sources"."database_attribute" = 'PRIMARY_STANDBY') = ("data_sources"."standby_host" IS NOT NULL AND "data_sources"."standby_port" IS NOT NULL))
);
--> statement-breakpoint
CREATE TABLE "connection_tests" (
	"id" uuid PRIMARY KEY NOT NULL,
	"data_source_id" uuid,
	"status" "test_status" NOT NULL,
	"checks" jsonb NOT NULL,
	"error_code" text,
	"message" text,
	"server" jsonb,
	"standby_server" jsonb,
	"draft" jsonb,
	"draft_password_ciphertext" text,
	"draft_password_key_id" text,
	"queued_at" timestamp (3) with time zone NOT NULL,
	"started_at" timestamp (3) with time zone,
	"finished_at" timestamp (3) with time zone,
	"duration_ms" double precision
);
--> statement-breakpoint
ALTER TABLE "connection_tests" ADD CONSTRAINT "connection_tests_data_source_id_data_sources_id_fk" FOREIGN KEY ("data_source_id") REFERENCES "public"."data_sources"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "data_sources_identifier_key" ON "data_sources" USING btree (lower("identifier"));--> statement-breakpoint
CREATE INDEX "data_sources_created_at_id_idx" ON "data_sources" USING btree ("created_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "connection_tests_data_source_idx" ON "connection_tests" USING btree ("data_source_id","queued_at" DESC NULLS LAST,"id" DESC NULLS LAST);