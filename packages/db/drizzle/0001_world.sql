CREATE TABLE "auctions" (
	"id" serial PRIMARY KEY NOT NULL,
	"seller_id" integer NOT NULL,
	"item" text NOT NULL,
	"quantity" integer NOT NULL,
	"ends_at" timestamp with time zone NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"winner_id" integer,
	"winning_bid_id" bigint,
	"price" bigint,
	"fee" bigint,
	"settled_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "bids" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"auction_id" integer NOT NULL,
	"bidder_id" integer NOT NULL,
	"amount" bigint NOT NULL,
	"status" text DEFAULT 'held' NOT NULL,
	"placed_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "bounties" (
	"id" serial PRIMARY KEY NOT NULL,
	"poster_id" integer NOT NULL,
	"target_id" integer NOT NULL,
	"reward" bigint NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"closed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "characters" (
	"id" serial PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"faction_id" integer,
	"territory_id" integer NOT NULL,
	"gold" bigint NOT NULL,
	CONSTRAINT "characters_gold_nonnegative" CHECK ("characters"."gold" >= 0)
);
--> statement-breakpoint
CREATE TABLE "factions" (
	"id" serial PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"leader_id" integer,
	"treasury" bigint DEFAULT 0 NOT NULL,
	"influence" integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "gold_accounts" (
	"account" text PRIMARY KEY NOT NULL,
	"balance" bigint DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "gossip" (
	"id" serial PRIMARY KEY NOT NULL,
	"territory_id" integer NOT NULL,
	"body" text NOT NULL,
	"heat" integer NOT NULL,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "gossip_knowers" (
	"gossip_id" integer NOT NULL,
	"character_id" integer NOT NULL,
	"territory_id" integer NOT NULL,
	"learned_at" timestamp with time zone NOT NULL,
	CONSTRAINT "gossip_knowers_gossip_id_character_id_pk" PRIMARY KEY("gossip_id","character_id")
);
--> statement-breakpoint
CREATE TABLE "inventories" (
	"character_id" integer NOT NULL,
	"item" text NOT NULL,
	"quantity" bigint NOT NULL,
	CONSTRAINT "inventories_character_id_item_pk" PRIMARY KEY("character_id","item")
);
--> statement-breakpoint
CREATE TABLE "leaderboard" (
	"character_id" integer PRIMARY KEY NOT NULL,
	"rank" integer NOT NULL,
	"score" bigint NOT NULL,
	"refreshed_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "notifications" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"character_id" integer NOT NULL,
	"kind" text NOT NULL,
	"body" text NOT NULL,
	"dedupe_key" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"delivered_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "period_ledger" (
	"job" text NOT NULL,
	"period" text NOT NULL,
	"scope" text DEFAULT '' NOT NULL,
	"done_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "period_ledger_job_period_scope_pk" PRIMARY KEY("job","period","scope")
);
--> statement-breakpoint
CREATE TABLE "price_buckets" (
	"item" text NOT NULL,
	"bucket_start" timestamp with time zone NOT NULL,
	"trades" integer NOT NULL,
	"volume" bigint NOT NULL,
	"low" integer NOT NULL,
	"high" integer NOT NULL,
	"average" integer NOT NULL,
	CONSTRAINT "price_buckets_item_bucket_start_pk" PRIMARY KEY("item","bucket_start")
);
--> statement-breakpoint
CREATE TABLE "properties" (
	"id" serial PRIMARY KEY NOT NULL,
	"owner_id" integer,
	"territory_id" integer NOT NULL,
	"kind" text NOT NULL,
	"value" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "tax_bills" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"property_id" integer NOT NULL,
	"owner_id" integer NOT NULL,
	"period" text NOT NULL,
	"amount" bigint NOT NULL,
	"penalty" bigint DEFAULT 0 NOT NULL,
	"status" text DEFAULT 'unpaid' NOT NULL,
	"due_at" timestamp with time zone NOT NULL,
	"paid_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "territories" (
	"id" serial PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"faction_id" integer NOT NULL,
	"income_per_hour" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "territory_payouts" (
	"territory_id" integer NOT NULL,
	"hour" timestamp with time zone NOT NULL,
	"faction_id" integer NOT NULL,
	"amount" bigint NOT NULL,
	CONSTRAINT "territory_payouts_territory_id_hour_pk" PRIMARY KEY("territory_id","hour")
);
--> statement-breakpoint
CREATE TABLE "trades" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"item" text NOT NULL,
	"price" integer NOT NULL,
	"quantity" integer NOT NULL,
	"buyer_id" integer NOT NULL,
	"seller_id" integer NOT NULL,
	"traded_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "wage_payments" (
	"worker_id" integer NOT NULL,
	"day" text NOT NULL,
	"owner_id" integer NOT NULL,
	"amount" bigint NOT NULL,
	CONSTRAINT "wage_payments_worker_id_day_pk" PRIMARY KEY("worker_id","day")
);
--> statement-breakpoint
CREATE TABLE "wars" (
	"id" serial PRIMARY KEY NOT NULL,
	"attacker_id" integer NOT NULL,
	"defender_id" integer NOT NULL,
	"territory_id" integer NOT NULL,
	"attacker_score" integer NOT NULL,
	"defender_score" integer NOT NULL,
	"ends_at" timestamp with time zone NOT NULL,
	"status" text DEFAULT 'active' NOT NULL,
	"winner_id" integer,
	"resolved_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "workers" (
	"id" serial PRIMARY KEY NOT NULL,
	"property_id" integer NOT NULL,
	"health" integer NOT NULL,
	"wage" integer NOT NULL,
	"status" text DEFAULT 'working' NOT NULL,
	CONSTRAINT "workers_health_range" CHECK ("workers"."health" BETWEEN 0 AND 100)
);
--> statement-breakpoint
CREATE TABLE "world_events" (
	"id" serial PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"starts_at" timestamp with time zone NOT NULL,
	"ends_at" timestamp with time zone NOT NULL,
	"status" text DEFAULT 'scheduled' NOT NULL,
	"started_at" timestamp with time zone,
	"ended_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "auctions" ADD CONSTRAINT "auctions_seller_id_characters_id_fk" FOREIGN KEY ("seller_id") REFERENCES "public"."characters"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "auctions" ADD CONSTRAINT "auctions_winner_id_characters_id_fk" FOREIGN KEY ("winner_id") REFERENCES "public"."characters"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bids" ADD CONSTRAINT "bids_auction_id_auctions_id_fk" FOREIGN KEY ("auction_id") REFERENCES "public"."auctions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bids" ADD CONSTRAINT "bids_bidder_id_characters_id_fk" FOREIGN KEY ("bidder_id") REFERENCES "public"."characters"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bounties" ADD CONSTRAINT "bounties_poster_id_characters_id_fk" FOREIGN KEY ("poster_id") REFERENCES "public"."characters"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bounties" ADD CONSTRAINT "bounties_target_id_characters_id_fk" FOREIGN KEY ("target_id") REFERENCES "public"."characters"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "characters" ADD CONSTRAINT "characters_faction_id_factions_id_fk" FOREIGN KEY ("faction_id") REFERENCES "public"."factions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "characters" ADD CONSTRAINT "characters_territory_id_territories_id_fk" FOREIGN KEY ("territory_id") REFERENCES "public"."territories"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "gossip" ADD CONSTRAINT "gossip_territory_id_territories_id_fk" FOREIGN KEY ("territory_id") REFERENCES "public"."territories"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "gossip_knowers" ADD CONSTRAINT "gossip_knowers_gossip_id_gossip_id_fk" FOREIGN KEY ("gossip_id") REFERENCES "public"."gossip"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "gossip_knowers" ADD CONSTRAINT "gossip_knowers_character_id_characters_id_fk" FOREIGN KEY ("character_id") REFERENCES "public"."characters"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "inventories" ADD CONSTRAINT "inventories_character_id_characters_id_fk" FOREIGN KEY ("character_id") REFERENCES "public"."characters"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "leaderboard" ADD CONSTRAINT "leaderboard_character_id_characters_id_fk" FOREIGN KEY ("character_id") REFERENCES "public"."characters"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_character_id_characters_id_fk" FOREIGN KEY ("character_id") REFERENCES "public"."characters"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "properties" ADD CONSTRAINT "properties_owner_id_characters_id_fk" FOREIGN KEY ("owner_id") REFERENCES "public"."characters"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "properties" ADD CONSTRAINT "properties_territory_id_territories_id_fk" FOREIGN KEY ("territory_id") REFERENCES "public"."territories"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tax_bills" ADD CONSTRAINT "tax_bills_property_id_properties_id_fk" FOREIGN KEY ("property_id") REFERENCES "public"."properties"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tax_bills" ADD CONSTRAINT "tax_bills_owner_id_characters_id_fk" FOREIGN KEY ("owner_id") REFERENCES "public"."characters"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "territories" ADD CONSTRAINT "territories_faction_id_factions_id_fk" FOREIGN KEY ("faction_id") REFERENCES "public"."factions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "territory_payouts" ADD CONSTRAINT "territory_payouts_territory_id_territories_id_fk" FOREIGN KEY ("territory_id") REFERENCES "public"."territories"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "wage_payments" ADD CONSTRAINT "wage_payments_worker_id_workers_id_fk" FOREIGN KEY ("worker_id") REFERENCES "public"."workers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "wars" ADD CONSTRAINT "wars_attacker_id_factions_id_fk" FOREIGN KEY ("attacker_id") REFERENCES "public"."factions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "wars" ADD CONSTRAINT "wars_defender_id_factions_id_fk" FOREIGN KEY ("defender_id") REFERENCES "public"."factions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "wars" ADD CONSTRAINT "wars_territory_id_territories_id_fk" FOREIGN KEY ("territory_id") REFERENCES "public"."territories"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "wars" ADD CONSTRAINT "wars_winner_id_factions_id_fk" FOREIGN KEY ("winner_id") REFERENCES "public"."factions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "workers" ADD CONSTRAINT "workers_property_id_properties_id_fk" FOREIGN KEY ("property_id") REFERENCES "public"."properties"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "auctions_open_due_idx" ON "auctions" USING btree ("ends_at","id") WHERE status = 'open';--> statement-breakpoint
CREATE INDEX "bids_auction_idx" ON "bids" USING btree ("auction_id","status");--> statement-breakpoint
CREATE INDEX "bounties_open_due_idx" ON "bounties" USING btree ("expires_at") WHERE status = 'open';--> statement-breakpoint
CREATE INDEX "characters_territory_idx" ON "characters" USING btree ("territory_id");--> statement-breakpoint
CREATE INDEX "gossip_heat_idx" ON "gossip" USING btree ("heat");--> statement-breakpoint
CREATE INDEX "gossip_created_idx" ON "gossip" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "gossip_knowers_spread_idx" ON "gossip_knowers" USING btree ("gossip_id","territory_id","learned_at");--> statement-breakpoint
CREATE INDEX "gossip_knowers_character_idx" ON "gossip_knowers" USING btree ("character_id");--> statement-breakpoint
CREATE INDEX "leaderboard_rank_idx" ON "leaderboard" USING btree ("rank");--> statement-breakpoint
CREATE UNIQUE INDEX "notifications_dedupe_uq" ON "notifications" USING btree ("dedupe_key");--> statement-breakpoint
CREATE INDEX "notifications_created_idx" ON "notifications" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "price_buckets_start_idx" ON "price_buckets" USING btree ("bucket_start");--> statement-breakpoint
CREATE INDEX "properties_owner_idx" ON "properties" USING btree ("owner_id");--> statement-breakpoint
CREATE INDEX "properties_territory_idx" ON "properties" USING btree ("territory_id");--> statement-breakpoint
CREATE UNIQUE INDEX "tax_bills_property_period_uq" ON "tax_bills" USING btree ("property_id","period");--> statement-breakpoint
CREATE INDEX "tax_bills_overdue_idx" ON "tax_bills" USING btree ("due_at") WHERE status = 'unpaid';--> statement-breakpoint
CREATE INDEX "tax_bills_owner_idx" ON "tax_bills" USING btree ("owner_id");--> statement-breakpoint
CREATE INDEX "territories_faction_idx" ON "territories" USING btree ("faction_id");--> statement-breakpoint
CREATE INDEX "trades_traded_at_idx" ON "trades" USING btree ("traded_at");--> statement-breakpoint
CREATE INDEX "wars_active_due_idx" ON "wars" USING btree ("ends_at") WHERE status = 'active';--> statement-breakpoint
CREATE INDEX "workers_property_idx" ON "workers" USING btree ("property_id");--> statement-breakpoint
CREATE INDEX "world_events_status_idx" ON "world_events" USING btree ("status","starts_at");