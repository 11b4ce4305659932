-- Outbox rows the relay could not enqueue are marked, not retried forever, and relayed rows are pruned
-- by age: see relayOutbox and pruneOutbox in @bullpen/jobs.
ALTER TABLE "outbox" ADD COLUMN "relay_error" text;--> statement-breakpoint
ALTER TABLE "outbox" ADD COLUMN "relay_failed_at" timestamp with time zone;--> statement-breakpoint
DROP INDEX IF EXISTS "outbox_pending_idx";--> statement-breakpoint
CREATE INDEX "outbox_pending_idx" ON "outbox" USING btree ("queue","id") WHERE relayed_at IS NULL AND relay_failed_at IS NULL;--> statement-breakpoint
CREATE INDEX "outbox_relayed_idx" ON "outbox" USING btree ("relayed_at") WHERE relayed_at IS NOT NULL;--> statement-breakpoint
-- A dead letter whose job an operator retried in BullMQ (API or Bull Board) is marked, so it cannot be replayed too.
ALTER TABLE "dead_letters" ADD COLUMN "retried_at" timestamp with time zone;
