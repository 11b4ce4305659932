CREATE TABLE "dead_letters" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"queue" text NOT NULL,
	"job_id" text NOT NULL,
	"job_name" text NOT NULL,
	"data" jsonb NOT NULL,
	"opts" jsonb NOT NULL,
	"error" jsonb NOT NULL,
	"fingerprint" text NOT NULL,
	"attempts_made" integer NOT NULL,
	"finished_on" bigint NOT NULL,
	"failed_at" timestamp with time zone NOT NULL,
	"recorded_by" text NOT NULL,
	"status" text DEFAULT 'dead' NOT NULL,
	"replayed_at" timestamp with time zone,
	"replay_job_id" text,
	"discarded_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "outbox" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"queue" text NOT NULL,
	"job_id" text NOT NULL,
	"job_name" text NOT NULL,
	"data" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"relayed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE UNIQUE INDEX "dead_letters_job_uq" ON "dead_letters" USING btree ("queue","job_id","finished_on");--> statement-breakpoint
CREATE INDEX "dead_letters_queue_failed_idx" ON "dead_letters" USING btree ("queue","failed_at");--> statement-breakpoint
CREATE INDEX "dead_letters_fingerprint_idx" ON "dead_letters" USING btree ("fingerprint");--> statement-breakpoint
CREATE INDEX "dead_letters_status_idx" ON "dead_letters" USING btree ("status","failed_at");--> statement-breakpoint
CREATE UNIQUE INDEX "outbox_job_uq" ON "outbox" USING btree ("queue","job_id");--> statement-breakpoint
CREATE INDEX "outbox_pending_idx" ON "outbox" USING btree ("id") WHERE relayed_at IS NULL;