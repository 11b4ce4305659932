-- When each console user last signed in, for the accounts page (null: never since this column exists).
ALTER TABLE "ops_users" ADD COLUMN "last_sign_in_at" timestamp with time zone;
